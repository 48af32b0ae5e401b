package survey

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"strconv"
	"time"

	"github.com/uptrace/bun"
)

type surveyRow struct {
	bun.BaseModel `bun:"table:surveys"`
	Code          string `bun:"code,pk"`
	Version       int    `bun:"version,pk"`
	Definition    string `bun:"definition"`
	CreatedUS     int64  `bun:"created_us"`
}

type groupRow struct {
	bun.BaseModel `bun:"table:peer_groups"`
	Group
}
type agencyRow struct {
	bun.BaseModel `bun:"table:agencies"`
	Agency
}
type serviceRow struct {
	bun.BaseModel `bun:"table:services"`
	Service
}
type centerRow struct {
	bun.BaseModel `bun:"table:centers"`
	Center
}
type centerAgencyRow struct {
	bun.BaseModel `bun:"table:center_agencies"`
	Center        string `bun:"center_code,pk"`
	Agency        string `bun:"agency_code,pk"`
}

// CatalogView returns the current catalog, cached until any instance changes it (the meta catalog_rev).
func (s *Store) CatalogView(ctx context.Context) (*CatalogView, error) {
	s.catMu.Lock()
	if s.cat != nil && time.Since(s.catChecked) < catalogRecheck {
		cv := s.cat
		s.catMu.Unlock()
		return cv, nil
	}
	s.catMu.Unlock()
	var rev string
	err := s.db.NewSelect().Model((*metaRow)(nil)).Column("value").Where("key = 'catalog_rev'").Scan(ctx, &rev)
	if err != nil && !isNoRows(err) {
		return nil, err
	}
	s.catMu.Lock()
	defer s.catMu.Unlock()
	if s.cat != nil && s.catRev == rev {
		s.catChecked = time.Now()
		return s.cat, nil
	}
	c, err := loadCatalog(ctx, s.db)
	if err != nil {
		return nil, err
	}
	s.cat, s.catRev, s.catChecked = newCatalogView(c, rev), rev, time.Now()
	return s.cat, nil
}

// catalogRecheck is how long the cached catalog is trusted before asking the database whether it changed: a
// query saved on every submission. A change made through this store is seen at once (forgetCatalog); one made
// by another instance or a `catalog apply` within this time.
const catalogRecheck = time.Second

// forgetCatalog makes the next CatalogView call reload the catalog.
func (s *Store) forgetCatalog() {
	s.catMu.Lock()
	s.cat = nil
	s.catMu.Unlock()
	s.forgetSMSTexts() // the short names follow the agencies
}

func loadCatalog(ctx context.Context, db bun.IDB) (Catalog, error) {
	var c Catalog
	var groups []groupRow
	var agencies []agencyRow
	var services []serviceRow
	var centers []centerRow
	var hosts []centerAgencyRow
	var surveys []surveyRow
	for _, q := range []struct {
		dst   any
		order string
	}{{&groups, "code"}, {&agencies, "code"}, {&services, "code"}, {&centers, "code"},
		{&hosts, "center_code, agency_code"}, {&surveys, "code, version"}} {
		if err := db.NewSelect().Model(q.dst).OrderExpr(q.order).Scan(ctx); err != nil && !isNoRows(err) {
			return c, err
		}
	}
	for _, g := range groups {
		c.Groups = append(c.Groups, g.Group)
	}
	for _, a := range agencies {
		c.Agencies = append(c.Agencies, a.Agency)
	}
	for _, sv := range services {
		c.Services = append(c.Services, sv.Service)
	}
	byCenter := map[string][]string{}
	for _, h := range hosts {
		byCenter[h.Center] = append(byCenter[h.Center], h.Agency)
	}
	for _, ce := range centers {
		ce.Center.Agencies = byCenter[ce.Code]
		c.Centers = append(c.Centers, ce.Center)
	}
	for _, sr := range surveys {
		var sv Survey
		if err := json.Unmarshal([]byte(sr.Definition), &sv); err != nil {
			return c, fmt.Errorf("survey %s v%d: stored definition is corrupt: %w", sr.Code, sr.Version, err)
		}
		sv.Code, sv.Version = sr.Code, sr.Version
		c.Surveys = append(c.Surveys, sv)
	}
	return c, nil
}

// Catalog returns the stored catalog, sorted by code.
func (s *Store) Catalog(ctx context.Context) (Catalog, error) {
	c, err := loadCatalog(ctx, s.db)
	c.Sort()
	return c, err
}

// ApplyResult counts what ApplyCatalog changed.
type ApplyResult struct {
	Created, Updated, Unchanged int
}

func (r ApplyResult) String() string {
	return fmt.Sprintf("%d created, %d updated, %d unchanged", r.Created, r.Updated, r.Unchanged)
}

