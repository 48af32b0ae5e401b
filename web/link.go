package web

import (
	"bytes"
	"cmp"
	"embed"
	"encoding/json"
	"errors"
	"html/template"
	"math"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
)

// The one-time link pages: GET /r/{token} shows the visit's survey, POST /r/{token} stores the answer (a plain
// form, no JavaScript), and every other state has its own page and status (docs/api.md): used 409, expired 410,
// unknown 404. The token in the URL is the capability; cross-origin form posts are refused on top of that.

//go:embed templates/link/*.html templates/link/*.css
var linkFS embed.FS

// linkTemplates are parsed once, at start.
var linkTemplates = template.Must(template.New("link").Funcs(template.FuncMap{
	"t":     func(lang, key string, args ...any) string { return i18n.T(lang, key, args...) },
	"mouth": func(level int) string { return faceMouths[max(0, min(level, 4))] },
}).ParseFS(linkFS, "templates/link/*.html"))

var linkCSS = mustRead(linkFS, "templates/link/link.css")

// linkCSRF refuses cross-origin form posts (Sec-Fetch-Site, then Origin against Host).
var linkCSRF = http.NewCrossOriginProtection()

func mustRead(fs embed.FS, name string) []byte {
	b, err := fs.ReadFile(name)
	if err != nil {
		panic(err)
	}
	return b
}

// Kinds of link page.
const (
	linkForm        = "form"
	linkThanks      = "thanks"
	linkUsed        = "used"
	linkExpired     = "expired"
	linkUnknown     = "unknown"
	linkLimited     = "limited"
	linkForbidden   = "forbidden"
	linkUnavailable = "unavailable"
)

// linkStatus is the HTTP status of each kind of page.
var linkStatus = map[string]int{
	linkForm: http.StatusOK, linkThanks: http.StatusOK, linkUsed: http.StatusConflict, linkExpired: http.StatusGone,
	linkUnknown: http.StatusNotFound, linkLimited: http.StatusTooManyRequests, linkForbidden: http.StatusForbidden,
	linkUnavailable: http.StatusServiceUnavailable,
}

type linkView struct {
	Kind      string
	Lang      string
	Path      string // the page's own path, for the language links
	Langs     []linkLang
	Token     string
	Agency    string
	Service   string
	Center    string
	ExpiresAt string
	Questions []*linkQuestion
	Errors    []linkError
	// GenericComment: the survey has no text question, so the page offers the response's comment field.
	GenericComment bool
	Comment        string
	CommentInvalid bool
	// SubmissionID is the form's response id, made when the form is shown: a second post of the same form (a
	// double tap) is then the retry of the first and gets its thank-you, not the already-rated page.
	SubmissionID string
	// Bad: the thank-you of a rating whose primary answer is in its bottom two points (it opened a case): a
	// neutral mark and a promise instead of a smile, as on the kiosk.
	Bad bool
}

type linkLang struct {
	Code, Name, URL string
	Current         bool
}

type linkError struct{ Anchor, Message string }

type linkQuestion struct {
	Key, ID, Type, Text string
	Required            bool
	Options             []linkOption
	Value               string
	Invalid             bool
}

type linkOption struct {
	ID, Value, Label string
	Face             int // 0 (worst) … 4 (best); -1: no face
	Checked          bool
}

// faceMouths draws the five smileys' mouths, worst to best.
var faceMouths = [5]string{"M14 36 Q24 25 34 36", "M15 35 Q24 30 33 35", "M15 33 L33 33", "M15 31 Q24 37 33 31", "M13 29 Q24 43 35 29"}

// linkURL is the public address of a one-time visit link: the invitation answer and its QR code carry it.
func (s *Server) linkURL(token string) string { return s.baseURL + "/r/" + token }

