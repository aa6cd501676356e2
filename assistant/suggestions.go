// Package assistant turns a live conversation, turn by turn, into nudges and
// the top products, rules and phrases for the agent to use.
package assistant

import (
	"sync"
	"sync/atomic"
	"time"

	"assist/kb/law"
)

// Role says who wrote a turn.
type Role string

const (
	Buyer Role = "buyer"
	Agent Role = "agent"
)

// Valid reports whether r is Buyer or Agent.
func (r Role) Valid() bool { return r == Buyer || r == Agent }

// Nudge kinds. The first three are scored by `assist eval`; admission and
// wording are shown to the agent but never scored.
const (
	NudgeUpsell          = "upsell"
	NudgeEvidence        = "evidence"
	NudgeShippingPromise = "shipping_promise"
	NudgeAdmission       = "admission"
	NudgeWording         = "wording"
)

// Turn is one message of a conversation as it arrives.
type Turn struct {
	Role    Role
	Text    string
	Product string    // id of the product the platform says the buyer is viewing; "" if unknown
	At      time.Time // when it was sent; zero means now

	// The people, where the platform names them; "" keeps what the
	// conversation knew. BuyerName fills {买家}; Assignee is the agent the
	// conversation is with (the one who answered, or the platform's word)
	// and fills {客服}.
	BuyerName string
	Assignee  string
}

// Suggestions is what the panel shows after one turn.
type Suggestions struct {
	Conversation string       `json:"conversation"`
	Turn         int          `json:"turn"` // 0-based index of the turn in its conversation
	Role         Role         `json:"role"`
	Text         string       `json:"text"`
	At           time.Time    `json:"at"`
	Product      string       `json:"product,omitempty"` // product in view after this turn
	Nudges       []Nudge      `json:"nudges"`
	Products     []ProductHit `json:"products"`
	Rules        []RuleHit    `json:"rules"`
	Phrases      []PhraseHit  `json:"phrases"`
}

// Nudge tells the agent that this moment calls for something.
type Nudge struct {
	Kind      string   `json:"kind"`
	Category  string   `json:"category,omitempty"` // e.g. bargain, missing, review_extortion
	Label     string   `json:"label,omitempty"`    // the category in Chinese
	Reason    string   `json:"reason"`             // one line, read at a glance
	Triggers  []string `json:"triggers"`           // the words that raised it
	Action    string   `json:"action"`             // what to do
	Rule      *RuleRef `json:"rule,omitempty"`     // the rule to cite, if any
	Suggested string   `json:"suggested,omitempty"`
	// Why explains a nudge the classifier raised where the lexicon had no
	// word for it: the pieces of the turn that weighed most, with their
	// weights ("没收到 +1.62"), then the nearest labelled lines ("像“…”").
	Why []string `json:"why,omitempty"`
}

// RuleRef names a rule briefly.
type RuleRef struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Source   string    `json:"source"`
	Articles []Article `json:"articles,omitempty"` // the statute articles Source cites, word for word
}

// Article is a statute article a rule's source cites, as the state
// publishes it, so an agent who cites a law can read exactly what it says.
type Article struct {
	Law    string `json:"law"`              // 消费者权益保护法
	Number int    `json:"number"`           // 24
	Label  string `json:"label"`            // 第二十四条
	Clause string `json:"clause,omitempty"` // 第一款第（一）项, when the source names one
	Text   string `json:"text"`             // paragraphs and items one a line
}

// articleCache keeps articlesOf's answers: a shop has a few dozen rule
// sources, each resolved on every turn that shows its rule (5-12 µs).
// Past maxCachedSources (sources edited many times over) it stops growing.
var (
	articleCache     sync.Map // source → []Article, shared: never modified
	articleCacheN    atomic.Int64
	maxCachedSources int64 = 10000
)

// articlesOf resolves the statute articles a rule's source cites, in order,
// each once. Platform rules, the shop's own policies and citations that do
// not resolve have no text to show (the bundle reader reports the last).
func articlesOf(source string) []Article {
	if v, ok := articleCache.Load(source); ok {
		return v.([]Article)
	}
	out := resolveArticles(source)
	if articleCacheN.Load() < maxCachedSources {
		if _, loaded := articleCache.LoadOrStore(source, out); !loaded {
			articleCacheN.Add(1)
		}
	}
	return out
}

func resolveArticles(source string) []Article {
	cites, _ := law.Default().Resolve(source)
	var out []Article
	for _, c := range cites {
		if c.Article == nil {
			continue
		}
		a := Article{Law: c.Law.Name, Number: c.Number, Label: c.Article.Label(), Text: c.Article.Text}
		if c.Paragraph > 0 {
			a.Clause = "第" + law.Numeral(c.Paragraph) + "款"
		}
		if c.Item > 0 {
			a.Clause += "第（" + law.Numeral(c.Item) + "）项"
		}
		if len(out) > 0 && out[len(out)-1].Law == a.Law && out[len(out)-1].Number == a.Number {
			continue
		}
		out = append(out, a)
	}
	return out
}

// ProductHit is a product suggestion with the facts an agent needs.
type ProductHit struct {
	ID       string  `json:"id"`
	Title    string  `json:"title"`
	Price    float64 `json:"price"`
	ShipTime string  `json:"ship_time"` // e.g. 24小时, 15天
	Facts    []Fact  `json:"facts"`
	InView   bool    `json:"in_view,omitempty"`
	Score    float64 `json:"score"`
}

// Fact is one product fact as shown.
type Fact struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// RuleHit is a rule citation.
type RuleHit struct {
	ID       string    `json:"id"`
	Title    string    `json:"title"`
	Source   string    `json:"source"`
	Text     string    `json:"text"`
	Score    float64   `json:"score"`
	Articles []Article `json:"articles,omitempty"` // the statute articles Source cites, word for word
}

// PhraseHit is a recommended phrase, placeholders already filled.
type PhraseHit struct {
	ID    string  `json:"id"`
	Scene string  `json:"scene"`
	Title string  `json:"title"`
	Text  string  `json:"text"`
	Score float64 `json:"score"`
}
