package web_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// xlsxCell is one cell as openpyxl reads it: value, Python type and number format.
type xlsxCell [3]any

type xlsxSheet struct {
	Name   string
	Freeze *string
	Rows   [][]xlsxCell
}

// readXLSX opens XLSX files with Debian's python3-openpyxl, a reader independent of the writer.
func readXLSX(t *testing.T, files map[string][]byte) map[string][]xlsxSheet {
	t.Helper()
	py := "/usr/bin/python3" // Debian's, where python3-openpyxl is installed
	if _, err := os.Stat(py); err != nil {
		py = "python3"
	}
	if err := exec.Command(py, "-c", "import openpyxl").Run(); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("python3-openpyxl is required in CI: %v", err)
		}
		t.Skip("SKIPPING: python3-openpyxl not installed (apt-get install python3-openpyxl)")
	}
	dir := t.TempDir()
	args := []string{"testdata/read_xlsx.py"}
	paths := map[string]string{}
	for name, body := range files {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
		args = append(args, p)
		paths[p] = name
	}
	out, err := exec.Command(py, args...).Output()
	if err != nil {
		t.Fatalf("openpyxl could not read the files: %v", err)
	}
	var raw map[string][]xlsxSheet
	if err := json.Unmarshal(out, &raw); err != nil {
		t.Fatal(err)
	}
	res := map[string][]xlsxSheet{}
	for p, s := range raw {
		res[paths[p]] = s
	}
	return res
}

// column finds a header's column.
func column(t *testing.T, sh xlsxSheet, header string) int {
	t.Helper()
	for i, c := range sh.Rows[0] {
		if c[0] == header {
			return i
		}
	}
	t.Fatalf("sheet %q has no column %q: %v", sh.Name, header, sh.Rows[0])
	return -1
}

