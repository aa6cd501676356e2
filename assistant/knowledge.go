package assistant

import (
	"sort"
	"strings"
	"sync"
	"time"

	"assist/assistant/promise"
	"assist/kb"
	"assist/kb/fold"
	"assist/kb/index"
)

// knowledge is one shop's knowledge prepared for answering turns: lookups by
// id, names to spot products in text, and each product's shipping terms.
// It is read-only once built, so turns share it without locks.
type knowledge struct {
	shop     *kb.Shop
	index    *index.Index
	terms    *Terms
	loc      *time.Location
	cutoff   *promise.Clock
	mentions []mention // longest name first
	shipping map[string]promise.Terms
	presale  map[string]bool
	// madeToOrder holds, for each made-to-order product, the marker words
	// its facts use.
	madeToOrder map[string][]string
	lessons     *lessons // what the shop taught beyond the lexicon; set by the engine

	// Answers that depend only on the knowledge, worked out once: the rule
	// a nudge's search words find, and each product's compliant shipping
	// wording.
	rules    sync.Map // strings.Join(query, " ") → rule id ("" for none)
	shipSafe sync.Map // product id → wording
}

// ruleFor is the rule that best answers a nudge's search words.
func (k *knowledge) ruleFor(query []string) (string, error) {
	key := strings.Join(query, " ")
	if id, ok := k.rules.Load(key); ok {
		return id.(string), nil
	}
	hits, err := k.index.Search(index.Rule, index.Terms(queryWords(query)), 1)
	if err != nil {
		return "", err
	}
	id := ""
	if len(hits) > 0 {
		id = hits[0].ID
	}
	k.rules.Store(key, id)
	return id, nil
}

// mention is a folded product name (title or alias) to find in turn text.
type mention struct {
	name    string
	product string
	pos     int // the product's position in the shop, to break ties
}

func newKnowledge(shop *kb.Shop, idx *index.Index, terms *Terms) (*knowledge, error) {
	loc, err := shop.Location()
	if err != nil {
		return nil, err
	}
	k := &knowledge{shop: shop, index: idx, terms: terms, loc: loc,
		shipping: map[string]promise.Terms{}, presale: map[string]bool{}, madeToOrder: map[string][]string{}}
	if h, m, ok := shop.Cutoff(); ok {
		k.cutoff = &promise.Clock{Hour: h, Minute: m}
	}
	for i := range shop.Products {
		p := &shop.Products[i]
		for _, name := range append([]string{p.Title}, p.Aliases...) {
			if n := withoutDe(fold.String(strings.TrimSpace(name))); n != "" {
				k.mentions = append(k.mentions, mention{name: n, product: p.ID, pos: i})
			}
		}
		facts := factText(p)
		k.presale[p.ID] = containsAny(facts, terms.PreSale)
		for _, w := range terms.MadeToOrder {
			if strings.Contains(facts, w) {
				k.madeToOrder[p.ID] = append(k.madeToOrder[p.ID], w)
			}
		}
		k.shipping[p.ID] = promise.Terms{
			ShipWithinHours: shop.ShipHours(p),
			PreSale:         k.presale[p.ID],
			MadeToOrder:     len(k.madeToOrder[p.ID]) > 0,
			Cutoff:          k.cutoff,
			Location:        loc,
		}
	}
	sort.SliceStable(k.mentions, func(i, j int) bool {
		return len(k.mentions[i].name) > len(k.mentions[j].name)
	})
	return k, nil
}

// factText is a product's title and facts, folded, for marker words.
func factText(p *kb.Product) string {
	var b strings.Builder
	b.WriteString(p.Title)
	for _, f := range p.Facts {
		b.WriteString(" ")
		b.WriteString(f.Name)
		b.WriteString(" ")
		b.WriteString(f.Value)
	}
	return fold.String(b.String())
}

// mentioned returns the products named in folded text, most specific name
// first, each once. A name inside a longer name already matched (短裤 inside
// 亚麻短裤) does not count again.
func (k *knowledge) mentioned(folded string) []string {
	folded = withoutDe(folded)
	var ids []string
	var taken []([2]int)
	for _, m := range k.mentions {
		start := 0
		for {
			i := strings.Index(folded[start:], m.name)
			if i < 0 {
				break
			}
			i += start
			span := [2]int{i, i + len(m.name)}
			start = span[1]
			if overlaps(taken, span) {
				continue
			}
			taken = append(taken, span)
			if !contains(ids, m.product) {
				ids = append(ids, m.product)
			}
		}
	}
	return ids
}

// withoutDe drops the particle 的, which buyers put between a name's
// modifier and its noun (碎花的连衣裙 for 碎花连衣裙); names and text both
// lose it, so the longer, more specific name still matches.
func withoutDe(s string) string {
	if !strings.Contains(s, "的") {
		return s
	}
	return strings.ReplaceAll(s, "的", "")
}

func overlaps(spans [][2]int, s [2]int) bool {
	for _, t := range spans {
		if s[0] < t[1] && t[0] < s[1] {
			return true
		}
	}
	return false
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// shipTerms is what the shop can promise for product id ("" or unknown: the
// shop's default window).
func (k *knowledge) shipTerms(id string) promise.Terms {
	if t, ok := k.shipping[id]; ok {
		return t
	}
	return promise.Terms{ShipWithinHours: k.shop.ShipWithinHours, Cutoff: k.cutoff, Location: k.loc}
}
