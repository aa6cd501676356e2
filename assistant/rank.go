package assistant

import (
	"slices"
	"strings"
	"sync"

	"assist/assistant/cues"
	"assist/kb"
	"assist/kb/fold"
	"assist/kb/index"
	"assist/kb/segment"
	"assist/phrases"
)

// How much each signal counts when candidates are ranked. Text relevance is
// BM25 scaled to 0..1 within the turn; the rest are bonuses on that scale.
const (
	topN            = 3
	candidates      = 12
	boostContext    = 0.3 // the buyer's words behind an agent's reply
	boostNudgeQuery = 0.7 // a nudge's own search words
	boostCueQuery   = 1.0 // a non-nudge cue's search words (shipping question, after-sale)
	boostPreSale    = 2.0 // pre-sale words on a pre-sale product's shipping question
	bonusNamed      = 2.0 // a product the turn names
	bonusInView     = 1.0 // the product in view
	bonusNudgeRule  = 1.0 // the rule that backs a nudge
	bonusScene      = 0.6 // a phrase written for the moment's first scene
	bonusSceneAlso  = 0.3 // … for another scene that fits
	bonusPrefer     = 0.5 // a phrase offering what the upsell moment prefers
	bonusTagged     = 0.5 // a phrase whose title or tags say the nudge's category (分层 for 水是水)
	sceneOnly       = 0.3 // share of a scene bonus for a phrase with no word of the turn
	socialOffMoment = 0.3 // share of its text score a greeting or closing keeps when the moment calls for more
)

// segmented caches the segmentation of lexicon search words: they are few
// and come back on every turn that raises their nudge.
var segmented sync.Map // string → []string

// queryWords segments search words from a lexicon into index terms.
func queryWords(words []string) []string {
	var out []string
	for _, w := range words {
		v, ok := segmented.Load(w)
		if !ok {
			v, _ = segmented.LoadOrStore(w, segment.Words(w))
		}
		out = append(out, v.([]string)...)
	}
	return out
}

// termSet gathers weighted query terms, keeping each term's highest weight,
// in the order first added. A turn has a few dozen terms at most, so a
// look along the list costs less than a map.
type termSet struct {
	list []index.Term
}

func (ts *termSet) add(words []string, boost float64) {
	if ts.list == nil {
		ts.list = make([]index.Term, 0, 32)
	}
next:
	for _, w := range words {
		if w == "" {
			continue
		}
		for i := range ts.list {
			if ts.list[i].Text == w {
				ts.list[i].Boost = max(ts.list[i].Boost, boost)
				continue next
			}
		}
		ts.list = append(ts.list, index.Term{Text: w, Boost: max(boost, 0)})
	}
}

func (ts *termSet) terms() []index.Term { return ts.list }

// scored is a candidate document and its score so far.
type scored struct {
	id    string
	score float64
}

// normalized searches and scales BM25 so the best hit scores 1.
func normalized(k *knowledge, kind index.Kind, terms []index.Term, size int) (map[string]float64, error) {
	hits, err := k.index.Search(kind, terms, size)
	if err != nil {
		return nil, err
	}
	out := make(map[string]float64, len(hits))
	if len(hits) == 0 || hits[0].Score <= 0 {
		return out, nil
	}
	for _, h := range hits {
		out[h.ID] = h.Score / hits[0].Score
	}
	return out, nil
}

// best sorts candidates by score, ties by their order in the shop, and keeps n.
func best(scores map[string]float64, order map[string]int, n int) []scored {
	out := make([]scored, 0, len(scores))
	for id, s := range scores {
		out = append(out, scored{id, s})
	}
	slices.SortFunc(out, func(a, b scored) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return order[a.id] - order[b.id]
	})
	if len(out) > n {
		out = out[:n]
	}
	return out
}

