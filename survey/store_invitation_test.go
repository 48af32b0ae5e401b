package survey_test

import (
	"context"
	"encoding/base64"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/storetest"
)

func TestInvitations(t *testing.T) {
	clock := storetest.NewClock(storeStart)
	storetest.Each(t, survey.Options{Now: clock.Now}, func(t *testing.T, s *survey.Store) {
		clock.Set(storeStart)
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		req := survey.InvitationRequest{Agency: "migration", Service: "temp-residence", Center: "baku-1", VisitID: "Q-2025-000123", Operator: "op 7"}
		inv, token, created, err := s.CreateInvitation(ctx, req, api.APIKey)
		if err != nil || !created {
			t.Fatal(created, err)
		}
		raw, err := base64.RawURLEncoding.DecodeString(token)
		if err != nil || len(raw)*8 < 128 {
			t.Fatalf("token %q carries %d bits", token, len(raw)*8)
		}
		if want := storeStart.Add(7 * 24 * time.Hour).UnixMicro(); inv.ExpiresUS != want {
			t.Fatalf("default lifetime: expires %d, want %d", inv.ExpiresUS, want)
		}
		_, token2, created, err := s.CreateInvitation(ctx, req, api.APIKey)
		if err != nil || created || token2 != token {
			t.Fatalf("same visit again: %v %v same token %v", created, err, token2 == token)
		}
		other := req
		other.Agency, other.Service, other.Center = "justice", "", ""
		_, token3, _, err := s.CreateInvitation(ctx, other, api.APIKey)
		if err != nil || token3 == token {
			t.Fatalf("same visit id at another agency must get its own link: %v", err)
		}
		// Only the hash is stored.
		row := storedRow(t, s, "invitations", "visit_id = ? AND agency_code = ?", req.VisitID, req.Agency)
		for col, v := range row {
			if str, ok := v.(string); ok && strings.Contains(str, token) {
				t.Fatalf("column %s holds the token", col)
			}
			if b, ok := v.([]byte); ok && strings.Contains(string(b), token) {
				t.Fatalf("column %s holds the token", col)
			}
		}
		if row["token_hash"] != survey.HashSecret(token) {
			t.Fatalf("token_hash %v is not the token's hash", row["token_hash"])
		}

		invBefore := countRows(t, s, "invitations")
		for _, c := range []struct {
			name  string
			req   survey.InvitationRequest
			code  string
			field string
		}{
			{"unknown agency", survey.InvitationRequest{Agency: "tax", VisitID: "v1"}, survey.CodeUnknownAgency, "agency"},
			{"no agency", survey.InvitationRequest{VisitID: "v1"}, survey.CodeInvalidField, "agency"},
			{"service of another agency", survey.InvitationRequest{Agency: "migration", Service: "notary", VisitID: "v1"}, survey.CodeInvalidField, "service"},
			{"centre not hosting", survey.InvitationRequest{Agency: "justice", Center: "ganja", VisitID: "v1"}, survey.CodeInvalidField, "center"},
			{"no visit id", survey.InvitationRequest{Agency: "migration", VisitID: "  "}, survey.CodeInvalidField, "visit_id"},
			{"expires too soon", survey.InvitationRequest{Agency: "migration", VisitID: "v1", ExpiresIn: ptr(int64(59))}, survey.CodeInvalidField, "expires_in"},
			{"expires too late", survey.InvitationRequest{Agency: "migration", VisitID: "v1", ExpiresIn: ptr(int64(30*24*3600 + 1))}, survey.CodeInvalidField, "expires_in"},
		} {
			t.Run(c.name, func(t *testing.T) {
				_, _, _, err := s.CreateInvitation(ctx, c.req, api.APIKey)
				wantCode(t, err, c.code, c.field)
			})
		}
		if n := countRows(t, s, "invitations"); n != invBefore {
			t.Fatalf("refused invitations stored: %d → %d", invBefore, n)
		}

		short, shortToken, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "property", VisitID: "S-1", ExpiresIn: ptr(int64(60))}, api.APIKey)
		if err != nil || short.ExpiresUS != clock.Now().Add(time.Minute).UnixMicro() {
			t.Fatalf("60 s invitation: %v", err)
		}
		const usedID = "5a5a5a5a-1111-4222-8333-444455556666"
		link := `{"id":"` + usedID + `","token":"` + token + `","answers":{"overall":5,"resolved":true}}`
		steps := []struct {
			name    string
			body    string
			advance time.Duration
			code    string
			field   string
			created bool
		}{
			{"agency with token", `{"token":"` + token + `","agency":"migration","answers":{"overall":5}}`, 0, survey.CodeInvalidField, "agency", false},
			{"service with token", `{"token":"` + token + `","service":"temp-residence","answers":{"overall":5}}`, 0, survey.CodeInvalidField, "service", false},
			{"center with token", `{"token":"` + token + `","center":"baku-1","answers":{"overall":5}}`, 0, survey.CodeInvalidField, "center", false},
			{"invalid answers keep the token", `{"token":"` + token + `","answers":{"overall":9}}`, 0, survey.CodeInvalidField, "answers.overall", false},
			{"use once", link, 0, "", "", true},
			{"retry of the same submission", link, time.Second, "", "", false},
			{"used again", `{"token":"` + token + `","answers":{"overall":1}}`, 0, survey.CodeTokenUsed, "token", false},
			{"used again same id other content", strings.Replace(link, `"overall":5`, `"overall":1`, 1), 0, survey.CodeIDConflict, "id", false},
			{"unknown token", `{"token":"AAAAAAAAAAAAAAAAAAAAAAAA","answers":{"overall":5}}`, 0, survey.CodeNotFound, "token", false},
			{"expired", `{"token":"` + shortToken + `","answers":{"overall":5}}`, 61 * time.Second, survey.CodeTokenExpired, "token", false},
		}
		for _, st := range steps {
			t.Run(st.name, func(t *testing.T) {
				clock.Advance(st.advance)
				before := countRows(t, s, "responses")
				res, created, err := submit(t, s, st.body, survey.Credential{})
				if st.code != "" {
					wantCode(t, err, st.code, st.field)
					if n := countRows(t, s, "responses"); n != before {
						t.Fatalf("refused response stored: %d → %d", before, n)
					}
					return
				}
				if err != nil || created != st.created {
					t.Fatalf("got created=%v err=%v", created, err)
				}
				row := storedRow(t, s, "responses", "id = ?", res.ID)
				if row["channel"] != survey.ChannelLink || row["agency_code"] != "migration" ||
					row["service_code"] != "temp-residence" || row["center_code"] != "baku-1" {
					t.Fatalf("link response stored as %v", row)
				}
			})
		}
		// Concurrency: one visit's invitation is created once; one token is used once.
		const workers = 6
		var wg sync.WaitGroup
		tokens := make([]string, workers)
		createdN := make([]bool, workers)
		errs := make([]error, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, tokens[i], createdN[i], errs[i] = s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "property", VisitID: "C-1"}, api.APIKey)
			}()
		}
		wg.Wait()
		nCreated := 0
		for i := range workers {
			if errs[i] != nil || tokens[i] != tokens[0] {
				t.Fatalf("concurrent create %d: %v (same token %v)", i, errs[i], tokens[i] == tokens[0])
			}
			if createdN[i] {
				nCreated++
			}
		}
		if nCreated != 1 {
			t.Fatalf("%d concurrent creations of one visit's invitation", nCreated)
		}
		before := countRows(t, s, "responses")
		codes := make([]string, workers)
		for i := range workers {
			wg.Add(1)
			go func() {
				defer wg.Done()
				_, created, err := submit(t, s, `{"token":"`+tokens[0]+`","answers":{"overall":4}}`, survey.Credential{})
				codes[i] = survey.ErrorCode(err)
				if err == nil && created {
					codes[i] = "created"
				}
			}()
		}
		wg.Wait()
		tally := map[string]int{}
		for _, c := range codes {
			tally[c]++
		}
		if tally["created"] != 1 || tally[survey.CodeTokenUsed] != workers-1 {
			t.Fatalf("concurrent use of one token: %v", tally)
		}
		if n := countRows(t, s, "responses"); n != before+1 {
			t.Fatalf("rows %d → %d", before, n)
		}

		// A kiosk cannot use an invitation token.
		k, _, _ := s.AddKiosk(ctx, "baku-1", "Exit", "")
		_, _, err = submit(t, s, `{"token":"`+token3+`","answers":{"overall":5}}`, survey.Credential{Kiosk: k})
		wantCode(t, err, survey.CodeInvalidField, "token")
	})
}

