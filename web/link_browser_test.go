package web_test

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

func TestLinkBrowser(t *testing.T) {
	env := newTestEnv(t, "sqlite")
	ctx := newBrowser(t)
	checkErrors := watchErrors(t, ctx)
	// Mobile first: a phone-sized window.
	kioskDo(t, ctx, "phone viewport", chromedp.EmulateViewport(390, 844))

	want := map[string]struct{ best, thanks, used, expired, unknown, required string }{
		"az": {"Əla", "Təşəkkür edirik!", "Bu gəliş artıq qiymətləndirilib", "Keçidin müddəti bitib", "Keçid tapılmadı", "Birinci suala cavab seçin."},
		"en": {"Excellent", "Thank you!", "This visit has already been rated", "This link has expired", "Link not found", "Please choose an answer to the first question."},
		"ru": {"Отлично", "Спасибо!", "Этот визит уже оценён", "Срок действия ссылки истёк", "Ссылка не найдена", "Выберите ответ на первый вопрос."},
	}
	for _, lang := range []string{"az", "en", "ru"} {
		w := want[lang]
		tok := newInvitation(t, env, "B-"+lang, nil)
		u := env.URL + "/r/" + tok + "?lang=" + lang
		var pageLang, bestName, h1 string
		kioskDo(t, ctx, "open "+lang, chromedp.Navigate(u), chromedp.WaitVisible(`form button.send`, chromedp.ByQuery),
			chromedp.Evaluate(`document.documentElement.lang`, &pageLang),
			// The accessible name of the best smiley is its label.
			chromedp.Evaluate(`document.getElementById('q-overall-5').labels[0].textContent.trim()`, &bestName))
		if pageLang != lang || bestName != w.best {
			t.Fatalf("%s: lang %q, best smiley named %q", lang, pageLang, bestName)
		}
		noOverflow(t, ctx, lang+" at 390 px")
		shot(t, ctx, "link-form-"+lang)
		// Reflow: 320 px wide (WCAG 1.4.10) and the narrowest side-by-side layout.
		for _, width := range []int64{320, 420, 600} {
			kioskDo(t, ctx, "resize", chromedp.EmulateViewport(width, 844))
			noOverflow(t, ctx, lang+" at "+strconv.FormatInt(width, 10)+" px")
		}
		kioskDo(t, ctx, "resize", chromedp.EmulateViewport(390, 844))

		// Sent empty: the error summary names the question, in the page's language.
		var errText string
		kioskDo(t, ctx, "send empty", chromedp.Click(`button.send`, chromedp.ByQuery), chromedp.WaitVisible(`.errors`, chromedp.ByQuery),
			chromedp.Text(`.errors`, &errText, chromedp.ByQuery))
		if !strings.Contains(errText, w.required) {
			t.Fatalf("%s error summary %q", lang, errText)
		}
		shot(t, ctx, "link-error-"+lang)

		// Mouse for the smiley, keyboard for a follow-up, typing for the comment.
		kioskDo(t, ctx, "answer",
			chromedp.Click(`label[for="q-overall-4"]`, chromedp.ByQuery),
			chromedp.Focus(`#q-waiting-3`, chromedp.ByQuery), chromedp.KeyEvent(" "),
			chromedp.Click(`label[for="q-resolved-yes"]`, chromedp.ByQuery),
			chromedp.SendKeys(`#q-comment`, "Növbə tez keçdi, çox sağ olun", chromedp.ByQuery))
		var checked []string
		kioskDo(t, ctx, "checked", chromedp.Evaluate(`Array.from(document.querySelectorAll('input:checked')).map(i => i.id)`, &checked))
		if strings.Join(checked, ",") != "q-overall-4,q-waiting-3,q-resolved-yes" {
			t.Fatalf("%s checked %v", lang, checked)
		}
		kioskDo(t, ctx, "focus ring", chromedp.Focus(`#q-resolved-yes`, chromedp.ByQuery))
		shot(t, ctx, "link-filled-"+lang)
		kioskDo(t, ctx, "send", chromedp.Click(`button.send`, chromedp.ByQuery), chromedp.WaitVisible(`.message.thanks`, chromedp.ByQuery),
			chromedp.Text(`h1`, &h1, chromedp.ByQuery))
		if h1 != w.thanks {
			t.Fatalf("%s thanks %q", lang, h1)
		}
		shot(t, ctx, "link-thanks-"+lang)

		// The second attempt shows the already-rated page.
		kioskDo(t, ctx, "again", chromedp.Navigate(u), chromedp.WaitVisible(`.message.used`, chromedp.ByQuery), chromedp.Text(`h1`, &h1, chromedp.ByQuery))
		if h1 != w.used {
			t.Fatalf("%s used page %q", lang, h1)
		}
		shot(t, ctx, "link-used-"+lang)
	}
	if n := env.countResponses(t); n != 3 {
		t.Fatalf("%d responses, want 3", n)
	}

	// A form left open while the same link is used elsewhere (another tab, a double click): the first wins.
	tok := newInvitation(t, env, "B-race", nil)
	kioskDo(t, ctx, "open", chromedp.Navigate(env.URL+"/r/"+tok+"?lang=en"), chromedp.WaitVisible(`form`, chromedp.ByQuery),
		chromedp.Click(`label[for="q-overall-2"]`, chromedp.ByQuery))
	resp, err := http.PostForm(env.URL+"/r/"+tok, url.Values{"overall": {"5"}})
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("first post %d", resp.StatusCode)
	}
	kioskDo(t, ctx, "stale form", chromedp.Click(`button.send`, chromedp.ByQuery), chromedp.WaitVisible(`.message.used`, chromedp.ByQuery))
	if n := env.countResponses(t); n != 4 {
		t.Fatalf("%d responses, want 4", n)
	}

	// Expired and unknown links.
	expired := newInvitation(t, env, "B-old", map[string]any{"expires_in": 60})
	env.Clock.Advance(2 * time.Minute)
	var h1Holder string
	for _, lang := range []string{"az", "en", "ru"} {
		kioskDo(t, ctx, "expired "+lang, chromedp.Navigate(env.URL+"/r/"+expired+"?lang="+lang),
			chromedp.WaitVisible(`.message.expired`, chromedp.ByQuery), chromedp.Text(`h1`, &h1Holder, chromedp.ByQuery))
		if h1Holder != want[lang].expired {
			t.Fatalf("expired %s: %q", lang, h1Holder)
		}
		shot(t, ctx, "link-expired-"+lang)
		kioskDo(t, ctx, "unknown "+lang, chromedp.Navigate(env.URL+"/r/AAAAAAAAAAAAAAAAAAAAAAAA?lang="+lang),
			chromedp.WaitVisible(`.message.unknown`, chromedp.ByQuery), chromedp.Text(`h1`, &h1Holder, chromedp.ByQuery))
		if h1Holder != want[lang].unknown {
			t.Fatalf("unknown %s: %q", lang, h1Holder)
		}
		shot(t, ctx, "link-unknown-"+lang)
	}

	// A desktop-sized look at the form too.
	tok = newInvitation(t, env, "B-desk", nil)
	kioskDo(t, ctx, "desktop", chromedp.EmulateViewport(1280, 900), chromedp.Navigate(env.URL+"/r/"+tok+"?lang=az"),
		chromedp.WaitVisible(`form`, chromedp.ByQuery))
	shot(t, ctx, "link-form-desktop-az")
	checkErrors()
}

