package bundle

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"assist/kb/jsonpos"
)

// MaxString bounds every string in a bundle or cases file, in bytes: longer
// is a paste gone wrong, not a product title.
const MaxString = 8 << 10

// Checker reads jsonpos values into Go values, collecting a Problem for each
// thing wrong instead of stopping at the first, so one run shows a person all
// they must fix. The cases reader (assistant/eval) shares it.
type Checker struct {
	File string
	// LineOffset is added to every line: a JSON Lines file parses each line
	// on its own, and its problems must name the file's line.
	LineOffset int
	Problems   Problems
}

// Report records a problem at v's position (at no position if v is nil).
func (c *Checker) Report(v *jsonpos.Value, path, format string, args ...any) {
	line, col := 0, 0
	if v != nil {
		line, col = v.Line, v.Col
	}
	c.ReportAt(line, col, path, format, args...)
}

// ReportAt records a problem at a line and column of the piece being read.
func (c *Checker) ReportAt(line, col int, path, format string, args ...any) {
	if line > 0 {
		line += c.LineOffset
	}
	c.Problems = append(c.Problems, Problem{File: c.File, Line: line, Col: col, Path: path,
		Msg: fmt.Sprintf(format, args...)})
}

// Err returns the problems found, sorted, or nil.
func (c *Checker) Err() error {
	if len(c.Problems) == 0 {
		return nil
	}
	return c.Problems.Sorted()
}

// Object starts reading v as an object whose fields are known: any other key
// is reported with the known ones. v nil (an absent field, whose absence its
// parent reports) yields an empty Object whose reads report nothing.
func (c *Checker) Object(v *jsonpos.Value, path string, known ...string) Object {
	o := Object{c: c, path: path}
	if v == nil {
		return o
	}
	if v.Kind != jsonpos.Object {
		c.Report(v, path, "want an object, got %s", v.Describe())
		return o
	}
	o.v = v
	for _, m := range v.Object {
		if !contains(known, m.Key) {
			c.ReportAt(m.KeyLine, m.KeyCol, Field(path, m.Key), "unknown field%s; known fields: %s",
				DidYouMean(m.Key, known), strings.Join(known, ", "))
		}
	}
	return o
}

// Field joins an object path and a key: Field("shop", "name") = "shop.name".
func Field(path, key string) string {
	if path == "" {
		return key
	}
	return path + "." + key
}

// Index joins an array path and an index: Index("turns", 1) = "turns[1]".
func Index(path string, i int) string { return fmt.Sprintf("%s[%d]", path, i) }

// Object is a JSON object being read field by field.
type Object struct {
	c    *Checker
	v    *jsonpos.Value // nil when absent or not an object
	path string
}

// OK reports whether the object is there to read.
func (o Object) OK() bool { return o.v != nil }

// Value returns the field's value, nil when absent or null (an exporter that
// writes null for an empty list means "none", as absence does).
func (o Object) Value(key string) *jsonpos.Value {
	v := o.v.Get(key)
	if v == nil || v.Kind == jsonpos.Null {
		return nil
	}
	return v
}

// Path is the path of a field, for messages.
func (o Object) Path(key string) string { return Field(o.path, key) }

// Missing reports a required field that is absent, at the object's start.
func (o Object) Missing(key string) {
	if o.v != nil {
		o.c.Report(o.v, o.Path(key), "missing")
	}
}

func (o Object) wrongType(v *jsonpos.Value, key, want string) {
	o.c.Report(v, o.Path(key), "want %s, got %s", want, v.Describe())
}

// String reads a string field. A required one must be present and not blank.
func (o Object) String(key string, required bool) string {
	v := o.Value(key)
	if v == nil {
		if required {
			o.Missing(key)
		}
		return ""
	}
	s, _ := o.c.String(v, o.Path(key), required)
	return s
}