// linkLangOf is the contract's rule for link pages: ?lang=, then Accept-Language, then az.
func linkLangOf(r *http.Request) string {
	if l, ok := locale.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

func (s *Server) newLinkView(kind, lang, token string) *linkView {
	v := &linkView{Kind: kind, Lang: lang, Token: token}
	if token != "" {
		v.Path = "/r/" + token
	}
	for _, l := range locale.Langs {
		u := ""
		if v.Path != "" {
			u = v.Path + "?lang=" + l
		}
		v.Langs = append(v.Langs, linkLang{Code: l, Name: locale.Name(l), URL: u, Current: l == lang})
	}
	return v
}

func (s *Server) renderLink(w http.ResponseWriter, v *linkView, status int) {
	var buf bytes.Buffer
	if err := linkTemplates.ExecuteTemplate(&buf, "page", v); err != nil {
		s.log.Error("link page", "kind", v.Kind, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Language", v.Lang)
	h.Set("Cache-Control", "no-store")
	h.Set("Vary", "Accept-Language")
	// The token is in the path: never let it travel on in a Referer.
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	w.Write(buf.Bytes())
}

// linkErrorPage answers with the page of a store error: unknown 404, used 409, expired 410, else 503.
func (s *Server) linkErrorPage(w http.ResponseWriter, r *http.Request, lang, token string, err error) {
	kind := linkUnavailable
	switch survey.ErrorCode(err) {
	case survey.CodeNotFound:
		kind, token = linkUnknown, ""
	case survey.CodeTokenUsed, survey.CodeIDConflict: // id_conflict: the form's id, posted again with other answers
		kind = linkUsed
	case survey.CodeTokenExpired:
		kind = linkExpired
	default:
		if !survey.IsUnavailable(err) && r.Context().Err() == nil {
			s.log.Error("link page", "method", r.Method, "err", err)
		}
		w.Header().Set("Retry-After", "30")
	}
	s.renderLink(w, s.newLinkView(kind, lang, token), linkStatus[kind])
}

func (s *Server) allowLinkIP(w http.ResponseWriter, r *http.Request, lang string) bool {
	ok, wait := s.limits.ip.allow(clientIP(r))
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(max(wait, 1)))
		s.renderLink(w, s.newLinkView(linkLimited, lang, ""), http.StatusTooManyRequests)
	}
	return ok
}

// linkPage serves GET /r/{token}.
func (s *Server) linkPage(w http.ResponseWriter, r *http.Request) {
	lang := linkLangOf(r)
	if !s.allowLinkIP(w, r, lang) {
		return
	}
	token := r.PathValue("token")
	v, err := s.linkFormView(r, lang, token, false)
	if err != nil {
		s.linkErrorPage(w, r, lang, token, err)
		return
	}
	v.SubmissionID = survey.NewResponseID()
	s.renderLink(w, v, http.StatusOK)
}

// linkSlash sends /r/{token}/ to the link's page: the citizen gets the form, not the dashboard's not-found page.
func linkSlash(w http.ResponseWriter, r *http.Request) {
	u := "/r/" + url.PathEscape(r.PathValue("token"))
	if r.URL.RawQuery != "" {
		u += "?" + r.URL.RawQuery
	}
	http.Redirect(w, r, u, http.StatusMovedPermanently)
}

// linkFormView builds the rating form of the invitation of token; usedOK builds it for a used invitation too.
func (s *Server) linkFormView(r *http.Request, lang, token string, usedOK bool) (*linkView, error) {
	inv, err := s.store.InvitationByToken(r.Context(), token)
	if err != nil && !(usedOK && survey.ErrorCode(err) == survey.CodeTokenUsed) {
		return nil, err
	}
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		return nil, err
	}
	ag, ok := cv.Agency(inv.Agency)
	if !ok {
		return nil, errors.New("invitation of an agency no longer in the catalog")
	}
	sv, ok := cv.Survey(ag.Survey, 0)
	if !ok {
		return nil, errors.New("agency without a survey")
	}
	v := s.newLinkView(linkForm, lang, token)
	v.Agency = ag.Name.Get(lang)
	if svc, ok := cv.Service(inv.Service); ok {
		v.Service = svc.Name.Get(lang)
	}
	if ce, ok := cv.Center(inv.Center); ok {
		v.Center = ce.Name.Get(lang)
	}
	v.ExpiresAt = time.UnixMicro(inv.ExpiresUS).In(s.loc).Format("02.01.2006 15:04")
	hasText := false
	// The primary question first: it is the one that must be answered.
	qs := make([]survey.Question, 0, len(sv.Questions))
	if p, ok := sv.Question(sv.Primary); ok {
		qs = append(qs, p)
	}
	for _, q := range sv.Questions {
		if q.Key != sv.Primary {
			qs = append(qs, q)
		}
	}
	for _, q := range qs {
		lq := &linkQuestion{Key: q.Key, ID: "q-" + q.Key, Type: q.Type, Text: q.Text.Get(lang), Required: q.Required || q.Key == sv.Primary}
		switch q.Type {
		case survey.TypeScale:
			for val := q.Min; val <= q.Max; val++ {
				level := int(math.Round(float64(val-q.Min) * 4 / float64(q.Max-q.Min)))
				label := i18n.T(lang, "citizen.scale.of", val, q.Max)
				if q.Max-q.Min == 4 {
					label = i18n.T(lang, "citizen.scale."+strconv.Itoa(val-q.Min+1))
				}
				lq.Options = append(lq.Options, linkOption{ID: lq.ID + "-" + strconv.Itoa(val), Value: strconv.Itoa(val), Label: label, Face: level})
			}
		case survey.TypeYesNo:
			lq.Options = []linkOption{
				{ID: lq.ID + "-yes", Value: "yes", Label: i18n.T(lang, "citizen.yes"), Face: -1},
				{ID: lq.ID + "-no", Value: "no", Label: i18n.T(lang, "citizen.no"), Face: -1},
			}
		case survey.TypeText:
			hasText = true
		}
		v.Questions = append(v.Questions, lq)
	}
	v.GenericComment = !hasText
	return v, nil
}

