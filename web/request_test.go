package web

import (
	"net/url"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
)

func TestPeriodOfErrors(t *testing.T) {
	baku := time.FixedZone("Asia/Baku", 4*3600)
	for _, c := range []struct{ q, field string }{
		{"", "period"}, {"period=2025-Q5", "period"}, {"period=25", "period"}, {"from=2025-01-01", "to"},
		{"to=2025-01-01", "from"}, {"from=2025-02-30&to=2025-03-01", "from"}, {"from=2025-03-01&to=2025-02-01", "to"},
		{"period=2025&from=2025-01-01&to=2025-01-02", "period"},
	} {
		v, _ := url.ParseQuery(c.q)
		_, err := periodOf(v, baku)
		if e, ok := survey.AsError(err); !ok || e.Code != survey.CodeInvalidField || e.Field != c.field {
			t.Errorf("periodOf(%q) = %v, want invalid_field %s", c.q, err, c.field)
		}
	}
	for q, label := range map[string]string{"period=2025-Q3": "2025-Q3", "from=2025-07-01&to=2025-07-31": "2025-07-01..2025-07-31"} {
		v, _ := url.ParseQuery(q)
		if p, err := periodOf(v, baku); err != nil || p.Label != label {
			t.Errorf("periodOf(%q) = %q, %v; want %s", q, p.Label, err, label)
		}
	}
}
