package assistant

import (
	"assist/kb"
	"assist/kb/fold"
	"assist/phrases"
)

// Conversation is what the engine remembers of one chat between turns. Its
// owner (the Desk, or a test) hands it to the engine one turn at a time.
type Conversation struct {
	ID string
	state
}

// NewConversation starts a chat with nothing remembered.
func NewConversation(id string) *Conversation { return &Conversation{ID: id} }

// Turns is how many turns the conversation has taken in.
func (c *Conversation) Turns() int { return c.turns }

// state is what the engine remembers of a chat between turns.
type state struct {
	turns     int
	product   string // the product in view: given by the platform or named lately
	afterSale bool   // a complaint or after-sale request was seen: no upsell from then on
	complaint string // the evidence category of the buyer's latest turn, "" if it raised none
	lastBuyer string // the buyer's latest words, context for the agent's reply
	buyerName string // the buyer's name on the platform, once given
	agentName string // the agent the conversation is with, once known
}

// observe takes a turn into the conversation's state: a complaint either
// layer raised, or an after-sale request, ends upselling for the chat.
func (c *state) observe(k *knowledge, rd reading, t Turn) {
	c.turns++
	c.product = c.productAfter(k, t)
	for _, cue := range rd.found {
		if cue.Kind == cueAfterSale {
			c.afterSale = true
		}
	}
	if t.Role == Buyer {
		c.lastBuyer = t.Text
		c.complaint = rd.complaint()
		c.afterSale = c.afterSale || c.complaint != ""
	}
	if t.BuyerName != "" {
		c.buyerName = t.BuyerName
	}
	if t.Assignee != "" {
		c.agentName = t.Assignee
	}
}

// people are the chat's two sides as far as known, for {买家} and {客服}.
func (c *state) people() phrases.People {
	return phrases.People{Buyer: c.buyerName, Agent: c.agentName}
}

// BuyerName is the buyer's name as the platform last gave it; "" if never.
func (c *Conversation) BuyerName() string { return c.buyerName }

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

// valid checks a turn against the knowledge: a known role, and a product the
// shop sells. It is the one place turns are validated against the shop.
func (k *knowledge) valid(t Turn) error {
	if !t.Role.Valid() {
		return kb.Errorf(kb.EInvalid, "role %q: want buyer or agent", clipText(string(t.Role)))
	}
	if t.Product != "" {
		if _, ok := k.shop.Product(t.Product); !ok {
			return kb.Errorf(kb.EInvalid, "product %q: no such product in shop %q", clipText(t.Product), k.shop.Name)
		}
	}
	return nil
}

// clipText shortens a caller's value quoted back in an error.
func clipText(s string) string {
	const max = 64
	if len(s) <= max {
		return s
	}
	for i := max; i > 0; i-- {
		if s[i]&0xC0 != 0x80 {
			return s[:i] + "…"
		}
	}
	return ""
}
