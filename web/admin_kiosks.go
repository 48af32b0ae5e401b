package web

import (
	"encoding/base64"
	"html/template"
	"net/http"

	"github.com/qiymet/qiymet/survey"
)

type kiosksData struct {
	Notice  adminNotice
	Kiosks  []kioskRow
	Centers []option
	Agency  []option
	Enrol   *enrolment
}

type kioskRow struct {
	ID                                         int64
	Name, Center, Agency, LastSeen, AppVersion string
	Queue                                      int64
	Revoked, Silent                            bool // Silent: survey.SilentKiosks
}

// enrolment is a fresh one-time pairing code, as text, link and QR code (a data: URL: no extra route
// that could leak the code, and the CSP allows data: images).
type enrolment struct {
	Kiosk, Code, URL string
	QR               template.URL
}

func (s *Server) kiosksPage(w http.ResponseWriter, r *http.Request, v *view) {
	s.renderKiosks(w, r, v, http.StatusOK, adminNotice{}, nil)
}

func (s *Server) renderKiosks(w http.ResponseWriter, r *http.Request, v *view, status int, n adminNotice, e *enrolment) {
	ctx := r.Context()
	ks, err := s.store.ListKiosks(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	cv, err := s.store.CatalogView(ctx)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	silent, err := s.store.SilentKiosks(ctx, s.store.Now())
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	isSilent := map[int64]bool{}
	for _, k := range silent {
		isSilent[k.ID] = true
	}
	d := kiosksData{Notice: n, Enrol: e}
	for _, c := range cv.Centers {
		d.Centers = append(d.Centers, option{c.Code, v.Name(c.Name)})
	}
	for _, a := range cv.Agencies {
		d.Agency = append(d.Agency, option{a.Code, v.Name(a.Name)})
	}
	for _, k := range ks {
		row := kioskRow{ID: k.ID, Name: k.Name, Center: k.Center, Agency: k.Agency, LastSeen: v.when(k.LastSeenUS),
			AppVersion: k.AppVersion, Queue: k.QueueLen, Revoked: k.RevokedUS != 0, Silent: isSilent[k.ID]}
		if c, ok := cv.Center(k.Center); ok {
			row.Center = v.Name(c.Name)
		}
		if a, ok := cv.Agency(k.Agency); ok {
			row.Agency = v.Name(a.Name)
		}
		d.Kiosks = append(d.Kiosks, row)
	}
	v.Title, v.Nav = v.T("dash.admin.kiosks"), "kiosks"
	s.render(w, r, v, status, "admin_kiosks", d)
}

// addKiosk registers a kiosk and at once issues its enrolment code: the device token AddKiosk returns is
// not shown, the tablet gets its own when it pairs.
func (s *Server) addKiosk(w http.ResponseWriter, r *http.Request, v *view) {
	if err := parseForm(w, r, 16<<10); err != nil {
		s.pageError(w, r, v, err)
		return
	}
	k, _, err := s.store.AddKiosk(r.Context(), r.PostFormValue("center"), r.PostFormValue("name"), r.PostFormValue("agency"))
	if err != nil {
		msg, _ := s.errText(r, v, err)
		s.renderKiosks(w, r, v, statusOf(survey.ErrorCode(err)), adminNotice{Error: msg}, nil)
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

func (s *Server) enrol(w http.ResponseWriter, r *http.Request, v *view, k *survey.Kiosk) {
	code, err := s.store.NewPairingCode(r.Context(), k.ID)
	if err != nil {
		msg, _ := s.errText(r, v, err)
		s.renderKiosks(w, r, v, statusOf(survey.ErrorCode(err)), adminNotice{Error: msg}, nil)
		return
	}
	link := KioskEnrolURL(s.baseURL, code)
	png, err := QRPNG(link, 320)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	e := &enrolment{Kiosk: k.Name, Code: code, URL: link,
		QR: template.URL("data:image/png;base64," + base64.StdEncoding.EncodeToString(png))}
	s.renderKiosks(w, r, v, http.StatusOK, adminNotice{Message: v.T("dash.kiosks.enrol", k.Name)}, e)
}

func (s *Server) revokeKiosk(w http.ResponseWriter, r *http.Request, v *view) {
	s.revoke(w, r, v, s.store.RevokeKiosk, "/admin/kiosks")
}
