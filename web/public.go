package web

import (
	"bytes"
	"context"
	"embed"
	"html/template"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/periodreport"
	"github.com/qiymet/qiymet/survey/publishing"
	"github.com/qiymet/qiymet/web/i18n"
)

// The public transparency portal (CONTRACT §10, docs/publishing.md): published periods without sign-in,
// served from stored snapshots only. Each page and file is rendered once per revision (and language) and then
// served from memory with the snapshot's hash as ETag: a published table gets the press's traffic at once,
// and nothing it serves depends on live figures. The only database read on the hot path is a check, at most
// once a second per period, whether a newer revision has been published (perhaps by `qiymet publish` in
// another process).

//go:embed templates/public static/public
var publicFS embed.FS

var (
	publicTemplates = template.Must(template.New("public").Funcs(template.FuncMap{
		"t": i18n.T,
	}).ParseFS(publicFS, "templates/public/*.html"))
	publicCSS = mustRead(publicFS, "static/public/public.css")
)

// publicTTL is how long the portal trusts its knowledge of a period's latest revision.
const publicTTL = time.Second

// Cache lifetimes: the latest revision may be superseded by a new one; a numbered revision never changes.
const (
	publicCacheLatest   = "public, max-age=60"
	publicCacheRevision = "public, max-age=31536000, immutable"
)

// publicCache holds the portal's rendered answers.
type publicCache struct {
	mu      sync.RWMutex
	heads   map[string]pubHead  // period → its latest revision, as last checked
	renders map[string]rendered // "sha256/variant" → bytes
	index   pubIndex
	build   sync.Mutex // one rendering at a time: they are rare, and a burst of first readers waits for one
}

type pubHead struct {
	rev     int
	sha     string
	checked time.Time
}

type pubIndex struct {
	checked time.Time
	key     string // the hashes of the listed revisions: a change re-renders
	list    []survey.Publication
}

type rendered struct {
	body  []byte
	ctype string
	etag  string
}

func newPublicCache() *publicCache {
	return &publicCache{heads: map[string]pubHead{}, renders: map[string]rendered{}}
}

// publicLabel matches the labels a publication can have (custom ranges are never published).
func publicLabel(s string) bool {
	p, err := scoring.ParsePeriod(s, time.UTC)
	return err == nil && p.Kind != scoring.Custom && p.Label == s
}

// head is a period's latest revision, from memory when checked within publicTTL.
func (s *Server) pubHead(ctx context.Context, period string) (pubHead, error) {
	c := s.public
	c.mu.RLock()
	h, ok := c.heads[period]
	c.mu.RUnlock()
	now := time.Now()
	notPublished := survey.Errorf(survey.CodeNotFound, "period", "period %s is not published", period)
	if ok && now.Sub(h.checked) < publicTTL {
		if h.rev == 0 {
			return h, notPublished
		}
		return h, nil
	}
	// An unpublished period is remembered too (rev 0), so that requests for it cost no more than for one that is.
	p, err := s.store.LatestRevision(ctx, period)
	switch {
	case survey.ErrorCode(err) == survey.CodeNotFound:
		h = pubHead{checked: now}
		err = notPublished
	case err != nil:
		return pubHead{}, err
	default:
		h = pubHead{rev: p.Revision, sha: p.SHA256, checked: now}
	}
	c.mu.Lock()
	if old, had := c.heads[period]; had && old.sha != "" && old.sha != h.sha {
		// A new revision: the old one's renderings are no longer served as the latest (its JSON is read
		// again on demand as r{N}.json).
		for k := range c.renders {
			if strings.HasPrefix(k, old.sha+"/") {
				delete(c.renders, k)
			}
		}
	}
	c.heads[period] = h
	c.mu.Unlock()
	return h, err
}

// cached returns the rendering of (sha, variant), building it once with build.
func (s *Server) cached(sha, variant string, build func() (rendered, error)) (rendered, error) {
	c := s.public
	key := sha + "/" + variant
	c.mu.RLock()
	rd, ok := c.renders[key]
	c.mu.RUnlock()
	if ok {
		return rd, nil
	}
	c.build.Lock()
	defer c.build.Unlock()
	c.mu.RLock()
	rd, ok = c.renders[key]
	c.mu.RUnlock()
	if ok {
		return rd, nil
	}
	rd, err := build()
	if err != nil {
		return rd, err
	}
	c.mu.Lock()
	c.renders[key] = rd
	c.mu.Unlock()
	return rd, nil
}

