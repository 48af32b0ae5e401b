package web

import (
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey/figures"
	"github.com/qiymet/qiymet/web/i18n"
)

// Every kind of signal gets its own shape in the drawing, a legend entry and a sentence in words; the
// year is written wherever it changes.
func TestControlView(t *testing.T) {
	sig := func(s string) *string { return &s }
	c := &figures.Control{Agency: "migration", CL: 80, Sigma: 10, Points: []figures.ControlPoint{
		{Month: "2024-11", Index: 80, N: 50, LCL: 75.76, UCL: 84.24},
		{Month: "2024-12", Index: 86, N: 50, LCL: 75.76, UCL: 84.24, Signal: sig("above")},
		{Month: "2025-03", Index: 74, N: 50, LCL: 75.76, UCL: 84.24, Signal: sig("below")},
		{Month: "2025-04", Index: 81, N: 50, LCL: 75.76, UCL: 84.24, Signal: sig("run_above")},
	}}
	for _, lang := range []string{"az", "en", "ru"} {
		v := &view{Lang: lang}
		cv := v.control("Qurum", c)
		svg := string(cv.Chart)
		for _, shape := range []string{`class="sig-above"`, `class="sig-below"`, `class="sig-run"`, `class="pt"`, `class="cl"`, `class="limits"`} {
			if strings.Count(svg, shape) != 1 {
				t.Errorf("%s: %s drawn %d times", lang, shape, strings.Count(svg, shape))
			}
		}
		if !strings.Contains(svg, ">2024-11<") || !strings.Contains(svg, ">12<") || !strings.Contains(svg, ">2025-03<") {
			t.Errorf("%s: month labels: %s", lang, svg)
		}
		if len(cv.Signals) != 3 || len(cv.Legend) != 6 || len(cv.Rows) != 4 {
			t.Fatalf("%s: %d signals, %d legend entries, %d rows", lang, len(cv.Signals), len(cv.Legend), len(cv.Rows))
		}
		want := v.monthName("2025-03") + ": " + i18n.T(lang, "dash.control.sig.below")
		if !strings.HasPrefix(cv.Signals[1], want) {
			t.Errorf("%s: sentence %q, want it to start %q", lang, cv.Signals[1], want)
		}
	}
	if got := (&view{Lang: "ru"}).monthName("2025-03"); got != "Март 2025" {
		t.Errorf("month name %q", got)
	}
	if (&view{Lang: "en"}).control("x", &figures.Control{}) != nil {
		t.Error("an empty chart should not be drawn")
	}
}

// A change that is not significant is neutral and in words; a significant one keeps its arrow.
func TestChangeDelta(t *testing.T) {
	v := &view{Lang: "en"}
	no, yes, c := false, true, 1.5
	ns := string(v.changeDelta(&c, &no).HTML())
	if !strings.Contains(ns, `class="delta ns"`) || strings.Contains(ns, "▲") || !strings.Contains(ns, `<span class="words">no significant change</span>`) {
		t.Errorf("not significant: %s", ns)
	}
	up := string(v.changeDelta(&c, &yes).HTML())
	if !strings.Contains(up, `class="delta up"`) || !strings.Contains(up, "▲") || !strings.Contains(up, "significant increase") {
		t.Errorf("significant: %s", up)
	}
	if none := string(v.changeDelta(nil, nil).HTML()); !strings.Contains(none, "—") || strings.Contains(none, "▲") {
		t.Errorf("no change: %s", none)
	}
	lo, hi := 1, 3
	if text, label := v.rankInterval(2, &lo, &hi); text != "2 (1–3)" || !strings.Contains(label, "1–3") {
		t.Errorf("rank interval %q %q", text, label)
	}
	if text, _ := v.rankInterval(2, &hi, &hi); text != "2" {
		t.Errorf("a single place %q", text)
	}
}
