package web

import (
	"bytes"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/web/i18n"
	"golang.org/x/text/collate"
	"golang.org/x/text/language"
)

// The kiosk app is plain HTML, CSS and JavaScript embedded in the binary: `qiymet serve` is all a centre
// needs. A tablet enrols once (/kiosk/enrol/{code} exchanges a one-time code for its device token), then
// fetches its configuration, queues every rating locally and submits it through POST /api/v1/responses.

//go:embed static/kiosk
var kioskFS embed.FS

// kioskAssets are the app's files by name, with their content type and ETag, loaded once.
var kioskAssets = loadKioskAssets()

type kioskAsset struct {
	body  []byte
	ctype string
	etag  string
}

func loadKioskAssets() map[string]kioskAsset {
	entries, err := kioskFS.ReadDir("static/kiosk")
	if err != nil {
		panic(err)
	}
	out := map[string]kioskAsset{}
	for _, e := range entries {
		b := mustRead(kioskFS, "static/kiosk/"+e.Name())
		ctype := "application/octet-stream"
		switch {
		case strings.HasSuffix(e.Name(), ".html"):
			ctype = "text/html; charset=utf-8"
		case strings.HasSuffix(e.Name(), ".js"):
			ctype = "text/javascript; charset=utf-8"
		case strings.HasSuffix(e.Name(), ".css"):
			ctype = "text/css; charset=utf-8"
		case strings.HasSuffix(e.Name(), ".svg"):
			ctype = "image/svg+xml"
		case strings.HasSuffix(e.Name(), ".webmanifest"):
			ctype = "application/manifest+json"
		}
		out[e.Name()] = kioskAsset{body: b, ctype: ctype, etag: etagOf(b)}
	}
	return out
}

func etagOf(b []byte) string {
	h := sha256.Sum256(b)
	return `"` + hex.EncodeToString(h[:8]) + `"`
}

// serveAsset answers with a static file that browsers revalidate on every load (an update of the binary
// reaches every tablet at its next reload) but need not download again while unchanged.
func serveAsset(w http.ResponseWriter, r *http.Request, ctype string, body []byte) {
	serveAssetTagged(w, r, ctype, body, etagOf(body))
}

func serveAssetTagged(w http.ResponseWriter, r *http.Request, ctype string, body []byte, etag string) {
	h := w.Header()
	h.Set("Content-Type", ctype)
	h.Set("Cache-Control", "no-cache")
	h.Set("ETag", etag)
	http.ServeContent(w, r, "", time.Time{}, bytes.NewReader(body))
}

// kioskTiming are the kiosk's clocks, sent in its configuration (seconds). Tests shorten them.
var kioskTiming = struct {
	Idle, Reset, Heartbeat, RetryMax, ConfigRefresh int
}{Idle: 30, Reset: 6, Heartbeat: 60, RetryMax: 60, ConfigRefresh: 600}

// kioskPage serves the app shell (/kiosk/) and the enrolment page (/kiosk/enrol/{code}).
func (s *Server) kioskPage(name string) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		a := kioskAssets[name]
		// The enrolment code is in the path: keep it out of any Referer.
		w.Header().Set("Referrer-Policy", "no-referrer")
		serveAssetTagged(w, r, a.ctype, a.body, a.etag)
	}
}

// kioskManifest serves the web-app manifest that lets a tablet run the app full screen, like a kiosk.
func (s *Server) kioskManifest(w http.ResponseWriter, r *http.Request) {
	a := kioskAssets["manifest.webmanifest"]
	serveAssetTagged(w, r, a.ctype, a.body, a.etag)
}

// kioskFile serves the app's scripts and styles.
func (s *Server) kioskFile(w http.ResponseWriter, r *http.Request) {
	a, ok := kioskAssets[r.PathValue("file")]
	if !ok || strings.HasSuffix(r.PathValue("file"), ".html") {
		s.notFound(w, r)
		return
	}
	serveAssetTagged(w, r, a.ctype, a.body, a.etag)
}

// kioskStrings serves every text the kiosk shows, in the three languages: {"az": {"key": "text"}, …}.
func (s *Server) kioskStrings(w http.ResponseWriter, r *http.Request) {
	serveAssetTagged(w, r, "application/json; charset=utf-8", kioskStringsJSON, kioskStringsTag)
}

