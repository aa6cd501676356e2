package jsonpos

import (
	"bytes"
	"encoding/json"
	"errors"
	"reflect"
	"strings"
	"testing"
	"unicode/utf8"
)

// at is a position a person would read off their editor's status bar.
type at struct{ line, col int }

func TestPositions(t *testing.T) {
	doc := "{\n" +
		"  \"店铺\": \"茶叶小馆\",\n" +
		"  \"商品\": [\n" +
		"    {\"名\": \"龙井\", \"价\": 128},\n" +
		"\t\t\"x\"\n" +
		"  ]\n" +
		"}\n"
	root, err := Parse([]byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	items := root.Get("商品")
	first := items.Array[0]
	tests := []struct {
		name string
		got  at
		want at
	}{
		{"root object", at{root.Line, root.Col}, at{1, 1}},
		{"key after two spaces", at{root.Object[0].KeyLine, root.Object[0].KeyCol}, at{2, 3}},
		{"string value after a Chinese key counts characters", at{root.Object[0].Value.Line, root.Object[0].Value.Col}, at{2, 9}},
		{"array", at{items.Line, items.Col}, at{3, 9}},
		{"object in array", at{first.Line, first.Col}, at{4, 5}},
		{"number after Chinese text", at{first.Get("价").Line, first.Get("价").Col}, at{4, 22}},
		{"key after Chinese text", at{first.Object[1].KeyLine, first.Object[1].KeyCol}, at{4, 17}},
		{"tabs count as one column", at{items.Array[1].Line, items.Array[1].Col}, at{5, 3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if tt.got != tt.want {
				t.Errorf("at %d:%d, want %d:%d", tt.got.line, tt.got.col, tt.want.line, tt.want.col)
			}
		})
	}
	if got := doc[first.Get("价").Offset:][:3]; got != "128" {
		t.Errorf("offset points at %q, want 128", got)
	}
}

func TestValues(t *testing.T) {
	root, err := Parse([]byte(`{"s": "a\"\\\/\n\u8336\ud83c\udf75", "i": -12, "f": 1.5e2, "big": 1e300, "w": 3.0,
		"t": true, "n": null, "e": [], "o": {}}`))
	if err != nil {
		t.Fatal(err)
	}
	if got, want := root.Get("s").Str, "a\"\\/\n茶🍵"; got != want {
		t.Errorf("string %q, want %q", got, want)
	}
	nums := []struct {
		key   string
		num   float64
		isInt bool
	}{{"i", -12, true}, {"f", 150, true}, {"big", 1e300, false}, {"w", 3, true}}
	for _, n := range nums {
		v := root.Get(n.key)
		if v.Kind != Number || v.Num != n.num || v.IsInt != n.isInt {
			t.Errorf("%s: %v %v isInt=%v, want %v isInt=%v", n.key, v.Kind, v.Num, v.IsInt, n.num, n.isInt)
		}
	}
	if v := root.Get("t"); v.Kind != Bool || !v.Bool {
		t.Errorf("t = %+v", v)
	}
	if v := root.Get("n"); v.Kind != Null {
		t.Errorf("n = %+v", v)
	}
	if v := root.Get("e"); v.Kind != Array || len(v.Array) != 0 {
		t.Errorf("e = %+v", v)
	}
	if v := root.Get("o"); v.Kind != Object || len(v.Object) != 0 {
		t.Errorf("o = %+v", v)
	}
	if root.Get("missing") != nil {
		t.Error("Get of an absent key is not nil")
	}
}

func TestSyntaxErrors(t *testing.T) {
	tests := []struct {
		name string
		in   string
		want string
	}{
		{"empty", "", "1:1: unexpected end of file"},
		{"blank", " \n ", "1:1: unexpected end of file"},
		{"truncated object says where it ended and what is open",
			"{\n  \"a\": [1, 2\n\n", "2:13: unexpected end of file: the array that starts at 2:8 is not closed"},
		{"truncated after a key", "{\"名称\":", "1:7: unexpected end of file: the object that starts at 1:1 is not closed"},
		{"truncated inside a Chinese string", "{\"a\": \"红茶", "1:10: unexpected end of file: the string that starts at 1:7 is not closed"},
		{"trailing garbage", "{}\n}", "2:1: unexpected '}' after the end of the top-level value"},
		{"second document", "{} {}", "1:4: unexpected '{' after the end of the top-level value"},
		{"trailing comma in object", "{\"a\": 1,\n}", "2:1: trailing comma before '}'"},
		{"trailing comma in array", "[1, 2, ]", "1:8: trailing comma before ']'"},
		{"missing comma", "{\"a\": 1 \"b\": 2}", "1:9: unexpected '\"' after the value of \"a\": want ',' or '}'"},
		{"unquoted key", "{名称: 1}", "1:2: unexpected '名' where a quoted key should be"},
		{"missing colon", "{\"a\" 1}", "1:6: unexpected '1' where ':' should follow the key \"a\""},
		{"duplicate key", "{\"id\": 1,\n \"id\": 2}", "2:2: duplicate key \"id\" (first at 1:2)"},
		{"single quotes", "['茶']", "1:2: unexpected '\\'' where a value should be"},
		{"bad literal", "[ture]", "1:2: invalid literal: want true, false or null"},
		{"leading zero", "[012]", "1:2: leading zero in number"},
		{"bare dot", "[1.]", "1:4: unexpected ']' in a number: want a digit after '.'"},
		{"number out of range", "1e999", "1:1: number 1e999 is out of range"},
		{"bad escape", "\"a\\qb\"", "1:3: invalid escape \\q in a string"},
		{"bad unicode escape", "\"\\u12G4\"", "1:2: invalid \\u escape: want 4 hex digits"},
		{"raw newline in string", "[\"茶\n\"]", "1:4: line break inside a string: missing closing quote?"},
		{"control character", "\"a\tb\"", "1:3: control character U+0009 inside a string: write it as an escape"},
		{"invalid UTF-8", "\"\xff\"", "1:2: invalid UTF-8 byte 0xff"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse([]byte(tt.in))
			if err == nil {
				t.Fatalf("no error, want %q", tt.want)
			}
			if err.Error() != tt.want {
				t.Errorf("got  %q\nwant %q", err.Error(), tt.want)
			}
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Errorf("%T is not a *SyntaxError", err)
			}
		})
	}
}

