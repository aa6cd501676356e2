package assistant

import (
	"strings"
	"sync"
	"time"

	"assist/assistant/promise"
	"assist/kb"
	"assist/kb/fold"
	"assist/kb/index"
	"assist/phrases"
)

// knowledge is one shop's knowledge prepared for answering turns: lookups by
// id, names to spot products in text, and each product's shipping terms.
// It is read-only once built, so turns share it without locks.
type knowledge struct {
	shop   *kb.Shop
	index  *index.Index
	terms  *Terms
	loc    *time.Location
	cutoff *promise.Clock
	names  *names
	// Each document's position in the shop, to break ties in ranking.
	productPos, rulePos, phrasePos map[string]int
	// The phrases of each scene, in shop order, all of them and by each
	// placeholder they hold: ranking walks them best first and stops.
	sceneList        map[string][]int
	scenePlaceholder map[string]map[string][]int
	placeholders     [][]string // each phrase's placeholders
	// Premises (terms.txt [premise]) each phrase takes for granted, and
	// those each product meets.
	phrasePremises [][]int
	productMeets   map[string][]bool
	shipping       map[string]promise.Terms
	presale        map[string]bool
	// madeToOrder holds, for each made-to-order product, the marker words
	// its facts use.
	madeToOrder map[string][]string
	lessons     *lessons         // what the shop taught beyond the lexicon; set by the engine
	tagged      map[string][]int // nudge category → phrases whose title or tags say it; set by the engine

	// Answers that depend only on the knowledge, worked out once: the rule
	// a nudge's search words find, and each product's compliant shipping
	// wording.
	rules    sync.Map // strings.Join(query, " ") → rule id ("" for none)
	shipSafe sync.Map // product id → wording
	facts    sync.Map // product id → []string, its facts folded (see foldedFacts)
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
	k.names = newNames(shop)
	k.productPos = positions(len(shop.Products), func(i int) string { return shop.Products[i].ID })
	k.rulePos = positions(len(shop.Rules), func(i int) string { return shop.Rules[i].ID })
	k.phrasePos = positions(len(shop.Phrases), func(i int) string { return shop.Phrases[i].ID })
	k.productMeets = make(map[string][]bool, len(shop.Products))
	for i := range shop.Products {
		p := &shop.Products[i]
		facts := factText(p)
		meets := make([]bool, len(terms.Premises))
		for g, words := range terms.Premises {
			meets[g] = containsAny(facts, words)
		}
		k.productMeets[p.ID] = meets
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
	k.sceneList = map[string][]int{}
	k.scenePlaceholder = map[string]map[string][]int{}
	k.placeholders = make([][]string, len(shop.Phrases))
	k.phrasePremises = make([][]int, len(shop.Phrases))
	for i := range shop.Phrases {
		ph := &shop.Phrases[i]
		scene := string(ph.Scene)
		k.sceneList[scene] = append(k.sceneList[scene], i)
		k.placeholders[i] = phrases.Placeholders(ph.Text)
		for _, name := range k.placeholders[i] {
			byName := k.scenePlaceholder[scene]
			if byName == nil {
				byName = map[string][]int{}
				k.scenePlaceholder[scene] = byName
			}
			if list := byName[name]; len(list) == 0 || list[len(list)-1] != i {
				byName[name] = append(list, i)
			}
		}
		said := fold.String(ph.Title + " " + strings.Join(ph.Tags, " "))
		for g, words := range terms.Premises {
			if containsAny(said, words) {
				k.phrasePremises[i] = append(k.phrasePremises[i], g)
			}
		}
	}
	return k, nil
}

// contradictsPhrase is contradicts for a phrase given by id.
func (k *knowledge) contradictsPhrase(product, phraseID string) bool {
	i, ok := k.phrasePos[phraseID]
	return ok && k.contradicts(product, i)
}

// contradicts reports whether phrase i takes for granted something product
// (the one in view; "" for none) lacks: pre-sale wording for a product in
// stock, engraving for a product that is not engraved.
func (k *knowledge) contradicts(product string, i int) bool {
	meets, ok := k.productMeets[product]
	if !ok {
		return false
	}
	for _, g := range k.phrasePremises[i] {
		if !meets[g] {
			return true
		}
	}
	return false
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
