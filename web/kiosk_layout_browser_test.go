package web_test

import (
	"context"
	"fmt"
	"sort"
	"strings"
	"testing"
	"time"

	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
	"github.com/qiymet/qiymet/web"
	"github.com/qiymet/qiymet/web/browsertest"
)

// manyAgencies are 18 more agencies for the test centre "hall" (with the test catalog's three: 21, as in a
// big ASAN centre), named so that the Azerbaijani alphabet (Ç after C, Ə after E, X after H, İ after I,
// Q after K, Ö after O, Ş after S, Ü after U) differs from both the codes' and the bytes' order.
var manyAgencies = []survey.Names{
	{AZ: "Vergilər Nazirliyi", EN: "Ministry of Taxes", RU: "Министерство налогов"},
	{AZ: "Çevik Xidmətlər Agentliyi", EN: "Agile Services Agency", RU: "Агентство гибких услуг"},
	{AZ: "İqtisadiyyat Nazirliyi", EN: "Ministry of Economy", RU: "Министерство экономики"},
	{AZ: "Şəhərsalma və Arxitektura Komitəsi", EN: "Committee for Urban Planning and Architecture", RU: "Комитет по градостроительству и архитектуре"},
	{AZ: "Səhiyyə Nazirliyi", EN: "Ministry of Health", RU: "Министерство здравоохранения"},
	{AZ: "Ümumi Təhsil Agentliyi", EN: "General Education Agency", RU: "Агентство общего образования"},
	{AZ: "Uşaq Hüquqları Komissiyası", EN: "Children's Rights Commission", RU: "Комиссия по правам детей"},
	{AZ: "Gömrük Komitəsi", EN: "Customs Committee", RU: "Таможенный комитет"},
	{AZ: "Gənclər və İdman Nazirliyi", EN: "Ministry of Youth and Sports", RU: "Министерство молодёжи и спорта"},
	{AZ: "Daxili İşlər Nazirliyi", EN: "Ministry of Internal Affairs", RU: "Министерство внутренних дел"},
	{AZ: "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi", EN: "Ministry of Labour and Social Protection of the Population", RU: "Министерство труда и социальной защиты населения"},
	{AZ: "Kənd Təsərrüfatı Nazirliyi", EN: "Ministry of Agriculture", RU: "Министерство сельского хозяйства"},
	{AZ: "Ekologiya və Təbii Sərvətlər Nazirliyi", EN: "Ministry of Ecology and Natural Resources", RU: "Министерство экологии и природных ресурсов"},
	{AZ: "Mədəniyyət Nazirliyi", EN: "Ministry of Culture", RU: "Министерство культуры"},
	{AZ: "Nəqliyyat Agentliyi", EN: "Transport Agency", RU: "Транспортное агентство"},
	{AZ: "Özəlləşdirmə Komitəsi", EN: "Privatisation Committee", RU: "Комитет по приватизации"},
	{AZ: "Olimpiya Komitəsi", EN: "Olympic Committee", RU: "Олимпийский комитет"},
	{AZ: "Xarici İşlər Nazirliyi", EN: "Ministry of Foreign Affairs", RU: "Министерство иностранных дел"},
}

// wantAZ is the Azerbaijani alphabetical order of all 21 names, written out by hand.
var wantAZ = []string{
	"Çevik Xidmətlər Agentliyi", "Daxili İşlər Nazirliyi", "Dövlət Miqrasiya Xidməti",
	"Ekologiya və Təbii Sərvətlər Nazirliyi", "Ədliyyə Nazirliyi", "Əmək və Əhalinin Sosial Müdafiəsi Nazirliyi",
	"Əmlak Məsələləri Dövlət Xidməti", "Gənclər və İdman Nazirliyi", "Gömrük Komitəsi", "Xarici İşlər Nazirliyi",
	"İqtisadiyyat Nazirliyi", "Kənd Təsərrüfatı Nazirliyi", "Mədəniyyət Nazirliyi", "Nəqliyyat Agentliyi",
	"Olimpiya Komitəsi", "Özəlləşdirmə Komitəsi", "Səhiyyə Nazirliyi", "Şəhərsalma və Arxitektura Komitəsi",
	"Uşaq Hüquqları Komissiyası", "Ümumi Təhsil Agentliyi", "Vergilər Nazirliyi",
}