func ptr[T any](v T) *T { return &v }

// A link submission whose id is already stored (by another channel) is a replay or a conflict, and its
// invitation stays unused: the citizen can still rate with a fresh id.
func TestLinkWithTakenIDLeavesInvitationUnused(t *testing.T) {
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		const id = "0b0b0b0b-1111-4222-8333-444455556666"
		if _, created, err := submit(t, s, `{"id":"`+id+`","agency":"migration","answers":{"overall":5}}`, api); err != nil || !created {
			t.Fatalf("api submission: %v %v", created, err)
		}
		_, token, _, err := s.CreateInvitation(ctx, survey.InvitationRequest{Agency: "justice", VisitID: "T-1"}, api.APIKey)
		if err != nil {
			t.Fatal(err)
		}
		_, _, err = submit(t, s, `{"id":"`+id+`","token":"`+token+`","answers":{"overall":2}}`, survey.Credential{})
		wantCode(t, err, survey.CodeIDConflict, "id")
		if _, err := s.InvitationByToken(ctx, token); err != nil {
			t.Fatalf("the invitation was used up by a submission that stored nothing: %v", err)
		}
		if _, created, err := submit(t, s, `{"token":"`+token+`","answers":{"overall":2}}`, survey.Credential{}); err != nil || !created {
			t.Fatalf("rating with the link afterwards: %v %v", created, err)
		}
	})
}

