package web_test

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	cdplog "github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
	"github.com/google/uuid"
	"github.com/qiymet/qiymet/web"
	"github.com/qiymet/qiymet/web/browsertest"
)

// stoppable serves h on a fixed loopback address that can be taken down and brought back, like a server that
// restarts or a network that drops.
type stoppable struct {
	t    *testing.T
	h    http.Handler
	addr string
	hs   *http.Server
}

func startStoppable(t *testing.T, h http.Handler) *stoppable {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &stoppable{t: t, h: h, addr: ln.Addr().String()}
	s.serve(ln)
	t.Cleanup(func() { s.stop() })
	return s
}

func (s *stoppable) URL() string { return "http://" + s.addr }

func (s *stoppable) serve(ln net.Listener) {
	s.hs = &http.Server{Handler: s.h, ReadHeaderTimeout: 5 * time.Second}
	go s.hs.Serve(ln)
}

func (s *stoppable) stop() {
	if s.hs != nil {
		s.hs.Close()
		s.hs = nil
	}
}

func (s *stoppable) start() {
	var ln net.Listener
	var err error
	for i := 0; i < 50; i++ {
		if ln, err = net.Listen("tcp", s.addr); err == nil {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	if err != nil {
		s.t.Fatalf("restart on %s: %v", s.addr, err)
	}
	s.serve(ln)
}

// kioskDo runs browser actions with a bound on each step, failing the test with what it was doing.
func kioskDo(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action) {
	t.Helper()
	c, cancel := context.WithTimeout(ctx, 20*time.Second)
	defer cancel()
	if err := chromedp.Run(c, actions...); err != nil {
		var dump string
		chromedp.Run(ctx, chromedp.Evaluate(`document.body ? document.body.innerText : ''`, &dump))
		t.Fatalf("%s: %v\npage: %s", what, err, dump)
	}
}

func screenIs(name string) chromedp.Action {
	return chromedp.WaitVisible(`#screen[data-screen="`+name+`"]`, chromedp.ByQuery)
}

func jsInt(t *testing.T, ctx context.Context, expr string) int {
	t.Helper()
	var n int
	kioskDo(t, ctx, "evaluate "+expr, chromedp.Evaluate(expr, &n))
	return n
}

const queueLen = `JSON.parse(localStorage.getItem('qiymet.queue') || '[]').length`

// waitFor polls a JavaScript condition until it holds.
func waitFor(t *testing.T, ctx context.Context, what, expr string, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		var ok bool
		kioskDo(t, ctx, what, chromedp.Evaluate(expr, &ok))
		if ok {
			return
		}
		if time.Now().After(deadline) {
			var dump string
			chromedp.Run(ctx, chromedp.Evaluate(`document.body.innerText`, &dump))
			t.Fatalf("%s: not within %v\npage: %s", what, within, dump)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// tap touches the middle of the element like a finger would.
func tap(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var box []float64
		if err := chromedp.Evaluate(fmt.Sprintf(`(function(){var e=document.querySelector(%q);e.scrollIntoView({block:'center'});var r=e.getBoundingClientRect();return [r.left+r.width/2,r.top+r.height/2]})()`, sel), &box).Do(ctx); err != nil {
			return err
		}
		p := []*input.TouchPoint{{X: box[0], Y: box[1]}}
		if err := input.DispatchTouchEvent(input.TouchStart, p).Do(ctx); err != nil {
			return err
		}
		return input.DispatchTouchEvent(input.TouchEnd, []*input.TouchPoint{}).Do(ctx)
	})
}

// press focuses an element and presses Enter on it, like a keyboard user.
func press(sel string) chromedp.Action {
	return chromedp.Tasks{chromedp.Focus(sel, chromedp.ByQuery), chromedp.KeyEvent("\r")}
}

func TestKioskBrowser(t *testing.T) {
	defer web.SetKioskTiming(3, 2, 60, 2)()
	env := newTestEnv(t, "sqlite")
	srv := startStoppable(t, env.Server)
	ctx := newBrowser(t)
	checkErrors := watchErrors(t, ctx)
	bg := context.Background()

	// Not enrolled yet.
	kioskDo(t, ctx, "open the app", chromedp.Navigate(srv.URL()+"/kiosk/"), screenIs("notenrolled"))
	shot(t, ctx, "kiosk-notenrolled-az")

	// Enrol with a one-time URL; a second use of the same URL fails with a clear message.
	code, err := env.Store.NewPairingCode(bg, env.Kiosk.ID)
	if err != nil {
		t.Fatal(err)
	}
	kioskDo(t, ctx, "enrol", chromedp.Navigate(srv.URL()+"/kiosk/enrol/"+code), screenIs("attract"))
	var loc string
	kioskDo(t, ctx, "location", chromedp.Evaluate(`location.pathname`, &loc))
	if loc != "/kiosk/" {
		t.Fatalf("after enrolment the tablet is at %s", loc)
	}
	// The heartbeat reports the app.
	deadline := time.Now().Add(10 * time.Second)
	for {
		ks, err := env.Store.ListKiosks(bg)
		if err != nil {
			t.Fatal(err)
		}
		if ks[0].LastSeenUS != 0 {
			if ks[0].AppVersion != "1.1.0" || ks[0].QueueLen != 0 {
				t.Fatalf("heartbeat stored %+v", ks[0])
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no heartbeat stored")
		}
		time.Sleep(100 * time.Millisecond)
	}

	// One rating per language, with screenshots of every screen.
	for _, lang := range []string{"az", "en", "ru"} {
		kioskDo(t, ctx, "language "+lang, chromedp.Click(`button[data-lang="`+lang+`"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`html[lang="`+lang+`"] #tiles`, chromedp.ByQuery))
		// The attract screen is the agency choice: its first touch lands on the rating.
		shot(t, ctx, "kiosk-attract-"+lang)
		bigTargets(t, ctx, "kiosk-attract-"+lang)
		kioskDo(t, ctx, "agency", chromedp.Click(`button[data-agency="migration"]`, chromedp.ByQuery), screenIs("primary"))
		shot(t, ctx, "kiosk-smileys-"+lang)
		bigTargets(t, ctx, "kiosk-smileys-"+lang)
		if lang == "ru" { // the longest words, on a portrait tablet
			kioskDo(t, ctx, "portrait", chromedp.EmulateViewport(800, 1280))
			shot(t, ctx, "kiosk-smileys-ru-portrait")
			bigTargets(t, ctx, "kiosk-smileys-ru-portrait")
			kioskDo(t, ctx, "landscape", emulation.ClearDeviceMetricsOverride())
		}
		var names []string
		kioskDo(t, ctx, "smiley names", chromedp.Evaluate(`Array.from(document.querySelectorAll('.smiley')).map(b => b.textContent.trim())`, &names))
		want := map[string]string{"az": "Çox pis,Pis,Orta,Yaxşı,Əla", "en": "Very bad,Bad,Okay,Good,Excellent",
			"ru": "Очень плохо,Плохо,Нормально,Хорошо,Отлично"}[lang]
		if strings.Join(names, ",") != want {
			t.Fatalf("%s smiley names %v", lang, names)
		}
		kioskDo(t, ctx, "smiley", chromedp.Click(`.smiley[data-value="5"]`, chromedp.ByQuery), screenIs("followup"))
		kioskDo(t, ctx, "follow-ups",
			chromedp.Click(`button[data-key="waiting"][data-value="4"]`, chromedp.ByQuery),
			chromedp.Click(`button[data-key="resolved"][data-value="true"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`button[data-key="resolved"][data-value="true"][aria-pressed="true"]`, chromedp.ByQuery))
		shot(t, ctx, "kiosk-followups-"+lang)
		bigTargets(t, ctx, "kiosk-followups-"+lang)
		kioskDo(t, ctx, "send", chromedp.Click(`#send`, chromedp.ByQuery), screenIs("thanks"))
		shot(t, ctx, "kiosk-thanks-"+lang)
		// It resets by itself, back in Azerbaijani.
		kioskDo(t, ctx, "reset", screenIs("attract"), chromedp.WaitVisible(`html[lang="az"]`, chromedp.ByQuery))
	}
	waitFor(t, ctx, "queue drained", queueLen+` === 0`, 10*time.Second)
	if n := env.countResponses(t); n != 3 {
		t.Fatalf("%d responses after three ratings, want 3", n)
	}
	var rows []struct {
		ID      string `bun:"id"`
		Lang    string `bun:"lang"`
		Answers string `bun:"answers"`
		Channel string `bun:"channel"`
		Center  string `bun:"center_code"`
		KioskID int64  `bun:"kiosk_id"`
	}
	if err := env.Store.DB().NewSelect().Table("responses").Column("id", "lang", "answers", "channel", "center_code", "kiosk_id").
		OrderExpr("submitted_us").Scan(bg, &rows); err != nil {
		t.Fatal(err)
	}
	for i, lang := range []string{"az", "en", "ru"} {
		r := rows[i]
		if r.Lang != lang || r.Answers != `{"overall":5,"resolved":true,"waiting":4}` || r.Channel != "kiosk" || r.Center != "baku-1" || r.KioskID != env.Kiosk.ID {
			t.Fatalf("response %d: %+v", i, r)
		}
		// The kiosk's ids are time-ordered (UUIDv7), made during this test, one after the other.
		id, err := uuid.Parse(r.ID)
		if err != nil || id.Version() != 7 {
			t.Fatalf("response %d: id %q is not a UUIDv7 (%v)", i, r.ID, err)
		}
		if at := time.Unix(id.Time().UnixTime()); time.Since(at) > 10*time.Minute || time.Until(at) > time.Minute {
			t.Fatalf("response %d: id %s carries the time %s", i, r.ID, at)
		}
		if i > 0 && r.ID <= rows[i-1].ID {
			t.Fatalf("ids not in the order they were made: %s after %s", r.ID, rows[i-1].ID)
		}
	}

	// Idle: a citizen who walks away mid-way leaves nothing behind on the screen; a rating begun is kept.
	kioskDo(t, ctx, "idle on the smileys", chromedp.Click(`button[data-agency="justice"]`, chromedp.ByQuery), screenIs("primary"))
	kioskDo(t, ctx, "idle reset", screenIs("attract"))
	kioskDo(t, ctx, "half rating", chromedp.Click(`button[data-agency="justice"]`, chromedp.ByQuery), screenIs("primary"),
		chromedp.Click(`.smiley[data-value="2"]`, chromedp.ByQuery), screenIs("followup"))
	kioskDo(t, ctx, "idle reset on follow-ups", screenIs("attract"))
	waitFor(t, ctx, "queue drained", queueLen+` === 0`, 10*time.Second)
	if n := env.countResponses(t); n != 4 {
		t.Fatalf("%d responses, want 4 (the abandoned rating is kept)", n)
	}
	before := env.countResponses(t)

	// Offline: the server goes away, the tablet even restarts (the service worker keeps the app, localStorage
	// the configuration); three more ratings by touch, keyboard and mouse go into the queue.
	waitFor(t, ctx, "service worker in control", `navigator.serviceWorker.controller !== null`, 10*time.Second)
	srv.stop()
	kioskDo(t, ctx, "reload with the server down", chromedp.Reload(), screenIs("attract"))
	kioskDo(t, ctx, "touch rating", tap(`button[data-agency="property"]`), screenIs("primary"),
		tap(`.smiley[data-value="1"]`), screenIs("followup"), tap(`#skip`), screenIs("thanks"), screenIs("attract"))
	kioskDo(t, ctx, "keyboard rating", press(`button[data-agency="migration"]`), screenIs("primary"),
		press(`.smiley[data-value="3"]`), screenIs("followup"), press(`button[data-key="resolved"][data-value="false"]`),
		press(`#send`), screenIs("thanks"), screenIs("attract"))
	kioskDo(t, ctx, "mouse rating", chromedp.Click(`button[data-agency="migration"]`, chromedp.ByQuery), screenIs("primary"),
		chromedp.Click(`.smiley[data-value="4"]`, chromedp.ByQuery), screenIs("followup"),
		chromedp.Click(`#send`, chromedp.ByQuery), screenIs("thanks"), screenIs("attract"))
	waitFor(t, ctx, "offline indicator", `document.querySelector('#staff').dataset.online === 'false' && document.querySelector('#staff').dataset.pending === '3'`, 10*time.Second)
	for _, lang := range []string{"az", "en", "ru"} {
		kioskDo(t, ctx, "language "+lang, chromedp.Click(`button[data-lang="`+lang+`"]`, chromedp.ByQuery),
			chromedp.WaitVisible(`html[lang="`+lang+`"] #tiles`, chromedp.ByQuery))
		var staff string
		kioskDo(t, ctx, "staff text", chromedp.Text(`#staff`, &staff, chromedp.ByQuery))
		want := map[string]string{"az": "Oflayn · Növbədə: 3", "en": "Offline · Queued: 3", "ru": "Нет связи · В очереди: 3"}[lang]
		if !strings.Contains(staff, want) {
			t.Fatalf("staff indicator %q, want %q", staff, want)
		}
		shot(t, ctx, "kiosk-offline-"+lang)
	}
	if n := env.countResponses(t); n != before {
		t.Fatalf("stored %d while offline", n-before)
	}

	// The server is back but the tablet's requests are still blocked; the queue survives a reload.
	kioskDo(t, ctx, "block", network.Enable(), network.SetBlockedURLs([]string{"*/api/v1/responses*"}))
	srv.start()
	kioskDo(t, ctx, "reload", chromedp.Reload(), screenIs("attract"))
	if n := jsInt(t, ctx, queueLen); n != 3 {
		t.Fatalf("after a reload the queue holds %d, want 3", n)
	}
	time.Sleep(1500 * time.Millisecond) // a few blocked attempts
	if n := env.countResponses(t); n != before {
		t.Fatalf("stored %d while blocked", n-before)
	}
	// Unblocked: the queue drains by itself, exactly three more responses, none twice.
	kioskDo(t, ctx, "unblock", network.SetBlockedURLs([]string{}))
	waitFor(t, ctx, "queue drained after the outage", queueLen+` === 0 && document.querySelector('#staff').dataset.online === 'true'`, 20*time.Second)
	time.Sleep(500 * time.Millisecond)
	if n := env.countResponses(t); n != before+3 {
		t.Fatalf("%d more responses after the outage, want exactly 3", n-before)
	}
	var got []string
	if err := env.Store.DB().NewSelect().Table("responses").Column("answers").Where("seq > (SELECT MAX(seq) - 3 FROM responses)").
		OrderExpr("submitted_us").Scan(bg, &got); err != nil {
		t.Fatal(err)
	}
	if strings.Join(got, " ") != `{"overall":1} {"overall":3,"resolved":false} {"overall":4}` {
		t.Fatalf("queued answers stored as %v", got)
	}

	// An enrolment URL works once: opened again, it says so and leaves the enrolled tablet alone.
	kioskDo(t, ctx, "used enrolment code", chromedp.Navigate(srv.URL()+"/kiosk/enrol/"+code),
		chromedp.WaitVisible(`#status:not(:empty)`, chromedp.ByQuery))
	var msg string
	kioskDo(t, ctx, "message", chromedp.Text(`#status`, &msg, chromedp.ByQuery))
	if !strings.Contains(msg, "already been used") && !strings.Contains(msg, "artıq istifadə olunub") && !strings.Contains(msg, "уже использован") {
		t.Fatalf("used enrolment code: %q", msg)
	}
	shot(t, ctx, "kiosk-enrol-used")
	kioskDo(t, ctx, "back to the app", chromedp.Navigate(srv.URL()+"/kiosk/"), screenIs("attract"))
	checkErrors()
}

// shot saves a screenshot (a PNG) for a person to look at.
func shot(t *testing.T, ctx context.Context, name string) { browsertest.Screenshot(t, ctx, name) }

// newBrowser starts headless Chromium for one test.
func newBrowser(t *testing.T) context.Context { return browsertest.New(t) }

// watchErrors collects the page's script errors and console/security errors (CSP violations among them);
// the returned check fails the test if there were any.
func watchErrors(t *testing.T, ctx context.Context) (check func()) {
	t.Helper()
	var mu sync.Mutex
	var errs []string
	chromedp.ListenTarget(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *cdplog.EventEntryAdded:
			// Failed requests are expected while the server is down or blocked; anything else is a bug.
			if e.Entry.Level == cdplog.LevelError && e.Entry.Source != cdplog.SourceNetwork {
				errs = append(errs, string(e.Entry.Source)+": "+e.Entry.Text)
			}
		case *runtime.EventExceptionThrown:
			errs = append(errs, "exception: "+e.ExceptionDetails.Text+" "+exceptionText(e.ExceptionDetails))
		}
	})
	kioskDo(t, ctx, "enable logs", cdplog.Enable(), runtime.Enable())
	return func() {
		t.Helper()
		mu.Lock()
		defer mu.Unlock()
		if len(errs) > 0 {
			t.Fatalf("the page reported errors: %v", errs)
		}
	}
}

func exceptionText(d *runtime.ExceptionDetails) string {
	if d.Exception != nil {
		return d.Exception.Description
	}
	return ""
}

// TestKioskClockSkew: a tablet whose clock is two hours fast (and that cannot reach the config endpoint to
// learn better) gets a 422 for submitted_at; it re-stamps the rating with the server's Date and the rating is
// stored at the right time rather than lost.
func TestKioskClockSkew(t *testing.T) {
	env := newTestEnvWith(t, "sqlite", testEnvOptions{Start: time.Now().UTC()})
	srv := startStoppable(t, env.Server)
	ctx := newBrowser(t)
	code, err := env.Store.NewPairingCode(context.Background(), env.Kiosk.ID)
	if err != nil {
		t.Fatal(err)
	}
	kioskDo(t, ctx, "enrol", chromedp.Navigate(srv.URL()+"/kiosk/enrol/"+code), screenIs("attract"),
		network.Enable(), network.SetBlockedURLs([]string{"*/api/v1/kiosk/*"}),
		chromedp.Evaluate(`localStorage.setItem('qiymet.clockOffset', String(2*3600*1000))`, nil),
		chromedp.Reload(), screenIs("attract"),
		chromedp.Click(`button[data-agency="migration"]`, chromedp.ByQuery), screenIs("primary"),
		chromedp.Click(`.smiley[data-value="5"]`, chromedp.ByQuery), screenIs("followup"),
		chromedp.Click(`#skip`, chromedp.ByQuery), screenIs("thanks"))
	waitFor(t, ctx, "queue drained", queueLen+` === 0`, 10*time.Second)
	if n := jsInt(t, ctx, `JSON.parse(localStorage.getItem('qiymet.stats')).dropped || 0`); n != 0 {
		t.Fatalf("%d ratings dropped", n)
	}
	var at int64
	if err := env.Store.DB().NewSelect().Table("responses").Column("submitted_us").Scan(context.Background(), &at); err != nil {
		t.Fatal(err)
	}
	if d := time.Since(time.UnixMicro(at)); d < -time.Minute || d > time.Minute {
		t.Fatalf("stored at %v, %v from now", time.UnixMicro(at), d)
	}
}

// bigTargets fails when a kiosk control is smaller than 64×64 CSS pixels or its text overflows.
func bigTargets(t *testing.T, ctx context.Context, what string) {
	t.Helper()
	var bad []string
	kioskDo(t, ctx, "targets "+what, chromedp.Evaluate(`(function(){
		var out = [];
		document.querySelectorAll('#screen button, .bar button').forEach(function (b) {
			if (b.closest('[hidden]')) return; // e.g. the scroll cue when nothing is below the fold
			var r = b.getBoundingClientRect();
			if (r.width < 64 || r.height < 64) out.push(b.textContent.trim() + ' ' + Math.round(r.width) + 'x' + Math.round(r.height));
			if (b.scrollWidth > b.clientWidth + 1) out.push(b.textContent.trim() + ' overflows');
		});
		if (document.documentElement.scrollWidth > window.innerWidth) out.push('page scrolls sideways');
		return out;
	})()`, &bad))
	if len(bad) > 0 {
		t.Fatalf("%s: small or overflowing targets: %v", what, bad)
	}
}