// servePublic writes a rendered answer with its validators; If-None-Match gets 304.
func servePublic(w http.ResponseWriter, r *http.Request, rd rendered, cacheControl string, vary bool) {
	h := w.Header()
	h.Set("Content-Type", rd.ctype)
	h.Set("ETag", rd.etag)
	h.Set("Cache-Control", cacheControl)
	if vary {
		h.Set("Vary", "Accept-Language")
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, rd.etag) {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(rd.body)))
	w.WriteHeader(http.StatusOK)
	if r.Method != http.MethodHead {
		w.Write(rd.body)
	}
}

func etagMatches(header, etag string) bool {
	for t := range strings.SplitSeq(header, ",") {
		t = strings.TrimPrefix(strings.TrimSpace(t), "W/")
		if t == "*" || t == etag {
			return true
		}
	}
	return false
}

// publicLang is the contract's rule for public pages: ?lang=, then Accept-Language, then az.
func publicLang(r *http.Request) string {
	if l, ok := locale.Parse(r.URL.Query().Get("lang")); ok {
		return l
	}
	return i18n.FromAcceptLanguage(r.Header.Get("Accept-Language"))
}

// publicNotFound answers an unknown or unpublished period: a page for browsers, JSON otherwise.
func (s *Server) publicError(w http.ResponseWriter, r *http.Request, err error) {
	if survey.ErrorCode(err) == survey.CodeNotFound {
		s.notFound(w, r)
		return
	}
	s.writeError(w, r, err)
}

// snapshotOf loads and parses one stored revision.
func (s *Server) snapshotOf(ctx context.Context, period string, rev int) (*survey.Publication, *survey.Snapshot, error) {
	pub, err := s.store.PublicationRevision(ctx, period, rev)
	if err != nil {
		return nil, nil, err
	}
	snap, err := survey.ParseSnapshot([]byte(pub.Document))
	return pub, snap, err
}

// latestOf is the latest revision's head of the period in the path; not_found for a label that cannot be
// published or a period that is not.
func (s *Server) latestOf(r *http.Request) (string, pubHead, error) {
	period := r.PathValue("period")
	if !publicLabel(period) {
		return "", pubHead{}, survey.Errorf(survey.CodeNotFound, "period", "no published period %q", period)
	}
	h, err := s.pubHead(r.Context(), period)
	return period, h, err
}

// publicJSON is GET /public/{period}.json: the latest snapshot, byte for byte as stored.
func (s *Server) publicJSON(w http.ResponseWriter, r *http.Request) {
	period, h, err := s.latestOf(r)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	s.serveRevisionJSON(w, r, period, h.rev, h.sha, publicCacheLatest)
}

// publicRevisionJSON is GET /public/{period}/r{rev}.json.
func (s *Server) publicRevisionJSON(w http.ResponseWriter, r *http.Request) {
	period := r.PathValue("period")
	rev, err := strconv.Atoi(r.PathValue("rev"))
	if !publicLabel(period) || err != nil || rev < 1 {
		s.notFound(w, r)
		return
	}
	pub, err := s.store.PublicationRevision(r.Context(), period, rev)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	s.serveRevisionJSON(w, r, period, rev, pub.SHA256, publicCacheRevision)
}

func (s *Server) serveRevisionJSON(w http.ResponseWriter, r *http.Request, period string, rev int, sha, cc string) {
	rd, err := s.cached(sha, "json", func() (rendered, error) {
		pub, err := s.store.PublicationRevision(r.Context(), period, rev)
		if err != nil {
			return rendered{}, err
		}
		return rendered{body: []byte(pub.Document), ctype: "application/json; charset=utf-8", etag: `"` + sha + `"`}, nil
	})
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `inline; filename="qiymet-`+period+"-r"+strconv.Itoa(rev)+`.json"`)
	servePublic(w, r, rd, cc, false)
}

