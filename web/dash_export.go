package web

import (
	"bytes"
	"context"
	"encoding/csv"
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/qiymet/qiymet/scoring/locale"
	"github.com/qiymet/qiymet/survey"
	"github.com/qiymet/qiymet/survey/figures"
	"github.com/xuri/excelize/v2"
)

// What a manager takes away (docs/api.md, "Dashboard exports"): the rankings as XLSX (one sheet per peer
// group) and CSV (UTF-8 with a byte-order mark so Excel reads ə/ş/Cyrillic; formula-safe cells), an agency's
// filtered comments and its responses as XLSX. Names and headers are in the page's language; numbers are
// stored as numbers with a number format. Each export holds one of the instance's export slots (web/load.go).

const (
	xlsxMime = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	// maxXLSXRows is the most data rows one sheet takes (Excel's limit is 1,048,576 with the header).
	maxXLSXRows = 1_000_000
	// maxCommentRows bounds the comments export (it pages through the store 500 at a time).
	maxCommentRows = 100_000
)

var errTooManyRows = errors.New("too many rows for one sheet")

// exportSlot takes an export slot or answers 503 with a page in the reader's language.
func (s *Server) exportSlot(w http.ResponseWriter, r *http.Request, v *view) (release func(), ok bool) {
	release, ok = trySlot(s.load.exports)
	if !ok {
		w.Header().Set("Retry-After", strconv.Itoa(exportBusyRetry))
		s.pageStatus(w, r, v, http.StatusServiceUnavailable, "dash.err.unavailable")
	}
	return release, ok
}

// sendFile writes a finished export as an attachment, bounded like the CSV download.
func (s *Server) sendFile(w http.ResponseWriter, mime, name string, body []byte) {
	h := w.Header()
	h.Set("Content-Type", mime)
	h.Set("Content-Disposition", `attachment; filename="`+name+`"`)
	h.Set("Content-Length", strconv.Itoa(len(body)))
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	dw := &downloadWriter{w: w, rc: http.NewResponseController(w), window: s.load.ExportWriteWin, end: time.Now().Add(s.load.ExportTimeout)}
	dw.Write(body)
}

// rankingsTable is the rankings of a period as rows: what both the XLSX and the CSV hold.
type rankingsTable struct {
	Header []string
	Groups []rankingsSheet
}

type rankingsSheet struct {
	Name string
	Rows [][]any // string, float64, int64 or nil (empty)
}

func rankingsRows(v *view, res *figures.Rankings) rankingsTable {
	t := rankingsTable{Header: []string{v.T("dash.xlsx.group"), v.T("dash.col.rank"), v.T("dash.col.agency"), v.T("dash.xlsx.code"),
		v.T("dash.col.index"), v.T("dash.xlsx.cilow"), v.T("dash.xlsx.cihigh"), "n", v.T("dash.col.csat"), v.T("dash.col.prev"),
		v.T("dash.col.year"), v.T("dash.col.rankchange"), v.T("dash.col.streak"), v.T("dash.xlsx.status")}}
	for _, g := range res.Groups {
		sh := rankingsSheet{Name: g.Name}
		var ranked, unranked []figures.RankingRow
		for _, row := range g.Rows {
			if row.Status == "ranked" {
				ranked = append(ranked, row)
			} else {
				unranked = append(unranked, row)
			}
		}
		sortByName(v.Lang, unranked, func(r figures.RankingRow) string { return r.Name })
		for _, row := range append(ranked, unranked...) {
			opt := func(p *float64) any {
				if p == nil {
					return nil
				}
				return *p
			}
			var rank, move any
			if row.Rank != nil {
				rank = int64(*row.Rank)
				if row.PreviousRank != nil {
					move = int64(*row.PreviousRank - *row.Rank)
				}
			}
			status := v.T("dash.xlsx.ranked")
			if row.Status != "ranked" {
				status = v.T("dash.xlsx.unranked")
			}
			sh.Rows = append(sh.Rows, []any{g.Name, rank, row.Name, row.Agency, row.Index, row.CILow, row.CIHigh, row.N, row.CSAT,
				opt(row.Change.PreviousPeriod), opt(row.Change.PreviousYear), move, int64(row.Streak), status})
		}
		t.Groups = append(t.Groups, sh)
	}
	return t
}

