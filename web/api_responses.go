package web

import (
	"net/http"

	"github.com/qiymet/qiymet/survey"
)

// postResponse is POST /api/v1/responses, from a kiosk, an integration (API key) or a visit link (its
// token in the body).
func (s *Server) postResponse(w http.ResponseWriter, r *http.Request, cred survey.Credential) {
	body, err := readBody(r, survey.MaxBodyBytes)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	sub, err := survey.DecodeSubmission(body)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if cred == (survey.Credential{}) && sub.Token == "" {
		s.writeError(w, r, survey.Errorf(survey.CodeUnauthorized, "", "a kiosk token, an API key or an invitation token is required"))
		return
	}
	res, created, err := s.store.Submit(r.Context(), sub, cred)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	status := http.StatusOK
	if created {
		status = http.StatusCreated
		s.metrics.stored.WithLabelValues(channelOf(cred, sub), res.Status).Inc()
	}
	writeJSON(w, status, res)
}

func channelOf(c survey.Credential, sub *survey.Submission) string {
	switch {
	case sub.Token != "":
		return survey.ChannelLink
	case c.Kiosk != nil:
		return survey.ChannelKiosk
	}
	return survey.ChannelAPI
}