func TestEOFNamesTheOpenValue(t *testing.T) {
	_, err := Parse([]byte("[{\"a\": \"x"))
	var se *SyntaxError
	if !errors.As(err, &se) || !se.EOF || se.Open != String || se.OpenLine != 1 || se.OpenCol != 8 {
		t.Fatalf("got %#v", err)
	}
	_, err = Parse([]byte("[1] x"))
	if !errors.As(err, &se) || se.EOF {
		t.Fatalf("trailing garbage marked as EOF: %#v", err)
	}
}

func TestByteOrderMark(t *testing.T) {
	v, err := Parse([]byte("\xEF\xBB\xBF{\"a\": 1}"))
	if err != nil {
		t.Fatal(err)
	}
	if v.Line != 1 || v.Col != 1 || v.Get("a").Col != 7 {
		t.Errorf("columns count the byte order mark: object at %d:%d, value at col %d", v.Line, v.Col, v.Get("a").Col)
	}
}

func TestLimits(t *testing.T) {
	deep := strings.Repeat("[", 10) + strings.Repeat("]", 10)
	if _, err := parse([]byte(deep), 5, 100); err == nil || !strings.Contains(err.Error(), "nested too deep") {
		t.Errorf("depth: %v", err)
	}
	if _, err := parse([]byte("[1,2,3,4,5]"), 5, 4); err == nil || !strings.Contains(err.Error(), "too many values") {
		t.Errorf("values: %v", err)
	}
	// A hostile file of a million '[' must fail fast, not overflow the stack.
	if _, err := Parse(bytes.Repeat([]byte("["), 1<<20)); err == nil || !strings.Contains(err.Error(), "nested too deep") {
		t.Errorf("million brackets: %v", err)
	}
}

