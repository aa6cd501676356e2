package web

import (
	"net/http"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"assist/assistant"
	"assist/kb"
	"assist/kb/jsontext"
)

type turnRequest struct {
	Role      string `json:"role"`
	Text      string `json:"text"`
	Product   string `json:"product"`
	At        string `json:"at"`
	BuyerName string `json:"buyer_name"` // the buyer's name or nickname on the platform
	Assignee  string `json:"assignee"`   // the agent the conversation is with, by login name
}

// maxNameRunes bounds a person's name in a turn.
const maxNameRunes = 64

// turn decodes the request's fields into an engine turn. Whether the role
// and product fit the shop is the Desk's to say.
func (req turnRequest) turn() (assistant.Turn, error) {
	t := assistant.Turn{Role: assistant.Role(req.Role), Text: req.Text, Product: req.Product,
		BuyerName: strings.TrimSpace(req.BuyerName), Assignee: strings.TrimSpace(req.Assignee)}
	if err := validText(req.Text); err != nil {
		return t, err
	}
	if err := validName("buyer_name", t.BuyerName); err != nil {
		return t, err
	}
	if err := validName("assignee", t.Assignee); err != nil {
		return t, err
	}
	if req.At != "" {
		at, err := time.Parse(time.RFC3339, req.At)
		if err != nil {
			return t, kb.Errorf(kb.EInvalid, "at %q: want RFC 3339, e.g. 2026-11-23T10:00:00+08:00", clip(req.At))
		}
		t.At = at
	}
	return t, nil
}

// validName checks a person's name a turn carries: short, one line.
func validName(field, name string) error {
	switch {
	case !utf8.ValidString(name):
		return kb.Errorf(kb.EInvalid, "%s is not valid UTF-8", field)
	case utf8.RuneCountInString(name) > maxNameRunes:
		return kb.Errorf(kb.EInvalid, "%s has %d characters: at most %d", field, utf8.RuneCountInString(name), maxNameRunes)
	case strings.ContainsFunc(name, unicode.IsControl):
		return kb.Errorf(kb.EInvalid, "%s holds a control character", field)
	}
	return nil
}

// answeredBy assigns an agent's turn posted by a person to that person,
// unless the turn names its assignee: a conversation is with the agent who
// last answered it. A token posting for the platform assigns nobody.
func answeredBy(t assistant.Turn, p *principal) assistant.Turn {
	if t.Assignee == "" && t.Role == assistant.Agent && p.person() {
		t.Assignee = p.Name
	}
	return t
}

// postTurn is POST /api/v1/shops/{shop}/conversations/{id}/turns: the Desk
// answers the turn, commits it and pushes it; the answer is the suggestion
// set exactly as stored.
func (s *Server) postTurn(w http.ResponseWriter, r *http.Request, p *principal) error {
	conv := r.PathValue("id")
	if err := validConversationID(conv); err != nil {
		return err
	}
	body, err := readBody(w, r)
	if err != nil {
		return err
	}
	req, ok := plainTurnRequest(body)
	if !ok {
		req = turnRequest{} // nothing of a half-read body
		if err := decodeJSON(body, &req); err != nil {
			return err
		}
	}
	key, err := idempotencyKey(r.Header.Get(idempotencyHeader))
	if err != nil {
		return err
	}
	t, err := req.turn()
	if err != nil {
		return err
	}
	t = answeredBy(t, p)
	_, data, err := s.desk.TurnOnce(r.Context(), p.Shop, conv, key, t, p.Name)
	if err != nil {
		return err
	}
	writeRawJSON(w, http.StatusOK, data)
	return nil
}

// plainTurnRequest reads the body every platform sends: one JSON object of
// the turn's fields, each a string without escapes, each once, keys as
// documented. For such a body it gives what decodeJSON gives, at a tenth of
// the cost; anything else (escapes, null, another key or case, a repeat,
// invalid UTF-8, a syntax error) is left to decodeJSON, which decides and
// explains. What it read before it gave up is not to be used.
func plainTurnRequest(body []byte) (turnRequest, bool) {
	var req turnRequest
	if !utf8.Valid(body) {
		return req, false
	}
	i := jsontext.SkipSpace(body, 0)
	if i == len(body) || body[i] != '{' {
		return req, false
	}
	i = jsontext.SkipSpace(body, i+1)
	var seen [6]bool
	for n := 0; i < len(body) && body[i] != '}'; n++ {
		if n > 0 {
			if body[i] != ',' {
				return req, false
			}
			i = jsontext.SkipSpace(body, i+1)
		}
		key, next, ok := jsontext.PlainString(body, i)
		if !ok {
			return req, false
		}
		i = jsontext.SkipSpace(body, next)
		if i == len(body) || body[i] != ':' {
			return req, false
		}
		value, next, ok := jsontext.PlainString(body, jsontext.SkipSpace(body, i+1))
		if !ok {
			return req, false
		}
		i = jsontext.SkipSpace(body, next)
		var field *string
		var f int
		switch string(key) {
		case "role":
			field, f = &req.Role, 0
		case "text":
			field, f = &req.Text, 1
		case "product":
			field, f = &req.Product, 2
		case "at":
			field, f = &req.At, 3
		case "buyer_name":
			field, f = &req.BuyerName, 4
		case "assignee":
			field, f = &req.Assignee, 5
		default:
			return req, false
		}
		if seen[f] {
			return req, false
		}
		seen[f] = true
		*field = string(value)
	}
	if i == len(body) || jsontext.SkipSpace(body, i+1) != len(body) {
		return req, false
	}
	return req, true
}

// idempotencyHeader carries a key that makes a retried POST safe: the same
// key with the same request gets the first answer, and nothing is recorded
// twice.
const idempotencyHeader = "Idempotency-Key"

const maxIdempotencyKey = 128

// idempotencyKey checks a key ("" for none): 1 to 128 visible ASCII
// characters, as a UUID or a platform's message id is.
func idempotencyKey(key string) (string, error) {
	if len(key) > maxIdempotencyKey {
		return "", kb.Errorf(kb.EInvalid, "Idempotency-Key: 最多 %d 个字符 (at most %d characters)", maxIdempotencyKey, maxIdempotencyKey)
	}
	for i := 0; i < len(key); i++ {
		if key[i] <= ' ' || key[i] > '~' {
			return "", kb.Errorf(kb.EInvalid, "Idempotency-Key: 只能用可见的 ASCII 字符,如 UUID (visible ASCII only, e.g. a UUID)")
		}
	}
	return key, nil
}
