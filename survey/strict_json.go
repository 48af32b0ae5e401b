package survey

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"
)

// checkText rejects bodies that are not valid UTF-8 or carry a raw NUL byte.
func checkText(body []byte) error {
	if !utf8.Valid(body) {
		return Errorf(CodeInvalidJSON, "", "the body is not valid UTF-8")
	}
	if bytes.IndexByte(body, 0) >= 0 {
		return Errorf(CodeInvalidJSON, "", "the body contains a NUL byte")
	}
	if bytes.Contains(body, []byte(`\u0000`)) && jsonHasNUL(body) {
		return Errorf(CodeInvalidJSON, "", "the body contains a NUL character (\\u0000)")
	}
	return nil
}

// jsonHasNUL reports whether any string of the JSON text, object keys included, decodes to one with a NUL.
// Malformed JSON answers false: the decoder reports it.
func jsonHasNUL(body []byte) bool {
	dec := json.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := dec.Token()
		if err != nil {
			return false
		}
		if s, ok := tok.(string); ok && strings.ContainsRune(s, 0) {
			return true
		}
	}
}

// decodeStrict decodes one JSON object into dst, mapping errors to the contract's codes.
func decodeStrict(body []byte, dst any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		var typeErr *json.UnmarshalTypeError
		var synErr *json.SyntaxError
		switch {
		case errors.As(err, &typeErr):
			field := typeErr.Field
			if field == "" {
				return Errorf(CodeInvalidJSON, "", "the body must be a JSON object")
			}
			return FieldError(field, "%s must be a %s", field, jsonKind(typeErr.Type.Kind().String()))
		case errors.As(err, &synErr), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
			return Errorf(CodeInvalidJSON, "", "malformed JSON: %v", err)
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			name, _ := strconv.Unquote(strings.TrimPrefix(err.Error(), "json: unknown field "))
			return FieldError(name, "unknown field %q", name)
		}
		return Errorf(CodeInvalidJSON, "", "malformed JSON: %v", err)
	}
	if dec.More() {
		return Errorf(CodeInvalidJSON, "", "malformed JSON: data after the object")
	}
	var rest json.RawMessage
	if err := dec.Decode(&rest); err != io.EOF {
		return Errorf(CodeInvalidJSON, "", "malformed JSON: data after the object")
	}
	return nil
}

func jsonKind(k string) string {
	switch k {
	case "int", "int64", "float64":
		return "number"
	case "map", "struct":
		return "object"
	}
	return k
}

// DecodeJSON strictly decodes a small JSON request body into dst with the contract's error codes.
func DecodeJSON(body []byte, dst any) error {
	if err := checkText(body); err != nil {
		return err
	}
	return decodeStrict(body, dst)
}
