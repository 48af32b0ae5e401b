package demo

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"unicode"

	"github.com/qiymet/qiymet/survey"
)

func TestCatalogValidates(t *testing.T) {
	c := Catalog()
	if err := c.Validate(nil); err != nil {
		t.Fatal(err)
	}
	// The catalog must also survive the strict §3 file decoder, so `catalog export` of a demo database
	// can be applied elsewhere.
	b, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	back, err := survey.DecodeCatalog(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	if len(back.Agencies) != len(c.Agencies) || len(back.Surveys) != 2 {
		t.Fatalf("round trip lost entries: %d agencies, %d surveys", len(back.Agencies), len(back.Surveys))
	}
}

func TestCatalogShape(t *testing.T) {
	c := Catalog()
	if len(c.Groups) != 3 {
		t.Errorf("groups: %d, want 3", len(c.Groups))
	}
	if n := len(c.Agencies); n < 20 || n > 25 {
		t.Errorf("agencies: %d, want 20–25", n)
	}
	if n := len(c.Centers); n < 10 || n > 14 {
		t.Errorf("centres: %d, want 10–14", n)
	}
	perGroup := map[string]int{}
	for _, a := range c.Agencies {
		perGroup[a.Group]++
		svc := 0
		for _, s := range c.Services {
			if s.Agency == a.Code {
				svc++
			}
		}
		if svc < 2 || svc > 5 {
			t.Errorf("agency %s has %d services, want 2–5", a.Code, svc)
		}
		if _, ok := profiles[a.Code]; !ok {
			t.Errorf("agency %s has no generation profile", a.Code)
		}
	}
	for _, g := range c.Groups {
		if perGroup[g.Code] < 4 {
			t.Errorf("group %s has %d agencies; a ranking needs more", g.Code, perGroup[g.Code])
		}
	}
	for _, ce := range c.Centers {
		if 2*len(ce.Agencies) <= len(c.Agencies) {
			t.Errorf("centre %s hosts %d of %d agencies, want most", ce.Code, len(ce.Agencies), len(c.Agencies))
		}
		if _, ok := centerQuality[ce.Code]; !ok {
			t.Errorf("centre %s has no quality offset", ce.Code)
		}
	}
	for code := range serviceQuality {
		found := false
		for _, s := range c.Services {
			found = found || s.Code == code
		}
		if !found {
			t.Errorf("serviceQuality names unknown service %q", code)
		}
	}
	v1, v2 := c.Surveys[0], c.Surveys[1]
	if len(v2.Questions) != len(v1.Questions)+1 {
		t.Errorf("version 2 should add one question: %d vs %d", len(v2.Questions), len(v1.Questions))
	}
	if _, ok := v2.Question("clarity"); !ok {
		t.Error("version 2 lacks the clarity question")
	}
}

// Every name and question text exists in az, en and ru, each in its own script.
func TestCatalogTranslations(t *testing.T) {
	c := Catalog()
	var all []struct {
		where string
		n     survey.Names
	}
	add := func(where string, n survey.Names) {
		all = append(all, struct {
			where string
			n     survey.Names
		}{where, n})
	}
	for _, g := range c.Groups {
		add("group "+g.Code, g.Name)
	}
	for _, a := range c.Agencies {
		add("agency "+a.Code, a.Name)
	}
	for _, s := range c.Services {
		add("service "+s.Code, s.Name)
	}
	for _, ce := range c.Centers {
		add("centre "+ce.Code, ce.Name)
	}
	for _, sv := range c.Surveys {
		for _, q := range sv.Questions {
			add("question "+q.Key, q.Text)
		}
	}
	azLetters := 0
	for _, x := range all {
		if x.n.AZ == "" || x.n.EN == "" || x.n.RU == "" {
			t.Errorf("%s: missing a language: %+v", x.where, x.n)
			continue
		}
		if hasScript(x.n.AZ, unicode.Cyrillic) || hasScript(x.n.EN, unicode.Cyrillic) {
			t.Errorf("%s: Cyrillic in az/en text", x.where)
		}
		if !hasScript(x.n.RU, unicode.Cyrillic) {
			t.Errorf("%s: ru text %q has no Cyrillic", x.where, x.n.RU)
		}
		if strings.ContainsAny(x.n.EN, "əğışçöüİƏ") {
			t.Errorf("%s: en text %q has Azerbaijani letters", x.where, x.n.EN)
		}
		if strings.ContainsAny(x.n.AZ, "əğışçöüİƏĞŞÇÖÜ") {
			azLetters++
		}
		// Wrong look-alikes that creep in from Turkish or from keyboards without ə.
		if strings.ContainsAny(x.n.AZ, "äÄ") {
			t.Errorf("%s: az text %q uses ä instead of ə", x.where, x.n.AZ)
		}
	}
	if azLetters*2 < len(all) {
		t.Errorf("only %d of %d az texts use Azerbaijani letters; suspicious transliteration", azLetters, len(all))
	}
}

func hasScript(s string, tab *unicode.RangeTable) bool {
	for _, r := range s {
		if unicode.Is(tab, r) {
			return true
		}
	}
	return false
}
