package storetest

import (
	"os"
	"path/filepath"
	"runtime"
	"testing"

	"github.com/qiymet/qiymet/survey"
)

// MethodologyPath is testdata/methodology.json: a small composite-index methodology for the test catalog.
func MethodologyPath() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Join(filepath.Dir(file), "..", "..", "testdata", "methodology.json")
}

// Methodology decodes testdata/methodology.json.
func Methodology(t testing.TB) survey.Methodology {
	t.Helper()
	f, err := os.Open(MethodologyPath())
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := survey.DecodeMethodology(f)
	if err != nil {
		t.Fatal(err)
	}
	return m
}
