package kb

import (
	"encoding/json"
	"time"
)

// Role is what a person may do in assist.
type Role string

const (
	RoleAgent   Role = "agent"   // answers buyers, sees the panel
	RoleAdmin   Role = "admin"   // edits phrases and adds people
	RoleManager Role = "manager" // reviews how suggestions are used
)

// Roles lists every valid role.
var Roles = []Role{RoleAgent, RoleAdmin, RoleManager}

// Valid reports whether r is one of Roles.
func (r Role) Valid() bool { return r == RoleAgent || r == RoleAdmin || r == RoleManager }

// User is a person who logs in. What they may do depends on the shop: their
// role in each shop they belong to is a Membership.
type User struct {
	ID        int64
	Name      string
	Owner     bool // may create shops and grant memberships, server-wide
	CreatedAt time.Time
	Shops     []Membership // read with sessions and logins, shop id order
}

// RoleIn is the user's role in shop, "" when they do not belong to it.
func (u *User) RoleIn(shop int64) Role {
	for _, m := range u.Shops {
		if m.ShopID == shop {
			return m.Role
		}
	}
	return ""
}

// ShopInfo names a shop in the store. Version counts the changes of its
// knowledge, so every server can tell when its copy is stale.
type ShopInfo struct {
	ID      int64
	Name    string
	Version int64
}

// Membership is a person's role in one shop.
type Membership struct {
	ShopID   int64
	ShopName string
	Role     Role
}

// Session is a logged-in user's browser session.
type Session struct {
	User      User
	CreatedAt time.Time
	ExpiresAt time.Time
}

// SessionShop asks what role a session's person holds in one shop: the
// check an open socket's caller passes again at every ping.
type SessionShop struct {
	Session string // the session id, as the cookie holds it
	Shop    int64
}

// APIToken lets a chat platform integration post turns and listen to them,
// in exactly one shop.
type APIToken struct {
	ID        int64
	Shop      int64
	Name      string
	CreatedAt time.Time
}

// StoredTurn is one turn of a conversation as it was recorded, with the
// suggestion set that was sent for it.
type StoredTurn struct {
	Shop         int64
	Conversation string
	Index        int // 0-based, the same index the suggestion set carries
	Role         string
	Text         string
	Product      string
	At           time.Time
	PostedBy     string          // the user or token that posted it
	Suggestions  json.RawMessage // the suggestion set exactly as it was sent
	// IdempotencyKey is the key the poster sent with the turn ("" for
	// none); the store keeps it with the turn, so a retry finds the turn.
	IdempotencyKey string
	BuyerName      string // the buyer's name, if the platform gave it with this turn
	Assignee       string // the agent the conversation is with, if this turn says
}

// ConversationSummary is a line of the conversation list.
type ConversationSummary struct {
	ID        string
	Turns     int
	LastText  string
	UpdatedAt time.Time
	BuyerName string // the latest the platform gave; "" if never
	Product   string // the product in view at the latest turn that named one
	Assignee  string // the agent it is with; "" if none yet
}

// Action is what happened to a suggestion.
type Action string

const (
	ActionShown     Action = "shown"     // pushed to an agent's panel
	ActionUsed      Action = "used"      // copied or inserted
	ActionDismissed Action = "dismissed" // closed by the agent
)

// Valid reports whether a is one of the three actions.
func (a Action) Valid() bool {
	return a == ActionShown || a == ActionUsed || a == ActionDismissed
}

// Suggestion kinds an event can be about.
const (
	SuggestionProduct = "product"
	SuggestionRule    = "rule"
	SuggestionPhrase  = "phrase"
	SuggestionNudge   = "nudge"
)

// ValidSuggestionKind reports whether k is one of the suggestion kinds.
func ValidSuggestionKind(k string) bool {
	return k == SuggestionProduct || k == SuggestionRule || k == SuggestionPhrase || k == SuggestionNudge
}

// Event records what an agent saw or did with one suggestion, for the
// managers' review.
type Event struct {
	Shop         int64
	Conversation string
	Turn         int
	Agent        string // the user's name, always from the session
	SuggestionID string
	Kind         string
	Action       Action
	At           time.Time
	Typed        bool // a use found in the agent's text (phrases/usage), not clicked
	Edited       bool // a use sent with changes
}

// SuggestionStats counts what happened to one suggestion.
type SuggestionStats struct {
	SuggestionID string
	Kind         string
	Shown        int
	Used         int
	Dismissed    int
}

// UseRate is used / shown, 0 when the suggestion was never shown.
func (s SuggestionStats) UseRate() float64 {
	if s.Shown == 0 {
		return 0
	}
	return float64(s.Used) / float64(s.Shown)
}