// rank fills the products, rules and phrases of s, and the rule each nudge cites.
func (e *Engine) rank(k *knowledge, c *state, t Turn, found []cues.Cue, ns []raised, s *Suggestions) error {
	words := segment.Words(t.Text)
	var ts termSet
	ts.add(words, 1)
	if t.Role == Agent && c.lastBuyer != "" {
		ts.add(segment.Words(c.lastBuyer), boostContext)
	}
	scenes := map[string]float64{}
	askShipping := false
	for _, n := range ns {
		ts.add(queryWords(n.query), boostNudgeQuery)
		for i, sc := range n.scenes {
			scenes[sc] = max(scenes[sc], sceneBonus(i))
		}
	}
	for _, cue := range found {
		if cue.Kind != cueAskShipping && cue.Kind != cueAfterSale {
			continue
		}
		askShipping = askShipping || cue.Kind == cueAskShipping
		cat, _ := e.cues.Category(cue.Kind, cue.Category)
		ts.add(queryWords(cat.Query), boostCueQuery)
		for i, sc := range cat.Scenes {
			scenes[sc] = max(scenes[sc], sceneBonus(i)*0.8)
		}
	}
	if askShipping && k.presale[c.product] {
		ts.add(queryWords(k.terms.PreSaleQuery), boostPreSale)
	}
	if askShipping {
		// A made-to-order product's own marker words (定制, 刻字 …) find
		// the phrase that explains its lead time.
		ts.add(queryWords(k.madeToOrder[c.product]), boostPreSale)
	}
	terms := ts.terms()

	if err := e.rankProducts(k, c, t, terms, s); err != nil {
		return err
	}
	if err := e.rankRules(k, terms, ns, s); err != nil {
		return err
	}
	return e.rankPhrases(k, c, terms, ns, scenes, s)
}

func sceneBonus(i int) float64 {
	if i == 0 {
		return bonusScene
	}
	return bonusSceneAlso
}

func (e *Engine) rankProducts(k *knowledge, c *state, t Turn, terms []index.Term, s *Suggestions) error {
	scores, err := normalized(k, index.Product, terms, candidates)
	if err != nil {
		return err
	}
	folded := fold.String(t.Text)
	for _, id := range k.mentioned(folded) {
		scores[id] += bonusNamed
	}
	if c.product != "" {
		scores[c.product] += bonusInView
	}
	s.Products = make([]ProductHit, 0, topN)
	for _, h := range best(scores, k.productPos, topN) {
		p, ok := k.shop.Product(h.id)
		if !ok {
			continue
		}
		s.Products = append(s.Products, ProductHit{ID: p.ID, Title: p.Title, Price: p.Price,
			ShipTime: phrases.ShipTimeFor(k.shop, k.shop.ShipHours(p)), Facts: k.relevantFacts(p, terms),
			InView: p.ID == c.product, Score: h.score})
	}
	return nil
}

// relevantFacts lists a product's facts, those the turn asks about first.
func (k *knowledge) relevantFacts(p *kb.Product, terms []index.Term) []Fact {
	facts := make([]Fact, 0, len(p.Facts))
	var rest []Fact
	for i, text := range k.foldedFacts(p) {
		f := p.Facts[i]
		hit := false
		for _, t := range terms {
			if t.Boost >= 1 && len(t.Text) > 3 && strings.Contains(text, t.Text) {
				hit = true
				break
			}
		}
		if hit {
			facts = append(facts, Fact{f.Name, f.Value})
		} else {
			rest = append(rest, Fact{f.Name, f.Value})
		}
	}
	return append(facts, rest...)
}

// foldedFacts is each fact of p, name and value, folded as the index folds
// text; worked out once per product and knowledge.
func (k *knowledge) foldedFacts(p *kb.Product) []string {
	if v, ok := k.facts.Load(p.ID); ok {
		return v.([]string)
	}
	out := make([]string, len(p.Facts))
	for i, f := range p.Facts {
		out[i] = fold.String(f.Name + " " + f.Value)
	}
	k.facts.Store(p.ID, out)
	return out
}

func (e *Engine) rankRules(k *knowledge, terms []index.Term, ns []raised, s *Suggestions) error {
	scores, err := normalized(k, index.Rule, terms, candidates)
	if err != nil {
		return err
	}
	for i := range ns {
		if len(ns[i].query) == 0 {
			continue
		}
		id, err := k.ruleFor(ns[i].query)
		if err != nil {
			return err
		}
		if r, ok := k.shop.Rule(id); ok {
			scores[id] += bonusNudgeRule
			ns[i].Rule = &RuleRef{ID: r.ID, Title: r.Title, Source: r.Source, Articles: articlesOf(r.Source)}
		}
	}
	s.Rules = make([]RuleHit, 0, topN)
	for _, h := range best(scores, k.rulePos, topN) {
		if r, ok := k.shop.Rule(h.id); ok {
			s.Rules = append(s.Rules, RuleHit{ID: r.ID, Title: r.Title, Source: r.Source, Text: r.Text, Score: h.score,
				Articles: articlesOf(r.Source)})
		}
	}
	return nil
}

