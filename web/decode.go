package web

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
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
	body, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxBodyBytes))
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		return kb.Errorf(kb.EInvalid, "body larger than %d KiB", maxBodyBytes>>10)
	}
	if err != nil {
		return kb.Errorf(kb.EInvalid, "read body: %v", err)
	}
	return decodeJSON(body, dst)
}

// decodeJSON is decodeBody's strict decoding, shared with WebSocket frames.
func decodeJSON(data []byte, dst any) error {
	if len(bytes.TrimSpace(data)) == 0 {
		return kb.Errorf(kb.EInvalid, "empty body: want a JSON object")
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return kb.Errorf(kb.EInvalid, "%s", jsonReason(err))
	}
	if _, err := dec.Token(); err != io.EOF {
		return kb.Errorf(kb.EInvalid, "malformed JSON: data after the object")
	}
	return nil
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

// validText checks a turn or draft: some text, at most maxTextRunes.
func validText(text string) error {
	if strings.TrimSpace(text) == "" {
		return kb.Errorf(kb.EInvalid, "text is empty")
	}
	if !utf8.ValidString(text) {
		return kb.Errorf(kb.EInvalid, "text is not valid UTF-8")
	}
	if n := utf8.RuneCountInString(text); n > maxTextRunes {
		return kb.Errorf(kb.EInvalid, "text has %d characters: at most %d", n, maxTextRunes)
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