// linkSubmit serves POST /r/{token}: the first submission wins; a second one (a double click, another tab)
// gets the already-rated page.
func (s *Server) linkSubmit(w http.ResponseWriter, r *http.Request) {
	lang := linkLangOf(r)
	if !s.allowLinkIP(w, r, lang) {
		return
	}
	token := r.PathValue("token")
	if err := linkCSRF.Check(r); err != nil {
		s.renderLink(w, s.newLinkView(linkForbidden, lang, token), http.StatusForbidden)
		return
	}
	r.Body = http.MaxBytesReader(w, r.Body, survey.MaxBodyBytes)
	parseErr := r.ParseForm()
	unifyNewlines(r)
	if l := r.PostForm.Get("lang"); locale.Valid(l) {
		lang = l
	}
	sub := &survey.Submission{Token: token, Lang: lang, Answers: map[string]json.RawMessage{}}
	if id := r.PostForm.Get("id"); survey.IsUUID(id) { // anything else is not this form's: the server makes one
		sub.ID = id
	}
	// With the form's id, a used link may be this form's own first post: the store tells (a replay of the same
	// answers, else the link is used).
	v, err := s.linkFormView(r, lang, token, sub.ID != "")
	if err != nil {
		s.linkErrorPage(w, r, lang, token, err)
		return
	}
	v.SubmissionID = cmp.Or(sub.ID, survey.NewResponseID())
	var bad []*linkQuestion
	for _, q := range v.Questions {
		val := strings.TrimSpace(r.PostForm.Get(q.Key))
		q.Value = val
		for i := range q.Options {
			q.Options[i].Checked = q.Options[i].Value == val
		}
		if val == "" {
			continue
		}
		switch q.Type {
		case survey.TypeScale:
			if _, err := strconv.Atoi(val); err != nil {
				bad = append(bad, q)
				continue
			}
			sub.Answers[q.Key] = json.RawMessage(val)
		case survey.TypeYesNo:
			switch val {
			case "yes":
				sub.Answers[q.Key] = json.RawMessage("true")
			case "no":
				sub.Answers[q.Key] = json.RawMessage("false")
			default:
				bad = append(bad, q)
			}
		case survey.TypeText:
			if q.Key == "comment" {
				// The survey's comment question is the response's comment (what the comments pages show).
				sub.Comment = val
				continue
			}
			b, _ := json.Marshal(val)
			sub.Answers[q.Key] = b
		}
	}
	if v.GenericComment {
		v.Comment = strings.TrimSpace(r.PostForm.Get("comment"))
		sub.Comment = v.Comment
	}
	if parseErr != nil || strings.ContainsRune(r.PostForm.Encode(), 0) {
		v.Errors = append(v.Errors, linkError{Anchor: "", Message: i18n.T(lang, "link.error.invalid")})
		s.renderLink(w, v, http.StatusBadRequest)
		return
	}
	for _, q := range bad {
		q.Invalid = true
		v.Errors = append(v.Errors, linkError{Anchor: q.ID, Message: q.Text + ": " + i18n.T(lang, "link.error.invalid")})
	}
	if len(bad) == 0 {
		var res survey.Result
		var created bool
		res, created, err = s.store.Submit(r.Context(), sub, survey.Credential{})
		if err == nil {
			if created { // not the retry of a post already stored
				s.metrics.stored.WithLabelValues(survey.ChannelLink, res.Status).Inc()
			}
			thanks := s.newLinkView(linkThanks, lang, "")
			thanks.Bad = res.Bottom2
			s.renderLink(w, thanks, http.StatusOK)
			return
		}
		e, ok := survey.AsError(err)
		if !ok || e.Code != survey.CodeInvalidField {
			s.linkErrorPage(w, r, lang, token, err)
			return
		}
		s.markLinkError(v, lang, e)
	}
	s.renderLink(w, v, http.StatusUnprocessableEntity)
}