// rankPhrases searches the phrases for the turn's terms and picks those to
// show; an upsell nudge offers the first.
func (e *Engine) rankPhrases(k *knowledge, c *state, terms []index.Term, ns []raised,
	scenes map[string]float64, s *Suggestions) error {
	matched, err := normalized(k, index.Phrase, terms, candidates*2)
	if err != nil {
		return err
	}
	prefer, avoid := map[string]bool{}, map[kb.Scene]bool{}
	var tagged []int
	for _, n := range ns {
		if n.prefer != "" {
			prefer[n.prefer] = true
		}
		tagged = append(tagged, k.tagged[n.Kind+"."+n.Category]...)
		for _, sc := range n.avoid {
			avoid[kb.Scene(sc)] = true
		}
	}
	s.Phrases = k.pickPhrases(c.product, c.people(), matched, scenes, prefer, avoid, tagged)
	for i := range ns {
		if ns[i].Kind == NudgeUpsell && ns[i].Suggested == "" && len(s.Phrases) > 0 {
			ns[i].Suggested = s.Phrases[0].Text
		}
	}
	return nil
}

// pickPhrases picks the topN phrases for the product in view from those the
// search matched (id → text score) and those that fit the moment's scenes.
//
// A phrase's score is known before it is filled: its text score (for a
// phrase the search found), its scene's bonus (a share of it for a phrase the
// search did not find), the bonus for holding a placeholder the moment
// prefers, and the bonus for saying a raised nudge's category (tagged, in
// shop order). So candidates are taken best first, ties in shop order, and filled
// one by one until topN can be shown; a phrase its product cannot fill, or
// whose premise the product in view contradicts, is passed over, and so is
// every phrase of a scene the moment avoids. Phrases that only fit the scene
// all score the same within their scene, so they are taken in shop order from
// the knowledge's lists, never all looked at. Phrases are filled with the
// people of the chat as well as the product.
func (k *knowledge) pickPhrases(productID string, people phrases.People, matched, scenes map[string]float64,
	prefer map[string]bool, avoid map[kb.Scene]bool, tagged []int) []PhraseHit {
	// tagged is the caller's own: sorted in place to shop order, each once,
	// and searched rather than copied into a set (a big shop tags hundreds).
	slices.Sort(tagged)
	tagged = slices.Compact(tagged)
	says := func(i int) bool {
		_, ok := slices.BinarySearch(tagged, i)
		return ok
	}
	prefers := func(i int) bool {
		for _, name := range k.placeholders[i] {
			if prefer[name] {
				return true
			}
		}
		return false
	}

	// The phrases the search found, with their whole score.
	found := make([]phraseCandidate, 0, len(matched))
	isFound := make(map[int]bool, len(matched))
	for id, text := range matched {
		i, ok := k.phrasePos[id]
		if !ok {
			continue // not in the shop: an index out of step with it
		}
		ph := &k.shop.Phrases[i]
		if avoid[ph.Scene] {
			continue // a moment that rules the scene out (no review request beside 好评返现)
		}
		bonus := scenes[string(ph.Scene)]
		if bonus == 0 && len(scenes) > 0 && social(ph.Scene) {
			// A greeting or a goodbye is not the answer to a complaint, a
			// bargain or a shipping question, whatever product word it
			// shares with the turn.
			text *= socialOffMoment
		}
		if prefers(i) {
			bonus += bonusPrefer
		}
		if says(i) {
			bonus += bonusTagged
		}
		found = append(found, phraseCandidate{i: i, score: text + bonus})
		isFound[i] = true
	}
	slices.SortFunc(found, func(a, b phraseCandidate) int {
		if a.before(b) {
			return -1
		}
		if b.before(a) {
			return 1
		}
		return 0
	})

	// The phrases that only fit the moment's scenes: one run per scene and
	// kind, each run of equal score, in shop order.
	var runs []*phraseRun
	for scene, bonus := range scenes {
		if bonus == 0 || avoid[kb.Scene(scene)] {
			continue
		}
		// Fitting the moment without a word in common with it is a weak
		// sign: such a phrase fills a gap but never displaces one that
		// speaks to what was said.
		bonus *= sceneOnly
		runs = append(runs, &phraseRun{list: k.sceneList[scene], score: bonus,
			skip: func(i int) bool { return isFound[i] || prefers(i) || says(i) }})
		for name := range prefer {
			if list := k.scenePlaceholder[scene][name]; len(list) > 0 {
				runs = append(runs, &phraseRun{list: list, score: bonus + bonusPrefer,
					skip: func(i int) bool { return isFound[i] || says(i) }})
			}
		}
	}

	// The phrases that say a raised nudge's category, whatever the scene:
	// one run per scene and preference, each of equal score.
	type tagRun struct {
		scene  kb.Scene
		prefer bool
	}
	byRun := map[tagRun][]int{}
	for _, i := range tagged {
		if ph := &k.shop.Phrases[i]; !avoid[ph.Scene] && !isFound[i] {
			key := tagRun{ph.Scene, prefers(i)}
			byRun[key] = append(byRun[key], i)
		}
	}
	for key, list := range byRun {
		score := scenes[string(key.scene)]*sceneOnly + bonusTagged
		if key.prefer {
			score += bonusPrefer
		}
		runs = append(runs, &phraseRun{list: list, score: score, skip: func(int) bool { return false }})
	}

	product, _ := k.shop.Product(productID)
	taken := make(map[int]bool, topN)
	hits := make([]PhraseHit, 0, topN)
	for len(hits) < topN {
		next, from := phraseCandidate{i: -1}, -1
		if len(found) > 0 {
			next = found[0]
		}
		for r, run := range runs {
			if h, ok := run.head(); ok && (next.i < 0 || h.before(next)) {
				next, from = h, r
			}
		}
		if next.i < 0 {
			break
		}
		if from < 0 {
			found = found[1:]
		} else {
			runs[from].pos++
		}
		if taken[next.i] || k.contradicts(productID, next.i) {
			continue
		}
		taken[next.i] = true
		ph := &k.shop.Phrases[next.i]
		text, missing := phrases.FillFor(k.shop, product, people, ph.Text)
		if len(missing) > 0 {
			continue // never shown with a raw {…}
		}
		hits = append(hits, PhraseHit{ID: ph.ID, Scene: string(ph.Scene), Title: ph.Title,
			Text: text, Score: next.score})
	}
	return hits
}

