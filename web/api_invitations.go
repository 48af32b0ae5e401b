package web

import (
	"net/http"
	"strconv"
	"time"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
)

type invitationAnswer struct {
	Token     string            `json:"token"`
	URL       string            `json:"url"`
	QR        string            `json:"qr"`
	ExpiresAt string            `json:"expires_at"`
	SMS       map[string]string `json:"sms"`
}

// postInvitation is POST /api/v1/invitations: a one-time visit link for an integration's citizen.
func (s *Server) postInvitation(w http.ResponseWriter, r *http.Request, key *survey.APIKey) {
	var req survey.InvitationRequest
	if err := decodeBody(r, 16<<10, &req); err != nil {
		s.writeError(w, r, err)
		return
	}
	// Read before creating: a 201 is never followed by a failure to say what the SMS is.
	texts, err := s.store.CachedSMSTexts(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	inv, token, created, err := s.store.CreateInvitation(r.Context(), req, key)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	url := s.linkURL(token)
	ans := invitationAnswer{Token: token, URL: url, QR: url + "/qr.png",
		ExpiresAt: time.UnixMicro(inv.ExpiresUS).In(s.loc).Format(time.RFC3339), SMS: smsTexts(texts, cv, inv.Agency, url)}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, ans)
}

// smsTexts are the ready SMS texts per language (the admins' templates on /admin/sms): they name the sender
// and the agency, so the message does not look like phishing.
func smsTexts(t *survey.SMSTexts, cv *survey.CatalogView, agency, url string) map[string]string {
	var names survey.Names
	if a, ok := cv.Agency(agency); ok {
		names = a.Name
	}
	out := map[string]string{}
	for _, l := range locale.Langs {
		out[l] = t.Render(l, agency, names, url)
	}
	return out
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
