package web

import (
	"encoding/base64"
	"fmt"
	"html/template"
	"net/http"
	"time"

	"github.com/qiymet/qiymet/survey"
)

// The kiosks page is the fleet view: each kiosk's state (online, offline, silent by survey.SilentKiosks, revoked), its
// newest response and heartbeat, what the tablet reports (queue, app version, battery), and the forms to
// register, re-enrol and revoke kiosks.

type kiosksData struct {
	Notice  adminNotice
	Kiosks  []kioskRow
	Silent  int // how many kiosks are silent, said above the table
	Centers []option
	Agency  []option
	Enrol   *enrolment
	Form    kioskForm
	Errs    formErrors
}

// kioskForm is the new-kiosk form as typed.
type kioskForm struct {
	Name, Center, Agency string
}

type kioskRow struct {
	ID                                        int64
	Name, Center, Agency, AppVersion, Battery string
	LastResponse, LastSeen                    string
	State                                     string // revoked, silent, online, offline, waiting (never heard from)
	Queue                                     int64
	Revoked, Silent                           bool
}

// enrolment is a fresh one-time pairing code, as text, link and QR code (a data: URL: no extra route
// that could leak the code, and the CSP allows data: images).
type enrolment struct {
	Kiosk, Code, URL string
	QR               template.URL
}

func (s *Server) kiosksPage(w http.ResponseWriter, r *http.Request, v *view) {
	f := s.takeFlash(r)
	var e *enrolment
	if f.EnrolCode != "" {
		var err error
		if e, err = s.enrolmentOf(f.EnrolKiosk, f.EnrolCode); err != nil {
			s.pageError(w, r, v, err)
			return
		}
	}
	s.renderKiosks(w, r, v, http.StatusOK, kiosksData{Notice: f.notice(), Enrol: e})
}

func (s *Server) renderKiosks(w http.ResponseWriter, r *http.Request, v *view, status int, d kiosksData) {
	ctx := r.Context()
	ks, err := s.store.KioskFleet(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	cv, err := s.store.CatalogView(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	for _, c := range cv.Centers {
		d.Centers = append(d.Centers, option{c.Code, v.Name(c.Name)})
	}
	sortOptions(v.Lang, d.Centers)
	for _, a := range cv.Agencies {
		d.Agency = append(d.Agency, option{a.Code, v.Name(a.Name)})
	}
	sortOptions(v.Lang, d.Agency)
	now := s.store.Now()
	// One rule for silence (the store's, which also sends kiosk.silent): the page only shows it.
	silent, err := s.store.SilentKiosks(ctx, now)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	isSilent := map[int64]bool{}
	for _, k := range silent {
		isSilent[k.ID] = true
	}
	for _, k := range ks {
		row := kioskRow{ID: k.ID, Name: k.Name, Center: k.Center, Agency: k.Agency, LastSeen: v.when(k.LastSeenUS),
			LastResponse: v.when(k.LastResponseUS), AppVersion: k.AppVersion, Queue: k.QueueLen, Revoked: k.RevokedUS != 0,
			Battery: batteryText(v, k.BatteryPct, k.Charging)}
		if c, ok := cv.Center(k.Center); ok {
			row.Center = v.Name(c.Name)
		}
		if a, ok := cv.Agency(k.Agency); ok {
			row.Agency = v.Name(a.Name)
		}
		row.State = kioskState(&k, now, isSilent[k.ID])
		row.Silent = row.State == "silent"
		if row.Silent {
			d.Silent++
		}
		d.Kiosks = append(d.Kiosks, row)
	}
	v.Title, v.Nav = v.T("dash.admin.kiosks"), "kiosks"
	s.render(w, r, v, status, "admin_kiosks", d)
}

// kioskState names a kiosk's state for the fleet view; silent is the store's verdict (survey.SilentKiosks:
// nothing, neither a heartbeat nor a response, for QIYMET_KIOSK_SILENT of opening hours).
func kioskState(k *survey.KioskStatus, now time.Time, silent bool) string {
	if k.RevokedUS != 0 {
		return "revoked"
	}
	last := max(k.LastSeenUS, k.LastResponseUS)
	switch {
	case silent:
		return "silent"
	case last == 0:
		return "waiting"
	case now.Sub(time.UnixMicro(last)) <= kioskOnlineWithin: // a response proves it online as well as a heartbeat
		return "online"
	}
	return "offline"
}

// batteryText is "43 %" or "43 % · charging", "—" when the tablet's browser never said.
func batteryText(v *view, pct *int, charging *bool) string {
	if pct == nil {
		return "—"
	}
	t := fmt.Sprintf("%d %%", *pct)
	if charging != nil && *charging {
		t += " · " + v.T("adm.fleet.charging")
	}
	return t
}

// addKiosk registers a kiosk and at once issues its enrolment code: the device token AddKiosk returns is
// not shown, the tablet gets its own when it pairs.
func (s *Server) addKiosk(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 16<<10); err != nil {
		s.renderKiosks(w, r, v, http.StatusRequestEntityTooLarge, kiosksData{Errs: formErrors{Summary: v.T("adm.err.toolarge")}})
		return
	}
	f := kioskForm{Name: truncateRunes(r.PostFormValue("name"), 200), Center: r.PostFormValue("center"), Agency: r.PostFormValue("agency")}
	k, _, err := s.store.AddKiosk(r.Context(), r.PostFormValue("center"), r.PostFormValue("name"), r.PostFormValue("agency"))
	if err != nil {
		fe, status := s.formError(r, v, "kiosks", err)
		s.renderKiosks(w, r, v, status, kiosksData{Form: f, Errs: fe})
		return
	}
	s.enrol(w, r, v, k)
}

// pairKiosk issues a new enrolment code for an existing kiosk (a replaced tablet).
func (s *Server) pairKiosk(w http.ResponseWriter, r *http.Request, v *view) {
	id, ok := formID(r)
	if !ok {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return
	}
	k, err := s.store.KioskByID(r.Context(), id)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	s.enrol(w, r, v, k)
}

// enrol issues a code and shows it after the redirect.
func (s *Server) enrol(w http.ResponseWriter, r *http.Request, v *view, k *survey.Kiosk) {
	code, err := s.store.NewPairingCode(r.Context(), k.ID)
	if err != nil {
		fe, status := s.formError(r, v, "kiosks", err)
		s.renderKiosks(w, r, v, status, kiosksData{Errs: fe})
		return
	}
	s.redirectWithFlash(w, r, v, "/admin/kiosks", adminFlash{Message: v.T("dash.kiosks.enrol", k.Name), EnrolKiosk: k.Name, EnrolCode: code})
}

func (s *Server) enrolmentOf(kiosk, code string) (*enrolment, error) {
	link := KioskEnrolURL(s.baseURL, code)
	png, err := QRPNG(link, 320)
	if err != nil {
		return nil, err
	}
	return &enrolment{Kiosk: kiosk, Code: code, URL: link,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}, nil
}

func (s *Server) revokeKiosk(w http.ResponseWriter, r *http.Request, v *view) {
	s.revoke(w, r, v, s.store.RevokeKiosk, "/admin/kiosks")
}
