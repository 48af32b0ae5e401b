package survey

import (
	"context"
	"strings"

	"github.com/uptrace/bun"
)

// Catalog entries are deleted one at a time, and only while nothing refers to them: a response, invitation,
// kiosk or user keeps its agency, service and centre for ever, so their history stays readable. (ApplyCatalog
// never deletes; this is the admin page's delete.)

// CatalogKinds are the entry kinds that can be deleted, as in the catalog file.
var CatalogKinds = []string{"groups", "agencies", "services", "centers"}

// catalogRefs lists, per kind, the tables and columns that refer to an entry.
var catalogRefs = map[string][][2]string{
	"groups":   {{"agencies", "group_code"}},
	"agencies": {{"services", "agency_code"}, {"center_agencies", "agency_code"}, {"kiosks", "agency_code"}, {"users", "agency_code"}, {"invitations", "agency_code"}, {"responses", "agency_code"}},
	"services": {{"invitations", "service_code"}, {"responses", "service_code"}},
	"centers":  {{"kiosks", "center_code"}, {"invitations", "center_code"}, {"responses", "center_code"}},
}

var catalogTables = map[string]string{"groups": "peer_groups", "agencies": "agencies", "services": "services", "centers": "centers"}

// CatalogReferences lists the tables that refer to the entry, in catalogRefs order.
func (s *Store) CatalogReferences(ctx context.Context, kind, code string) ([]string, error) {
	return catalogReferences(ctx, s.db, kind, code)
}

func catalogReferences(ctx context.Context, db bun.IDB, kind, code string) ([]string, error) {
	refs, ok := catalogRefs[kind]
	if !ok {
		return nil, FieldError("kind", "unknown catalog kind %q", truncate(kind, 20))
	}
	var out []string
	for _, ref := range refs {
		// Existence, not a count: a response table of millions answers at once through its index.
		used, err := db.NewSelect().Table(ref[0]).Where("? = ?", bun.Ident(ref[1]), code).Exists(ctx)
		if err != nil {
			return nil, err
		}
		if used {
			out = append(out, ref[0])
		}
	}
	// Responses of archived months (store_partition.go) refer to their entries as the stored ones do.
	if archKind, ok := map[string]string{"agencies": "agency", "services": "service", "centers": "center"}[kind]; ok {
		used, err := db.NewSelect().Table("archived_refs").Where("kind = ? AND code = ?", archKind, code).Exists(ctx)
		if err != nil {
			return nil, err
		}
		if used {
			out = append(out, "archived responses")
		}
	}
	return out, nil
}

// DeleteCatalogEntry deletes one group, agency, service or centre, refusing (invalid_field "referenced") while
// anything refers to it. A centre's own list of hosted agencies is part of it, not a reference to it.
func (s *Store) DeleteCatalogEntry(ctx context.Context, kind, code string) error {
	table, ok := catalogTables[kind]
	if !ok {
		return FieldError("kind", "unknown catalog kind %q", truncate(kind, 20))
	}
	err := s.inTx(ctx, func(tx bun.Tx) error {
		refs, err := catalogReferences(ctx, tx, kind, code)
		if err != nil {
			return err
		}
		if len(refs) > 0 {
			return FieldError("referenced", "%s %q is still referred to by %s", kind, truncate(code, 64), strings.Join(refs, ", "))
		}
		if kind == "centers" {
			if _, err := tx.NewDelete().Table("center_agencies").Where("center_code = ?", code).Exec(ctx); err != nil {
				return err
			}
		}
		res, err := tx.NewDelete().Table(table).Where("code = ?", code).Exec(ctx)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return Errorf(CodeNotFound, "code", "no %s entry %q", kind, truncate(code, 64))
		}
		if err := s.Audit(ctx, tx, Change{Action: AuditCatalogDelete, Target: kind + ":" + code}); err != nil { // audit (docs/api.md, "Audit log")
			return err
		}
		return bumpCatalogRev(ctx, tx)
	})
	s.forgetCatalog()
	return err
}
