package survey

import (
	"context"

	"github.com/uptrace/bun"
)

// AddUser creates a user with a bcrypt-hashed password.
func (s *Store) AddUser(ctx context.Context, email, password, role, agency string) (*User, error) {
	email, err := checkEmail(email)
	if err != nil {
		return nil, err
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
	hash, err := hashPassword(password)
	if err != nil {
		return nil, err
	}
	u := &User{Email: email, PasswordHash: hash, Role: role, Agency: agency, CreatedUS: s.now().UnixMicro()}
	if err := s.inTx(ctx, func(tx bun.Tx) error {
		if _, err := tx.NewInsert().Model(u).Exec(ctx); err != nil {
			return err
		}
		return s.Audit(ctx, tx, auditUserAdd(u)) // audit (docs/api.md, "Audit log")
	}); err != nil {
		if isUniqueViolation(err) {
			return nil, FieldError("email", "a user with email %s already exists", email)
		}
		return nil, err
	}
	return u, nil
}

// ListUsers returns every user by email.
func (s *Store) ListUsers(ctx context.Context) ([]User, error) {
	return allRows[User](ctx, s.db, "email")
}

// UserByID returns one user.
func (s *Store) UserByID(ctx context.Context, id int64) (*User, error) {
	return rowByID[User](ctx, s.db, id, Errorf(CodeNotFound, "", "no such user"))
}

// UpdateUser applies u to the user. Any change of role, agency, password or a disabling ends the user's
// sessions, so a demoted user loses their rights at once rather than when the cookie expires.
func (s *Store) UpdateUser(ctx context.Context, id int64, up UserUpdate) (*User, error) {
	u, err := s.UserByID(ctx, id)
	if err != nil {
		return nil, err
	}
	role, agency := u.Role, u.Agency
	if up.Role != nil {
		role = *up.Role
	}
	if up.Agency != nil {
		agency = *up.Agency
	}
	if role != RoleManager {
		agency = ""
	}
	switch role {
	case RoleAdmin, RoleAnalyst:
	case RoleManager:
		cv, err := s.CatalogView(ctx)
		if err != nil {
			return nil, err
		}
		if _, ok := cv.Agency(agency); !ok {
			return nil, Errorf(CodeUnknownAgency, "agency", "a manager needs a known agency")
		}
	default:
		return nil, FieldError("role", "role must be admin, analyst or manager")
	}
	q := s.db.NewUpdate().Model((*User)(nil)).Where("id = ?", id).Set("role = ?", role).Set("agency_code = ?", nullIfEmpty(agency))
	if up.Disabled != nil {
		if *up.Disabled {
			q = q.Set("disabled_us = ?", s.now().UnixMicro())
		} else {
			q = q.Set("disabled_us = NULL")
		}
	}
	if up.Password != nil {
		hash, err := hashPassword(*up.Password)
		if err != nil {
			return nil, err
		}
		q = q.Set("password_hash = ?", hash)
	}
	if err := s.inTx(ctx, func(tx bun.Tx) error {
		if _, err := q.Conn(tx).Exec(ctx); err != nil {
			return err
		}
		return s.Audit(ctx, tx, auditUserUpdate(u, role, agency, up)) // audit (docs/api.md, "Audit log")
	}); err != nil {
		return nil, err
	}
	if role != u.Role || agency != u.Agency || up.Password != nil || (up.Disabled != nil && *up.Disabled) {
		if _, err := s.RevokeUserSessions(ctx, id); err != nil {
			return nil, err
		}
	}
	return s.UserByID(ctx, id)
}

// UserByEmail returns the user of an e-mail (any case).
func (s *Store) UserByEmail(ctx context.Context, email string) (*User, error) {
	u := new(User)
	err := s.db.NewSelect().Model(u).Where("email = ?", NormalizeEmail(email)).Scan(ctx)
	if isNoRows(err) {
		return nil, Errorf(CodeNotFound, "email", "no user with email %s", truncate(NormalizeEmail(email), 64))
	}
	return u, err
}

// ResetPassword sets a user's password (checked by CheckPassword), ends their sessions and forgets every
// failed sign-in counted against them (`qiymet user reset-password`).
func (s *Store) ResetPassword(ctx context.Context, email, password string) (*User, error) {
	u, err := s.UserByEmail(ctx, email)
	if err != nil {
		return nil, err
	}
	if u, err = s.UpdateUser(ctx, u.ID, UserUpdate{Password: &password}); err != nil {
		return nil, err
	}
	if _, err := s.UnlockLogin(ctx, u.Email); err != nil {
		return nil, err
	}
	return u, nil
}

// SetUserLang remembers a user's dashboard language, so it follows them to another device.
func (s *Store) SetUserLang(ctx context.Context, id int64, lang string) error {
	if !ValidLang(lang) {
		return FieldError("lang", "lang must be az, en or ru")
	}
	_, err := s.db.NewUpdate().Model((*User)(nil)).Set("lang = ?", lang).Where("id = ?", id).Exec(ctx)
	return err
}
