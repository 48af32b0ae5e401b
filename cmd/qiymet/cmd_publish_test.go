package main

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/qiymet/qiymet/survey"
)

// qiymet publish and qiymet verify on both databases: a complete period publishes (exit 0) and its stored
// snapshot verifies; a running period and a republication without a reason are runtime errors (exit 1);
// the same file with one changed byte fails verify (exit 1); usage errors exit 2.
func TestPublishAndVerifyCommands(t *testing.T) {
	for _, dialect := range []string{"sqlite-file", "pg"} {
		t.Run(dialect, func(t *testing.T) {
			env := cliEnv(t, dialect)
			dir := t.TempDir()
			mustRun(t, env, "", "catalog", "apply", catalogPath(t))
			var csv strings.Builder
			csv.WriteString("submitted_at,agency,center,q.overall,comment\n")
			for i := range 45 {
				fmt.Fprintf(&csv, "2025-03-%02dT10:%02d:00+04:00,migration,baku-1,%d,ZZ-CLI-MARKER %d\n", 1+i%28, i, 3+i%3, i)
			}
			in := filepath.Join(dir, "in.csv")
			os.WriteFile(in, []byte(csv.String()), 0o644)
			mustRun(t, env, "", "import", in)

			out := mustRun(t, env, "", "publish", "--period", "2025-Q1")
			if !strings.HasPrefix(out, "published 2025-Q1 revision 1 sha256 ") {
				t.Fatalf("publish: %q", out)
			}
			if r := cliRun(t, env, "", "publish", "--period", "2025-Q1"); r.Err == nil || r.usage() || !strings.Contains(r.Err.Error(), "reason") {
				t.Fatalf("republish without a reason: %v", r.Err)
			}
			if r := cliRun(t, env, "", "publish", "--period", "2099-Q1"); r.Err == nil || r.usage() {
				t.Fatalf("a period that has not started: %v", r.Err)
			}
			for _, args := range [][]string{{"publish"}, {"publish", "--period", "2025-Q7"}, {"verify"}, {"verify", "a", "b"}} {
				if r := cliRun(t, env, "", args...); !r.usage() {
					t.Errorf("%v: want a usage error, got %v", args, r.Err)
				}
			}
			mustRun(t, env, "", "publish", "--period", "2025-Q1", "--reason", "Corrected centre names")

			s := openDB(t, env)
			pub, err := s.PublicationRevision(t.Context(), "2025-Q1", 2)
			s.Close()
			if err != nil {
				t.Fatal(err)
			}
			if strings.Contains(pub.Document, "ZZ-CLI-MARKER") {
				t.Fatal("the snapshot contains a comment")
			}
			good := filepath.Join(dir, "good.json")
			os.WriteFile(good, []byte(pub.Document), 0o644)
			if out := mustRun(t, nil, "", "verify", good); !strings.HasPrefix(out, "OK "+pub.SHA256) {
				t.Fatalf("verify: %q", out)
			}
			for name, doc := range map[string]string{
				"digit":   strings.Replace(pub.Document, `"revision":2`, `"revision":3`, 1),
				"reason":  strings.Replace(pub.Document, "Corrected", "Corrector", 1),
				"nohash":  strings.Replace(pub.Document, `"sha256":"`+pub.SHA256+`"`, `"x":"y"`, 1),
				"garbage": pub.Document[:len(pub.Document)/2],
			} {
				if doc == pub.Document {
					t.Fatalf("%s: nothing changed", name)
				}
				bad := filepath.Join(dir, name+".json")
				os.WriteFile(bad, []byte(doc), 0o644)
				if r := cliRun(t, nil, "", "verify", bad); r.Err == nil || r.usage() {
					t.Errorf("verify of a changed file (%s): %v", name, r.Err)
				}
			}
			// Whitespace and key order do not matter: the hash is of the canonical form.
			snap, _ := survey.ParseSnapshot([]byte(pub.Document))
			pretty := filepath.Join(dir, "pretty.json")
			b, _ := jsonIndent(snap)
			os.WriteFile(pretty, b, 0o644)
			if r := cliRun(t, nil, "", "verify", pretty); r.Err != nil {
				t.Errorf("verify of a re-indented snapshot: %v", r.Err)
			}
		})
	}
}

func jsonIndent(v any) ([]byte, error) { return json.MarshalIndent(v, "", "   ") }
