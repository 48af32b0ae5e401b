package survey

import (
	"encoding/json"
	"os"
	"strings"
	"testing"
	"time"
)

// FuzzDecodeMethodology: any input is either a valid methodology or a contract error, never a panic; a valid
// one survives a JSON round trip unchanged.
func FuzzDecodeMethodology(f *testing.F) {
	seed, err := os.ReadFile("../testdata/methodology.json")
	if err != nil {
		f.Fatal(err)
	}
	f.Add(string(seed))
	f.Add(`{"code":"m","version":1,"citizen_weight":1e308,"parameters":[]}`)
	f.Add(`{"code":"m","version":1,"citizen_weight":0.5,"parameters":[{"code":"p","weight":-0,"name":{"az":"ə"},"criteria":[{"code":"c","weight":1,"max":1e-300,"name":{"az":"ş"}}]}]}`)
	f.Add("\x00")
	f.Fuzz(func(t *testing.T, in string) {
		m, err := DecodeMethodology(strings.NewReader(in))
		if err != nil {
			checkContractError(t, err)
			return
		}
		b, _ := json.Marshal(m)
		m2, err := DecodeMethodology(strings.NewReader(string(b)))
		if err != nil {
			t.Fatalf("round trip of a valid methodology fails: %v\n%s", err, b)
		}
		if c := m2.Checklist(); len(c.Parameters) != len(m.Parameters) {
			t.Fatal("checklist lost parameters")
		}
	})
}

// FuzzDecodeAssessmentCSV: any file either yields assessments whose every score is within its criterion's
// range, or lists at least one bad line; never both, never a panic.
func FuzzDecodeAssessmentCSV(f *testing.F) {
	seed, err := os.ReadFile("../testdata/methodology.json")
	if err != nil {
		f.Fatal(err)
	}
	m, err := DecodeMethodology(strings.NewReader(string(seed)))
	if err != nil {
		f.Fatal(err)
	}
	catJSON, err := os.ReadFile("../testdata/catalog.json")
	if err != nil {
		f.Fatal(err)
	}
	cat, err := DecodeCatalog(strings.NewReader(string(catJSON)))
	if err != nil {
		f.Fatal(err)
	}
	cv := newCatalogView(*cat, "")
	find := lookupIn([]Methodology{m})
	const header = "methodology,version,period,agency,service,criterion,points,evidence\n"
	f.Add(header + "test-asan,1,2025-Q3,migration,temp-residence,info-site,2,https://x.az\n")
	f.Add(header + "test-asan,,2025-Q3,migration,temp-residence,e-apply,,\"'=cmd\"\n")
	f.Add(header + "test-asan,1,2025-Q3,migration,temp-residence,e-apply,1e400,\n")
	f.Add("\xef\xbb\xbf" + header + "test-asan,1,2025,justice,notary,info-phone,-0,\"a\"\"b\"\n")
	f.Add("methodology\n\"")
	f.Fuzz(func(t *testing.T, in string) {
		var bad []LineError
		as := decodeAssessmentCSV(strings.NewReader(in), find, cv, time.UTC, "fuzz", func(le LineError) { bad = append(bad, le) })
		if len(bad) > 0 && len(as) > 0 {
			t.Fatalf("both assessments and bad lines: %v", bad)
		}
		if len(bad) == 0 && len(as) == 0 {
			t.Fatal("neither assessments nor a bad line")
		}
		for _, a := range as {
			for code, v := range a.Scores {
				c, _, ok := m.Criterion(code)
				if !ok {
					t.Fatalf("unknown criterion %q accepted", code)
				}
				if v != nil && (*v < 0 || *v > c.Max || *v != *v) {
					t.Fatalf("%s = %v accepted (max %v)", code, *v, c.Max)
				}
			}
		}
	})
}
