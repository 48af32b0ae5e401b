package survey_test

import (
	"context"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// TestDeleteCatalogEntry: an entry anything refers to is refused and stays; a free one goes, audited.
func TestDeleteCatalogEntry(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		names := survey.Names{AZ: "Boş"}
		if _, err := s.ApplyCatalog(ctx, survey.Catalog{Groups: []survey.Group{{Code: "spare", Name: names}},
			Centers: []survey.Center{{Code: "spare-centre", Name: names, Agencies: []string{"justice"}}}}); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct{ kind, code, ref string }{
			{"groups", "central", "agencies"}, {"agencies", "migration", "services"}, {"centers", "baku-1", "kiosks"},
		} {
			if c.kind == "centers" {
				if _, _, err := s.AddKiosk(ctx, "baku-1", "K", ""); err != nil {
					t.Fatal(err)
				}
			}
			refs, err := s.CatalogReferences(ctx, c.kind, c.code)
			if err != nil || len(refs) == 0 || refs[0] != c.ref {
				t.Fatalf("%s %s refs: %v %v", c.kind, c.code, refs, err)
			}
			err = s.DeleteCatalogEntry(ctx, c.kind, c.code)
			if e, ok := survey.AsError(err); !ok || e.Field != "referenced" {
				t.Fatalf("%s %s: %v", c.kind, c.code, err)
			}
		}
		for _, c := range []struct{ kind, code string }{{"groups", "spare"}, {"centers", "spare-centre"}} {
			if err := s.DeleteCatalogEntry(ctx, c.kind, c.code); err != nil {
				t.Fatalf("delete %s: %v", c.code, err)
			}
			if err := s.DeleteCatalogEntry(ctx, c.kind, c.code); survey.ErrorCode(err) != survey.CodeNotFound {
				t.Fatalf("delete %s twice: %v", c.code, err)
			}
		}
		if err := s.DeleteCatalogEntry(ctx, "surveys", "visit"); survey.ErrorCode(err) != survey.CodeInvalidField {
			t.Fatalf("bad kind: %v", err)
		}
		cv, _ := s.CatalogView(ctx)
		if _, ok := cv.Group("spare"); ok {
			t.Fatal("deleted group still in the catalog view")
		}
		if _, ok := cv.Group("central"); !ok {
			t.Fatal("refused delete removed the group")
		}
		n, _ := s.DB().NewSelect().Table("audit_log").Where("action = ?", survey.AuditCatalogDelete).Count(ctx)
		if n != 2 {
			t.Fatalf("audited deletes: %d", n)
		}
	})
}