// rankingsExport serves /rankings.xlsx and /rankings.csv for the period of the query (the page's picker).
func (s *Server) rankingsExport(format string) func(http.ResponseWriter, *http.Request, *view) {
	return func(w http.ResponseWriter, r *http.Request, v *view) {
		pk, err := s.pickPeriod(r, v)
		if err != nil {
			s.periodError(w, r, v, err)
			return
		}
		release, ok := s.exportSlot(w, r, v)
		if !ok {
			return
		}
		defer release()
		res, err := s.figures().Rankings(r.Context(), pk.P, "", v.Lang)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		t := rankingsRows(v, res)
		name := "rankings-" + pk.P.Label + "-" + v.Lang
		if format == "csv" {
			s.sendFile(w, "text/csv; charset=utf-8", name+".csv", rankingsCSV(t))
			return
		}
		body, err := rankingsXLSX(v, t)
		if err != nil {
			s.pageError(w, r, v, err)
			return
		}
		s.sendFile(w, xlsxMime, name+".xlsx", body)
	}
}

// rankingsCSV writes one table (the group is a column) with a byte-order mark: Excel then reads UTF-8. Text
// cells are formula-safe; numbers are written plainly with a decimal point, for any program to read.
func rankingsCSV(t rankingsTable) []byte {
	var b bytes.Buffer
	b.WriteString("\ufeff")
	cw := csv.NewWriter(&b)
	cw.Write(t.Header)
	for _, g := range t.Groups {
		for _, row := range g.Rows {
			rec := make([]string, len(row))
			for i, c := range row {
				switch c := c.(type) {
				case string:
					rec[i] = survey.SpreadsheetSafe(c)
				case float64:
					rec[i] = strconv.FormatFloat(c, 'f', 2, 64)
				case int64:
					rec[i] = strconv.FormatInt(c, 10)
				}
			}
			cw.Write(rec)
		}
	}
	cw.Flush()
	return b.Bytes()
}

// xlsxStyles are the cell formats of the exports.
type xlsxStyles struct{ header, num2, integer, date int }

func newXLSXStyles(f *excelize.File) (xlsxStyles, error) {
	var st xlsxStyles
	var err error
	two := "0.00"
	date := "yyyy-mm-dd hh:mm"
	for _, s := range []struct {
		dst *int
		def *excelize.Style
	}{
		{&st.header, &excelize.Style{Font: &excelize.Font{Bold: true}, Fill: excelize.Fill{Type: "pattern", Color: []string{"DCE6F1"}, Pattern: 1},
			Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}}},
		{&st.num2, &excelize.Style{CustomNumFmt: &two}},
		{&st.integer, &excelize.Style{NumFmt: 1}},
		{&st.date, &excelize.Style{CustomNumFmt: &date}},
	} {
		if *s.dst, err = f.NewStyle(s.def); err != nil {
			return st, err
		}
	}
	return st, nil
}

// sheetName makes a valid, unique sheet name: at most 31 characters, none of []:*?/\.
func sheetName(name string, used map[string]bool) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, strings.TrimSpace(name))
	if name == "" {
		name = "Sheet"
	}
	base := []rune(name)
	if len(base) > 31 {
		base = base[:31]
	}
	out := string(base)
	for i := 2; used[strings.ToLower(out)]; i++ {
		suffix := " (" + strconv.Itoa(i) + ")"
		out = string(base[:min(len(base), 31-utf8.RuneCountInString(suffix))]) + suffix
	}
	used[strings.ToLower(out)] = true
	return out
}

// writeSheet streams header and rows into a new sheet with a frozen, bold header row and number formats.
func writeSheet(f *excelize.File, st xlsxStyles, sheet string, header []string, widths []float64, rows func(yield func([]any) error) error) error {
	if _, err := f.NewSheet(sheet); err != nil {
		return err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return err
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, Split: false, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return err
	}
	for i, wd := range widths {
		if err := sw.SetColWidth(i+1, i+1, wd); err != nil {
			return err
		}
	}
	hdr := make([]any, len(header))
	for i, h := range header {
		hdr[i] = excelize.Cell{StyleID: st.header, Value: h}
	}
	if err := sw.SetRow("A1", hdr); err != nil {
		return err
	}
	n := 1
	err = rows(func(row []any) error {
		if n > maxXLSXRows {
			return errTooManyRows
		}
		n++
		cells := make([]any, len(row))
		for i, c := range row {
			switch c := c.(type) {
			case float64:
				cells[i] = excelize.Cell{StyleID: st.num2, Value: c}
			case int64:
				cells[i] = excelize.Cell{StyleID: st.integer, Value: c}
			case time.Time:
				cells[i] = excelize.Cell{StyleID: st.date, Value: c}
			default:
				cells[i] = c // a string is stored as text, never as a formula
			}
		}
		cell, _ := excelize.CoordinatesToCellName(1, n)
		return sw.SetRow(cell, cells)
	})
	if err != nil {
		return err
	}
	return sw.Flush()
}

