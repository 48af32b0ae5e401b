package survey

// Spreadsheets run a cell that starts with = + - @ (or a tab or CR before them) as a formula. Text cells of a
// CSV (comments, text answers, audit details) are written with one leading ' so they never run
// (docs/api.md, "Response CSV"). A cell that already starts with quotes before such a character gets one more,
// so import, which strips exactly one, gives back every value exactly.

func formulaTrigger(c byte) bool {
	return c == '=' || c == '+' || c == '-' || c == '@' || c == '\t' || c == '\r'
}

// quotedFormula reports whether s is some ' (at least from) followed by a formula character.
func quotedFormula(s string, from int) bool {
	i := 0
	for i < len(s) && s[i] == '\'' {
		i++
	}
	return i >= from && i < len(s) && formulaTrigger(s[i])
}

// SpreadsheetSafe is s as a CSV text cell: a leading ' when s (after any ') starts with a formula character.
func SpreadsheetSafe(s string) string {
	if quotedFormula(s, 0) {
		return "'" + s
	}
	return s
}

// FromSpreadsheetSafe undoes SpreadsheetSafe: it strips one leading ' only when the rest is (after any further
// ') a formula character; any other cell, such as 'quoted words, is read as written.
func FromSpreadsheetSafe(s string) string {
	if quotedFormula(s, 1) {
		return s[1:]
	}
	return s
}
