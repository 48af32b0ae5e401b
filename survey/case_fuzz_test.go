package survey

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeCaseAction: whatever the body of POST /api/v1/cases/{id}/events, the parser either returns an
// action that is valid on its own or a contract error, never panics, and never lets a bad action through.
func FuzzDecodeCaseAction(f *testing.F) {
	for _, seed := range []string{
		`{"action":"acknowledge"}`,
		`{"action":"resolve","resolution":"fixed","note":"Növbə sistemi düzəldildi"}`,
		`{"action":"resolve","resolution":"no_action"}`,
		`{"action":"reopen","note":"Вновь жалоба"}`,
		`{"action":"comment","note":"Zəng etdik"}`,
		`{"action":"comment"}`,
		`{"action":"resolve"}`,
		`{"action":"acknowledge","resolution":"fixed"}`,
		`{"action":"ACKNOWLEDGE"}`,
		`{"action":"resolve","resolution":"bribed"}`,
		`{"action":"comment","note":"` + strings.Repeat("ə", 2001) + `"}`,
		`{"action":"comment","note":"a\u0000b"}`,
		`{"action":"comment","note":"x","extra":1}`,
		`{"action":1}`,
		`[]`, `null`, `{`, "\xff", ``,
		`{"action":"comment","note":"x"}{"action":"resolve"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		a, err := DecodeCaseAction(body)
		if err != nil {
			checkContractError(t, err)
			return
		}
		if !slices.Contains(CaseActions, a.Action) {
			t.Fatalf("accepted action %q", a.Action)
		}
		if (a.Action == CaseActionResolve) != (a.Resolution != "") {
			t.Fatalf("action %q with resolution %q", a.Action, a.Resolution)
		}
		if a.Resolution != "" && !slices.Contains(CaseResolutions, a.Resolution) {
			t.Fatalf("accepted resolution %q", a.Resolution)
		}
		if !utf8.ValidString(a.Note) || strings.ContainsRune(a.Note, 0) || utf8.RuneCountInString(a.Note) > MaxCaseNote {
			t.Fatalf("accepted note %q", a.Note)
		}
		if a.Action == CaseActionComment && a.Note == "" {
			t.Fatal("a comment without a note")
		}
	})
}
