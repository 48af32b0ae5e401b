package survey

import (
	"context"
	"crypto/rand"
	"math/big"
	"net/mail"
	"strings"
	"unicode/utf8"

	"github.com/uptrace/bun"
	"golang.org/x/crypto/bcrypt"
)

// Roles of CONTRACT §7.
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
	FailedLogins  int    `bun:"failed_logins" json:"-"`
	LockedUntilUS int64  `bun:"locked_until_us,nullzero" json:"-"`
}

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// BcryptCost is the work factor of stored passwords.
var BcryptCost = bcrypt.DefaultCost

// NormalizeEmail lower-cases and trims an email so sign-in is case-insensitive.
func NormalizeEmail(e string) string { return strings.ToLower(strings.TrimSpace(e)) }

// AddUser creates a user with a bcrypt-hashed password.
func (s *Store) AddUser(ctx context.Context, email, password, role, agency string) (*User, error) {
	email = NormalizeEmail(email)
	if a, err := mail.ParseAddress(email); err != nil || a.Address != email || len(email) > 254 {
		return nil, FieldError("email", "%q is not an email address", truncate(email, 64))
	}
	switch role {
	case RoleAdmin, RoleAnalyst:
		if agency != "" {
			return nil, FieldError("agency", "only a manager is bound to an agency")
		}
	case RoleManager:
		if agency == "" {
			return nil, FieldError("agency", "a manager needs --agency")
		}
		cv, err := s.CatalogView(ctx)
		if err != nil {
			return nil, err
		}
		if _, ok := cv.Agency(agency); !ok {
			return nil, Errorf(CodeUnknownAgency, "agency", "unknown agency %q", truncate(agency, 64))
		}
	default:
		return nil, FieldError("role", "role must be admin, analyst or manager")
	}
	if utf8.RuneCountInString(password) < MinPasswordLen || len(password) > 72 {
		return nil, FieldError("password", "a password needs %d to 72 bytes", MinPasswordLen)
	}
	hash, err := bcrypt.GenerateFromPassword([]byte(password), BcryptCost)
	if err != nil {
		return nil, err
	}
	u := &User{Email: email, PasswordHash: string(hash), Role: role, Agency: agency, CreatedUS: s.now().UnixMicro()}
	if _, err := s.db.NewInsert().Model(u).Exec(ctx); err != nil {
		if isUniqueViolation(err) {
			return nil, FieldError("email", "a user with email %s already exists", email)
		}
		return nil, err
	}
	return u, nil
}

// GeneratePassword returns a random 16-character password without look-alike characters.
func GeneratePassword() string {
	const alphabet = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
	b := make([]byte, 16)
	for i := range b {
		n, _ := rand.Int(rand.Reader, big.NewInt(int64(len(alphabet))))
		b[i] = alphabet[n.Int64()]
	}
	return string(b)
}
