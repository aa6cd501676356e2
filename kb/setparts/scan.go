package setparts

import "bytes"

// A small scanner over JSON text that finds where values begin and end, so
// a set is cut by its own bytes and never rewritten. It trusts its input to
// be JSON (encoding/json wrote it); whatever it misreads, Split's check
// catches.

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }

func skipSpace(b []byte, i int) int {
	for i < len(b) && isSpace(b[i]) {
		i++
	}
	return i
}

// skipValue returns the end of the value starting at b[i], or -1.
func skipValue(b []byte, i int) int {
	if i >= len(b) {
		return -1
	}
	switch b[i] {
	case '"':
		return skipString(b, i)
	case '{', '[':
		depth := 0
		for i < len(b) {
			switch b[i] {
			case '"':
				if i = skipString(b, i); i < 0 {
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

// skipString returns the end of the string starting at b[i] (a quote).
// It jumps from quote to quote: most of a set's bytes are in strings.
func skipString(b []byte, i int) int {
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

// escaped reports whether the quote at b[i] follows an odd run of
// backslashes.
func escaped(b []byte, i int) bool {
	n := 0
	for j := i - 1; j >= 0 && b[j] == '\\'; j-- {
		n++
	}
	return n%2 == 1
}

// walkObject walks the object that starts at b[i], calling fn with each
// member's key (its own bytes, unquoted if it has no escapes) and where its
// value starts; fn returns where the value ends, or -1 to have walkObject
// find the end. It returns the object's end, or -1 if b[i:] does not start
// with an object. Each byte is read once.
func walkObject(b []byte, i int, fn func(key []byte, v0 int) int) int {
	if i >= len(b) || b[i] != '{' {
		return -1
	}
	i = skipSpace(b, i+1)
	if i < len(b) && b[i] == '}' {
		return i + 1
	}
	for {
		k1 := skipString(b, i)
		if i >= len(b) || b[i] != '"' || k1 < 0 {
			return -1
		}
		key := b[i+1 : k1-1]
		i = skipSpace(b, k1)
		if i >= len(b) || b[i] != ':' {
			return -1
		}
		v0 := skipSpace(b, i+1)
		if v0 >= len(b) {
			return -1
		}
		v1 := fn(key, v0)
		if v1 < 0 {
			v1 = skipValue(b, v0)
		}
		if v1 < 0 {
			return -1
		}
		i = skipSpace(b, v1)
		if i >= len(b) {
			return -1
		}
		if b[i] == '}' {
			return i + 1
		}
		if b[i] != ',' {
			return -1
		}
		i = skipSpace(b, i+1)
	}
}

func isNumber(v []byte) bool {
	if len(v) == 0 {
		return false
	}
	for _, c := range v {
		if !(c >= '0' && c <= '9' || c == '-' || c == '+' || c == '.' || c == 'e' || c == 'E') {
			return false
		}
	}
	return true
}
