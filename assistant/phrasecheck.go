package assistant

import (
	"context"
	"strconv"
	"strings"
	"time"

	"assist/phrases"
)

// PhraseIssue is something wrong with a phrase as an agent would send it:
// an absolute word the Advertising Law forbids, or a time promise some
// product cannot keep. The checks are the ones the engine runs on an agent's
// draft, so a phrase the admin saves is one the panel would not flag.
type PhraseIssue struct {
	Kind     string   `json:"kind"`               // NudgeWording or NudgeShippingPromise
	Category string   `json:"category,omitempty"` // the cue category, or ship / deliver
	Words    []string `json:"words"`              // the words at fault
	Reason   string   `json:"reason"`             // one line of Chinese
	Products []string `json:"products,omitempty"` // the products whose terms the promise breaks (at most maxIssueProducts)
	More     int      `json:"more,omitempty"`     // how many more products it breaks
}

// maxIssueProducts bounds the products an issue names; maxPromiseChecks the
// distinct (filled text, shipping terms) pairs a phrase is checked against.
const (
	maxIssueProducts = 5
	maxPromiseChecks = 400
)

// CheckPhrase checks a phrase template of shop for the words and promises
// the panel flags in an agent's draft. With product "", the promise is
// checked for every product the phrase can be filled for (each product's
// own shipping window, pre-sale and made-to-order terms); otherwise for that
// product only.
func (d *Desk) CheckPhrase(ctx context.Context, shop int64, text, product string) ([]PhraseIssue, error) {
	eng, err := d.engine(ctx, shop)
	if err != nil {
		return nil, err
	}
	return eng.CheckPhrase(text, product, d.now()), nil
}

// CheckPhrase is Desk.CheckPhrase on this engine's shop, at time at.
func (e *Engine) CheckPhrase(text, product string, at time.Time) []PhraseIssue {
	k := e.knowledge()
	out := []PhraseIssue{}
	for _, cue := range e.cues.Detect(string(Agent), text) {
		if cue.Kind != cueWording {
			continue
		}
		out = append(out, PhraseIssue{Kind: NudgeWording, Category: cue.Category, Words: cue.Words,
			Reason: "绝对化用语:" + quote(cue.Words) + ",广告法禁止,请换成客观描述"})
	}
	now := at.In(k.loc)
	type check struct {
		text string
		hrs  int
		pre  bool
		mto  bool
	}
	found := map[check][]int{}  // a check done → the issues it raised
	byIssue := map[string]int{} // words + reason → index in out
	judge := func(filled, productID string) {
		terms := k.shipTerms(productID)
		c := check{filled, terms.ShipWithinHours, terms.PreSale, terms.MadeToOrder}
		if done, ok := found[c]; ok || len(found) >= maxPromiseChecks {
			// A product with another's text and terms breaks the same promises.
			for _, i := range done {
				addName(&out[i], productID)
			}
			return
		}
		var raised []int
		for _, v := range e.promises.Check(filled, now, terms) {
			if v.OK {
				continue
			}
			key := v.Promise.Words + "\x00" + v.Reason
			i, ok := byIssue[key]
			if !ok {
				i = len(out)
				byIssue[key] = i
				out = append(out, PhraseIssue{Kind: NudgeShippingPromise, Category: string(v.Promise.Kind),
					Words: []string{v.Promise.Words}, Reason: v.Reason})
			}
			raised = append(raised, i)
			addName(&out[i], productID)
		}
		found[c] = raised
	}
	if product != "" {
		if p, ok := k.shop.Product(product); ok {
			if filled, missing := phrases.Fill(k.shop, p, text); len(missing) == 0 {
				judge(filled, p.ID)
			}
		}
		return out
	}
	if len(k.shop.Products) == 0 {
		if filled, missing := phrases.Fill(k.shop, nil, text); len(missing) == 0 {
			judge(filled, "")
		}
	}
	for i := range k.shop.Products {
		p := &k.shop.Products[i]
		if filled, missing := phrases.Fill(k.shop, p, text); len(missing) == 0 {
			judge(filled, p.ID)
		}
	}
	return out
}

func addName(is *PhraseIssue, id string) {
	if id == "" {
		return
	}
	if len(is.Products) < maxIssueProducts {
		is.Products = append(is.Products, id)
		return
	}
	is.More++
}

// String reads an issue in one line, for logs and tests.
func (is PhraseIssue) String() string {
	s := is.Kind + ": " + is.Reason
	if len(is.Products) > 0 {
		s += " (" + strings.Join(is.Products, ", ")
		if is.More > 0 {
			s += " +" + strconv.Itoa(is.More)
		}
		s += ")"
	}
	return s
}

// CitedArticles is the statute articles a rule's source cites, word for
// word, as the panel shows them beside the rule: the admin's workspace
// shows the same.
func CitedArticles(source string) []Article { return articlesOf(source) }
