package survey

import (
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The columns of a stored response are written once, in the bun tags of Response. responseColumns reads them
// from there, and every hand-written SQL list, VALUES row and COPY line of the responses table is made from it,
// so a column added to the model reaches the submission batches, the bulk writes and the verification at once.

// responseColumn is one stored column of a response.
type responseColumn struct {
	name     string
	field    int    // index of its Response field
	nullZero bool   // the field's zero value is stored as NULL
	pgType   string // its PostgreSQL type, for the casts of a VALUES list
}

// columnList is an ordered list of response columns.
type columnList []responseColumn

// responseColumns are the stored columns of a response in field order, without seq (the database draws it).
var responseColumns = modelColumns(reflect.TypeFor[Response](), "seq")

// cellColumns are what the roll-up and the verification read of a response: its cell keys and sums.
var cellColumns = responseColumns.pick("submitted_us", "agency_code", "service_code", "center_code", "channel",
	"survey_code", "survey_version", "answers", "score", "top2")

// modelColumns lists the bun columns of a model struct, skipping the named ones.
func modelColumns(t reflect.Type, skip ...string) columnList {
	var cs columnList
	for i := range t.NumField() {
		f := t.Field(i)
		tag, ok := f.Tag.Lookup("bun")
		if !ok || f.Anonymous || tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		if strings.Contains(name, ":") || slices.Contains(skip, name) {
			continue
		}
		cs = append(cs, responseColumn{name: name, field: i, nullZero: slices.Contains(strings.Split(opts, ","), "nullzero"),
			pgType: pgTypeOf(f.Type.Kind())})
	}
	return cs
}

func pgTypeOf(k reflect.Kind) string {
	switch k {
	case reflect.String:
		return "text"
	case reflect.Int64:
		return "bigint"
	case reflect.Int:
		return "integer"
	case reflect.Float64:
		return "double precision"
	case reflect.Bool:
		return "boolean"
	}
	panic("survey: a response column of kind " + k.String() + " has no PostgreSQL type")
}

// pick returns the named columns in the order given. A name that is not a column panics: the package's
// initialisation fails, so every test does.
func (cs columnList) pick(names ...string) columnList {
	out := make(columnList, 0, len(names))
	for _, n := range names {
		i := slices.IndexFunc(cs, func(c responseColumn) bool { return c.name == n })
		if i < 0 {
			panic("survey: no response column " + n)
		}
		out = append(out, cs[i])
	}
	return out
}

// sql lists the columns for SQL, each name after prefix (e.g. "v." or "").
func (cs columnList) sql(prefix string) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(prefix)
		b.WriteString(c.name)
	}
	return b.String()
}

// scanned lists the columns for a scan into Response's fields (pointers): a nullable column reads as its zero
// value, as the model's nullzero columns store it.
func (cs columnList) scanned(prefix string) string {
	var b strings.Builder
	for i, c := range cs {
		if i > 0 {
			b.WriteString(", ")
		}
		if !c.nullZero {
			b.WriteString(prefix + c.name)
			continue
		}
		zero := "0"
		if c.pgType == "text" {
			zero = "''"
		}
		b.WriteString("COALESCE(" + prefix + c.name + ", " + zero + ")")
	}
	return b.String()
}

// pointers returns the addresses of r's fields in column order, for rows.Scan of a scanned list.
func (cs columnList) pointers(r *Response) []any {
	v := reflect.ValueOf(r).Elem()
	out := make([]any, len(cs))
	for i, c := range cs {
		out[i] = v.Field(c.field).Addr().Interface()
	}
	return out
}

// values returns r's values in column order (appendValues).
func (cs columnList) values(r *Response) []any { return cs.appendValues(make([]any, 0, len(cs)), r) }

// appendValues appends r's values in column order as database/sql binds them: nil (NULL) for the zero value of
// a nullable column, int64 for an int.
func (cs columnList) appendValues(args []any, r *Response) []any {
	v := reflect.ValueOf(r).Elem()
	for _, c := range cs {
		f := v.Field(c.field)
		switch {
		case c.nullZero && f.IsZero():
			args = append(args, nil)
		case f.Kind() == reflect.Int:
			args = append(args, f.Int())
		default:
			args = append(args, f.Interface())
		}
	}
	return args
}

// appendCopy appends r as one line of PostgreSQL's COPY text format: tab-separated, \N for NULL. It reads the
// fields without boxing them: it runs once per row of a bulk write.
func (cs columnList) appendCopy(b []byte, r *Response) []byte {
	v := reflect.ValueOf(r).Elem()
	for i, c := range cs {
		if i > 0 {
			b = append(b, '\t')
		}
		f := v.Field(c.field)
		if c.nullZero && f.IsZero() {
			b = append(b, '\\', 'N')
			continue
		}
		switch f.Kind() {
		case reflect.String:
			b = appendCopyText(b, f.String())
		case reflect.Int, reflect.Int64:
			b = strconv.AppendInt(b, f.Int(), 10)
		case reflect.Float64:
			b = strconv.AppendFloat(b, f.Float(), 'g', -1, 64) // shortest exact form: float8 reads it back bit for bit
		case reflect.Bool:
			if f.Bool() {
				b = append(b, 't')
			} else {
				b = append(b, 'f')
			}
		}
	}
	return append(b, '\n')
}

// appendCopyText appends s as a COPY text-format field: backslash, tab, newline and carriage return escaped.
func appendCopyText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\':
			b = append(b, '\\', '\\')
		case '\t':
			b = append(b, '\\', 't')
		case '\n':
			b = append(b, '\\', 'n')
		case '\r':
			b = append(b, '\\', 'r')
		default:
			b = append(b, c)
		}
	}
	return b
}
