package survey

import (
	"testing"
)

// FuzzKioskReport: any heartbeat body either becomes a sound report (version printable ASCII of 1–40 bytes,
// queue 0..1e6, battery 0..100 %) or a contract error; never a panic.
func FuzzKioskReport(f *testing.F) {
	for _, s := range []string{
		`{"version":"1.4.0","queue_length":3}`,
		`{"version":"1.4.0","queue_length":0,"battery_level":0.42,"charging":true}`,
		`{"version":"1","battery_level":1}`,
		`{"version":"1","battery_level":-0.1}`,
		`{"version":"1","battery_level":1e309}`,
		`{"version":"1","battery_level":"0.5"}`,
		`{"version":"1","charging":"yes"}`,
		`{"version":"1","online":true}`,
		`{"version":"","queue_length":-1}`,
		`{"version":"1.0ə"}`,
		`[]`, `null`, `{`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var r KioskReport
		err := DecodeJSON(body, &r)
		var pct *int
		if err == nil {
			r, pct, err = r.Check()
		}
		if err != nil {
			checkContractError(t, err)
			return
		}
		if r.Version == "" || len(r.Version) > maxAppVersionLen || r.QueueLength < 0 || r.QueueLength > maxQueueLen {
			t.Fatalf("accepted a bad report: %+v", r)
		}
		if (pct == nil) != (r.BatteryLevel == nil) || (pct != nil && (*pct < 0 || *pct > 100)) {
			t.Fatalf("battery %v → %v", r.BatteryLevel, pct)
		}
	})
}
