// Package cues reads what a chat turn says: a buyer bargaining or ready to
// buy, reporting missing, wrong or damaged goods, threatening a bad review
// for money; an agent admitting fault too early or using absolute words the
// Advertising Law forbids; a buyer asking when the parcel ships, or talking
// of returns. The words are data (lexicon.txt, or an admin's copy of it); the
// code holds only the small mechanism that tells a complaint from a pre-sale
// question: negation right before a cue, question forms, conditions, and
// reported facts.
package cues

// Kind is what a cue is about; each kind holds named categories.
type Kind string

// The kinds a lexicon may hold.
const (
	Upsell      Kind = "upsell"       // buyer bargains or is ready to buy
	Evidence    Kind = "evidence"     // buyer reports a problem that needs proof
	Admission   Kind = "admission"    // agent accepts fault before the proof is in
	Wording     Kind = "wording"      // agent uses an absolute claim (广告法 第九条)
	AskShipping Kind = "ask_shipping" // buyer asks when it ships or arrives
	AfterSale   Kind = "after_sale"   // returns, refunds, exchanges
	Policy      Kind = "policy"       // buyer asks for what the platform forbids (好评返现)
)

// kindRole is whose turns each kind is read in.
var kindRole = map[Kind]string{
	Upsell:      "buyer",
	Evidence:    "buyer",
	AskShipping: "buyer",
	AfterSale:   "buyer",
	Policy:      "buyer",
	Admission:   "agent",
	Wording:     "agent",
}

// Cue is one category found in a turn.
type Cue struct {
	Kind     Kind
	Category string   // e.g. "bargain", "missing", "review_extortion"
	Words    []string // the words of the original text that triggered it
}

// Category is what the panel shows for a cue and how the engine finds the
// rule and phrases that go with it.
type Category struct {
	Kind   Kind
	Name   string   // "missing"
	Label  string   // Chinese label, e.g. "少件/漏发"
	Action string   // what to do, one line of Chinese
	Query  []string // words to search the shop's rules and phrases with
	Scenes []string // phrase scenes that fit, best first
	Avoid  []string // phrase scenes never suggested while it stands
}
