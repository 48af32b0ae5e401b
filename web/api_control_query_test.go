package web

import (
	"net/url"
	"strconv"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// controlQuery takes a month and a whole number of months in range, or names the bad field; never anything
// else, whatever the bytes.
func FuzzControlQuery(f *testing.F) {
	for _, s := range [][2]string{{"2025-07", "24"}, {"9999-99", "6"}, {"2025-Q3", "60"}, {"", ""}, {"2025-7", "+6"},
		{"２０２５-０７", "１２"}, {"2025-07' OR '1'='1", "12 OR 1=1"}, {"2100-12", "99999999999999999999"}, {"2000-01", "006"}} {
		f.Add(s[0], s[1])
	}
	baku := time.FixedZone("Asia/Baku", 4*3600)
	last, err := scoring.ParsePeriod("2025-07", baku)
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, to, months string) {
		q := url.Values{"to": {to}, "months": {months}}
		p, m, err := controlQuery(q, baku, last)
		if err != nil {
			e, ok := survey.AsError(err)
			if !ok || e.Code != survey.CodeInvalidField || (e.Field != "to" && e.Field != "months") {
				t.Fatalf("controlQuery(%q, %q): %v", to, months, err)
			}
			return
		}
		if p.Kind != scoring.Month || p.Label != to || m < 6 || m > 60 {
			t.Fatalf("controlQuery(%q, %q) = %s (%v), %d", to, months, p.Label, p.Kind, m)
		}
		if n, _ := strconv.Atoi(months); n != m {
			t.Fatalf("months %q read as %d", months, m)
		}
	})
}

func TestControlQueryDefaults(t *testing.T) {
	baku := time.FixedZone("Asia/Baku", 4*3600)
	last, _ := scoring.ParsePeriod("2025-07", baku)
	p, m, err := controlQuery(url.Values{}, baku, last)
	if err != nil || p.Label != "2025-07" || m != 24 {
		t.Errorf("defaults: %s %d %v", p.Label, m, err)
	}
	p, m, err = controlQuery(url.Values{"to": {"2024-02"}, "months": {"06"}}, baku, last)
	if err != nil || p.Label != "2024-02" || m != 6 {
		t.Errorf("to=2024-02&months=06: %s %d %v", p.Label, m, err)
	}
}