var kioskStringsJSON, kioskStringsTag = func() ([]byte, string) {
	out := map[string]map[string]string{}
	for _, l := range locale.Langs {
		out[l] = map[string]string{}
		for _, k := range i18n.Keys() {
			if strings.HasPrefix(k, "citizen.") || strings.HasPrefix(k, "kiosk.") {
				out[l][k] = i18n.T(l, k)
			}
		}
	}
	b, _ := json.Marshal(out)
	return b, etagOf(b)
}()

type kioskConfigAnswer struct {
	Kiosk struct {
		ID     int64  `json:"id"`
		Name   string `json:"name"`
		Agency string `json:"agency,omitempty"`
	} `json:"kiosk"`
	*survey.KioskSetup
	BurstSeconds         float64 `json:"burst_seconds"`
	IdleSeconds          int     `json:"idle_seconds"`
	ResetSeconds         int     `json:"reset_seconds"`
	HeartbeatSeconds     int     `json:"heartbeat_seconds"`
	RetryMaxSeconds      int     `json:"retry_max_seconds"`
	ConfigRefreshSeconds int     `json:"config_refresh_seconds"`
	ServerTime           string  `json:"server_time"`
	// Order lists the agency codes per language in that language's alphabetical order (CLDR collation:
	// Azerbaijani puts Ç after C, Ə after E, I before İ), so the app need not trust the tablet's ICU.
	Order map[string][]string `json:"order"`
}

// agencyOrder sorts the kiosk's agencies by their names under each language's collation.
func agencyOrder(agencies []survey.KioskAgency) map[string][]string {
	out := map[string][]string{}
	for _, l := range locale.Langs {
		col := collate.New(language.MustParse(l))
		list := make([]survey.KioskAgency, len(agencies))
		copy(list, agencies)
		sort.SliceStable(list, func(i, j int) bool {
			return col.CompareString(list[i].Name.Get(l), list[j].Name.Get(l)) < 0
		})
		codes := make([]string, len(list))
		for i, a := range list {
			codes[i] = a.Code
		}
		out[l] = codes
	}
	return out
}

// getKioskConfig serves GET /api/v1/kiosk/config.
func (s *Server) getKioskConfig(w http.ResponseWriter, r *http.Request, k *survey.Kiosk) {
	setup, err := s.store.KioskSetup(r.Context(), k)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	ans := kioskConfigAnswer{KioskSetup: setup, BurstSeconds: s.store.BurstWindow().Seconds(),
		IdleSeconds: kioskTiming.Idle, ResetSeconds: kioskTiming.Reset, HeartbeatSeconds: kioskTiming.Heartbeat,
		RetryMaxSeconds: kioskTiming.RetryMax, ConfigRefreshSeconds: kioskTiming.ConfigRefresh,
		ServerTime: s.store.Now().UTC().Format(time.RFC3339Nano), Order: agencyOrder(setup.Agencies)}
	ans.Kiosk.ID, ans.Kiosk.Name, ans.Kiosk.Agency = k.ID, k.Name, k.Agency
	writeJSON(w, http.StatusOK, ans)
}

// postKioskHeartbeat serves POST /api/v1/kiosk/heartbeat.
func (s *Server) postKioskHeartbeat(w http.ResponseWriter, r *http.Request, k *survey.Kiosk) {
	var req survey.KioskReport // battery fields optional: older apps send only version and queue_length
	if err := decodeBody(r, 4<<10, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	if err := s.store.Report(r.Context(), k.ID, req); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok", "server_time": s.store.Now().UTC().Format(time.RFC3339Nano)})
}

type pairRequest struct {
	Code string `json:"code"`
}

// postKioskPair serves POST /api/v1/kiosk/pair: a one-time enrolment code in, the device token out.
func (s *Server) postKioskPair(w http.ResponseWriter, r *http.Request) {
	var req pairRequest
	if err := decodeBody(r, 4<<10, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	k, token, err := s.store.PairKiosk(r.Context(), req.Code)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	s.log.Info("kiosk enrolled", "kiosk", k.ID, "ip", clientIP(r))
	writeJSON(w, http.StatusOK, map[string]any{"token": token,
		"kiosk": map[string]any{"id": k.ID, "name": k.Name, "center": k.Center}})
}

// KioskEnrolURL is the address a tablet opens (or scans as a QR code) to enrol with a one-time pairing code;
// the kiosk app exchanges the code for its device token. The admin page and the CLI both print it.
func KioskEnrolURL(baseURL, code string) string {
	return strings.TrimRight(baseURL, "/") + "/kiosk/enrol/" + url.PathEscape(code)
}