// String reads v as a string no longer than MaxString; nonEmpty also rejects
// one that is blank.
func (c *Checker) String(v *jsonpos.Value, path string, nonEmpty bool) (string, bool) {
	if v.Kind != jsonpos.String {
		c.Report(v, path, "want a string, got %s", v.Describe())
		return "", false
	}
	if len(v.Str) > MaxString {
		c.Report(v, path, "too long: %d bytes, at most %d", len(v.Str), MaxString)
		return "", false
	}
	if nonEmpty && strings.TrimSpace(v.Str) == "" {
		c.Report(v, path, "empty")
		return "", false
	}
	return v.Str, true
}

// Int reads a whole-number field within [min, max]; def when absent.
func (o Object) Int(key string, required bool, min, max, def int) int {
	v := o.Value(key)
	if v == nil {
		if required {
			o.Missing(key)
		}
		return def
	}
	switch {
	case v.Kind != jsonpos.Number:
		o.wrongType(v, key, "a whole number")
	case !v.IsInt:
		o.c.Report(v, o.Path(key), "want a whole number, got %s", v.Describe())
	case v.Num < float64(min):
		o.c.Report(v, o.Path(key), "want at least %d, got %s", min, v.Describe())
	case v.Num > float64(max):
		o.c.Report(v, o.Path(key), "want at most %d, got %s", max, v.Describe())
	default:
		return int(v.Num)
	}
	return def
}

// Number reads a number field within [min, max].
func (o Object) Number(key string, required bool, min, max float64) float64 {
	v := o.Value(key)
	if v == nil {
		if required {
			o.Missing(key)
		}
		return 0
	}
	switch {
	case v.Kind != jsonpos.Number:
		o.wrongType(v, key, "a number")
	case v.Num < min:
		o.c.Report(v, o.Path(key), "want at least %g, got %s", min, v.Describe())
	case v.Num > max:
		o.c.Report(v, o.Path(key), "want at most %g, got %s", max, v.Describe())
	default:
		return v.Num
	}
	return 0
}

// Array reads an array field's elements; a required one must be present,
// though it may be empty.
func (o Object) Array(key string, required bool) []*jsonpos.Value {
	v := o.Value(key)
	if v == nil {
		if required {
			o.Missing(key)
		}
		return nil
	}
	if v.Kind != jsonpos.Array {
		o.wrongType(v, key, "an array")
		return nil
	}
	return v.Array
}

// Strings reads an array of non-blank strings, returning the good ones and
// the values they came from (for later cross-checks).
func (o Object) Strings(key string, required bool) ([]string, []*jsonpos.Value) {
	var out []string
	var at []*jsonpos.Value
	for i, e := range o.Array(key, required) {
		if s, ok := o.c.String(e, Index(o.Path(key), i), true); ok {
			out = append(out, s)
			at = append(at, e)
		}
	}
	return out, at
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// DidYouMean words a suggestion of the candidate closest to a misspelt name,
// ` (did you mean "title"?)`, or "" when none is close.
func DidYouMean(got string, known []string) string {
	if best := Closest(got, known); best != "" {
		return fmt.Sprintf(" (did you mean %q?)", best)
	}
	return ""
}

// Closest returns the candidate a typo most likely meant, or "": the same
// letters ignoring case, _, - and spaces, else the nearest within two edits.
func Closest(got string, candidates []string) string {
	squash := strings.NewReplacer("_", "", "-", "", " ", "")
	g := strings.ToLower(squash.Replace(got))
	best, bestDist := "", 3
	if utf8.RuneCountInString(got) <= 4 {
		bestDist = 2 // short names are all one or two edits apart
	}
	for _, k := range candidates {
		if strings.ToLower(squash.Replace(k)) == g {
			return k
		}
		if d := editDistance(got, k, bestDist); d < bestDist {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Levenshtein distance in runes, or limit when it is at
// least limit (so comparing against ten thousand ids stays cheap).
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if d := len(ra) - len(rb); d >= limit || -d >= limit {
		return limit
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		rowMin := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			rowMin = min(rowMin, cur[j])
		}
		if rowMin >= limit {
			return limit
		}
		prev, cur = cur, prev
	}
	return min(prev[len(rb)], limit)
}