// publicCSVFile is GET /public/{period}.csv: the latest revision's ranking rows (publishing.WriteCSV).
func (s *Server) publicCSVFile(w http.ResponseWriter, r *http.Request) {
	period, h, err := s.latestOf(r)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	rd, err := s.cached(h.sha, "csv", func() (rendered, error) {
		_, snap, err := s.snapshotOf(r.Context(), period, h.rev)
		if err != nil {
			return rendered{}, err
		}
		var buf bytes.Buffer
		if err := publishing.WriteCSV(&buf, snap); err != nil {
			return rendered{}, err
		}
		return rendered{body: buf.Bytes(), ctype: "text/csv; charset=utf-8", etag: `"` + h.sha + `"`}, nil
	})
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="qiymet-`+period+"-r"+strconv.Itoa(h.rev)+`.csv"`)
	servePublic(w, r, rd, publicCacheLatest, false)
}

// publicPDF is GET /public/{period}.pdf[?lang=]: the §8 report rendered from the snapshot alone.
func (s *Server) publicPDF(w http.ResponseWriter, r *http.Request) {
	period, h, err := s.latestOf(r)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	lang := publicLang(r)
	rd, err := s.cached(h.sha, "pdf."+lang, func() (rendered, error) {
		_, snap, err := s.snapshotOf(r.Context(), period, h.rev)
		if err != nil {
			return rendered{}, err
		}
		var buf bytes.Buffer
		if err := periodreport.WriteSnapshot(&buf, snap, lang); err != nil {
			return rendered{}, err
		}
		return rendered{body: buf.Bytes(), ctype: "application/pdf", etag: `"` + h.sha + "." + lang + `"`}, nil
	})
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `inline; filename="qiymet-`+period+"-r"+strconv.Itoa(h.rev)+"-"+lang+`.pdf"`)
	servePublic(w, r, rd, publicCacheLatest, true)
}

// publicPeriod is GET /public/{period}: the latest revision's tables as a page.
func (s *Server) publicPeriod(w http.ResponseWriter, r *http.Request) {
	period, h, err := s.latestOf(r)
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	lang := publicLang(r)
	rd, err := s.cached(h.sha, "page."+lang, func() (rendered, error) {
		_, snap, err := s.snapshotOf(r.Context(), period, h.rev)
		if err != nil {
			return rendered{}, err
		}
		revs, err := s.store.PeriodRevisions(r.Context(), period)
		if err != nil {
			return rendered{}, err
		}
		body, err := renderPublic("period.html", periodPage(snap, revs, lang, s.loc))
		return rendered{body: body, ctype: "text/html; charset=utf-8", etag: `"` + h.sha + "." + lang + `"`}, err
	})
	if err != nil {
		s.publicError(w, r, err)
		return
	}
	w.Header().Set("Content-Language", lang)
	servePublic(w, r, rd, publicCacheLatest, true)
}

// publicIndex is GET /public/: the published periods, newest first.
func (s *Server) publicIndex(w http.ResponseWriter, r *http.Request) {
	c := s.public
	c.mu.RLock()
	idx := c.index
	c.mu.RUnlock()
	if time.Since(idx.checked) >= publicTTL {
		list, err := s.store.ListPublications(r.Context())
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		var key strings.Builder
		for _, p := range list {
			key.WriteString(p.SHA256)
		}
		idx = pubIndex{checked: time.Now(), key: "index-" + shortHash(key.String()), list: list}
		c.mu.Lock()
		c.index = idx
		c.mu.Unlock()
	}
	lang := publicLang(r)
	rd, err := s.cached(idx.key, lang, func() (rendered, error) {
		body, err := renderPublic("index.html", indexPage(idx.list, lang, s.loc))
		return rendered{body: body, ctype: "text/html; charset=utf-8", etag: `"` + idx.key + "." + lang + `"`}, err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Language", lang)
	servePublic(w, r, rd, "public, max-age=10", true)
}

// publicDictionary is GET /public/data-dictionary: the CSV's columns explained.
func (s *Server) publicDictionary(w http.ResponseWriter, r *http.Request) {
	lang := publicLang(r)
	rd, err := s.cached("dictionary", lang, func() (rendered, error) {
		body, err := renderPublic("dictionary.html", dictionaryPage(lang))
		return rendered{body: body, ctype: "text/html; charset=utf-8", etag: `"dictionary-` + shortHash(string(body)) + `"`}, err
	})
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	w.Header().Set("Content-Language", lang)
	servePublic(w, r, rd, "public, max-age=3600", true)
}

// publicStyles is the portal's stylesheet.
func (s *Server) publicStyles(w http.ResponseWriter, r *http.Request) {
	serveAsset(w, r, "text/css; charset=utf-8", publicCSS)
}

func renderPublic(name string, data any) ([]byte, error) {
	var buf bytes.Buffer
	if err := publicTemplates.ExecuteTemplate(&buf, name, data); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}

// sortedPeriods lists each period's latest revision, newest period first (then the longer period first).
func sortedPeriods(list []survey.Publication) []survey.Publication {
	latest := map[string]survey.Publication{}
	for _, p := range list {
		if q, ok := latest[p.Period]; !ok || p.Revision > q.Revision {
			latest[p.Period] = p
		}
	}
	out := make([]survey.Publication, 0, len(latest))
	for _, p := range latest {
		out = append(out, p)
	}
	start := func(label string) (time.Time, time.Time) {
		p, err := scoring.ParsePeriod(label, time.UTC)
		if err != nil {
			return time.Time{}, time.Time{}
		}
		return p.Start, p.End
	}
	slices.SortFunc(out, func(a, b survey.Publication) int {
		as, ae := start(a.Period)
		bs, be := start(b.Period)
		if c := bs.Compare(as); c != 0 {
			return c
		}
		return be.Compare(ae)
	})
	return out
}
