package web

import (
	"bytes"
	"encoding/json"
	"math/rand/v2"
	"testing"
	"time"
)

// TestConversationListIsJSONMarshal: the list written by hand is the bytes
// encoding/json writes, for lines with every member set or left out, and
// strings that need escapes (quotes, HTML characters, control characters,
// invalid UTF-8, U+2028).
func TestConversationListIsJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 5))
	str := func() string { return randomJSONString(r) }
	zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("", -(3*3600 + 30*60))}
	for i := range 5000 {
		lines := make([]conversationLine, r.IntN(4))
		for k := range lines {
			lines[k] = conversationLine{ID: str(), Turns: r.IntN(1000) - 1, LastText: str(),
				UpdatedAt: time.Unix(r.Int64N(1<<34), r.Int64N(1e9)*int64(r.IntN(2))).In(zones[r.IntN(len(zones))]),
				BuyerName: str(), Product: str(), ProductTitle: str(), Assignee: str(), Mine: r.IntN(2) == 0}
		}
		want, err := json.Marshal(struct {
			Conversations []conversationLine `json:"conversations"`
		}{lines})
		if err != nil {
			t.Fatalf("list %d: json.Marshal: %v", i, err)
		}
		if got := appendConversationList(nil, lines); !bytes.Equal(got, want) {
			t.Fatalf("list %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// TestTurnPageIsJSONMarshal: a page written by hand is the bytes
// encoding/json writes, for turns with and without a set, sets holding
// strings that json.Marshal escapes, with and without a next page.
func TestTurnPageIsJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(5, 7))
	str := func() string { return randomJSONString(r) }
	for i := range 3000 {
		p := turnPage{ID: str(), Turns: make([]turnLine, r.IntN(4)), HasMore: r.IntN(2) == 0}
		for k := range p.Turns {
			p.Turns[k] = turnLine{Turn: r.IntN(500), Role: str(), Text: str(), Product: str(),
				At: time.Unix(r.Int64N(1<<34), r.Int64N(1e9)*int64(r.IntN(2))).In(time.FixedZone("", 3600*(r.IntN(25)-12)))}
			if r.IntN(4) > 0 { // a set as stored: json.Marshal's bytes
				set, err := json.Marshal(map[string]any{"turn": p.Turns[k].Turn, "text": str(), "items": []any{str(), r.Float64(), nil}})
				if err != nil {
					t.Fatal(err)
				}
				p.Turns[k].Suggestions = set
			}
		}
		if p.HasMore && len(p.Turns) > 0 {
			p.Next = &p.Turns[0].Turn
		}
		want, err := json.Marshal(p)
		if err != nil {
			t.Fatalf("page %d: json.Marshal: %v", i, err)
		}
		if got := appendTurnPage(nil, &p); !bytes.Equal(got, want) {
			t.Fatalf("page %d:\n got %s\nwant %s", i, got, want)
		}
	}
}

// randomJSONString is a short string, often one encoding/json escapes: a
// quote, a backslash, HTML characters, a control character, invalid UTF-8,
// U+2028, or none of these.
func randomJSONString(r *rand.Rand) string {
	pieces := []string{"", "在吗", "a", `"`, `\`, "<b>&", "\n", "\x01", "\xff", "\u2028", "買家", "p-42", " "}
	var s string
	for range r.IntN(4) {
		s += pieces[r.IntN(len(pieces))]
	}
	return s
}