// seedHall adds the 18 agencies and the centre "hall" hosting all 21, and a kiosk there.
func seedHall(t *testing.T, s *survey.Store) *survey.Kiosk {
	t.Helper()
	c := storetest.Catalog(t)
	hall := survey.Center{Code: "hall", Name: survey.Names{AZ: "Bakı 5 nömrəli ASAN xidmət mərkəzi", EN: "Baku ASAN service centre No. 5", RU: "Центр ASAN xidmət № 5 г. Баку"}}
	for _, a := range c.Agencies {
		hall.Agencies = append(hall.Agencies, a.Code)
	}
	for i, n := range manyAgencies {
		code := fmt.Sprintf("ag%02d", i+1)
		c.Agencies = append(c.Agencies, survey.Agency{Code: code, Group: c.Agencies[0].Group, Survey: c.Agencies[0].Survey, Name: n})
		hall.Agencies = append(hall.Agencies, code)
	}
	c.Centers = append(c.Centers, hall)
	if _, err := s.ApplyCatalog(context.Background(), c); err != nil {
		t.Fatal(err)
	}
	k, _, err := s.AddKiosk(context.Background(), "hall", "Hall exit", "")
	if err != nil {
		t.Fatal(err)
	}
	return k
}

// offScreen lists the visible controls (and the step's heading) not wholly inside the window or covered by
// something else; the agency tiles are excused (they scroll in their own box), their box is not.
const offScreen = `(function(){
	var out = [], W = window.innerWidth, H = window.innerHeight;
	document.querySelectorAll('#screen button, .bar button, #heading, #tiles').forEach(function (b) {
		if (b.closest('[hidden]') || (b.classList.contains('agency'))) return;
		var r = b.getBoundingClientRect();
		var what = (b.id || b.textContent.trim()).slice(0, 30);
		if (r.top < 0 || r.left < 0 || r.bottom > H + 0.5 || r.right > W + 0.5) {
			out.push(what + ' ' + [r.left, r.top, r.right, r.bottom].map(Math.round).join(','));
			return;
		}
		// On screen but under something (say, the sticky buttons) is not on screen either.
		var top = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
		if (b.id !== 'tiles' && !(top && (b === top || b.contains(top)))) out.push(what + ' covered');
	});
	if (document.documentElement.scrollWidth > W) out.push('page scrolls sideways');
	return out;
})()`

func allOnScreen(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var bad []string
	kioskDo(t, ctx, "on screen "+what, chromedp.Evaluate(offScreen, &bad))
	if len(bad) > 0 {
		shot(t, ctx, "FAILED-"+what)
		t.Fatalf("%s: controls outside the %s window: %v", what, what, bad)
	}
}

func noAxe(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	for _, v := range browsertest.Axe(t, ctx) {
		var nodes []string
		for _, n := range v.Nodes {
			nodes = append(nodes, n.HTML)
		}
		t.Errorf("%s: axe %s (%s): %s — %s", what, v.ID, v.Impact, v.Help, strings.Join(nodes, " | "))
	}
}

