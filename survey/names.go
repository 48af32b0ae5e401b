package survey

import (
	"database/sql/driver"
	"encoding/json"
	"fmt"

	"github.com/qiymet/qiymet/scoring/locale"
)

// ValidLang reports whether l is a supported language (locale.Langs: az, en, ru).
func ValidLang(l string) bool { return locale.Valid(l) }

// Names holds a text in the three languages. az is required; a missing language falls back to az.
type Names struct {
	AZ string `json:"az"`
	EN string `json:"en,omitempty"`
	RU string `json:"ru,omitempty"`
}

// Get returns the text in lang, falling back to az.
func (n Names) Get(lang string) string {
	switch lang {
	case "en":
		if n.EN != "" {
			return n.EN
		}
	case "ru":
		if n.RU != "" {
			return n.RU
		}
	}
	return n.AZ
}

// Value stores Names as JSON text in both dialects.
func (n Names) Value() (driver.Value, error) {
	b, err := json.Marshal(n)
	return string(b), err
}

// Scan reads Names from JSON text.
func (n *Names) Scan(src any) error {
	switch v := src.(type) {
	case string:
		return json.Unmarshal([]byte(v), n)
	case []byte:
		return json.Unmarshal(v, n)
	case nil:
		*n = Names{}
		return nil
	}
	return fmt.Errorf("names: cannot scan %T", src)
}
