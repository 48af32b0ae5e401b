package web_test

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestLinkPhone: on a 360×740 phone the link page says who asks (agency and centre) and that the rating is
// anonymous, shows the five smileys in one row, never scrolls sideways, and is not a long scroll.
func TestLinkPhone(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	ctx := newBrowser(t)
	checkErrors := watchErrors(t, ctx)
	want := map[string]struct{ agency, center, anon string }{
		"az": {"Dövlət Miqrasiya Xidməti", "Bakı 1 nömrəli ASAN xidmət mərkəzi", "Anonimdir"},
		"en": {"State Migration Service", "Baku ASAN service centre No. 1", "Anonymous"},
		"ru": {"Государственная миграционная служба", "Центр ASAN xidmət № 1 г. Баку", "Анонимно"},
	}
	for _, lang := range []string{"az", "ru", "en"} {
		w := want[lang]
		tok := newInvitation(t, env, "P-"+lang, nil)
		var asks, center, anon string
		var tops []float64
		var height, firstBottom float64
		kioskDo(t, ctx, "open "+lang, chromedp.EmulateViewport(360, 740), chromedp.Navigate(env.URL+"/r/"+tok+"?lang="+lang),
			chromedp.WaitVisible(`form button.send`, chromedp.ByQuery),
			chromedp.Text(`#asks`, &asks, chromedp.ByQuery), chromedp.Text(`#visit-center`, &center, chromedp.ByQuery),
			chromedp.Text(`#anon`, &anon, chromedp.ByQuery),
			chromedp.Evaluate(`Array.from(document.querySelectorAll('#q-overall .option label')).map(l => Math.round(l.getBoundingClientRect().top))`, &tops),
			chromedp.Evaluate(`document.documentElement.scrollHeight`, &height),
			chromedp.Evaluate(`document.querySelector('#q-overall .options').getBoundingClientRect().bottom`, &firstBottom))
		if !strings.Contains(asks, w.agency) || center != w.center || !strings.Contains(anon, w.anon) {
			t.Fatalf("%s: asks %q, centre %q, anonymity %q", lang, asks, center, anon)
		}
		if len(tops) != 5 || tops[0] != tops[4] {
			t.Fatalf("%s: the smileys are not in one row at 360 px: tops %v", lang, tops)
		}
		// Three follow-up questions and a comment box: at most about two screens, not 2,400 px.
		// The question that counts is on the first screen; the whole page is at most about two screens (it was
		// 2,433 px with the smileys stacked).
		if firstBottom > 740 {
			t.Fatalf("%s: the first question's smileys end at %v px, below the 740 px screen", lang, firstBottom)
		}
		if height > 1750 {
			t.Fatalf("%s: the page is %v px long at 360×740", lang, height)
		}
		t.Logf("%s: %v px long at 360×740", lang, height)
		noOverflow(t, ctx, lang+" at 360 px")
		shot(t, ctx, "link-phone-360-"+lang)
		noAxe(t, ctx, "link-phone-"+lang)
		if lang != "en" {
			for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
				kioskDo(t, ctx, "resize", chromedp.EmulateViewport(size[0], size[1]))
				noOverflow(t, ctx, lang+" resized")
				shot(t, ctx, "link-form-"+lang+"-"+map[int64]string{390: "390", 1366: "1366"}[size[0]])
			}
		}
	}
	checkErrors()
}
