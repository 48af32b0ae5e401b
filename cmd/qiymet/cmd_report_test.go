package main

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// qiymet report takes its generation date from SOURCE_DATE_EPOCH: the same data and epoch give the same
// bytes, another epoch another file (its date is on the cover and in the PDF's metadata); a malformed one
// is a usage error and writes nothing.
func TestReportSourceDateEpoch(t *testing.T) {
	env := cliEnv(t, "sqlite-file")
	mustRun(t, env, "", "catalog", "apply", catalogPath(t))
	dir := t.TempDir()
	build := func(name, epoch string) []byte {
		t.Helper()
		e := map[string]string{"QIYMET_DB": env["QIYMET_DB"], "SOURCE_DATE_EPOCH": epoch}
		path := filepath.Join(dir, name)
		mustRun(t, e, "", "report", "--period", "2025-Q1", "--lang", "az", "--out", path)
		b, err := os.ReadFile(path)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	a, b, c := build("a.pdf", "1767225600"), build("b.pdf", "1767225600"), build("c.pdf", "1767312000")
	if !bytes.Equal(a, b) {
		t.Fatal("same data and SOURCE_DATE_EPOCH, different bytes")
	}
	if bytes.Equal(a, c) {
		t.Fatal("another SOURCE_DATE_EPOCH, same bytes: the date is not used")
	}
	if bin, err := exec.LookPath("pdftotext"); err == nil {
		out, err := exec.Command(bin, filepath.Join(dir, "a.pdf"), "-").Output()
		if err != nil {
			t.Fatal(err)
		}
		// 1767225600 is 2026-01-01 00:00 UTC, 04:00 in Baku.
		if text := strings.Join(strings.Fields(string(out)), " "); !strings.Contains(text, "Hazırlanma tarixi 1 yanvar 2026") {
			t.Errorf("cover lacks the generation date: %.400s", text)
		}
	}
	r := cliRun(t, map[string]string{"QIYMET_DB": env["QIYMET_DB"], "SOURCE_DATE_EPOCH": "yesterday"}, "",
		"report", "--period", "2025-Q1", "--out", filepath.Join(dir, "bad.pdf"))
	if r.Err == nil || !r.usage() || !strings.Contains(r.Err.Error(), "SOURCE_DATE_EPOCH") {
		t.Fatalf("malformed SOURCE_DATE_EPOCH: %v", r.Err)
	}
	if _, err := os.Stat(filepath.Join(dir, "bad.pdf")); !os.IsNotExist(err) {
		t.Error("a refused report left a file")
	}
}