// With QIYMET_SECRET the same visit still gets the same link; a changed secret re-issues the link (the old
// token cannot be rebuilt) and the old token stops working.
func TestInvitationSecretFromEnvironment(t *testing.T) {
	for _, d := range storetest.Dialects {
		t.Run(d, func(t *testing.T) {
			ctx := context.Background()
			dsn := storetest.SharedDSN(t, d)
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

// TestInvitationBatchesCarryAnyText: invitations issued at once go in batches (one multi-row INSERT). Text that
// would break a hand-quoted statement is stored exactly, the optional columns left empty are NULL, and a visit
// asked for twice in the same moment is stored once, with one link.
func TestInvitationBatchesCarryAnyText(t *testing.T) {
	visits := []string{`'; DROP TABLE invitations; --`, `$1 $$ $q$ \x00 \\ \"`, `{"visit":1}`, `Növbə ŞÇĞIİÖÜ əşçğıöü`, "line\nbreak", `?::text`}
	storetest.Each(t, survey.Options{}, func(t *testing.T, s *survey.Store) {
		ctx := context.Background()
		loadTestCatalog(t, s)
		api := apiCred(t, s)
		type issued struct {
			token   string
			created bool
		}
		got := make([]issued, 2*len(visits))
		var wg sync.WaitGroup
		for i := range got {
			v := visits[i%len(visits)] // each visit twice, at once
			req := survey.InvitationRequest{Agency: "justice", VisitID: v}
			if i%len(visits)%2 == 0 {
				req = survey.InvitationRequest{Agency: "migration", Service: "temp-residence", Center: "baku-1", VisitID: v, Operator: "operator " + v}
			}
			wg.Go(func() {
				_, token, created, err := s.CreateInvitation(ctx, req, api.APIKey)
				if err != nil {
					t.Error(err)
				}
				got[i] = issued{token, created}
			})
		}
		wg.Wait()
		for i, v := range visits {
			a, b := got[i], got[i+len(visits)]
			if a.token != b.token || a.created == b.created {
				t.Errorf("visit %q asked for twice: created %v and %v, same link %v; want one created, one link", v, a.created, b.created, a.token == b.token)
			}
			row := storedRow(t, s, "invitations", "token_hash = ?", survey.HashSecret(a.token))
			if row["visit_id"] != v {
				t.Errorf("visit %q stored as %q", v, row["visit_id"])
			}
			if i%2 == 0 {
				if row["operator"] != "operator "+v || row["service_code"] != "temp-residence" || row["center_code"] != "baku-1" {
					t.Errorf("visit %q: operator %q, service %v, centre %v", v, row["operator"], row["service_code"], row["center_code"])
				}
			} else if row["operator"] != nil || row["service_code"] != nil || row["center_code"] != nil {
				t.Errorf("visit %q: operator %v, service %v, centre %v, want NULL", v, row["operator"], row["service_code"], row["center_code"])
			}
			if row["api_key_id"] == nil {
				t.Errorf("visit %q: no API key", v)
			}
		}
		if n := countRows(t, s, "invitations"); n != int64(len(visits)) {
			t.Errorf("%d invitations stored, want %d", n, len(visits))
		}
	})
}
