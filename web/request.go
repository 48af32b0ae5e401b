package web

import (
	"errors"
	"io"
	"net/http"
	"net/url"
	"time"

	"github.com/qiymet/qiymet/scoring"
	"github.com/qiymet/qiymet/survey"
)

// Reading requests: bodies (bounded, strict JSON with the API's error codes) and query strings.

// readBody reads at most limit bytes; a larger body is payload_too_large and nothing is stored.
func readBody(r *http.Request, limit int64) ([]byte, error) {
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	if err != nil {
		return nil, survey.Errorf(survey.CodeInvalidJSON, "", "could not read the body")
	}
	if int64(len(body)) > limit {
		return nil, survey.Errorf(survey.CodePayloadTooLarge, "", "the body is larger than %d bytes", limit)
	}
	return body, nil
}

// decodeBody reads a JSON request body of at most limit bytes into dst: invalid UTF-8, NUL and malformed
// JSON are invalid_json (400), wrong types and unknown fields invalid_field (422).
func decodeBody(r *http.Request, limit int64, dst any) error {
	body, err := readBody(r, limit)
	if err != nil {
		return err
	}
	return survey.DecodeJSON(body, dst)
}

// periodOf reads the period of a query: period=YYYY|YYYY-H1|YYYY-Q3|YYYY-MM, or from=YYYY-MM-DD&to=YYYY-MM-DD,
// in the zone loc. A missing or malformed one is an invalid_field error naming "period", "from" or "to".
func periodOf(q url.Values, loc *time.Location) (scoring.Period, error) {
	var (
		p   scoring.Period
		err error
	)
	switch {
	case q.Has("period") && (q.Has("from") || q.Has("to")):
		return p, survey.FieldError("period", "give either period or from and to, not both")
	case q.Has("period"):
		p, err = scoring.ParsePeriod(q.Get("period"), loc)
	case q.Has("from") || q.Has("to"):
		if !q.Has("from") {
			return p, survey.FieldError("from", "from is required with to (YYYY-MM-DD)")
		}
		if !q.Has("to") {
			return p, survey.FieldError("to", "to is required with from (YYYY-MM-DD)")
		}
		p, err = scoring.ParseRange(q.Get("from"), q.Get("to"), loc)
	default:
		return p, survey.FieldError("period", "period is required: YYYY, YYYY-H1|H2, YYYY-Q1..Q4, YYYY-MM, or from=YYYY-MM-DD&to=YYYY-MM-DD")
	}
	if err != nil {
		var pe *scoring.PeriodError
		if errors.As(err, &pe) {
			return scoring.Period{}, survey.FieldError(pe.Field, "%s", pe.Error())
		}
		return scoring.Period{}, survey.FieldError("period", "%s", err.Error())
	}
	return p, nil
}
