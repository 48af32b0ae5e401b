package survey

import (
	"crypto/rand"
	"math/big"
	"net/mail"
	"strings"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"
)

// Roles (docs/api.md): an admin manages everything, an analyst reads every agency, a manager is bound to one agency.
const (
	RoleAdmin   = "admin"
	RoleAnalyst = "analyst"
	RoleManager = "manager"
)

// User signs in to the dashboard.
type User struct {
	bun.BaseModel `bun:"table:users"`
	ID            int64  `bun:"id,pk,autoincrement" json:"id"`
	Email         string `bun:"email" json:"email"`
	PasswordHash  string `bun:"password_hash" json:"-"`
	Role          string `bun:"role" json:"role"`
	Agency        string `bun:"agency_code,nullzero" json:"agency,omitempty"`
	Lang          string `bun:"lang,nullzero" json:"lang,omitempty"`
	CreatedUS     int64  `bun:"created_us" json:"-"`
	DisabledUS    int64  `bun:"disabled_us,nullzero" json:"-"`
	// Two-factor sign-in (survey/totp.go): the sealed TOTP secret ("" = not enrolled) and the last step used.
	TOTPSecret   string `bun:"totp_secret,nullzero" json:"-"`
	TOTPLastStep int64  `bun:"totp_last_step" json:"-"`
}

// Has2FA reports whether the user signs in with a second factor.
func (u *User) Has2FA() bool { return u.TOTPSecret != "" }

// BcryptCost is the work factor of stored passwords.
var BcryptCost = bcrypt.DefaultCost

// NormalizeEmail lower-cases and trims an email so sign-in is case-insensitive.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// checkEmail normalises an email and checks it is one.
func checkEmail(email string) (string, error) {
	email = NormalizeEmail(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return "", FieldError("email", "%q is not an email address", truncate(email, 64))
	}
	return email, nil
}

// hashPassword checks a new password against the rule (CheckPassword) and returns its bcrypt hash.
func hashPassword(p string) (string, error) {
	if err := CheckPassword(p); err != nil {
		return "", err
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(p), BcryptCost)
	return string(hash), err
}

// GeneratePassword returns a random 16-character password without look-alike characters (never a common
// one: CheckPassword accepts it).
func GeneratePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	for {
		b := make([]byte, 16)
		for i := range b {
			n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
			b[i] = alphabet[n.Int64()]
		}
		if CheckPassword(string(b)) == nil {
			return string(b)
		}
	}
}

// UserUpdate is an admin's edit of a user; a nil field is left as it is.
type UserUpdate struct {
	Role     *string
	Agency   *string
	Disabled *bool
	Password *string
}
