package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// LoadLimits bound what long reads may take from one instance (docs/api.md, configuration); zero values take
// the defaults below. (The per-user budget of session reads is Limits.SessionRead.)
type LoadLimits struct {
	MaxExports     int           // QIYMET_MAX_EXPORTS: CSV downloads in flight at once
	MaxReports     int           // QIYMET_MAX_REPORTS: PDF reports being built at once
	ExportTimeout  time.Duration // QIYMET_EXPORT_TIMEOUT: the longest one CSV download may take
	ExportWriteWin time.Duration // how long one written chunk (64 KiB) may take (tests shorten it)
}

// Defaults of LoadLimits.
const (
	DefaultMaxExports    = 8
	DefaultMaxReports    = 2
	DefaultExportTimeout = 30 * time.Minute
	defaultWriteWindow   = time.Minute
)

// withDefaults fills the zero fields.
func (l LoadLimits) withDefaults() LoadLimits {
	if l.MaxExports <= 0 {
		l.MaxExports = DefaultMaxExports
	}
	if l.MaxReports <= 0 {
		l.MaxReports = DefaultMaxReports
	}
	if l.ExportTimeout <= 0 {
		l.ExportTimeout = DefaultExportTimeout
	}
	if l.ExportWriteWin <= 0 {
		l.ExportWriteWin = defaultWriteWindow
	}
	l.ExportWriteWin = min(l.ExportWriteWin, l.ExportTimeout)
	return l
}

// loadGuard holds the slots of exports and reports.
type loadGuard struct {
	LoadLimits
	exports chan struct{}
	reports chan struct{}
}

func newLoadGuard(l LoadLimits) *loadGuard {
	l = l.withDefaults()
	return &loadGuard{LoadLimits: l, exports: make(chan struct{}, l.MaxExports), reports: make(chan struct{}, l.MaxReports)}
}

// trySlot takes a slot of sem without waiting; release gives it back. A full sem means the instance is
// busy with long reads: the caller answers 503 at once rather than queue a request that would hold a
// connection and memory for minutes.
func trySlot(sem chan struct{}) (release func(), ok bool) {
	select {
	case sem <- struct{}{}:
		return func() { <-sem }, true
	default:
		return nil, false
	}
}

// Retry-After of a busy answer: an export in flight takes a while, a PDF a second or two.
const (
	exportBusyRetry = 30
	reportBusyRetry = 5
)

// writeBusy answers 503 unavailable in the caller's language (apiLang), with Retry-After.
func writeBusy(w http.ResponseWriter, r *http.Request, p *Principal, key string, retryAfter int) {
	w.Header().Set("Retry-After", strconv.Itoa(retryAfter))
	writeJSON(w, http.StatusServiceUnavailable, errorBody{Error: survey.Error{Code: survey.CodeUnavailable, Message: i18n.T(apiLang(r, p), key)}})
}

// apiLang is the language of an API error message written for people: ?lang=, the lang cookie,
// Accept-Language, then a signed-in user's own language, then English (the API's language, docs/api.md).
func apiLang(r *http.Request, p *Principal) string {
	if l, ok := locale.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	if c, err := r.Cookie(i18n.CookieName); err == nil && locale.Valid(c.Value) {
		return c.Value
	}
	if r.Header.Get("Accept-Language") != "" {
		return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
	}
	if p != nil && p.User != nil && locale.Valid(p.User.Lang) {
		return p.User.Lang
	}
	return "en"
}

// allowSessionRead applies the per-user budget of API reads made with a session (QIYMET_RATE_SESSION_READ; API
// keys have their own).
func (s *Server) allowSessionRead(w http.ResponseWriter, p *Principal) bool {
	ok, wait := s.limits.session.allow("u" + itoa(p.User.ID))
	if !ok {
		writeRateLimited(w, wait)
	}
	return ok
}

// downloadWriter bounds a streamed download: each chunk written may take ExportWriteWin, and none may end
// after the download's overall deadline, so a client that reads a trickle cannot hold a slot forever.
type downloadWriter struct {
	w      http.ResponseWriter
	rc     *http.ResponseController
	window time.Duration
	end    time.Time
}

// downloadChunk is how much one write window covers: a page is written in chunks, so the window asks for a
// slow but steady client (64 KiB a minute by default), not for a whole page at once.
const downloadChunk = 64 << 10

func (d *downloadWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		c := p[:min(len(p), downloadChunk)]
		dl := time.Now().Add(d.window)
		if dl.After(d.end) {
			dl = d.end
		}
		_ = d.rc.SetWriteDeadline(dl) // ErrNotSupported on writers without a conn: harmless
		m, err := d.w.Write(c)
		n += m
		if err != nil {
			return n, err
		}
		p = p[len(c):]
	}
	return n, nil
}
