package jsonpos

import (
	"fmt"
	"math"
	"strconv"
	"unicode/utf16"
	"unicode/utf8"
)

// parser is a recursive-descent JSON parser (RFC 8259) that records where
// each value starts.
type parser struct {
	data      []byte
	off       int
	loc       *locator
	open      []*Value // containers and the string being read, innermost last
	maxDepth  int
	maxValues int
	values    int
}

func (p *parser) skipSpace() {
	for p.off < len(p.data) {
		switch p.data[p.off] {
		case ' ', '\t', '\n', '\r':
			p.off++
		default:
			return
		}
	}
}

func (p *parser) errAt(off int, format string, args ...any) *SyntaxError {
	line, col := p.loc.pos(off)
	return &SyntaxError{Offset: off, Line: line, Col: col, Msg: fmt.Sprintf(format, args...)}
}

// eof reports input that ended too soon, at the end of its last non-blank
// character, naming the innermost value left open.
func (p *parser) eof() *SyntaxError {
	end := len(p.data)
	for end > 0 && isSpace(p.data[end-1]) {
		end--
	}
	e := p.errAt(end, "unexpected end of file")
	e.EOF = true
	if n := len(p.open); n > 0 {
		o := p.open[n-1]
		e.Open, e.OpenLine, e.OpenCol = o.Kind, o.Line, o.Col
		e.Msg += fmt.Sprintf(": the %s that starts at %d:%d is not closed", o.Kind, o.Line, o.Col)
	}
	return e
}

func isSpace(b byte) bool { return b == ' ' || b == '\t' || b == '\n' || b == '\r' }

// unexpected reports the character at the cursor, saying what was wanted.
func (p *parser) unexpected(want string) *SyntaxError {
	if p.off >= len(p.data) {
		return p.eof()
	}
	r, size := utf8.DecodeRune(p.data[p.off:])
	if r == utf8.RuneError && size == 1 {
		return p.errAt(p.off, "invalid UTF-8 byte 0x%02x", p.data[p.off])
	}
	return p.errAt(p.off, "unexpected %q %s", r, want)
}

func (p *parser) newValue(k Kind) (*Value, error) {
	p.values++
	if p.values > p.maxValues {
		return nil, p.errAt(p.off, "too many values: at most %d in one document", p.maxValues)
	}
	line, col := p.loc.pos(p.off)
	return &Value{Kind: k, Offset: p.off, Line: line, Col: col}, nil
}

func (p *parser) value() (*Value, error) {
	p.skipSpace()
	if p.off >= len(p.data) {
		return nil, p.eof()
	}
	switch c := p.data[p.off]; {
	case c == '{':
		return p.object()
	case c == '[':
		return p.array()
	case c == '"':
		v, err := p.newValue(String)
		if err != nil {
			return nil, err
		}
		v.Str, err = p.string(v)
		return v, err
	case c == 't' || c == 'f' || c == 'n':
		return p.literal()
	case c == '-' || (c >= '0' && c <= '9'):
		return p.number()
	}
	return nil, p.unexpected("where a value should be")
}

func (p *parser) push(v *Value) error {
	if len(p.open) >= p.maxDepth {
		return p.errAt(p.off, "nested too deep: at most %d levels", p.maxDepth)
	}
	p.open = append(p.open, v)
	return nil
}

func (p *parser) pop() { p.open = p.open[:len(p.open)-1] }

func (p *parser) object() (*Value, error) {
	v, err := p.newValue(Object)
	if err != nil {
		return nil, err
	}
	if err := p.push(v); err != nil {
		return nil, err
	}
	p.off++ // {
	seen := map[string]int{}
	for first := true; ; first = false {
		p.skipSpace()
		if p.off >= len(p.data) {
			return nil, p.eof()
		}
		if p.data[p.off] == '}' {
			if !first {
				return nil, p.errAt(p.off, "trailing comma before '}'")
			}
			break
		}
		if p.data[p.off] != '"' {
			return nil, p.unexpected("where a quoted key should be")
		}
		m := Member{KeyOffset: p.off}
		m.KeyLine, m.KeyCol = p.loc.pos(p.off)
		key := &Value{Kind: String, Line: m.KeyLine, Col: m.KeyCol}
		if m.Key, err = p.string(key); err != nil {
			return nil, err
		}
		if i, dup := seen[m.Key]; dup {
			f := v.Object[i]
			return nil, p.errAt(m.KeyOffset, "duplicate key %q (first at %d:%d)", m.Key, f.KeyLine, f.KeyCol)
		}
		p.skipSpace()
		if p.off >= len(p.data) || p.data[p.off] != ':' {
			return nil, p.unexpected(fmt.Sprintf("where ':' should follow the key %q", m.Key))
		}
		p.off++
		if m.Value, err = p.value(); err != nil {
			return nil, err
		}
		seen[m.Key] = len(v.Object)
		v.Object = append(v.Object, m)
		p.skipSpace()
		if p.off < len(p.data) && p.data[p.off] == ',' {
			p.off++
			continue
		}
		if p.off < len(p.data) && p.data[p.off] == '}' {
			break
		}
		return nil, p.unexpected(fmt.Sprintf("after the value of %q: want ',' or '}'", m.Key))
	}
	p.off++ // }
	p.pop()
	return v, nil
}