// noOverflow fails when the page scrolls sideways or an option's label does not fit its box.
func noOverflow(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var bad []string
	kioskDo(t, ctx, "overflow "+what, chromedp.Evaluate(`(function(){
		var out = [];
		if (document.documentElement.scrollWidth > window.innerWidth) {
			out.push('page ' + document.documentElement.scrollWidth);
			// name the elements that stick out, so a failure says what to fix
			document.querySelectorAll('body *').forEach(function (e) {
				var r = e.getBoundingClientRect();
				if (r.right > window.innerWidth + 0.5 && out.length < 8)
					out.push(e.tagName.toLowerCase() + '.' + e.className + ' "' + e.textContent.trim().slice(0, 40) + '" right ' + Math.round(r.right));
			});
		}
		document.querySelectorAll('.option label, .send, .langs a').forEach(function (e) {
			if (e.scrollWidth > e.clientWidth + 1) out.push(e.textContent.trim() + ' ' + e.scrollWidth + '>' + e.clientWidth);
			var r = e.getBoundingClientRect();
			if (r.height < 44) out.push(e.textContent.trim() + ' only ' + r.height + ' px high');
		});
		return out;
	})()`, &bad))
	if len(bad) > 0 {
		t.Fatalf("%s: overflow or small targets: %v", what, bad)
	}
}
