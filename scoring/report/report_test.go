package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/scoring/locale"
)

var update = flag.Bool("update", false, "rewrite the golden PDFs in testdata/")

func render(t testing.TB, in Input) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := Write(&buf, in); err != nil {
		t.Fatalf("Write: %v", err)
	}
	return buf.Bytes()
}

// TestGolden compares the sample report in each language with its golden
// file byte for byte; -update rewrites the goldens.
func TestGolden(t *testing.T) {
	for _, lang := range locale.Langs {
		t.Run(lang, func(t *testing.T) {
			got := render(t, sampleInput(lang))
			again := render(t, sampleInput(lang))
			if !bytes.Equal(got, again) {
				t.Fatal("two runs with the same input differ")
			}
			path := filepath.Join("testdata", "report_"+lang+".pdf")
			if *update {
				if err := os.WriteFile(path, got, 0o644); err != nil {
					t.Fatal(err)
				}
				return
			}
			want, err := os.ReadFile(path)
			if err != nil {
				t.Fatalf("%v (run go test -update to create it)", err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("output differs from %s (%d vs %d bytes); if the change is intended, run go test ./scoring/report -update and look at the pages", path, len(got), len(want))
			}
		})
	}
}

// pdfText runs pdftotext on pdf, or skips when it is not installed (outside
// CI).
func pdfText(t *testing.T, pdf []byte) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("pdftotext is required in CI (poppler-utils)")
		}
		t.Skip("pdftotext not installed")
	}
	path := filepath.Join(t.TempDir(), "r.pdf")
	if err := os.WriteFile(path, pdf, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, "-enc", "UTF-8", path, "-").Output()
	if err != nil {
		t.Fatalf("pdftotext: %v", err)
	}
	return strings.Join(strings.Fields(string(out)), " ")
}

func TestPdftotext(t *testing.T) {
	cases := map[string][]string{
		"az": {"Səhifə 1 /", "Səhifə 2 /", "Dövlət Miqrasiya Xidməti — ardıcıl 3-cü dəfə aydın şəkildə 1-ci yer; ardıcıl 4-cü dəfə 1-ci yer", "Şəki ASAN xidmət mərkəzi — xəta payı daxilində 1-ci yer (mümkün yerlər 1–2)",
			"2 (2–3)", "~ +0,87", "Yanvar 2025: aşağı həddən aşağı", "Avqust 2024: yuxarı həddən yuxarı", "Məlumatların tarixi", "6 oktyabr 2025",
			"Əmlak Məsələləri Dövlət Xidməti", "İqtisadiyyat Nazirliyi", "Gəncə", "92,78", "4.012", "1 iyul 2025 – 30 sentyabr 2025",
			"30 sentyabr 2025", "Reytinq cədvəli", "Əlavə: metodologiya", "min_n", "137", "Kiosk", "Keçid (SMS/QR)", "Dinamika üçün məlumat yoxdur."},
		"en": {"Page 1 /", "State Migration Service — clearly 1st for the 3rd time in a row; 1st for the 4th time in a row,",
			"Shaki ASAN service centre — 1st within the margin of error (possible ranks 1–2)", "September 2025: 7 months in a row above the centre line",
			"Data as of", "30 September 2025, 21:47", "92.78", "4,012", "1 July 2025 – 30 September 2025",
			"Rankings", "Appendix: methodology", "No data for the trend."},
		"ru": {"Страница 1 /", "Государственная миграционная служба — 3-й раз подряд явно на 1-м месте; 4-й раз подряд на 1-м месте",
			"Январь 2025: ниже нижней границы", "Данные на", "92,78", "4 012",
			"1 июля 2025", "30 сентября 2025", "Приложение: методика", "Нет данных для динамики."},
	}
	for _, lang := range locale.Langs {
		t.Run(lang, func(t *testing.T) {
			text := pdfText(t, render(t, sampleInput(lang)))
			for _, want := range cases[lang] {
				if !strings.Contains(text, want) {
					t.Errorf("pdftotext output lacks %q", want)
				}
			}
			if strings.Contains(text, "{nb}") {
				t.Error("page total alias {nb} was not replaced")
			}
		})
	}
}