// phraseCandidate is phrase i of the shop and its score.
type phraseCandidate struct {
	i     int
	score float64
}

// before orders candidates best first, ties in shop order.
func (a phraseCandidate) before(b phraseCandidate) bool {
	if a.score != b.score {
		return a.score > b.score
	}
	return a.i < b.i
}

// phraseRun is a list of phrases in shop order that all score the same,
// less those skip leaves out.
type phraseRun struct {
	list  []int
	pos   int
	score float64
	skip  func(int) bool
}

func (r *phraseRun) head() (phraseCandidate, bool) {
	for r.pos < len(r.list) && r.skip(r.list[r.pos]) {
		r.pos++
	}
	if r.pos == len(r.list) {
		return phraseCandidate{}, false
	}
	return phraseCandidate{i: r.list[r.pos], score: r.score}, true
}

// social reports whether phrases of scene are formulas of politeness.
func social(scene kb.Scene) bool { return scene == kb.SceneGreeting || scene == kb.SceneClosing }

// positions maps ids to their order in the shop.
func positions(n int, id func(int) string) map[string]int {
	m := make(map[string]int, n)
	for i := 0; i < n; i++ {
		m[id(i)] = i
	}
	return m
}

// taggedPhrases finds, for each nudge category, the shop's phrases whose
// title or a tag the lexicon reads as that category in a buyer's mouth: a
// phrase tagged 分层 speaks to the complaint 水是水油是油 raises, though
// they share no word. Each list is in shop order.
func taggedPhrases(shop *kb.Shop, lex *cues.Lexicon) map[string][]int {
	out := map[string][]int{}
	for i := range shop.Phrases {
		ph := &shop.Phrases[i]
		seen := map[string]bool{}
		for _, said := range append([]string{ph.Title}, ph.Tags...) {
			for _, c := range lex.Detect(string(Buyer), said) {
				cat := string(c.Kind) + "." + c.Category
				if nudgeKind(Buyer, c.Kind) && !seen[cat] {
					seen[cat] = true
					out[cat] = append(out[cat], i)
				}
			}
		}
	}
	return out
}
