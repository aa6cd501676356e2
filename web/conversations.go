package web

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"assist/kb"
	"assist/kb/jsontext"
)

// maxListedConversations bounds the conversation list.
const maxListedConversations = 200

type conversationLine struct {
	ID           string    `json:"id"`
	Turns        int       `json:"turns"`
	LastText     string    `json:"last_text"`
	UpdatedAt    time.Time `json:"updated_at"`
	BuyerName    string    `json:"buyer_name,omitempty"`
	Product      string    `json:"product,omitempty"`
	ProductTitle string    `json:"product_title,omitempty"`
	Assignee     string    `json:"assignee,omitempty"`
	Mine         bool      `json:"mine,omitempty"` // assigned to the caller
}

// listConversations is GET /api/v1/shops/{shop}/conversations: those
// assigned to the caller first, each group the latest first.
func (s *Server) listConversations(w http.ResponseWriter, r *http.Request, p *principal) error {
	me := ""
	if p.person() {
		me = p.Name
	}
	list, err := s.store.ConversationsFor(r.Context(), p.Shop, me, maxListedConversations)
	if err != nil {
		return err
	}
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]conversationLine, len(list))
	for i, c := range list {
		out[i] = conversationLine{ID: c.ID, Turns: c.Turns, LastText: c.LastText, UpdatedAt: c.UpdatedAt,
			BuyerName: c.BuyerName, Product: c.Product, Assignee: c.Assignee, Mine: me != "" && c.Assignee == me}
		if prod, ok := shop.Product(c.Product); ok {
			out[i].ProductTitle = prod.Title
		}
	}
	writeRawJSON(w, http.StatusOK, appendConversationList(make([]byte, 0, 256*len(out)+32), out))
	return nil
}

// appendConversationList appends {"conversations":lines} as json.Marshal
// writes it (TestConversationListIsJSONMarshal). By hand, as sets are: a
// list is up to 200 lines, and encoding/json's reflection was a fifth of
// its request.
func appendConversationList(b []byte, lines []conversationLine) []byte {
	b = append(b, `{"conversations":[`...)
	for i, c := range lines {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"id":`...)
		b = jsontext.AppendString(b, c.ID)
		b = append(b, `,"turns":`...)
		b = strconv.AppendInt(b, int64(c.Turns), 10)
		b = append(b, `,"last_text":`...)
		b = jsontext.AppendString(b, c.LastText)
		b = append(b, `,"updated_at":"`...)
		b = c.UpdatedAt.AppendFormat(b, time.RFC3339Nano)
		b = append(b, '"')
		for _, f := range [...]struct{ key, value string }{{`,"buyer_name":`, c.BuyerName}, {`,"product":`, c.Product},
			{`,"product_title":`, c.ProductTitle}, {`,"assignee":`, c.Assignee}} {
			if f.value != "" {
				b = append(b, f.key...)
				b = jsontext.AppendString(b, f.value)
			}
		}
		if c.Mine {
			b = append(b, `,"mine":true`...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

type turnLine struct {
	Turn        int             `json:"turn"`
	Role        string          `json:"role"`
	Text        string          `json:"text"`
	Product     string          `json:"product"`
	At          time.Time       `json:"at"`
	Suggestions json.RawMessage `json:"suggestions"`
}

// A conversation's history is read a page at a time: the panel asks for
// the last turns, then for older ones as the agent scrolls up.
const (
	defaultTurnPage = 50
	maxTurnPage     = 200
)

// turnPage is one page of a conversation, in turn order. Next, when
// has_more, is the before= that asks for the page of older turns.
type turnPage struct {
	ID      string     `json:"id"`
	Turns   []turnLine `json:"turns"`
	HasMore bool       `json:"has_more"`
	Next    *int       `json:"next,omitempty"`
}

// getConversation is GET /api/v1/shops/{shop}/conversations/{id}
// [?before=N][&limit=K]: up to K turns (50, at most 200) before turn N
// (the last ones without it), with the suggestion sets sent for them.
func (s *Server) getConversation(w http.ResponseWriter, r *http.Request, p *principal) error {
	id := r.PathValue("id")
	if err := validConversationID(id); err != nil {
		return err
	}
	before, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	turns, more, err := s.store.TurnPage(r.Context(), p.Shop, id, before, limit)
	if err != nil {
		return err
	}
	page := turnPage{ID: id, Turns: make([]turnLine, len(turns)), HasMore: more}
	for i, t := range turns {
		page.Turns[i] = turnLine{Turn: t.Index, Role: t.Role, Text: t.Text, Product: t.Product, At: t.At, Suggestions: t.Suggestions}
	}
	if more && len(turns) > 0 {
		page.Next = &turns[0].Index
	}
	size := 64
	for _, t := range page.Turns {
		size += 128 + len(t.Text) + len(t.Suggestions)
	}
	writeRawJSON(w, http.StatusOK, appendTurnPage(make([]byte, 0, size), &page))
	return nil
}

// appendTurnPage appends the page as json.Marshal writes it
// (TestTurnPageIsJSONMarshal), its sets as they are stored. A set is stored
// only as EncodeSet wrote it, compact and escaped as json.Marshal writes,
// and joined back byte for byte (kb/setparts), so it goes out as it is, as
// the turn's answer and its push sent it: json.Marshal scanned every set
// again to compact it, a third of a page's request.
func appendTurnPage(b []byte, p *turnPage) []byte {
	b = append(b, `{"id":`...)
	b = jsontext.AppendString(b, p.ID)
	b = append(b, `,"turns":[`...)
	for i, t := range p.Turns {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"turn":`...)
		b = strconv.AppendInt(b, int64(t.Turn), 10)
		b = append(b, `,"role":`...)
		b = jsontext.AppendString(b, t.Role)
		b = append(b, `,"text":`...)
		b = jsontext.AppendString(b, t.Text)
		b = append(b, `,"product":`...)
		b = jsontext.AppendString(b, t.Product)
		b = append(b, `,"at":"`...)
		b = t.At.AppendFormat(b, time.RFC3339Nano)
		b = append(b, `","suggestions":`...)
		if t.Suggestions == nil {
			b = append(b, "null"...)
		} else {
			b = append(b, t.Suggestions...)
		}
		b = append(b, '}')
	}
	b = append(b, `],"has_more":`...)
	b = strconv.AppendBool(b, p.HasMore)
	if p.Next != nil {
		b = append(b, `,"next":`...)
		b = strconv.AppendInt(b, int64(*p.Next), 10)
	}
	return append(b, '}')
}

// pageParams reads before (-1 when absent: the latest turns) and limit.
func pageParams(r *http.Request) (before, limit int, err error) {
	q := r.URL.Query()
	before, limit = -1, defaultTurnPage
	if v := q.Get("before"); v != "" {
		if before, err = strconv.Atoi(v); err != nil || before < 0 {
			return 0, 0, kb.Errorf(kb.EInvalid, "before %q: 应为 0 或正整数,即较新一页的 next (want a turn number, the next of the newer page)", clip(v))
		}
	}
	if v := q.Get("limit"); v != "" {
		if limit, err = strconv.Atoi(v); err != nil || limit < 1 || limit > maxTurnPage {
			return 0, 0, kb.Errorf(kb.EInvalid, "limit %q: 每页 1 到 %d 句 (want 1 to %d turns)", clip(v), maxTurnPage, maxTurnPage)
		}
	}
	return before, limit, nil
}