// TestGlyphCoverage checks that the embedded fonts have a glyph for every
// rune the report can draw: all translations, month names, ordinals and
// streak phrases, every name in the sample data, and every string actually
// drawn for the sample and edge-case reports. pdftotext cannot see a
// missing glyph (the text is there, the glyph is blank), so this is checked
// against the font itself with sfnt.
func TestGlyphCoverage(t *testing.T) {
	check := func(where, s string) {
		t.Helper()
		if m := missingGlyphs(s); len(m) > 0 {
			t.Errorf("%s: no glyph for %q in %q", where, string(m), s)
		}
	}
	for _, lang := range locale.Langs {
		keys := make([]string, 0, len(messages[lang]))
		for k := range messages[lang] {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		for _, k := range keys {
			check(lang+"/"+k, messages[lang][k])
		}
		for _, m := range monthNames[lang] {
			check(lang+"/month", m)
		}
		l, _ := newLoc(lang)
		for n := 0; n <= 200; n++ {
			check(lang+"/streak", l.streakPhrase(1, n))
			check(lang+"/ordinal", l.ordinal(n, "nom")+l.ordinal(n, "prep"))
		}
		check(lang+"/numbers", l.Number(-1234567.891, 2)+l.Integer(9876543)+l.Signed(1.5, 2)+l.Percent(0.95))
	}
	// Every name of the sample catalog, in every language.
	names := []tr{grpCentral, grpRegional, agMigration, agProperty, agEconomy, agJustice, agLabour, agSheki, agGanja, agQuba}
	for _, q := range questions {
		names = append(names, q.t)
	}
	for _, ss := range services {
		names = append(names, ss...)
	}
	for _, n := range names {
		check("catalog", n.az)
		check("catalog", n.en)
		check("catalog", n.ru)
	}
	// Every string drawn, including formulas and page furniture.
	inputs := map[string]Input{}
	for _, lang := range locale.Langs {
		inputs["sample/"+lang] = sampleInput(lang)
		for name, in := range edgeInputs(lang) {
			inputs[name+"/"+lang] = in
		}
	}
	drawn := map[string]bool{}
	for name, in := range inputs {
		err := write(&bytes.Buffer{}, in, func(s string) { drawn[s] = true })
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
	}
	if len(drawn) < 200 {
		t.Fatalf("only %d distinct strings recorded; is the recorder wired?", len(drawn))
	}
	for s := range drawn {
		check("drawn", s)
	}
}

func TestMissingGlyphsAndSanitize(t *testing.T) {
	if m := missingGlyphs("Əə Şş Çç Ğğ İı Öö Üü Ёё Щщ ₼ — « » “ ” …"); len(m) > 0 {
		t.Errorf("unexpected missing glyphs %q", string(m))
	}
	if m := missingGlyphs("a√b≥c😀"); string(m) != "√≥😀" {
		t.Errorf("MissingGlyphs = %q", string(m))
	}
	for in, want := range map[string]string{
		"Dövlət":       "Dövlət",
		"a − b ≥ c":    "a - b >= c",
		"x\ty\nz":      "x y z",
		"smile 😀":      "smile ?",
		"e\u0301":      "é", // NFC
		"soft\u00adhy": "softhy",
	} {
		if got := sanitize(in); got != want {
			t.Errorf("sanitize(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestOrdinalsAndStreaks(t *testing.T) {
	az, _ := newLoc("az")
	en, _ := newLoc("en")
	ru, _ := newLoc("ru")
	azWant := map[int]string{1: "1-ci", 2: "2-ci", 3: "3-cü", 4: "4-cü", 5: "5-ci", 6: "6-cı", 7: "7-ci", 8: "8-ci", 9: "9-cu",
		10: "10-cu", 11: "11-ci", 16: "16-cı", 20: "20-ci", 30: "30-cu", 40: "40-cı", 50: "50-ci", 60: "60-cı", 70: "70-ci",
		80: "80-ci", 90: "90-cı", 100: "100-cü", 200: "200-cü", 1000: "1000-ci", 0: "0-cı", 23: "23-cü", 39: "39-cu"}
	for n, want := range azWant {
		if got := az.ordinal(n, ""); got != want {
			t.Errorf("az ordinal(%d) = %q, want %q", n, got, want)
		}
	}
	enWant := map[int]string{1: "1st", 2: "2nd", 3: "3rd", 4: "4th", 11: "11th", 12: "12th", 13: "13th", 21: "21st", 22: "22nd",
		23: "23rd", 101: "101st", 111: "111th", 112: "112th"}
	for n, want := range enWant {
		if got := en.ordinal(n, ""); got != want {
			t.Errorf("en ordinal(%d) = %q, want %q", n, got, want)
		}
	}
	for _, c := range []struct {
		l            loc
		rank, streak int
		want         string
	}{
		{en, 1, 4, "1st for the 4th time in a row"},
		{en, 1, 2, "1st for the 2nd time in a row"},
		{en, 1, 21, "1st for the 21st time in a row"},
		{en, 1, 1, "1st"},
		{az, 1, 4, "ardıcıl 4-cü dəfə 1-ci yer"},
		{az, 1, 6, "ardıcıl 6-cı dəfə 1-ci yer"},
		{az, 1, 10, "ardıcıl 10-cu dəfə 1-ci yer"},
		{az, 1, 1, "1-ci yer"},
		{ru, 1, 4, "4-й раз подряд на 1-м месте"},
		{ru, 1, 12, "12-й раз подряд на 1-м месте"},
		{ru, 1, 1, "на 1-м месте"},
	} {
		if got := c.l.streakPhrase(c.rank, c.streak); got != c.want {
			t.Errorf("%s streakPhrase(%d, %d) = %q, want %q", c.l.lang, c.rank, c.streak, got, c.want)
		}
	}
}

func TestNumbersDatesPlurals(t *testing.T) {
	az, _ := newLoc("az")
	en, _ := newLoc("en")
	ru, _ := newLoc("ru")
	// The number formats themselves are tested in package locale (TestPrintNumbers): here only that the
	// report prints in the PDF style of its language.
	for _, l := range []loc{az, en, ru} {
		if l.Style != locale.Print(l.lang) {
			t.Errorf("%s: numbers in %+v, want locale.Print", l.lang, l.Style)
		}
	}
	day := time.Date(2025, 9, 30, 23, 0, 0, 0, baku)
	for l, want := range map[*loc]string{&az: "30 sentyabr 2025", &en: "30 September 2025", &ru: "30 сентября 2025\u00a0г."} {
		if got := l.date(day); got != want {
			t.Errorf("%s date = %q, want %q", l.lang, got, want)
		}
	}
	if got := ru.tPlural("counted", 4012); got != "учтённых ответов" {
		t.Errorf("ru counted(4012) = %q", got)
	}
	if got := ru.tPlural("counted", 4022); got != "учтённых ответа" {
		t.Errorf("ru counted(4022) = %q", got)
	}
	if got := ru.tPlural("trend_title", 8, "k", "8"); got != "Динамика за последние 8 периодов" {
		t.Errorf("ru trend title = %q", got)
	}
}

// TestMessagesComplete checks that every language has the same keys.
func TestMessagesComplete(t *testing.T) {
	for _, lang := range locale.Langs {
		for k := range messages["en"] {
			base, form, plural := strings.Cut(k, "#")
			if _, ok := messages[lang][k]; ok {
				continue
			}
			if plural && form != "other" {
				if _, ok := messages[lang][base+"#other"]; ok && lang != "ru" {
					continue
				}
			}
			t.Errorf("%s lacks %q", lang, k)
		}
		for k := range messages[lang] {
			if _, ok := messages["en"][k]; !ok && !strings.Contains(k, "#") {
				t.Errorf("%s has %q that en lacks", lang, k)
			}
		}
	}
	for _, form := range []string{"one", "few", "many"} {
		for _, key := range []string{"counted", "trend_title"} {
			if _, ok := messages["ru"][key+"#"+form]; !ok {
				t.Errorf("ru lacks %s#%s", key, form)
			}
		}
	}
}

// edgeInputs are reports that must still come out right.
func edgeInputs(lang string) map[string]Input {
	out := map[string]Input{}

	empty := sampleInput(lang)
	empty.Groups, empty.Agencies, empty.Excluded = nil, nil, nil
	empty.Overall = Figure{}
	out["no-groups"] = empty

	emptyGroup := sampleInput(lang)
	emptyGroup.Groups = append(emptyGroup.Groups, Group{Code: "empty", Name: "Boş qrup / Пустая группа"})
	out["empty-group"] = emptyGroup

	noTrend := sampleInput(lang)
	noTrend.Agencies = noTrend.Agencies[4:5] // labour: no trend, no breakdowns
	out["no-trend"] = noTrend

	allInsufficient := sampleInput(lang)
	for gi := range allInsufficient.Groups {
		rows := allInsufficient.Groups[gi].Rows
		for ri := range rows {
			rows[ri].Rank, rows[ri].Insufficient, rows[ri].N = 0, true, 7
			rows[ri].ChangePrev, rows[ri].ChangeYear, rows[ri].PreviousRank, rows[ri].Streak = nil, nil, nil, 0
		}
	}
	allInsufficient.Excluded = map[string]int64{}
	out["all-insufficient"] = allInsufficient

	filtered := sampleInput(lang)
	filtered.GroupFilter = "regional"
	filtered.Groups = filtered.Groups[1:]
	filtered.Agencies = filtered.Agencies[5:]
	filtered.PriorWeight = 25
	filtered.Excluded = map[string]int64{"burst": 3, "manual": 2}
	out["group-filter-shrinkage"] = filtered

	long := sampleInput(lang)
	long.Groups[0].Rows[0].Name = strings.Repeat(agLabour.in(lang)+" ", 4)
	long.Agencies[0].Name = long.Groups[0].Rows[0].Name
	long.Agencies[0].Trend = long.Agencies[0].Trend[7:] // a single point
	out["long-names-single-point"] = long
	return out
}

func TestEdgeCases(t *testing.T) {
	for _, lang := range locale.Langs {
		for name, in := range edgeInputs(lang) {
			t.Run(name+"/"+lang, func(t *testing.T) {
				pdf := render(t, in)
				if !bytes.HasPrefix(pdf, []byte("%PDF-")) {
					t.Fatal("not a PDF")
				}
				if !bytes.Equal(pdf, render(t, in)) {
					t.Fatal("not deterministic")
				}
			})
		}
	}
	t.Run("texts", func(t *testing.T) {
		in := edgeInputs("en")
		for name, wants := range map[string][]string{
			"no-groups":              {"No group has counted responses in this period.", "No responses were excluded in this period."},
			"no-trend":               {"No data for the trend.", "No data."},
			"all-insufficient":       {"No agency reached min_n = 30 counted responses.", "not ranked (n < 30)", "No responses were excluded in this period."},
			"group-filter-shrinkage": {"Regional ASAN service centres", "Adjusted index", "In this report m = 25.", "manual"},
		} {
			text := pdfText(t, render(t, in[name]))
			for _, want := range wants {
				if !strings.Contains(text, want) {
					t.Errorf("%s: text lacks %q", name, want)
				}
			}
		}
	})
}

func TestWriteErrors(t *testing.T) {
	in := sampleInput("fr")
	if err := Write(&bytes.Buffer{}, in); err == nil || !strings.Contains(err.Error(), "fr") {
		t.Errorf("unsupported language: err = %v", err)
	}
	in = sampleInput("az")
	in.GeneratedAt, in.PeriodEnd = time.Time{}, time.Time{}
	if err := Write(&bytes.Buffer{}, in); err == nil {
		t.Error("no date: want an error")
	}
	// A zero GeneratedAt falls back to the period end: still reproducible.
	in = sampleInput("")
	in.GeneratedAt = time.Time{}
	a, b := render(t, in), render(t, in)
	if !bytes.Equal(a, b) {
		t.Error("GeneratedAt fallback is not deterministic")
	}
}

// TestConcurrent renders several reports at once (run with -race) and
// checks each equals the sequential result.
func TestConcurrent(t *testing.T) {
	want := map[string][]byte{}
	for _, lang := range locale.Langs {
		want[lang] = render(t, sampleInput(lang))
	}
	var wg sync.WaitGroup
	errs := make(chan error, 12)
	for i := range 12 {
		lang := locale.Langs[i%len(locale.Langs)]
		wg.Add(1)
		go func() {
			defer wg.Done()
			var buf bytes.Buffer
			if err := Write(&buf, sampleInput(lang)); err != nil {
				errs <- err
				return
			}
			if !bytes.Equal(buf.Bytes(), want[lang]) {
				errs <- fmt.Errorf("goroutine %d (%s): output differs from the sequential one", i, lang)
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

func TestLargeReport(t *testing.T) {
	if testing.Short() {
		t.Skip("short")
	}
	in := syntheticInput("az", 100)
	start := time.Now()
	pdf := render(t, in)
	t.Logf("100 agencies: %d bytes in %v", len(pdf), time.Since(start))
	if !bytes.Equal(pdf, render(t, in)) {
		t.Fatal("not deterministic")
	}
}

func BenchmarkReport100Agencies(b *testing.B) {
	in := syntheticInput("az", 100)
	b.ReportAllocs()
	var size int
	for b.Loop() {
		var buf bytes.Buffer
		if err := Write(&buf, in); err != nil {
			b.Fatal(err)
		}
		size = buf.Len()
	}
	b.ReportMetric(float64(size), "pdf-bytes")
}

// TestWriteSamples writes the sample, edge-case and 100-agency reports to
// $REPORT_SAMPLES_DIR for looking at them (e.g. with pdftoppm); it is
// skipped when the variable is unset.
func TestWriteSamples(t *testing.T) {
	dir := os.Getenv("REPORT_SAMPLES_DIR")
	if dir == "" {
		t.Skip("REPORT_SAMPLES_DIR not set")
	}
	for _, lang := range locale.Langs {
		all := map[string]Input{"sample": sampleInput(lang), "large": syntheticInput(lang, 100)}
		for name, in := range edgeInputs(lang) {
			all[name] = in
		}
		for name, in := range all {
			path := filepath.Join(dir, name+"_"+lang+".pdf")
			if err := os.WriteFile(path, render(t, in), 0o644); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// A running period is marked provisional on the cover (with its as-of time and elapsed share) and in the
// header of every other page; a complete one nowhere.
func TestProvisional(t *testing.T) {
	for _, lang := range locale.Langs {
		t.Run(lang, func(t *testing.T) {
			l, _ := newLoc(lang)
			mark := l.t("provisional")
			complete := pdfText(t, render(t, sampleInput(lang)))
			if strings.Contains(complete, mark) {
				t.Fatalf("a complete period is marked %q", mark)
			}
			in := sampleInput(lang)
			in.Provisional, in.AsOf, in.Elapsed = true, time.Date(2025, 8, 31, 12, 5, 0, 0, baku), 0.6739
			text := pdfText(t, render(t, in))
			// pdfText joins the pages: count them by their footers ("Page p / n").
			footer := strings.SplitN(l.t("footer_page"), "{p}", 2)[0]
			pages := strings.Count(text, footer)
			if pages < 5 {
				t.Fatalf("%d pages", pages)
			}
			banner := l.t("provisional_banner", "asof", l.date(in.AsOf)+", 12:05", "pct", l.Percent(0.67))
			if !strings.Contains(text, strings.Join(strings.Fields(banner), " ")) {
				t.Errorf("cover lacks the banner %q", banner)
			}
			// Once on the cover, once in the header of every other page.
			if n := strings.Count(text, mark); n != pages {
				t.Errorf("%q appears %d times in %d pages", mark, n, pages)
			}
		})
	}
}
