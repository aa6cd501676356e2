package assistant

import (
	"sync"

	"assist/assistant/cues"
	"assist/kb/fold"
)

// conversation is one chat; its turns are taken one at a time.
type conversation struct {
	mu sync.Mutex
	id string
	state
}

// state is what the engine remembers of a chat between turns.
type state struct {
	turns     int
	product   string // the product in view: given by the platform or named lately
	afterSale bool   // a complaint or after-sale request was seen: no upsell from then on
	lastBuyer string // the buyer's latest words, context for the agent's reply
}

// observe takes a turn into the conversation's state.
func (c *state) observe(k *knowledge, found []cues.Cue, t Turn) {
	c.turns++
	c.product = c.productAfter(k, t)
	for _, cue := range found {
		if cue.Kind == cueEvidence || cue.Kind == cueAfterSale {
			c.afterSale = true
		}
	}
	if t.Role == Buyer {
		c.lastBuyer = t.Text
	}
}

// productAfter is the product in view once t is taken in: the platform's word
// first, then a product the buyer names (the one in view wins a tie), else the
// one already in view. An agent naming a product (a pairing, say) does not
// change what the buyer is looking at.
func (c *state) productAfter(k *knowledge, t Turn) string {
	if t.Product != "" {
		return t.Product
	}
	if t.Role != Buyer {
		return c.product
	}
	named := k.mentioned(fold.String(t.Text))
	if len(named) == 0 {
		return c.product
	}
	if contains(named, c.product) {
		return c.product
	}
	return named[0]
}
