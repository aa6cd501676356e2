// Package jsonpos parses JSON into a tree whose every value knows the line and
// column it starts at, so a validator can point a person at the exact spot in
// a file they edited by hand. encoding/json forgets positions once it has
// decoded a value; this parser keeps them.
package jsonpos

import (
	"fmt"
	"strconv"
)

// Kind is the JSON type of a value.
type Kind uint8

const (
	Null Kind = iota
	Bool
	Number
	String
	Array
	Object
)

func (k Kind) String() string {
	switch k {
	case Null:
		return "null"
	case Bool:
		return "boolean"
	case Number:
		return "number"
	case String:
		return "string"
	case Array:
		return "array"
	case Object:
		return "object"
	}
	return "Kind(" + strconv.Itoa(int(k)) + ")"
}

// Value is one JSON value and where it starts. Line and Col count from 1; Col
// counts characters, not bytes, as an editor's status bar does.
type Value struct {
	Kind   Kind
	IsInt  bool // a Number that is whole and within ±2^53, so it fits an int exactly
	Bool   bool
	Offset int // byte offset of the value's first byte
	Line   int
	Col    int
	Str    string
	Num    float64
	Array  []*Value
	Object []Member // in file order
}

// Member is one key of an object with its value.
type Member struct {
	Key       string
	KeyOffset int
	KeyLine   int
	KeyCol    int
	Value     *Value
}

// Get returns the value of key in an object, nil when v is not an object or
// has no such key.
func (v *Value) Get(key string) *Value {
	if v == nil || v.Kind != Object {
		return nil
	}
	for _, m := range v.Object {
		if m.Key == key {
			return m.Value
		}
	}
	return nil
}

// Describe names a value for a message, showing short scalars: `string "59"`,
// `number 1.5`, `array`.
func (v *Value) Describe() string {
	if v == nil {
		return "nothing"
	}
	switch v.Kind {
	case Null:
		return "null"
	case Bool:
		return strconv.FormatBool(v.Bool)
	case Number:
		return "number " + strconv.FormatFloat(v.Num, 'g', -1, 64)
	case String:
		s := []rune(v.Str)
		if len(s) > 20 {
			return fmt.Sprintf("string %q…", string(s[:20]))
		}
		return fmt.Sprintf("string %q", v.Str)
	}
	return v.Kind.String()
}

// SyntaxError is malformed JSON. Line and Col say where the parser stopped:
// for input that ends too soon, just after its last non-blank character.
type SyntaxError struct {
	Offset int
	Line   int
	Col    int
	Msg    string // the whole message, without the position

	// EOF is set when the input ended too soon; Open then says which value
	// was left unclosed (Object, Array or String) and where it starts, so a
	// caller that parses a file piece by piece can word it for its format.
	EOF      bool
	Open     Kind
	OpenLine int
	OpenCol  int
}

func (e *SyntaxError) Error() string {
	return fmt.Sprintf("%d:%d: %s", e.Line, e.Col, e.Msg)
}

// Limits bound the work one Parse may do, so hostile input cannot exhaust the
// stack or memory. A tree costs about 150 bytes a value.
const (
	MaxDepth  = 256     // nesting of arrays and objects
	MaxValues = 2 << 20 // values in one document (about 300 MB of tree)
)

// Parse parses one JSON document (a UTF-8 byte order mark is skipped).
// Duplicate keys in one object are an error, since which one counts is
// otherwise a guess.
func Parse(data []byte) (*Value, error) {
	return parse(data, MaxDepth, MaxValues)
}

func parse(data []byte, maxDepth, maxValues int) (*Value, error) {
	p := &parser{data: data, loc: newLocator(data), maxDepth: maxDepth, maxValues: maxValues}
	if len(data) >= 3 && data[0] == 0xEF && data[1] == 0xBB && data[2] == 0xBF {
		p.off = 3
	}
	v, err := p.value()
	if err != nil {
		return nil, err
	}
	p.skipSpace()
	if p.off < len(p.data) {
		return nil, p.unexpected("after the end of the top-level value")
	}
	return v, nil
}
