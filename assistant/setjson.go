package assistant

import (
	"encoding/json"
	"strconv"
	"time"

	"assist/kb/bufpool"
	"assist/kb/jsontext"
)

// EncodeSet is json.Marshal(s), byte for byte, written by hand: a set is
// encoded on every turn, and encoding/json's reflection was 5% of a turn's
// CPU in a busy server. TestEncodeSetIsJSONMarshal holds it to
// encoding/json on every field; a field added to the set's types without a
// line here fails that test. What encoding/json refuses (NaN, a time it
// cannot write) goes to encoding/json, for its error.
func EncodeSet(s *Suggestions) ([]byte, error) {
	buf := setBuffers.Get()
	e := setEncoder{b: *buf}
	e.suggestions(s)
	var out []byte
	if e.ok {
		// The set outlives the call (pushed, stored, answered): it gets a
		// slice of its own size, and the buffer it grew in is used again.
		out = append(make([]byte, 0, len(e.b)), e.b...)
	}
	*buf = e.b
	setBuffers.Put(buf)
	if !e.ok {
		return json.Marshal(s)
	}
	return out, nil
}

// setBuffers are the buffers sets are encoded in before they are copied
// out.
var setBuffers = bufpool.New(8<<10, 64<<10)

type setEncoder struct {
	b  []byte
	ok bool
}

// key opens member k ("," before all but an object's first).
func (e *setEncoder) key(first bool, k string) {
	if !first {
		e.b = append(e.b, ',')
	}
	e.b = append(e.b, '"')
	e.b = append(e.b, k...)
	e.b = append(e.b, '"', ':')
}

func (e *setEncoder) str(first bool, k, v string) {
	e.key(first, k)
	e.b = jsontext.AppendString(e.b, v)
}

func (e *setEncoder) num(k string, f float64) {
	e.key(false, k)
	if !jsontext.Finite(f) {
		e.ok = false
		return
	}
	e.b = jsontext.AppendFloat(e.b, f)
}

func (e *setEncoder) int(k string, n int) {
	e.key(false, k)
	e.b = strconv.AppendInt(e.b, int64(n), 10)
}

// list writes xs as a JSON array, null when nil as encoding/json does.
func list[T any](e *setEncoder, xs []T, each func(*T)) {
	if xs == nil {
		e.b = append(e.b, "null"...)
		return
	}
	e.b = append(e.b, '[')
	for i := range xs {
		if i > 0 {
			e.b = append(e.b, ',')
		}
		each(&xs[i])
	}
	e.b = append(e.b, ']')
}

func (e *setEncoder) strings(xs []string) {
	list(e, xs, func(s *string) { e.b = jsontext.AppendString(e.b, *s) })
}

func (e *setEncoder) suggestions(s *Suggestions) {
	e.ok = true
	e.b = append(e.b, '{')
	e.str(true, "conversation", s.Conversation)
	e.int("turn", s.Turn)
	e.str(false, "role", string(s.Role))
	e.str(false, "text", s.Text)
	e.key(false, "at")
	e.time(s.At)
	if s.Product != "" {
		e.str(false, "product", s.Product)
	}
	e.key(false, "nudges")
	list(e, s.Nudges, e.nudge)
	e.key(false, "products")
	list(e, s.Products, e.product)
	e.key(false, "rules")
	list(e, s.Rules, e.rule)
	e.key(false, "phrases")
	list(e, s.Phrases, e.phrase)
	e.b = append(e.b, '}')
}

// time writes t as time.Time's MarshalJSON does, or gives up where that
// fails: a year past four digits, an offset of 24 hours or more.
func (e *setEncoder) time(t time.Time) {
	if y := t.Year(); y < 0 || y > 9999 {
		e.ok = false
		return
	}
	if _, off := t.Zone(); off <= -24*3600 || off >= 24*3600 {
		e.ok = false
		return
	}
	e.b = append(e.b, '"')
	e.b = t.AppendFormat(e.b, time.RFC3339Nano)
	e.b = append(e.b, '"')
}

func (e *setEncoder) nudge(n *Nudge) {
	e.b = append(e.b, '{')
	e.str(true, "kind", n.Kind)
	if n.Category != "" {
		e.str(false, "category", n.Category)
	}
	if n.Label != "" {
		e.str(false, "label", n.Label)
	}
	e.str(false, "reason", n.Reason)
	e.key(false, "triggers")
	e.strings(n.Triggers)
	e.str(false, "action", n.Action)
	if n.Rule != nil {
		e.key(false, "rule")
		e.b = append(e.b, '{')
		e.str(true, "id", n.Rule.ID)
		e.str(false, "title", n.Rule.Title)
		e.str(false, "source", n.Rule.Source)
		e.articles(n.Rule.Articles)
		e.b = append(e.b, '}')
	}
	if n.Suggested != "" {
		e.str(false, "suggested", n.Suggested)
	}
	if len(n.Why) > 0 {
		e.key(false, "why")
		e.strings(n.Why)
	}
	e.b = append(e.b, '}')
}

// articles writes the omitempty member "articles".
func (e *setEncoder) articles(as []Article) {
	if len(as) == 0 {
		return
	}
	e.key(false, "articles")
	list(e, as, func(a *Article) {
		e.b = append(e.b, '{')
		e.str(true, "law", a.Law)
		e.int("number", a.Number)
		e.str(false, "label", a.Label)
		if a.Clause != "" {
			e.str(false, "clause", a.Clause)
		}
		e.str(false, "text", a.Text)
		e.b = append(e.b, '}')
	})
}

func (e *setEncoder) product(p *ProductHit) {
	e.b = append(e.b, '{')
	e.str(true, "id", p.ID)
	e.str(false, "title", p.Title)
	e.num("price", p.Price)
	e.str(false, "ship_time", p.ShipTime)
	e.key(false, "facts")
	list(e, p.Facts, func(f *Fact) {
		e.b = append(e.b, '{')
		e.str(true, "name", f.Name)
		e.str(false, "value", f.Value)
		e.b = append(e.b, '}')
	})
	if p.InView {
		e.key(false, "in_view")
		e.b = append(e.b, "true"...)
	}
	e.num("score", p.Score)
	e.b = append(e.b, '}')
}

func (e *setEncoder) rule(r *RuleHit) {
	e.b = append(e.b, '{')
	e.str(true, "id", r.ID)
	e.str(false, "title", r.Title)
	e.str(false, "source", r.Source)
	e.str(false, "text", r.Text)
	e.num("score", r.Score)
	e.articles(r.Articles)
	e.b = append(e.b, '}')
}

func (e *setEncoder) phrase(p *PhraseHit) {
	e.b = append(e.b, '{')
	e.str(true, "id", p.ID)
	e.str(false, "scene", p.Scene)
	e.str(false, "title", p.Title)
	e.str(false, "text", p.Text)
	e.num("score", p.Score)
	e.b = append(e.b, '}')
}