// markLinkError points the reader at the question a validation error is about.
func (s *Server) markLinkError(v *linkView, lang string, e *survey.Error) {
	key := strings.TrimPrefix(e.Field, "answers.")
	if e.Field == "comment" {
		key = "comment"
	}
	for _, q := range v.Questions {
		if q.Key != key {
			continue
		}
		q.Invalid = true
		msg := i18n.T(lang, "link.error.invalid")
		switch {
		case q.Required && strings.Contains(e.Message, "required"):
			msg = i18n.T(lang, "link.error.required")
		case q.Type == survey.TypeText:
			msg = i18n.T(lang, "link.error.comment")
		}
		v.Errors = append(v.Errors, linkError{Anchor: q.ID, Message: msg})
		return
	}
	if key == "comment" && v.GenericComment {
		v.CommentInvalid = true
		v.Errors = append(v.Errors, linkError{Anchor: "q-comment", Message: i18n.T(lang, "link.error.comment")})
		return
	}
	v.Errors = append(v.Errors, linkError{Message: i18n.T(lang, "link.error.invalid")})
}

// linkQR serves GET /r/{token}/qr.png: the link as a QR code (for printed tickets and screens).
func (s *Server) linkQR(w http.ResponseWriter, r *http.Request) {
	lang := linkLangOf(r)
	if !s.allowLinkIP(w, r, lang) {
		return
	}
	token := r.PathValue("token")
	if _, err := s.store.LookupInvitation(r.Context(), token); err != nil {
		s.linkErrorPage(w, r, lang, "", err)
		return
	}
	size := qrDefaultSize
	if q := r.URL.Query().Get("size"); q != "" {
		n, err := strconv.Atoi(q)
		if err != nil || n < qrMinSize || n > 1024 {
			s.writeError(w, r, survey.FieldError("size", "size must be an integer from %d to 1024", qrMinSize))
			return
		}
		size = n
	}
	png, err := QRPNG(s.linkURL(token), size)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	h := w.Header()
	h.Set("Content-Type", "image/png")
	h.Set("Cache-Control", "private, max-age=86400")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Content-Length", strconv.Itoa(len(png)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(png)
	}
}

// linkStyles serves the link pages' stylesheet (the CSP forbids inline styles).
func (s *Server) linkStyles(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, "text/css; charset=utf-8", linkCSS)
}