func (p *parser) array() (*Value, error) {
	v, err := p.newValue(Array)
	if err != nil {
		return nil, err
	}
	if err := p.push(v); err != nil {
		return nil, err
	}
	p.off++ // [
	for first := true; ; first = false {
		p.skipSpace()
		if p.off < len(p.data) && p.data[p.off] == ']' {
			if !first {
				return nil, p.errAt(p.off, "trailing comma before ']'")
			}
			break
		}
		elem, err := p.value()
		if err != nil {
			return nil, err
		}
		v.Array = append(v.Array, elem)
		p.skipSpace()
		if p.off < len(p.data) && p.data[p.off] == ',' {
			p.off++
			continue
		}
		if p.off < len(p.data) && p.data[p.off] == ']' {
			break
		}
		return nil, p.unexpected("after an array element: want ',' or ']'")
	}
	p.off++ // ]
	p.pop()
	return v, nil
}

func (p *parser) literal() (*Value, error) {
	for _, lit := range []struct {
		text string
		kind Kind
		val  bool
	}{{"true", Bool, true}, {"false", Bool, false}, {"null", Null, false}} {
		if p.off+len(lit.text) <= len(p.data) && string(p.data[p.off:p.off+len(lit.text)]) == lit.text {
			v, err := p.newValue(lit.kind)
			if err != nil {
				return nil, err
			}
			v.Bool = lit.val
			p.off += len(lit.text)
			return v, nil
		}
	}
	return nil, p.errAt(p.off, "invalid literal: want true, false or null")
}

// number reads the JSON number grammar exactly, so 012, 1. and .5 are errors
// rather than guesses.
func (p *parser) number() (*Value, error) {
	v, err := p.newValue(Number)
	if err != nil {
		return nil, err
	}
	start := p.off
	digits := func() int {
		n := 0
		for p.off < len(p.data) && p.data[p.off] >= '0' && p.data[p.off] <= '9' {
			p.off++
			n++
		}
		return n
	}
	if p.data[p.off] == '-' {
		p.off++
	}
	intStart := p.off
	if digits() == 0 {
		return nil, p.unexpected("in a number: want a digit")
	}
	if p.data[intStart] == '0' && p.off-intStart > 1 {
		return nil, p.errAt(intStart, "leading zero in number")
	}
	if p.off < len(p.data) && p.data[p.off] == '.' {
		p.off++
		if digits() == 0 {
			return nil, p.unexpected("in a number: want a digit after '.'")
		}
	}
	if p.off < len(p.data) && (p.data[p.off] == 'e' || p.data[p.off] == 'E') {
		p.off++
		if p.off < len(p.data) && (p.data[p.off] == '+' || p.data[p.off] == '-') {
			p.off++
		}
		if digits() == 0 {
			return nil, p.unexpected("in a number: want a digit in the exponent")
		}
	}
	text := string(p.data[start:p.off])
	if v.Num, err = strconv.ParseFloat(text, 64); err != nil {
		return nil, p.errAt(start, "number %s is out of range", text)
	}
	const exact = 1 << 53
	v.IsInt = math.Abs(v.Num) <= exact && v.Num == math.Trunc(v.Num)
	return v, nil
}

// string reads a quoted string at the cursor; v is where it starts, named
// when the input ends inside it.
func (p *parser) string(v *Value) (string, error) {
	p.open = append(p.open, v)
	defer p.pop()
	p.off++ // "
	var buf []byte
	plain := p.off
	for {
		if p.off >= len(p.data) {
			return "", p.eof()
		}
		c := p.data[p.off]
		switch {
		case c == '"':
			s := string(p.data[plain:p.off])
			if buf != nil {
				s = string(append(buf, p.data[plain:p.off]...))
			}
			p.off++
			return s, nil
		case c == '\\':
			buf = append(buf, p.data[plain:p.off]...)
			r, err := p.escape()
			if err != nil {
				return "", err
			}
			buf = utf8.AppendRune(buf, r)
			plain = p.off
		case c == '\n':
			return "", p.errAt(p.off, "line break inside a string: missing closing quote?")
		case c < 0x20:
			return "", p.errAt(p.off, "control character %U inside a string: write it as an escape", rune(c))
		case c < utf8.RuneSelf:
			p.off++
		default:
			r, size := utf8.DecodeRune(p.data[p.off:])
			if r == utf8.RuneError && size == 1 {
				return "", p.errAt(p.off, "invalid UTF-8 byte 0x%02x", c)
			}
			p.off += size
		}
	}
}

// escape reads one backslash escape; a lone UTF-16 surrogate becomes U+FFFD,
// as encoding/json does.
func (p *parser) escape() (rune, error) {
	at := p.off
	p.off++ // backslash
	if p.off >= len(p.data) {
		return 0, p.eof()
	}
	c := p.data[p.off]
	p.off++
	switch c {
	case '"', '\\', '/':
		return rune(c), nil
	case 'b':
		return '\b', nil
	case 'f':
		return '\f', nil
	case 'n':
		return '\n', nil
	case 'r':
		return '\r', nil
	case 't':
		return '\t', nil
	case 'u':
		r, err := p.hex4(at)
		if err != nil {
			return 0, err
		}
		if !utf16.IsSurrogate(r) {
			return r, nil
		}
		if p.off+1 < len(p.data) && p.data[p.off] == '\\' && p.data[p.off+1] == 'u' {
			save := p.off
			p.off += 2
			if r2, err := p.hex4(save); err == nil {
				if pair := utf16.DecodeRune(r, r2); pair != utf8.RuneError {
					return pair, nil
				}
			}
			p.off = save
		}
		return utf8.RuneError, nil
	}
	p.off = at
	return 0, p.errAt(at, "invalid escape \\%c in a string", c)
}

func (p *parser) hex4(at int) (rune, error) {
	if p.off+4 > len(p.data) {
		return 0, p.eof()
	}
	var r rune
	for _, c := range p.data[p.off : p.off+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, p.errAt(at, "invalid \\u escape: want 4 hex digits")
		}
	}
	p.off += 4
	return r, nil
}
