package assistant

import (
	"strings"

	"assist/assistant/cues"
	"assist/assistant/promise"
	"assist/kb/index"
	"assist/phrases"
)

// Cue kinds the engine acts on (see cues/lexicon.txt).
const (
	cueUpsell      = cues.Kind("upsell")
	cueEvidence    = cues.Kind("evidence")
	cueAdmission   = cues.Kind("admission")
	cueWording     = cues.Kind("wording")
	cueAskShipping = cues.Kind("ask_shipping")
	cueAfterSale   = cues.Kind("after_sale")
)

// raised is a nudge with what ranking needs to know of it.
type raised struct {
	Nudge
	query  []string // words to find its rule and phrases
	scenes []string // phrase scenes that fit it, best first
	prefer string   // the placeholder a fitting phrase holds, if any
}

// nudges decides what this turn calls for. Buyer turns raise upsell and
// evidence; agent turns raise shipping_promise, admission and wording.
func (e *Engine) nudges(k *knowledge, c *state, t Turn, found []cues.Cue) []raised {
	var out []raised
	evidenceNow := false
	for _, cue := range found {
		if cue.Kind == cueEvidence {
			evidenceNow = true
		}
	}
	for _, cue := range found {
		cat, _ := e.cues.Category(cue.Kind, cue.Category)
		r := raised{query: cat.Query, scenes: cat.Scenes}
		r.Kind = string(cue.Kind)
		r.Category = cue.Category
		r.Label = cat.Label
		r.Triggers = cue.Words
		r.Action = cat.Action
		switch {
		case t.Role == Buyer && cue.Kind == cueEvidence:
			r.Reason = "买家反馈" + cat.Label + ":" + quote(cue.Words) + ",先取证再处理,核实前不要认责"
		case t.Role == Buyer && cue.Kind == cueUpsell:
			if c.afterSale || evidenceNow {
				continue // never upsell into a complaint
			}
			r.Reason = cat.Label + ":" + quote(cue.Words) + ",用套餐、搭配或包邮门槛代替直接降价"
			r.prefer = e.terms.Prefer[cue.Category]
		case t.Role == Agent && cue.Kind == cueAdmission:
			r.Reason = "过早认责:" + quote(cue.Words) + ",凭证核实前不要承认是店铺的问题"
		case t.Role == Agent && cue.Kind == cueWording:
			r.Reason = "绝对化用语:" + quote(cue.Words) + ",广告法禁止,请换成客观描述"
		default:
			continue
		}
		out = append(out, r)
	}
	if t.Role == Agent {
		out = append(out, e.promiseNudges(k, c, t)...)
	}
	return dedupeNudges(out)
}

// promiseNudges checks the agent's time promises against what the product in
// view (or the shop) can guarantee.
func (e *Engine) promiseNudges(k *knowledge, c *state, t Turn) []raised {
	terms := k.shipTerms(c.product)
	var out []raised
	for _, v := range e.promises.Check(t.Text, t.At.In(k.loc), terms) {
		if v.OK {
			continue
		}
		r := raised{query: k.terms.PromiseQuery, scenes: []string{"shipping"}}
		r.Kind = NudgeShippingPromise
		r.Category = string(v.Promise.Kind)
		r.Label = "发货承诺"
		if v.Promise.Kind == promise.Kind("deliver") {
			r.Label = "到货承诺"
		}
		r.Reason = v.Reason
		r.Triggers = []string{v.Promise.Words}
		r.Action = "不要承诺做不到的时间:按发货时效说,到货时间以快递为准"
		r.Suggested = e.safeShipping(k, c.product)
		out = append(out, r)
	}
	return out
}

// safeShipping is the compliant wording for a product: the shop's own
// shipping phrase filled with the product's window (the pre-sale one for a
// pre-sale product), else the engine's default wording.
func (e *Engine) safeShipping(k *knowledge, productID string) string {
	if v, ok := k.shipSafe.Load(productID); ok {
		return v.(string)
	}
	text := e.findSafeShipping(k, productID)
	k.shipSafe.Store(productID, text)
	return text
}

func (e *Engine) findSafeShipping(k *knowledge, productID string) string {
	p, _ := k.shop.Product(productID)
	words := queryWords(k.terms.PromiseQuery)
	if k.presale[productID] {
		words = append(words, queryWords(k.terms.PreSaleQuery)...)
	}
	hits, _ := k.index.Search(index.Phrase, index.Terms(words), 10)
	for _, h := range hits {
		ph, ok := k.shop.Phrase(h.ID)
		if !ok || string(ph.Scene) != "shipping" {
			continue
		}
		if !k.presale[productID] && !strings.Contains(ph.Text, "{"+phrases.ShipTime+"}") {
			continue
		}
		if text, missing := phrases.Fill(k.shop, p, ph.Text); len(missing) == 0 {
			return text
		}
	}
	if text, missing := phrases.Fill(k.shop, p, k.terms.SafeShipping); len(missing) == 0 {
		return text
	}
	return ""
}

// dedupeNudges keeps the first nudge of each kind and category.
func dedupeNudges(in []raised) []raised {
	seen := map[string]bool{}
	out := in[:0]
	for _, r := range in {
		key := r.Kind + "/" + r.Category
		if seen[key] {
			continue
		}
		seen[key] = true
		out = append(out, r)
	}
	return out
}

func quote(words []string) string {
	if len(words) == 0 {
		return ""
	}
	return "“" + strings.Join(words, "”“") + "”"
}
