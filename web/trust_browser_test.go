package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/pquerna/otp/totp"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/browsertest"
)

// TestTwoFactorInBrowser: in headless Chromium, an admin who must use two-factor sign-in signs in, is taken to
// the enrolment, reads the secret off the page, confirms it with a code the library computes, keeps the
// recovery codes, signs out and signs in again in two steps; then reads the audit log. Screenshots of each
// new page at 390×844 and 1366×768 in az and ru (QIYMET_SCREENSHOTS, default /tmp/qiymet-screenshots).
func TestTwoFactorInBrowser(t *testing.T) {
	e := &dashEnv{testEnv: newTestEnvWith(t, "sqlite", testEnvOptions{MinN: 30, Seed: seedDash, Require2FA: "admin", BaseURL: "http://127.0.0.1"}),
		Users: map[string]string{"admin": "admin@example.az"}}
	if _, err := e.Store.AddUser(context.Background(), "admin@example.az", testPassword, survey.RoleAdmin, ""); err != nil {
		t.Fatal(err)
	}
	ctx := browsertest.New(t)
	shots := func(name string) {
		t.Helper()
		var loc string
		dashDo(t, ctx, "location", chromedp.Location(&loc))
		for _, lang := range []string{"az", "ru"} {
			dashDo(t, ctx, "language "+lang, chromedp.Navigate(loc+sep(loc)+"lang="+lang), chromedp.WaitVisible("h1", chromedp.ByQuery))
			for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
				dashDo(t, ctx, "viewport", chromedp.EmulateViewport(size[0], size[1]))
				pageFits(t, ctx, name+" "+lang)
				browsertest.Screenshot(t, ctx, name+"-"+lang+"-"+itoa(size[0]))
			}
		}
		dashDo(t, ctx, "back in az", chromedp.Navigate(loc+sep(loc)+"lang=az"), chromedp.WaitVisible("h1", chromedp.ByQuery))
		dashDo(t, ctx, "viewport", chromedp.EmulateViewport(1366, 768))
	}
	var text, loc string
	dashDo(t, ctx, "password step",
		chromedp.Navigate(e.URL+"/admin/users?lang=az"),
		chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", "admin@example.az", chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible("#totp-secret", chromedp.ByID),
		chromedp.Location(&loc))
	if !strings.Contains(loc, "/account/2fa") {
		t.Fatalf("not sent to enrolment: %s", loc)
	}
	dashDo(t, ctx, "the rest is closed", chromedp.Navigate(e.URL+"/admin/users"), chromedp.WaitVisible("#email", chromedp.ByID))
	dashDo(t, ctx, "back to enrolment", chromedp.Navigate(loc), chromedp.WaitVisible("#totp-secret", chromedp.ByID))
	shots("2fa-enrol")
	dashDo(t, ctx, "read the secret", chromedp.Text("#totp-secret", &text, chromedp.ByID))
	secret := strings.ReplaceAll(text, " ", "")
	code, err := totp.GenerateCode(secret, e.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	var codes []string
	dashDo(t, ctx, "confirm",
		chromedp.SendKeys("#code", code, chromedp.ByID),
		chromedp.Submit("#code", chromedp.ByID),
		chromedp.WaitVisible("#recovery-codes", chromedp.ByID),
		chromedp.Evaluate(`[...document.querySelectorAll('#recovery-codes code')].map(c => c.textContent)`, &codes))
	if len(codes) != survey.RecoveryCodes {
		t.Fatalf("recovery codes: %v", codes)
	}
	pageFits(t, ctx, "recovery codes")
	for _, size := range [][2]int64{{390, 844}, {1366, 768}} {
		dashDo(t, ctx, "viewport", chromedp.EmulateViewport(size[0], size[1]))
		browsertest.Screenshot(t, ctx, "2fa-recovery-az-"+itoa(size[0]))
	}
	dashDo(t, ctx, "continue",
		chromedp.Click("#continue", chromedp.ByID),
		chromedp.WaitVisible(`//h1`, chromedp.BySearch),
		chromedp.Location(&loc))
	if !strings.Contains(loc, "/admin/users") {
		t.Fatalf("continue went to %s", loc)
	}

	// The audit log page, with the enrolment in it.
	dashDo(t, ctx, "audit log",
		chromedp.Navigate(e.URL+"/admin/audit"),
		chromedp.WaitVisible("#audit", chromedp.ByID),
		chromedp.Text("#audit tbody", &text, chromedp.ByQuery))
	if !strings.Contains(text, survey.AuditUser2FAOn) || !strings.Contains(text, "admin@example.az") {
		t.Fatalf("audit page: %s", text)
	}
	shots("audit")

	// Next sign-in: the password, then the code of the next 30 s step.
	dashDo(t, ctx, "sign out", chromedp.Click("#signout", chromedp.ByID), chromedp.WaitVisible("#email", chromedp.ByID))
	dashDo(t, ctx, "password again",
		chromedp.SendKeys("#email", "admin@example.az", chromedp.ByID),
		chromedp.SendKeys("#password", testPassword, chromedp.ByID),
		chromedp.Submit("#password", chromedp.ByID),
		chromedp.WaitVisible(`input[autocomplete="one-time-code"]`, chromedp.ByQuery))
	shots("2fa-code")
	dashDo(t, ctx, "the same code again is refused",
		chromedp.SendKeys("#code", code, chromedp.ByID),
		chromedp.Submit("#code", chromedp.ByID),
		chromedp.WaitVisible(".notice.error", chromedp.ByQuery))
	e.Clock.Advance(30 * time.Second)
	next, _ := totp.GenerateCode(secret, e.Clock.Now())
	dashDo(t, ctx, "code",
		chromedp.SendKeys("#code", next, chromedp.ByID),
		chromedp.Submit("#code", chromedp.ByID),
		chromedp.WaitVisible("#signout", chromedp.ByID),
		chromedp.Location(&loc))
	if strings.Contains(loc, "/login") || strings.Contains(loc, "/account/2fa") {
		t.Fatalf("signed in at %s", loc)
	}
	dashDo(t, ctx, "two-factor page says on",
		chromedp.Navigate(e.URL+"/account/2fa?lang=az"),
		chromedp.WaitVisible("#twofa-on", chromedp.ByID))
	shots("2fa-on")
}

// pageFits fails when the page is wider than the window (a phone would scroll sideways), naming what sticks out.
func pageFits(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var bad []string
	dashDo(t, ctx, "width of "+what, chromedp.Evaluate(`(function(){
		var out = [];
		if (document.documentElement.scrollWidth > window.innerWidth) {
			out.push('page ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
			document.querySelectorAll('body *').forEach(function (e) {
				var r = e.getBoundingClientRect();
				if (r.right > window.innerWidth + 0.5 && out.length < 8)
					out.push(e.tagName.toLowerCase() + '.' + e.className + ' "' + e.textContent.trim().slice(0, 40) + '" right ' + Math.round(r.right));
			});
		}
		return out;
	})()`, &bad))
	if len(bad) > 0 {
		t.Errorf("%s does not fit: %v", what, bad)
	}
}