// finishXLSX drops the default empty sheet and returns the workbook's bytes.
func finishXLSX(f *excelize.File, sheets int) ([]byte, error) {
	if sheets > 0 {
		if err := f.DeleteSheet("Sheet1"); err != nil {
			return nil, err
		}
		f.SetActiveSheet(0)
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}

func rankingsXLSX(v *view, t rankingsTable) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		return nil, err
	}
	used := map[string]bool{"sheet1": true}
	widths := []float64{28, 7, 40, 14, 9, 9, 9, 8, 10, 12, 12, 10, 10, 14}
	for _, g := range t.Groups {
		err := writeSheet(f, st, sheetName(g.Name, used), t.Header, widths, func(yield func([]any) error) error {
			for _, row := range g.Rows {
				if err := yield(row); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	return finishXLSX(f, len(t.Groups))
}

// exportAgency resolves {code} for an agency export: 404 for an unknown agency, 403 for another's.
func (s *Server) exportAgency(w http.ResponseWriter, r *http.Request, v *view) (*survey.CatalogView, *survey.Agency, bool) {
	cv, err := s.store.CatalogView(r.Context())
	if err != nil {
		s.pageError(w, r, v, err)
		return nil, nil, false
	}
	code := r.PathValue("code")
	ag, ok := cv.Agency(code)
	if !ok {
		s.pageStatus(w, r, v, http.StatusNotFound, "dash.err.notfound")
		return nil, nil, false
	}
	if !v.P.CanSeeAgency(code) {
		s.pageStatus(w, r, v, http.StatusForbidden, "dash.err.forbidden")
		return nil, nil, false
	}
	return cv, ag, true
}

// questionColumns are the scored questions of an agency's survey, as export columns.
func (v *view) questionColumns(cv *survey.CatalogView, ag *survey.Agency) (keys, header []string) {
	sv, ok := cv.Survey(ag.Survey, 0)
	if !ok {
		return nil, nil
	}
	for _, q := range sv.Questions {
		if q.Type == survey.TypeText {
			continue
		}
		keys = append(keys, q.Key)
		header = append(header, v.Name(q.Text))
	}
	return keys, header
}

// answerCell is an answer as a cell: a scale value as a number, yes/no in words.
func (v *view) answerCell(a any) any {
	switch a := a.(type) {
	case float64:
		return int64(a)
	case bool:
		if a {
			return v.T("dash.yes")
		}
		return v.T("dash.no")
	}
	return nil
}

// commentsXLSX serves /agencies/{code}/comments.xlsx: the comments the page's filters select, in its order.
func (s *Server) commentsXLSX(w http.ResponseWriter, r *http.Request, v *view) {
	cv, ag, ok := s.exportAgency(w, r, v)
	if !ok {
		return
	}
	pk, err := s.pickPeriod(r, v)
	if err != nil {
		s.periodError(w, r, v, err)
		return
	}
	cq, bad := parseCommentQuery(r.URL.Query(), cv, ag, pk.P, s.loc)
	if bad != "" {
		v.Title = v.T("dash.err.invalid")
		s.render(w, r, v, http.StatusUnprocessableEntity, "error", v.T("dash.f.bad", v.T(filterFieldKey[bad])))
		return
	}
	release, ok := s.exportSlot(w, r, v)
	if !ok {
		return
	}
	defer release()
	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	keys, qhdr := v.questionColumns(cv, ag)
	header := append([]string{v.T("dash.xlsx.when"), v.T("dash.xlsx.score"), v.T("dash.xlsx.comment"), v.T("dash.center"),
		v.T("dash.f.service"), v.T("dash.f.channel"), v.T("dash.xlsx.lang"), v.T("dash.xlsx.excluded")}, qhdr...)
	widths := []float64{17, 10, 60, 30, 30, 18, 12, 10}
	name := v.Name(ag.Name)
	err = writeSheet(f, st, sheetName(name, map[string]bool{"sheet1": true}), header, widths, func(yield func([]any) error) error {
		cq.Limit = 500
		for cq.Offset = 0; cq.Offset < maxCommentRows; cq.Offset += cq.Limit {
			cs, _, err := s.store.FindComments(r.Context(), cq)
			if err != nil {
				return err
			}
			for _, c := range cs {
				row := []any{c.SubmittedAt.In(s.loc), c.Score, c.Text, s.catalogName(v, cv, "center", c.Center),
					s.catalogName(v, cv, "service", c.Service), v.T("dash.channel." + c.Channel), locale.Name(c.Lang), ""}
				if c.Status == survey.StatusExcluded {
					row[7] = v.T("dash.yes")
				}
				for _, k := range keys {
					row = append(row, v.answerCell(c.Answers[k]))
				}
				if err := yield(row); err != nil {
					return err
				}
			}
			if len(cs) < cq.Limit {
				return nil
			}
		}
		return nil
	})
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	body, err := finishXLSX(f, 1)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	s.sendFile(w, xlsxMime, "comments-"+ag.Code+"-"+pk.P.Label+"-"+v.Lang+".xlsx", body)
}

// catalogName is a centre's or service's name in the page's language ("" when none).
func (s *Server) catalogName(v *view, cv *survey.CatalogView, kind, code string) string {
	switch kind {
	case "center":
		if c, ok := cv.Center(code); ok {
			return v.Name(c.Name)
		}
	case "service":
		if c, ok := cv.Service(code); ok {
			return v.Name(c.Name)
		}
	}
	return code
}

// responsesXLSX serves /agencies/{code}/responses.xlsx: the period's responses of the agency, read from the
// same stream as the §5 CSV (so both hold the same rows), with names instead of codes and answers as numbers.
func (s *Server) responsesXLSX(w http.ResponseWriter, r *http.Request, v *view) {
	cv, ag, ok := s.exportAgency(w, r, v)
	if !ok {
		return
	}
	pk, err := s.pickPeriod(r, v)
	if err != nil {
		s.periodError(w, r, v, err)
		return
	}
	release, ok := s.exportSlot(w, r, v)
	if !ok {
		return
	}
	defer release()
	ctx, cancel := context.WithTimeout(r.Context(), s.load.ExportTimeout)
	defer cancel()
	pr, pw := io.Pipe()
	go func() {
		_, err := s.store.Export(ctx, pw, survey.ExportFilter{From: pk.P.Start, To: pk.P.End, Agency: ag.Code})
		pw.CloseWithError(err)
	}()
	defer pr.Close()

	f := excelize.NewFile()
	defer f.Close()
	st, err := newXLSXStyles(f)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	cr := csv.NewReader(pr)
	head, err := cr.Read()
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	keys, qhdr := v.questionColumns(cv, ag)
	col := map[string]int{}
	for i, h := range head {
		col[h] = i
	}
	header := append([]string{v.T("dash.xlsx.id"), v.T("dash.xlsx.when"), v.T("dash.center"), v.T("dash.f.service"),
		v.T("dash.f.channel"), v.T("dash.xlsx.lang"), v.T("dash.xlsx.excluded"), v.T("dash.xlsx.comment")}, qhdr...)
	widths := []float64{38, 17, 30, 30, 18, 12, 10, 60}
	cell := func(rec []string, name string) string {
		if i, ok := col[name]; ok && i < len(rec) {
			return rec[i]
		}
		return ""
	}
	err = writeSheet(f, st, sheetName(v.Name(ag.Name), map[string]bool{"sheet1": true}), header, widths, func(yield func([]any) error) error {
		for {
			rec, err := cr.Read()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return err
			}
			var at any = cell(rec, "submitted_at")
			if t, err := time.Parse(time.RFC3339Nano, cell(rec, "submitted_at")); err == nil {
				at = t.In(s.loc)
			}
			excluded := ""
			if cell(rec, "status") == survey.StatusExcluded {
				excluded = v.T("dash.yes")
			}
			row := []any{cell(rec, "id"), at, s.catalogName(v, cv, "center", cell(rec, "center")), s.catalogName(v, cv, "service", cell(rec, "service")),
				v.T("dash.channel." + cell(rec, "channel")), locale.Name(cell(rec, "lang")), excluded, survey.FromSpreadsheetSafe(cell(rec, "comment"))}
			for _, k := range keys {
				raw := cell(rec, "q."+k)
				switch {
				case raw == "":
					row = append(row, nil)
				case raw == "true" || raw == "false":
					row = append(row, v.answerCell(raw == "true"))
				default:
					if n, err := strconv.ParseInt(raw, 10, 64); err == nil {
						row = append(row, n)
					} else {
						row = append(row, raw)
					}
				}
			}
			if err := yield(row); err != nil {
				return err
			}
		}
	})
	if errors.Is(err, errTooManyRows) {
		v.Title = v.T("dash.err.invalid")
		s.render(w, r, v, http.StatusUnprocessableEntity, "error", v.T("dash.export.toomany", v.Int(maxXLSXRows)))
		return
	}
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	body, err := finishXLSX(f, 1)
	if err != nil {
		s.pageError(w, r, v, err)
		return
	}
	s.sendFile(w, xlsxMime, "responses-"+ag.Code+"-"+pk.P.Label+"-"+v.Lang+".xlsx", body)
}
