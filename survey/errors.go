package survey

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// Error codes of the public contract (docs/api.md). The web layer maps each to one HTTP status.
const (
	CodeInvalidJSON     = "invalid_json"
	CodeInvalidField    = "invalid_field"
	CodeUnknownAgency   = "unknown_agency"
	CodeUnauthorized    = "unauthorized"
	CodeForbidden       = "forbidden"
	CodeNotFound        = "not_found"
	CodeTokenUsed       = "token_used"
	CodeIDConflict      = "id_conflict"
	CodeTokenExpired    = "token_expired"
	CodePayloadTooLarge = "payload_too_large"
	CodeRateLimited     = "rate_limited"
	CodeUnavailable     = "unavailable"
	CodeInternal        = "internal"
)

// Error is a domain error the caller may show: it never carries internal detail.
type Error struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Field   string `json:"field,omitempty"`
}

func (e *Error) Error() string {
	if e.Field != "" {
		return fmt.Sprintf("%s: %s (%s)", e.Code, e.Message, e.Field)
	}
	return e.Code + ": " + e.Message
}

// Errorf builds a domain error.
func Errorf(code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// FieldError is the common invalid_field case.
func FieldError(field, format string, args ...any) *Error {
	return Errorf(CodeInvalidField, field, format, args...)
}

// ErrorCode returns the domain code of err, or CodeInternal for anything unexpected.
func ErrorCode(err error) string {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}

// AsError returns the domain error inside err, if any.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}
