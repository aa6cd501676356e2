package kb

import (
	"strings"
	"time"
)

// What a shop teaches the engine beyond the built-in lexicon: agents flag
// turns ("should have nudged …", "this nudge is wrong"), a knowledge admin
// accepts a flag as a labelled example or as a cue word, and the shop's next
// turn uses it. Nothing here reaches another shop.

// FlagKind says what an agent thinks the panel got wrong.
type FlagKind string

const (
	FlagMissed FlagKind = "missed" // the turn should have raised a nudge
	FlagWrong  FlagKind = "wrong"  // the nudge it raised does not fit
)

// Flag statuses.
const (
	FlagOpen     = "open"
	FlagAccepted = "accepted"
	FlagRejected = "rejected"
)

// Flag is one agent's report on one turn, waiting for an admin.
type Flag struct {
	ID           int64
	Shop         int64
	Conversation string
	Turn         int
	Kind         FlagKind
	Category     string // a cue category, "kind.name": evidence.missing, upsell.bargain …
	Role         string // of the flagged turn
	Text         string // the flagged turn's text, as stored
	FlaggedBy    string
	At           time.Time
	Status       string
	DecidedBy    string
	LearnedAs    string // "example" or "cue" once accepted
}

// FlagDecision is what an admin does with a flag.
type FlagDecision struct {
	Accept bool
	As     string // "example" (the flagged line) or "cue" (Word, a part of it)
	Word   string
	By     string
}

// Example is a labelled line of one shop: a turn that must raise its
// category (Positive) or must not.
type Example struct {
	Category string
	Role     string
	Text     string
	Positive bool
}

// ShopCue is a cue word a shop adds to a category, or (Enabled false) a
// built-in cue word it turns off.
type ShopCue struct {
	Word     string
	Category string
	Enabled  bool
}

// Lessons are everything a shop has taught: its examples and cue words.
type Lessons struct {
	Examples []Example
	Cues     []ShopCue
}

// SplitCategory splits "evidence.missing" into kind and name.
func SplitCategory(c string) (kind, name string, ok bool) {
	kind, name, ok = strings.Cut(c, ".")
	return kind, name, ok && kind != "" && name != ""
}