// TestLongLineIsLinear guards the column cache: a minified 2 MB document on
// one line must not count runes from the line start for every value.
func TestLongLineIsLinear(t *testing.T) {
	var b strings.Builder
	b.WriteString("[")
	for i := 0; i < 100000; i++ {
		if i > 0 {
			b.WriteString(",")
		}
		b.WriteString(`"乌龙茶"`)
	}
	b.WriteString("]")
	v, err := Parse([]byte(b.String()))
	if err != nil {
		t.Fatal(err)
	}
	last := v.Array[len(v.Array)-1]
	if want := 2 + 6*(len(v.Array)-1); last.Col != want {
		t.Errorf("last element at col %d, want %d", last.Col, want)
	}
}

// toAny turns a tree into what encoding/json would decode.
func toAny(v *Value) any {
	switch v.Kind {
	case Null:
		return nil
	case Bool:
		return v.Bool
	case Number:
		return v.Num
	case String:
		return v.Str
	case Array:
		out := []any{}
		for _, e := range v.Array {
			out = append(out, toAny(e))
		}
		return out
	}
	out := map[string]any{}
	for _, m := range v.Object {
		out[m.Key] = toAny(m.Value)
	}
	return out
}

// FuzzParse checks the parser against encoding/json: same verdict on
// well-formed input, same values, and every position inside the input.
func FuzzParse(f *testing.F) {
	for _, s := range []string{`{"a":[1,2.5,-3e2,"茶"]}`, `[true,false,null]`, `"\u00e9\ud83c\udf75"`, `{"a":{"b":[]}}`, `[1,]`, `{"a" 1}`, `01`} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, err := Parse(data)
		if !utf8.Valid(data) || bytes.HasPrefix(data, []byte("\xEF\xBB\xBF")) {
			return // encoding/json accepts invalid UTF-8 and rejects a BOM; we differ on purpose
		}
		var want any
		jsonErr := json.Unmarshal(data, &want)
		if err != nil {
			var se *SyntaxError
			if !errors.As(err, &se) {
				t.Fatalf("error %T", err)
			}
			if jsonErr == nil && !strings.Contains(se.Msg, "duplicate key") && !strings.Contains(se.Msg, "nested too deep") {
				t.Fatalf("rejected what encoding/json accepts: %v", err)
			}
			return
		}
		if jsonErr != nil {
			t.Fatalf("accepted what encoding/json rejects (%v)", jsonErr)
		}
		if got := toAny(v); !reflect.DeepEqual(got, want) {
			t.Fatalf("got %#v, want %#v", got, want)
		}
		checkPositions(t, data, v)
	})
}

// checkPositions asserts each value's offset holds its first byte and its
// line:col is what counting from the start of the input gives.
func checkPositions(t *testing.T, data []byte, v *Value) {
	first := map[Kind]string{Null: "n", Bool: "tf", Number: "-0123456789", String: `"`, Array: "[", Object: "{"}
	if v.Offset >= len(data) || !strings.ContainsRune(first[v.Kind], rune(data[v.Offset])) {
		t.Fatalf("%v at offset %d does not start there", v.Kind, v.Offset)
	}
	before := data[:v.Offset]
	line := bytes.Count(before, []byte("\n")) + 1
	col := utf8.RuneCount(before[bytes.LastIndexByte(before, '\n')+1:]) + 1
	if v.Line != line || v.Col != col {
		t.Fatalf("%v at offset %d: %d:%d, want %d:%d", v.Kind, v.Offset, v.Line, v.Col, line, col)
	}
	for _, e := range v.Array {
		checkPositions(t, data, e)
	}
	for _, m := range v.Object {
		checkPositions(t, data, m.Value)
	}
}
