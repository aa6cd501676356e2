package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"reflect"
	"strings"
	"unicode/utf8"

	"assist/kb"
)

// Limits on what a caller may send.
const (
	maxBodyBytes  = 16 << 10
	maxFrameBytes = 64 << 10
	maxTextRunes  = 2000
	maxConvIDLen  = 64
	maxRefLen     = 64
)

// decodeBody reads one JSON object of at most maxBodyBytes into dst,
// rejecting unknown fields and trailing data, with a reason a person can fix.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	return decodeJSON(body, dst)
}

// readBody reads a request body of at most maxBodyBytes.
func readBody(w http.ResponseWriter, r *http.Request) ([]byte, error) {
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return nil, kb.Errorf(kb.EInvalid, "body larger than %d KiB", maxBodyBytes>>10)
	}
	if err != nil {
		return nil, kb.Errorf(kb.EInvalid, "read body: %v", err)
	}
	return body, nil
}

// decodeJSON is decodeBody's strict decoding, shared with WebSocket frames.
// Beyond encoding/json it refuses what the standard decoder would quietly
// change or let pass: bytes that are not UTF-8 and lone surrogate escapes
// (both would become U+FFFD), a key given twice (the last would win) and a
// key in another case than its field ("TEXT" would fill text).
func decodeJSON(data []byte, dst any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return kb.Errorf(kb.EInvalid, "empty body: want a JSON object")
	}
	if at := invalidUTF8(data); at >= 0 {
		return kb.Errorf(kb.EInvalid, "body is not valid UTF-8 at byte %d: send text as UTF-8", at)
	}
	if at := loneSurrogate(data); at >= 0 {
		return kb.Errorf(kb.EInvalid, "malformed JSON at byte %d: a \\u escape of half a surrogate pair is not a character", at)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return kb.Errorf(kb.EInvalid, "%s", jsonReason(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return kb.Errorf(kb.EInvalid, "malformed JSON: data after the object")
	}
	keys := json.NewDecoder(bytes.NewReader(data))
	keys.UseNumber()
	return checkKeys(keys, reflect.TypeOf(dst), "")
}

// invalidUTF8 is the offset of the first byte that is not UTF-8, or -1.
func invalidUTF8(b []byte) int {
	for i := 0; i < len(b); {
		r, n := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && n <= 1 {
			return i
		}
		i += n
	}
	return -1
}

// loneSurrogate is the offset of a \uD800-\uDFFF escape in a JSON text
// that is not the high half followed by the low half of a pair, or -1. Invalid
// JSON is left to the decoder.
func loneSurrogate(b []byte) int {
	in := false
	for i := 0; i < len(b); i++ {
		switch {
		case b[i] == '"':
			in = !in
		case in && b[i] == '\\':
			if i+1 < len(b) && b[i+1] != 'u' {
				i++
				continue
			}
			r, ok := hex4(b, i+2)
			if !ok {
				continue
			}
			switch {
			case r >= 0xDC00 && r <= 0xDFFF:
				return i
			case r >= 0xD800 && r <= 0xDBFF:
				lo, ok := hex4(b, i+8)
				if !ok || b[i+6] != '\\' || b[i+7] != 'u' || lo < 0xDC00 || lo > 0xDFFF {
					return i
				}
				i += 11
			default:
				i += 5
			}
		}
	}
	return -1
}

// hex4 reads the four hex digits at b[at:].
func hex4(b []byte, at int) (rune, bool) {
	if at < 0 || at+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[at : at+4] {
		var d byte
		switch {
		case c >= '0' && c <= '9':
			d = c - '0'
		case c >= 'a' && c <= 'f':
			d = c - 'a' + 10
		case c >= 'A' && c <= 'F':
			d = c - 'A' + 10
		default:
			return 0, false
		}
		r = r<<4 | rune(d)
	}
	return r, true
}

// checkKeys walks one JSON value (known to be valid) beside the Go type it
// was decoded into and refuses a key given twice in an object, two keys
// that differ only in case, and a key that names a field in another case.
func checkKeys(dec *json.Decoder, t reflect.Type, path string) error {
	for t != nil && t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	tok, err := dec.Token()
	if err != nil {
		return kb.Errorf(kb.EInvalid, "malformed JSON: %v", err)
	}
	switch tok {
	case json.Delim('['):
		var elem reflect.Type
		if t != nil && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array) {
			elem = t.Elem()
		}
		for i := 0; dec.More(); i++ {
			if err := checkKeys(dec, elem, fmt.Sprintf("%s[%d]", path, i)); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	case json.Delim('{'):
		fields := jsonFields(t)
		seen := map[string]string{} // folded key → key as sent
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return kb.Errorf(kb.EInvalid, "malformed JSON: %v", err)
			}
			key := tok.(string)
			name := path + key
			if prev, ok := seen[strings.ToLower(key)]; ok {
				if prev == key {
					return kb.Errorf(kb.EInvalid, "field %q is given twice: send it once", clip(name))
				}
				return kb.Errorf(kb.EInvalid, "fields %q and %q differ only in case: send one, in lower case", clip(path+prev), clip(name))
			}
			seen[strings.ToLower(key)] = key
			var ft reflect.Type
			if fields != nil {
				f, ok := fields[strings.ToLower(key)]
				if ok && f.name != key {
					return kb.Errorf(kb.EInvalid, "field %q: field names are case-sensitive; did you mean %q?", clip(name), path+f.name)
				}
				ft = f.typ
			} else if t != nil && t.Kind() == reflect.Map {
				ft = t.Elem()
			}
			if err := checkKeys(dec, ft, name+"."); err != nil {
				return err
			}
		}
		_, err = dec.Token()
	}
	if err != nil {
		return kb.Errorf(kb.EInvalid, "malformed JSON: %v", err)
	}
	return nil
}

