package web

import (
	"net/http"
	"strconv"
	"time"

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
	inv, token, created, err := s.store.CreateInvitation(r.Context(), req, key)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	url := s.linkURL(token)
	ans := invitationAnswer{Token: token, URL: url, QR: url + "/qr.png",
		ExpiresAt: time.UnixMicro(inv.ExpiresUS).In(s.loc).Format(time.RFC3339), SMS: smsTemplates(url)}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
	}
	writeJSON(w, status, ans)
}

// smsTemplates are ready texts for the integrator's SMS, one per language (kept under 160 GSM-7/70 UCS-2
// characters apart from the link where possible).
func smsTemplates(url string) map[string]string {
	return map[string]string{
		"az": "Xidmətimizi qiymətləndirin: " + url,
		"en": "Please rate our service: " + url,
		"ru": "Оцените наше обслуживание: " + url,
	}
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
