package demo

import (
	"context"
	"errors"
	"fmt"

	"github.com/qiymet/qiymet/survey"
)

// Password is the fixed, documented password of every demo user. It is deliberate: `make run` prints the
// demo login every time, and the demo database holds synthetic data only.
const Password = "qiymet-demo-2026"

// User is one demo account.
type User struct {
	Email, Role, Agency string
}

// Users are the demo accounts: one per role; the manager runs the State Migration Service.
var Users = []User{
	{"admin@qiymet.demo", survey.RoleAdmin, ""},
	{"analyst@qiymet.demo", survey.RoleAnalyst, ""},
	{"manager@qiymet.demo", survey.RoleManager, "migration"},
}

// kioskSites are the tablets registered by the demo; the kiosk responses of their centres are theirs
// (attributeToKiosks).
var kioskSites = []struct{ center, name string }{
	{"baku-1", "Bakı 1 — çıxış planşeti 1"},
	{"baku-1", "Bakı 1 — çıxış planşeti 2"},
	{"baku-2", "Bakı 2 — çıxış planşeti"},
	{"ganja", "Gəncə — çıxış planşeti"},
	{"sumqayit", "Sumqayıt — çıxış planşeti"},
}

// ErrNotEmpty is returned by Load when the database already holds responses: loading again would double them.
var ErrNotEmpty = errors.New("demo: the database already holds responses")

// Result tells what Load did.
type Result struct {
	Summary
	Catalog survey.ApplyResult
	Kiosks  int // kiosks registered
	Users   int // demo users created (existing ones are kept as they are)
	// Assessments of the demo's composite-index methodology (methodology.go).
	Assessments int
}

// Load puts the demo into an empty database: catalog, kiosks, responses up to the store's clock (rolled up
// into the cells) and the demo users. progress, if not nil, hears after each stored chunk.
func Load(ctx context.Context, s *survey.Store, opt Options, progress func(done, total int)) (Result, error) {
	var res Result
	if n, err := s.ResponseCount(ctx); err != nil {
		return res, err
	} else if n > 0 {
		return res, fmt.Errorf("%w (%d)", ErrNotEmpty, n)
	}
	var err error
	if res.Catalog, err = s.ApplyCatalog(ctx, Catalog()); err != nil {
		return res, fmt.Errorf("demo catalog: %w", err)
	}
	if res.Kiosks, err = addKiosks(ctx, s); err != nil {
		return res, err
	}
	// Users first: if the load is interrupted, `demo --if-empty` still prints a login that works.
	if res.Users, err = addUsers(ctx, s); err != nil {
		return res, err
	}
	cv, err := s.CatalogView(ctx)
	if err != nil {
		return res, err
	}
	opt.Now, opt.Location = s.Now(), s.Location()
	opt.defaults()
	if res.Summary, err = store(ctx, s, cv, opt, progress); err != nil {
		return res, err
	}
	if err := attributeToKiosks(ctx, s); err != nil {
		return res, err
	}
	if _, err := s.Rollup(ctx); err != nil {
		return res, fmt.Errorf("demo roll-up: %w", err)
	}
	if res.Assessments, err = loadComposite(ctx, s, opt.Seed); err != nil {
		return res, err
	}
	return res, nil
}

// attributeToKiosks gives the kiosk-channel responses of each centre with demo tablets to those tablets (taking
// turns where a centre has two), so the admin fleet view shows when each last sent a rating. The figures do
// not depend on kiosk ids; the burst exclusions were drawn with the responses.
func attributeToKiosks(ctx context.Context, s *survey.Store) error {
	ks, err := s.ListKiosks(ctx)
	if err != nil {
		return err
	}
	byCenter := map[string][]int64{}
	for _, k := range ks {
		byCenter[k.Center] = append(byCenter[k.Center], k.ID)
	}
	for center, ids := range byCenter {
		for i, id := range ids {
			if _, err := s.DB().NewUpdate().Table("responses").Set("kiosk_id = ?", id).
				Where("channel = ? AND center_code = ? AND kiosk_id IS NULL AND seq % ? = ?", survey.ChannelKiosk, center, len(ids), i).
				Exec(ctx); err != nil {
				return fmt.Errorf("demo kiosk responses: %w", err)
			}
		}
	}
	return nil
}

var errStopped = errors.New("demo: generation stopped")

// store generates and inserts the responses as a pipeline: the next chunk is drawn while the database
// writes the previous one.
func store(ctx context.Context, s *survey.Store, cv *survey.CatalogView, opt Options, progress func(done, total int)) (Summary, error) {
	chunks := make(chan []*survey.Response, 1)
	stop := make(chan struct{})
	var sum Summary
	var genErr error
	go func() {
		defer close(chunks)
		sum, genErr = Generate(cv, opt, func(rows []*survey.Response) error {
			select {
			case chunks <- rows:
				return nil
			case <-stop:
				return errStopped
			}
		})
	}()
	var insErr error
	done := 0
	for rows := range chunks {
		if insErr != nil {
			continue
		}
		if _, err := s.BulkInsert(ctx, rows); err != nil {
			insErr = fmt.Errorf("demo responses: %w", err)
			close(stop)
			continue
		}
		done += len(rows)
		if progress != nil {
			progress(done, opt.Responses)
		}
	}
	// chunks is closed only after Generate returned, so sum and genErr are settled here.
	if insErr != nil {
		return sum, insErr
	}
	return sum, genErr
}

// addKiosks registers the demo tablets unless the database has kiosks already.
func addKiosks(ctx context.Context, s *survey.Store) (int, error) {
	have, err := s.ListKiosks(ctx)
	if err != nil || len(have) > 0 {
		return 0, err
	}
	for _, k := range kioskSites {
		if _, _, err := s.AddKiosk(ctx, k.center, k.name, ""); err != nil {
			return 0, fmt.Errorf("demo kiosk %q: %w", k.name, err)
		}
	}
	return len(kioskSites), nil
}

// addUsers creates the demo users that do not exist yet.
func addUsers(ctx context.Context, s *survey.Store) (int, error) {
	have, err := ExistingUsers(ctx, s)
	if err != nil {
		return 0, err
	}
	exists := map[string]bool{}
	for _, u := range have {
		exists[u.Email] = true
	}
	created := 0
	for _, u := range Users {
		if exists[u.Email] {
			continue
		}
		if _, err := s.AddUser(ctx, u.Email, Password, u.Role, u.Agency); err != nil {
			return created, fmt.Errorf("demo user %s: %w", u.Email, err)
		}
		created++
	}
	return created, nil
}

// ExistingUsers lists the demo users present in the database, in the order of Users.
func ExistingUsers(ctx context.Context, s *survey.Store) ([]User, error) {
	all, err := s.ListUsers(ctx)
	if err != nil {
		return nil, err
	}
	in := map[string]bool{}
	for _, u := range all {
		in[u.Email] = true
	}
	var out []User
	for _, u := range Users {
		if in[u.Email] {
			out = append(out, u)
		}
	}
	return out, nil
}