// TestKioskLayout: at 1280×800 and 800×1280, in az, ru and en, every step's controls are inside the window;
// the 21 tiles are in the language's alphabetical order, scroll in their box with a cue; a bad rating gets a
// neutral thank-you; large text switches on from the first screen and is gone for the next citizen; an
// unenrolled tablet shows no online dot; a single-agency kiosk names its agency and rates in one touch.
func TestKioskLayout(t *testing.T) {
	defer web.SetKioskTiming(8, 3, 60, 2)()
	env := newTestEnv(t, "sqlite")
	hall := seedHall(t, env.Store)
	srv := startStoppable(t, env.Server)
	ctx := newBrowser(t)
	checkErrors := watchErrors(t, ctx)
	bg := context.Background()

	// Before enrolment: nothing claims to be online.
	var dots int
	var staff string
	kioskDo(t, ctx, "open", chromedp.EmulateViewport(1280, 800), chromedp.Navigate(srv.URL()+"/kiosk/"), screenIs("notenrolled"),
		chromedp.Evaluate(`document.querySelectorAll('#staff .dot').length`, &dots), chromedp.Text(`#staff`, &staff, chromedp.ByQuery))
	if dots != 0 || strings.Contains(staff, "Onlayn") || !strings.Contains(staff, "Qeydiyyatsız") {
		t.Fatalf("unenrolled tablet: %d dots, staff %q", dots, staff)
	}
	noAxe(t, ctx, "kiosk-notenrolled")

	// The manifest is linked and asks for full screen.
	var display string
	kioskDo(t, ctx, "manifest", chromedp.Evaluate(`fetch(document.querySelector('link[rel=manifest]').href).then(r => r.json()).then(m => m.display + ' ' + m.start_url)`, &display,
		func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if display != "fullscreen /kiosk/" {
		t.Fatalf("manifest: %q", display)
	}

	code, err := env.Store.NewPairingCode(bg, hall.ID)
	if err != nil {
		t.Fatal(err)
	}
	kioskDo(t, ctx, "enrol", chromedp.Navigate(srv.URL()+"/kiosk/enrol/"+code), screenIs("attract"))

	names := map[string][]string{"az": wantAZ}
	for _, l := range []string{"en", "ru"} {
		// English and these Russian names sort like their bytes (no ё, no case games): an independent oracle.
		for _, n := range manyAgencies {
			names[l] = append(names[l], n.Get(l))
		}
		for _, a := range storetest.Catalog(t).Agencies {
			names[l] = append(names[l], a.Name.Get(l))
		}
		sort.Strings(names[l])
	}
	thanksBad := map[string]string{"az": "Təşəkkür edirik — bunu araşdıracağıq", "en": "Thank you — we will look into it", "ru": "Спасибо — мы в этом разберёмся"}

	for _, size := range [][2]int64{{1280, 800}, {800, 1280}} {
		dim := fmt.Sprintf("%dx%d", size[0], size[1])
		kioskDo(t, ctx, "viewport "+dim, chromedp.EmulateViewport(size[0], size[1]), chromedp.Reload(), screenIs("attract"))
		for _, lang := range []string{"az", "ru", "en"} {
			name := lang + "-" + dim
			kioskDo(t, ctx, "language "+lang, chromedp.Click(`button[data-lang="`+lang+`"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`html[lang="`+lang+`"] #tiles`, chromedp.ByQuery))
			var tiles []string
			kioskDo(t, ctx, "tiles", chromedp.Evaluate(`Array.from(document.querySelectorAll('#tiles .agency')).map(b => b.textContent)`, &tiles))
			if strings.Join(tiles, "|") != strings.Join(names[lang], "|") {
				t.Fatalf("%s tiles in the order\n%v\nwant\n%v", name, tiles, names[lang])
			}
			// 21 tiles do not fit: the cue says so, and goes once the list is scrolled to its end.
			kioskDo(t, ctx, "cue", chromedp.WaitVisible(`#more`, chromedp.ByQuery))
			allOnScreen(t, ctx, "attract-"+name)
			shot(t, ctx, "kiosk-layout-attract-"+name)
			if lang == "az" {
				noAxe(t, ctx, "kiosk-attract-"+name)
			}
			kioskDo(t, ctx, "scroll with the cue", chromedp.Click(`#more`, chromedp.ByQuery), chromedp.Click(`#more`, chromedp.ByQuery),
				chromedp.Evaluate(`document.getElementById('tiles').scrollTo(0, 1e6)`, nil), chromedp.WaitNotVisible(`#more`, chromedp.ByQuery))
			var last bool
			kioskDo(t, ctx, "last tile", chromedp.Evaluate(`(function(){var t=document.querySelectorAll('#tiles .agency'), b=t[t.length-1].getBoundingClientRect(); return b.bottom <= innerHeight && b.top >= 0})()`, &last))
			if !last {
				t.Fatalf("%s: the last tile is not reachable", name)
			}
			shot(t, ctx, "kiosk-layout-attract-end-"+name)

			// One touch on a tile lands on the smileys; every control of the step is on screen, Back too.
			kioskDo(t, ctx, "tile", chromedp.Click(`button[data-agency="ag11"]`, chromedp.ByQuery), screenIs("primary"))
			var agencyName string
			kioskDo(t, ctx, "agency name", chromedp.Text(`#agency-name`, &agencyName, chromedp.ByQuery))
			if agencyName != manyAgencies[10].Get(lang) {
				t.Fatalf("%s: agency name %q", name, agencyName)
			}
			allOnScreen(t, ctx, "primary-"+name)
			bigTargets(t, ctx, "primary-"+name)
			shot(t, ctx, "kiosk-layout-primary-"+name)
			kioskDo(t, ctx, "very bad", chromedp.Click(`.smiley[data-value="1"]`, chromedp.ByQuery), screenIs("followup"))
			allOnScreen(t, ctx, "followup-"+name)
			bigTargets(t, ctx, "followup-"+name)
			shot(t, ctx, "kiosk-layout-followup-"+name)
			if lang == "ru" {
				noAxe(t, ctx, "kiosk-followup-"+name)
			}
			var h1, mood string
			var faces int
			kioskDo(t, ctx, "skip", chromedp.Click(`#skip`, chromedp.ByQuery), screenIs("thanks"),
				chromedp.Text(`#heading`, &h1, chromedp.ByQuery), chromedp.Evaluate(`document.querySelectorAll('#screen .face').length`, &faces),
				chromedp.Evaluate(`document.getElementById('screen').dataset.mood`, &mood))
			if h1 != thanksBad[lang] || faces != 0 || mood != "bad" {
				t.Fatalf("%s: after a very bad rating the thank-you is %q with %d faces (%s)", name, h1, faces, mood)
			}
			allOnScreen(t, ctx, "thanks-"+name)
			shot(t, ctx, "kiosk-layout-thanks-bad-"+name)
			kioskDo(t, ctx, "reset", screenIs("attract"), chromedp.WaitVisible(`html[lang="az"]`, chromedp.ByQuery))
		}

		// Large text and high contrast, from the first screen; the steps still fit.
		kioskDo(t, ctx, "large text", chromedp.Click(`#large`, chromedp.ByQuery), chromedp.WaitVisible(`html.large #large[aria-pressed="true"]`, chromedp.ByQuery))
		var px float64
		kioskDo(t, ctx, "font size", chromedp.Evaluate(`parseFloat(getComputedStyle(document.querySelector('#tiles .agency')).fontSize)`, &px))
		if px < 32 {
			t.Fatalf("large text: tiles at %vpx", px)
		}
		allOnScreen(t, ctx, "attract-large-"+dim)
		shot(t, ctx, "kiosk-layout-large-attract-"+dim)
		noAxe(t, ctx, "kiosk-large-attract-"+dim)
		kioskDo(t, ctx, "large tile", chromedp.Click(`button[data-agency="migration"]`, chromedp.ByQuery), screenIs("primary"))
		allOnScreen(t, ctx, "primary-large-"+dim)
		shot(t, ctx, "kiosk-layout-large-primary-"+dim)
		kioskDo(t, ctx, "large good", chromedp.Click(`.smiley[data-value="5"]`, chromedp.ByQuery), screenIs("followup"))
		allOnScreen(t, ctx, "followup-large-"+dim)
		shot(t, ctx, "kiosk-layout-large-followup-"+dim)
		var faces int
		kioskDo(t, ctx, "large send", chromedp.Click(`#send`, chromedp.ByQuery), screenIs("thanks"),
			chromedp.Evaluate(`document.querySelectorAll('#screen > .face').length`, &faces))
		if faces != 1 {
			t.Fatalf("a good rating's thank-you has %d faces", faces)
		}
		// The next citizen gets normal text.
		kioskDo(t, ctx, "reset to normal", screenIs("attract"), chromedp.WaitVisible(`html:not(.large) #large[aria-pressed="false"]`, chromedp.ByQuery))
	}

	// Large text left on at the attract screen by someone who walked away is reset at idle.
	kioskDo(t, ctx, "large on attract", chromedp.Click(`#large`, chromedp.ByQuery), chromedp.WaitVisible(`html.large`, chromedp.ByQuery))
	kioskDo(t, ctx, "idle resets large text", chromedp.WaitVisible(`html:not(.large) #large[aria-pressed="false"]`, chromedp.ByQuery))

	// A single-agency kiosk: its agency's name, and the smileys are the first screen.
	single, _, err := env.Store.AddKiosk(bg, "ganja", "Ganja exit", "")
	if err != nil {
		t.Fatal(err)
	}
	code, err = env.Store.NewPairingCode(bg, single.ID)
	if err != nil {
		t.Fatal(err)
	}
	before := env.countResponses(t)
	for _, size := range [][2]int64{{1280, 800}, {800, 1280}} {
		dim := fmt.Sprintf("%dx%d", size[0], size[1])
		kioskDo(t, ctx, "viewport", chromedp.EmulateViewport(size[0], size[1]))
		if size[0] == 1280 {
			kioskDo(t, ctx, "enrol single", chromedp.Navigate(srv.URL()+"/kiosk/enrol/"+code), screenIs("attract"))
		}
		for _, lang := range []string{"az", "ru", "en"} {
			var agencyName string
			kioskDo(t, ctx, "language", chromedp.Click(`button[data-lang="`+lang+`"]`, chromedp.ByQuery),
				chromedp.WaitVisible(`html[lang="`+lang+`"] .smiley`, chromedp.ByQuery), chromedp.Text(`#agency-name`, &agencyName, chromedp.ByQuery))
			want := map[string]string{"az": "Dövlət Miqrasiya Xidməti", "en": "State Migration Service", "ru": "Государственная миграционная служба"}[lang]
			if agencyName != want {
				t.Fatalf("single-agency kiosk names %q", agencyName)
			}
			allOnScreen(t, ctx, "single-"+lang+"-"+dim)
			bigTargets(t, ctx, "single-"+lang+"-"+dim)
			shot(t, ctx, "kiosk-layout-single-"+lang+"-"+dim)
		}
		noAxe(t, ctx, "kiosk-single-"+dim)
		// One touch is the rating.
		kioskDo(t, ctx, "one touch", chromedp.Click(`.smiley[data-value="4"]`, chromedp.ByQuery), screenIs("followup"),
			chromedp.Click(`#skip`, chromedp.ByQuery), screenIs("thanks"), screenIs("attract"))
	}
	waitFor(t, ctx, "queue drained", queueLen+` === 0`, 10*time.Second)
	if n := env.countResponses(t); n != before+2 {
		t.Fatalf("%d ratings from the single-agency kiosk, want 2", n-before)
	}
	checkErrors()
}
