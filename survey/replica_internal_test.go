package survey

import (
	"fmt"
	"testing"
	"time"
)

func TestParseLSN(t *testing.T) {
	for _, c := range []struct {
		in   string
		want uint64
		ok   bool
	}{
		{"0/3016038", 0x3016038, true}, {"16/B374D848", 0x16<<32 | 0xB374D848, true}, {"FFFFFFFF/FFFFFFFF", 1<<64 - 1, true},
		{"", 0, false}, {"3016038", 0, false}, {"0/", 0, false}, {"/1", 0, false}, {"1/2/3", 0, false},
		{"100000000/0", 0, false}, {"-1/0", 0, false}, {"g/0", 0, false},
	} {
		got, err := parseLSN(c.in)
		if (err == nil) != c.ok || got != c.want {
			t.Errorf("parseLSN(%q) = %x, %v; want %x ok=%v", c.in, got, err, c.want, c.ok)
		}
	}
}

func FuzzParseLSN(f *testing.F) {
	for _, s := range []string{"0/3016038", "16/B374D848", "", "0/", "1/2/3", "FFFFFFFF/FFFFFFFF", " 1/2"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		v, err := parseLSN(s)
		if err != nil {
			return
		}
		// What it accepts reads back the same as PostgreSQL prints it.
		if again, err := parseLSN(fmt.Sprintf("%X/%X", v>>32, v&0xFFFFFFFF)); err != nil || again != v {
			t.Fatalf("%q → %x → %x, %v", s, v, again, err)
		}
	})
}

// TestReplicaObserve: the confirmed position is the newest primary position the replica has replayed; the lag
// counts from when it was read, never from a later one.
func TestReplicaObserve(t *testing.T) {
	t0 := time.Now()
	at := func(s int) time.Time { return t0.Add(time.Duration(s) * time.Second) }
	r := &replica{watchStart: t0}
	if !r.origin().Equal(t0) {
		t.Fatal("before any confirmation the lag counts from the start of watching")
	}
	r.pending = []lsnSample{{at(1), 100}, {at(2), 200}, {at(3), 300}}
	r.observe(99, at(70))
	if !r.confirmed.at.IsZero() || len(r.pending) != 3 {
		t.Fatalf("replayed less than any position: %+v", r)
	}
	r.observe(250, at(70)) // holds the primary as of 2 s, not yet as of 3 s
	if !r.origin().Equal(at(2)) || len(r.pending) != 1 {
		t.Fatalf("after 250: origin %v, pending %v", r.origin().Sub(t0), r.pending)
	}
	r.observe(300, at(70))
	if !r.origin().Equal(at(3)) || len(r.pending) != 0 {
		t.Fatalf("after 300: origin %v", r.origin().Sub(t0))
	}
	// An idle primary: the same position again is confirmed at once (lag 0, not the time since the last write).
	r.pending = append(r.pending, lsnSample{at(60), 300})
	r.observe(300, at(70))
	if !r.origin().Equal(at(60)) {
		t.Fatalf("idle primary: origin %v, want 60 s", r.origin().Sub(t0))
	}
	// A replica that replayed less than before is another one: nothing is known of it.
	r.pending = append(r.pending, lsnSample{at(61), 400})
	r.observe(50, at(70))
	if !r.confirmed.at.IsZero() || !r.origin().Equal(at(70)) {
		t.Fatalf("rebuilt replica: confirmed %+v, origin %v", r.confirmed, r.origin().Sub(t0))
	}
}

func TestCheckEvery(t *testing.T) {
	for lag, want := range map[time.Duration]time.Duration{
		30 * time.Second: 2 * time.Second, time.Second: 250 * time.Millisecond, 24 * time.Hour: 2 * time.Second,
		200 * time.Millisecond: 100 * time.Millisecond,
	} {
		if got := checkEvery(lag); got != want {
			t.Errorf("checkEvery(%v) = %v, want %v", lag, got, want)
		}
	}
}