type jsonField struct {
	name string
	typ  reflect.Type
}

// jsonFields maps the lower-cased JSON names of a struct's fields to the
// names as declared; nil if t is not a struct.
func jsonFields(t reflect.Type) map[string]jsonField {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	out := map[string]jsonField{}
	for f := range t.Fields() {
		if !f.IsExported() {
			continue
		}
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out[strings.ToLower(name)] = jsonField{name: name, typ: f.Type}
	}
	return out
}

func jsonReason(err error) string {
	var syntax *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syntax):
		return fmt.Sprintf("malformed JSON at byte %d: %s", syntax.Offset, syntax.Error())
	case errors.As(err, &typ):
		if typ.Field == "" {
			return fmt.Sprintf("want a JSON object, not %s", typ.Value)
		}
		return fmt.Sprintf("field %q: want %s, not %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return "malformed JSON: the body ends too early"
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return "unknown field " + strings.TrimPrefix(err.Error(), "json: unknown field ")
	}
	return "malformed JSON: " + err.Error()
}

// validConversationID checks an id from a path or a body: 1 to 64 of
// A-Z a-z 0-9 _ . : -, so ids are safe in logs, URLs and file names.
func validConversationID(id string) error {
	if len(id) == 0 || len(id) > maxConvIDLen {
		return kb.Errorf(kb.EInvalid, "conversation id %q: want 1 to %d characters", clip(id), maxConvIDLen)
	}
	for i := 0; i < len(id); i++ {
		c := id[i]
		ok := c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' || c == '.' || c == ':' || c == '-'
		if !ok {
			return kb.Errorf(kb.EInvalid, "conversation id %q: only A-Z a-z 0-9 _ . : - are allowed", clip(id))
		}
	}
	return nil
}

// clip shortens what a caller sent before it is echoed in a reason.
func clip(s string) string {
	if len(s) <= 80 {
		return s
	}
	cut := 80
	for cut > 0 && !utf8.RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "…"
}