// ApplyCatalog creates or updates every entry of c; it never deletes. It is idempotent. A changed survey
// under a version that a response already uses is refused: publish a new version instead.
func (s *Store) ApplyCatalog(ctx context.Context, c Catalog) (ApplyResult, error) {
	var res ApplyResult
	err := s.inTx(ctx, func(tx bun.Tx) error {
		old, err := loadCatalog(ctx, tx)
		if err != nil {
			return err
		}
		if err := c.Validate(&old); err != nil {
			return err
		}
		cv := newCatalogView(old, "")
		var changed []string // audited: what was created or updated
		count := func(existed bool, same bool, what string) {
			switch {
			case !existed:
				res.Created++
			case same:
				res.Unchanged++
			default:
				res.Updated++
			}
			if !same && len(changed) < 50 {
				changed = append(changed, what)
			}
		}
		for _, sv := range c.Surveys {
			def, _ := json.Marshal(Survey{Primary: sv.Primary, Questions: sv.Questions})
			prev, existed := cv.Survey(sv.Code, sv.Version)
			if existed && sv.Version == 0 {
				existed = false
			}
			same := existed && reflect.DeepEqual(normSurvey(*prev), normSurvey(sv))
			count(existed, same, fmt.Sprintf("survey:%s@%d", sv.Code, sv.Version))
			if same {
				continue
			}
			if existed {
				used, err := tx.NewSelect().Table("responses").
					Where("survey_code = ? AND survey_version = ?", sv.Code, sv.Version).Exists(ctx)
				if err != nil {
					return err
				}
				if !used { // the responses of archived months (store_partition.go)
					used, err = tx.NewSelect().Table("archived_refs").
						Where("kind = 'survey' AND code = ? AND version = ?", sv.Code, sv.Version).Exists(ctx)
					if err != nil {
						return err
					}
				}
				if used {
					return FieldError("surveys", "survey %q version %d is already used by responses and cannot change; publish version %d instead",
						sv.Code, sv.Version, cv.newest[sv.Code]+1)
				}
			}
			row := &surveyRow{Code: sv.Code, Version: sv.Version, Definition: string(def), CreatedUS: s.now().UnixMicro()}
			if _, err := tx.NewInsert().Model(row).On("CONFLICT (code, version) DO UPDATE").
				Set("definition = EXCLUDED.definition").Exec(ctx); err != nil {
				return err
			}
		}
		for _, g := range c.Groups {
			prev, existed := cv.Group(g.Code)
			count(existed, existed && *prev == g, "group:"+g.Code)
			if _, err := tx.NewInsert().Model(&groupRow{Group: g}).On("CONFLICT (code) DO UPDATE").
				Set("name = EXCLUDED.name").Exec(ctx); err != nil {
				return err
			}
		}
		for _, a := range c.Agencies {
			prev, existed := cv.Agency(a.Code)
			count(existed, existed && *prev == a, "agency:"+a.Code)
			if _, err := tx.NewInsert().Model(&agencyRow{Agency: a}).On("CONFLICT (code) DO UPDATE").
				Set("name = EXCLUDED.name, group_code = EXCLUDED.group_code, survey_code = EXCLUDED.survey_code, sla_hours = EXCLUDED.sla_hours").Exec(ctx); err != nil {
				return err
			}
		}
		for _, sv := range c.Services {
			prev, existed := cv.Service(sv.Code)
			count(existed, existed && *prev == sv, "service:"+sv.Code)
			if _, err := tx.NewInsert().Model(&serviceRow{Service: sv}).On("CONFLICT (code) DO UPDATE").
				Set("name = EXCLUDED.name, agency_code = EXCLUDED.agency_code").Exec(ctx); err != nil {
				return err
			}
		}
		for _, ce := range c.Centers {
			prev, existed := cv.Center(ce.Code)
			same := existed && prev.Name == ce.Name
			for _, a := range ce.Agencies {
				if !cv.Hosts(ce.Code, a) {
					same = false
				}
			}
			count(existed, same, "center:"+ce.Code)
			if _, err := tx.NewInsert().Model(&centerRow{Center: ce}).On("CONFLICT (code) DO UPDATE").
				Set("name = EXCLUDED.name").Exec(ctx); err != nil {
				return err
			}
			for _, a := range ce.Agencies {
				if _, err := tx.NewInsert().Model(&centerAgencyRow{Center: ce.Code, Agency: a}).
					On("CONFLICT DO NOTHING").Exec(ctx); err != nil {
					return err
				}
			}
		}
		if err := s.Audit(ctx, tx, Change{Action: AuditCatalogApply, Target: "catalog", Details: map[string]any{
			"created": res.Created, "updated": res.Updated, "unchanged": res.Unchanged, "changed": changed}}); err != nil {
			return err
		}
		return bumpCatalogRev(ctx, tx)
	})
	s.forgetCatalog()
	return res, err
}

func normSurvey(s Survey) Survey {
	b, _ := json.Marshal(s)
	var out Survey
	json.Unmarshal(b, &out)
	return out
}

// bumpCatalogRev tells every instance's cache that the catalog changed.
func bumpCatalogRev(ctx context.Context, tx bun.IDB) error {
	var rev string
	err := tx.NewSelect().Model((*metaRow)(nil)).Column("value").Where("key = 'catalog_rev'").Scan(ctx, &rev)
	if err != nil && !isNoRows(err) {
		return err
	}
	n, _ := strconv.Atoi(rev)
	_, err = tx.NewInsert().Model(&metaRow{Key: "catalog_rev", Value: strconv.Itoa(n + 1)}).
		On("CONFLICT (key) DO UPDATE").Set("value = EXCLUDED.value").Exec(ctx)
	return err
}
