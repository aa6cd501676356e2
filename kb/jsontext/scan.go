package jsontext

import "bytes"

// A small scanner over JSON text that finds where values begin and end, so
// a caller reads what it needs of a stored value by its own bytes, without
// decoding the rest. It trusts its input to be JSON (this process wrote it);
// a caller that must refuse what is not JSON checks what it reads, or asks
// encoding/json when the scanner gives up (-1).

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

// SkipSpace returns the index of the first byte at or after i that is not
// JSON whitespace.
func SkipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// SkipValue returns the end of the value starting at b[i], or -1.
func SkipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return SkipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				if i = SkipString(b, i); i < 0 {
					return -1
				}
				continue
			case '{', '[':
				depth++
			case '}', ']':
				depth--
				if depth == 0 {
					return i + 1
				}
			}
			i++
		}
		return -1
	}
	j := i
	for j < len(b) && b[j] != ',' && b[j] != '}' && b[j] != ']' && !isSpace(b[j]) {
		j++
	}
	if j == i {
		return -1
	}
	return j
}

// SkipString returns the end of the string starting at b[i] (a quote), or
// -1. It jumps from quote to quote: most of a set's bytes are in strings.
func SkipString(b []byte, i int) int {
	for i++; i < len(b); {
		q := bytes.IndexByte(b[i:], '"')
		if q < 0 {
			return -1
		}
		i += q
		if escaped(b, i) {
			i++
			continue
		}
		return i + 1
	}
	return -1
}

// PlainString reads the string at b[i] when it holds no escape and no
// control character, so that its bytes are its value (if they are valid
// UTF-8, which the caller checks), and returns them and the offset after
// its closing quote. It reports false for anything else, which a caller
// leaves to encoding/json.
func PlainString(b []byte, i int) ([]byte, int, bool) {
	if i >= len(b) || b[i] != '"' {
		return nil, 0, false
	}
	for j := i + 1; j < len(b); j++ {
		switch c := b[j]; {
		case c == '"':
			return b[i+1 : j], j + 1, true
		case c == '\\' || c < 0x20:
			return nil, 0, false
		}
	}
	return nil, 0, false
}

// escaped reports whether the quote at b[i] follows an odd run of
// backslashes.
func escaped(b []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// WalkObject walks the object that starts at b[i], calling fn with each
// member's key (its own bytes between the quotes, escapes left as they are)
// and where its value starts; fn returns where the value ends, or -1 to
// have WalkObject find the end. It returns the object's end, or -1 if b[i:]
// does not start with an object. Each byte is read once.
func WalkObject(b []byte, i int, fn func(key []byte, v0 int) int) int {
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	i = SkipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1
	}
	for {
		k1 := SkipString(b, i)
		if i >= len(b) || b[i] != '"' || k1 < 0 {
			return -1
		}
		key := b[i+1 : k1-1]
		i = SkipSpace(b, k1)
		if i >= len(b) || b[i] != ':' {
			return -1
		}
		v0 := SkipSpace(b, i+1)
		if v0 >= len(b) {
			return -1
		}
		v1 := fn(key, v0)
		if v1 < 0 {
			v1 = SkipValue(b, v0)
		}
		if v1 < 0 {
			return -1
		}
		i = SkipSpace(b, v1)
		if i >= len(b) {
			return -1
		}
		if b[i] == '}' {
			return i + 1
		}
		if b[i] != ',' {
			return -1
		}
		i = SkipSpace(b, i+1)
	}
}