// TestDashboardExports downloads the rankings (XLSX, CSV), an agency's filtered comments and its responses
// (XLSX) as a signed-in analyst and manager, and reads the spreadsheets with openpyxl: one sheet per group
// named in the page's language, a frozen header, numbers stored as numbers with a number format, names
// with ə/ğ and Cyrillic intact; the CSV starts with a byte-order mark.
func TestDashboardExports(t *testing.T) {
	e := newDashEnv(t, "sqlite", 0, "")
	analyst := e.login(t, e.Users["analyst"])
	get := func(path, cookie string, want int) []byte {
		t.Helper()
		r := e.page(t, http.MethodGet, path, cookie, nil)
		if r.Status != want {
			t.Fatalf("%s: %d, want %d: %.300s", path, r.Status, want, r.Body)
		}
		return r.Body
	}
	files := map[string][]byte{
		"rank-az.xlsx":      get("/rankings.xlsx?period=2025-Q3&lang=az", analyst, 200),
		"rank-ru.xlsx":      get("/rankings.xlsx?period=2025-Q3&lang=ru", analyst, 200),
		"comments-az.xlsx":  get("/agencies/migration/comments.xlsx?period=2025-Q3&lang=az&sort=low", analyst, 200),
		"comments-hi.xlsx":  get("/agencies/migration/comments.xlsx?period=2025-Q3&lang=en&band=high", analyst, 200),
		"responses-ru.xlsx": get("/agencies/migration/responses.xlsx?period=2025-Q3&lang=ru", analyst, 200),
	}
	x := readXLSX(t, files)

	// Rankings: a sheet per peer group, names in the language, numbers as numbers.
	az := x["rank-az.xlsx"]
	if len(az) != 2 || az[0].Name != "Mərkəzi icra hakimiyyəti orqanl" || az[1].Name != "Dövlət xidmətləri" {
		t.Fatalf("az sheets: %q, %q", az[0].Name, az[len(az)-1].Name)
	}
	sh := az[0]
	if sh.Freeze == nil || *sh.Freeze != "A2" {
		t.Errorf("header not frozen: %v", sh.Freeze)
	}
	if len(sh.Rows) != 3 || sh.Rows[1][column(t, sh, "Qurum")][0] != "Dövlət Miqrasiya Xidməti" || sh.Rows[2][column(t, sh, "Qurum")][0] != "Ədliyyə Nazirliyi" {
		t.Fatalf("az rows: %v", sh.Rows)
	}
	idx := sh.Rows[1][column(t, sh, "İndeks")]
	if idx[0] != 72.22 || idx[1] != "float" || idx[2] != "0.00" {
		t.Errorf("index cell: %v", idx)
	}
	if n := sh.Rows[1][column(t, sh, "n")]; n[0] != 60.0 || n[1] != "int" {
		t.Errorf("n cell: %v", n)
	}
	if r := sh.Rows[1][column(t, sh, "Yer")]; r[0] != 1.0 || r[1] != "int" {
		t.Errorf("rank cell: %v", r)
	}
	if unranked := az[1].Rows[1]; unranked[column(t, az[1], "Yer")][0] != nil || unranked[column(t, az[1], "Vəziyyət")][0] != "reytinqə düşmür" {
		t.Errorf("unranked row: %v", unranked)
	}
	ru := x["rank-ru.xlsx"]
	if ru[0].Rows[1][column(t, ru[0], "Ведомство")][0] != "Государственная миграционная служба" || ru[0].Rows[0][column(t, ru[0], "Доля довольных")][0] == nil {
		t.Errorf("ru rankings: %v", ru[0].Rows[:2])
	}

	// Comments: the filters and the order of the page; the question with ğ as a header; dates as dates.
	cm := x["comments-az.xlsx"][0]
	if cm.Name != "Dövlət Miqrasiya Xidməti" || len(cm.Rows) != 5 {
		t.Fatalf("comments: %q %d rows", cm.Name, len(cm.Rows))
	}
	score := column(t, cm, "Bal (0–100)")
	column(t, cm, "Xidmətdən ümumi razılığınız?")
	prev := -1.0
	for _, row := range cm.Rows[1:] {
		s, ok := row[score][0].(float64)
		if !ok || (row[score][1] != "float" && row[score][1] != "int") || s < prev { // openpyxl reads 50.0 as an int
			t.Errorf("scores not numbers in ascending order: %v", row[score])
		}
		prev = s
		if row[0][1] != "datetime" {
			t.Errorf("date cell: %v", row[0])
		}
	}
	hi := x["comments-hi.xlsx"][0]
	for _, row := range hi.Rows[1:] {
		if s := row[column(t, hi, "Score (0–100)")][0].(float64); s < 80 {
			t.Errorf("band=high exported a score of %v", s)
		}
	}
	if len(hi.Rows) >= len(cm.Rows) {
		t.Errorf("the band filter kept every comment: %d", len(hi.Rows)-1)
	}

	// Responses: the same rows as the §5 CSV, answers as numbers, names in Russian.
	rs := x["responses-ru.xlsx"][0]
	csvBody := get("/api/v1/responses.csv?agency=migration&from=2025-07-01&to=2025-09-30", analyst, 200)
	recs, err := csv.NewReader(bytes.NewReader(csvBody)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rs.Rows) != len(recs) || len(recs) < 2 {
		t.Fatalf("responses XLSX has %d rows, the CSV %d", len(rs.Rows), len(recs))
	}
	q := column(t, rs, "Насколько вы довольны в целом?")
	if c := rs.Rows[1][q]; c[1] != "int" {
		t.Errorf("answer cell: %v", c)
	}
	if c := rs.Rows[1][column(t, rs, "Центр")]; !strings.Contains(c[0].(string), "Баку") {
		t.Errorf("centre name: %v", c)
	}
	if bytes.HasPrefix(csvBody, []byte("\ufeff")) {
		t.Error("the §5 CSV must not start with a byte-order mark")
	}

	// Rankings CSV: BOM, then the same table.
	rc := get("/rankings.csv?period=2025-Q3&lang=ru", analyst, 200)
	if !bytes.HasPrefix(rc, []byte("\ufeff")) {
		t.Fatal("rankings CSV without a byte-order mark")
	}
	crecs, err := csv.NewReader(bytes.NewReader(rc[3:])).ReadAll()
	if err != nil || len(crecs) != 4 || crecs[1][2] != "Государственная миграционная служба" || crecs[1][4] != "72.22" {
		t.Fatalf("rankings CSV: %v %v", crecs, err)
	}

	// Scoping and bad input: another agency's exports are refused; unknown agency 404; a malformed period,
	// filter or date is 422 in the reader's language and nothing is built.
	mgrB := e.login(t, e.Users["managerB"])
	get("/agencies/migration/comments.xlsx?period=2025-Q3", mgrB, http.StatusForbidden)
	get("/agencies/migration/responses.xlsx?period=2025-Q3", mgrB, http.StatusForbidden)
	get("/agencies/justice/responses.xlsx?period=2025-Q3", mgrB, http.StatusOK)
	get("/agencies/nowhere/comments.xlsx?period=2025-Q3", analyst, http.StatusNotFound)
	for _, bad := range []string{"band=evil", "sort=random", "center=nowhere", "service=notary", "channel=fax", "clang=de",
		"cfrom=2024-01-01", "cto=2025-13-01", "cfrom=2025-09-01&cto=2025-08-01", "cto=%27%3Bdrop"} {
		body := string(get("/agencies/migration/comments.xlsx?period=2025-Q3&lang=az&"+bad, analyst, http.StatusUnprocessableEntity))
		if !strings.Contains(body, "Süzgəc düzgün deyil") {
			t.Errorf("%s: no message in az", bad)
		}
		// The agency page still shows its figures; the comments say what is wrong with their filter.
		page := string(get("/agencies/migration?period=2025-Q3&lang=ru&"+bad, analyst, http.StatusUnprocessableEntity))
		if !strings.Contains(page, `id="comments-error">Фильтр задан неверно`) || !strings.Contains(page, `id="h-comments"`) || !strings.Contains(page, "Növbə uzun idi") {
			t.Errorf("%s: the agency page with a bad filter: %.300s", bad, page)
		}
	}
	get("/rankings.xlsx?period=2025-Q9", analyst, http.StatusUnprocessableEntity)
	get("/rankings.csv?period=garbage", analyst, http.StatusUnprocessableEntity)
	// Oversized and hostile search text: cut to 200 characters and escaped, never an error.
	body := string(get("/agencies/migration?period=2025-Q3&q="+strings.Repeat("%3Cscript%3E", 900), analyst, http.StatusOK))
	if strings.Contains(body, "<script><script>") {
		t.Error("search text not escaped")
	}
}
