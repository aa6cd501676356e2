package web

import (
	"net/http"
	"slices"
	"strings"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/fold"
	"assist/phrases"
)

// maxFoundPhrases bounds one search's answer: an agent reads a few lines.
const maxFoundPhrases = 20

// foundPhrase is a phrase an agent searched for, filled for the product in
// view. Missing names placeholders nothing could fill: such a phrase is
// shown as it is written, and the panel does not let it be sent.
type foundPhrase struct {
	ID      string   `json:"id"`
	Code    string   `json:"code,omitempty"`
	Scene   string   `json:"scene,omitempty"`
	Title   string   `json:"title"`
	Text    string   `json:"text"`
	Mine    bool     `json:"mine,omitempty"` // the caller's personal phrase
	Missing []string `json:"missing,omitempty"`

	rank  int
	order int
}

// Ranks of a match, best first.
const (
	rankCode = iota
	rankCodePrefix
	rankTitle
	rankText
	rankAny // an empty query lists everything
)

// searchPhrases is GET /api/v1/shops/{shop}/phrases?q=&product=&conversation=:
// the shop's phrases and the caller's own, found by short code, title, text
// or tag (simplified or traditional), each filled for the product in view
// (product, else the conversation's) and the conversation's buyer.
func (s *Server) searchPhrases(w http.ResponseWriter, r *http.Request, p *principal) error {
	q := r.URL.Query()
	query := strings.TrimSpace(q.Get("q"))
	if !utf8.ValidString(query) || utf8.RuneCountInString(query) > 64 {
		return kb.Errorf(kb.EInvalid, "搜索词最多 64 个字,请缩短 (q is too long)")
	}
	query = strings.TrimLeft(fold.String(query), "/ ")
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	people := phrases.People{}
	if p.person() {
		people.Agent = p.Name
	}
	productID := q.Get("product")
	if conv := q.Get("conversation"); conv != "" {
		if err := validConversationID(conv); err != nil {
			return err
		}
		c, err := s.store.Conversation(r.Context(), p.Shop, conv)
		switch {
		case err == nil:
			people.Buyer = c.BuyerName
			if productID == "" {
				productID = c.Product
			}
		case kb.ErrorCode(err) != kb.ENotFound: // a conversation with no turn yet is fine
			return err
		}
	}
	var product *kb.Product
	if productID != "" {
		var ok bool
		if product, ok = shop.Product(productID); !ok {
			return kb.Errorf(kb.EInvalid, "店铺里没有商品 %q,请刷新页面后再搜 (no such product)", clip(productID))
		}
	}

	var found []foundPhrase
	for i := range shop.Phrases {
		ph := &shop.Phrases[i]
		rank, ok := matchPhrase(query, ph.Code, ph.Title, ph.Text, ph.Tags)
		if !ok {
			continue
		}
		found = append(found, foundPhrase{ID: ph.ID, Code: ph.Code, Scene: string(ph.Scene), Title: ph.Title,
			Text: ph.Text, rank: rank, order: i})
	}
	if p.person() {
		mine, err := s.store.PersonalPhrases(r.Context(), p.Shop, p.User.ID)
		if err != nil {
			return err
		}
		for i, ph := range mine {
			rank, ok := matchPhrase(query, ph.Code, ph.Title, ph.Text, nil)
			if !ok {
				continue
			}
			// An agent's own phrases come before the shop's of the same rank.
			found = append(found, foundPhrase{ID: personalID(ph.ID), Code: ph.Code, Title: ph.Title, Text: ph.Text,
				Mine: true, rank: rank, order: i - len(mine)})
		}
	}
	slices.SortStableFunc(found, func(a, b foundPhrase) int {
		if a.rank != b.rank {
			return a.rank - b.rank
		}
		return a.order - b.order
	})
	if len(found) > maxFoundPhrases {
		found = found[:maxFoundPhrases]
	}
	for i := range found {
		if text, missing := phrases.FillFor(shop, product, people, found[i].Text); len(missing) == 0 {
			found[i].Text = text
		} else {
			found[i].Missing = missing
		}
	}
	if found == nil {
		found = []foundPhrase{}
	}
	writeJSON(w, http.StatusOK, struct {
		Phrases []foundPhrase `json:"phrases"`
		Product string        `json:"product,omitempty"`
	}{found, productID})
	return nil
}

// matchPhrase ranks how a phrase answers a folded query: its short code
// exactly, a code's start, its title, then its text or a tag.
func matchPhrase(query, code, title, text string, tags []string) (int, bool) {
	if query == "" {
		return rankAny, true
	}
	if code != "" {
		c := fold.String(code)
		if c == query {
			return rankCode, true
		}
		if strings.HasPrefix(c, query) {
			return rankCodePrefix, true
		}
	}
	if strings.Contains(fold.String(title), query) {
		return rankTitle, true
	}
	if strings.Contains(fold.String(text), query) {
		return rankText, true
	}
	for _, t := range tags {
		if strings.Contains(fold.String(t), query) {
			return rankText, true
		}
	}
	return 0, false
}
