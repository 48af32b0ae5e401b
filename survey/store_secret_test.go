package survey_test

import (
	"context"
	"testing"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

// With QIYMET_SECRET the same visit still gets the same link; a changed secret re-issues the link (the old
// token cannot be rebuilt) and the old token stops working.
func TestInvitationSecretFromEnvironment(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.DSN(t, d)
			if d == "sqlite" {
				dsn = storetest.DSN(t, "sqlite-file") // two stores must see one database
			}
			open := func(secret string) *survey.Store {
				return storetest.Open(t, dsn, survey.Options{Secret: secret})
			}
			a := open("first-secret-0123456789")
			loadTestCatalog(t, a)
			req := survey.InvitationRequest{Agency: "migration", VisitID: "Q-2025-000123"}
			_, tok1, created, err := a.CreateInvitation(ctx, req, nil)
			if err != nil || !created {
				t.Fatalf("create: %v %v", created, err)
			}
			_, again, created, err := a.CreateInvitation(ctx, req, nil)
			if err != nil || created || again != tok1 {
				t.Fatalf("repeat gave %q (created %v, %v), want the same token", again, created, err)
			}
			b := open("second-secret-9876543210")
			_, tok2, _, err := b.CreateInvitation(ctx, req, nil)
			if err != nil || tok2 == tok1 {
				t.Fatalf("after a secret change: %q %v", tok2, err)
			}
			if _, err := b.InvitationByToken(ctx, tok1); survey.ErrorCode(err) != survey.CodeNotFound {
				t.Fatalf("old token: %v, want not_found", err)
			}
			if _, err := b.InvitationByToken(ctx, tok2); err != nil {
				t.Fatalf("new token: %v", err)
			}
		})
	}
}
