package assistant

import (
	"strings"

	"assist/assistant/cues"
	"assist/kb"
	"assist/kb/fold"
	"assist/phrases/usage"
)

// sameLine is how alike (character-bigram Dice, after folding) a turn must be
// to a shop's labelled example to count as that example said again.
const sameLine = 0.8

// lessons is what one shop has taught the engine, ready for turns: cue words
// it added or turned off, and lines it labelled. They adjust what the
// lexicon found, and only in that shop. The rule: the lexicon's cues stand
// unless the shop turned off every word that raised one, or a turn is a line
// the shop labelled "this nudge is wrong"; a shop's own cue word or a line
// it labelled "should have nudged" adds the category when the lexicon did
// not raise it.
type lessons struct {
	added    []learnedWord
	disabled map[string][]string // category → folded words the shop turned off
	examples []learnedLine
}

type learnedWord struct {
	word, folded string
	kind         cues.Kind
	name         string
}

type learnedLine struct {
	text     string
	kind     cues.Kind
	name     string
	role     string
	positive bool
}

// newLessons keeps the entries whose category the lexicon knows; the rest
// (a category since removed from the lexicon) are skipped.
func newLessons(l kb.Lessons, lex *cues.Lexicon) *lessons {
	ls := &lessons{disabled: map[string][]string{}}
	known := func(category string) (cues.Kind, string, bool) {
		kind, name, ok := kb.SplitCategory(category)
		if !ok {
			return "", "", false
		}
		_, ok = lex.Category(cues.Kind(kind), name)
		return cues.Kind(kind), name, ok
	}
	for _, c := range l.Cues {
		kind, name, ok := known(c.Category)
		folded := fold.String(strings.TrimSpace(c.Word))
		if !ok || folded == "" {
			continue
		}
		if c.Enabled {
			ls.added = append(ls.added, learnedWord{word: c.Word, folded: folded, kind: kind, name: name})
		} else {
			ls.disabled[c.Category] = append(ls.disabled[c.Category], folded)
		}
	}
	for _, e := range l.Examples {
		if kind, name, ok := known(e.Category); ok {
			ls.examples = append(ls.examples, learnedLine{text: e.Text, kind: kind, name: name, role: e.Role, positive: e.Positive})
		}
	}
	return ls
}

func (ls *lessons) empty() bool {
	return ls == nil || (len(ls.added) == 0 && len(ls.disabled) == 0 && len(ls.examples) == 0)
}

// Lesson says which of a shop's lessons changed a turn's cues, for the
// admin's tester.
type Lesson struct {
	Category string `json:"category"`
	Effect   string `json:"effect"` // added or removed
	By       string `json:"by"`     // the word or the labelled line
}

// adjust applies the shop's lessons to the cues the lexicon found in a turn
// of role, returning the cues and what changed them. found is not modified.
func (ls *lessons) adjust(role, text string, found []cues.Cue) ([]cues.Cue, []Lesson) {
	if ls.empty() {
		return found, nil
	}
	out := make([]cues.Cue, 0, len(found)+1)
	var why []Lesson
	folded := fold.String(text)
	has := func(kind cues.Kind, name string) bool {
		for _, c := range out {
			if c.Kind == kind && c.Category == name {
				return true
			}
		}
		return false
	}
	similar := func(line string) bool {
		_, dice := usage.Default.Compare(text, line)
		return dice >= sameLine
	}
	// The lexicon's cues, less those the shop has turned off or labelled
	// wrong for a line like this one.
	for _, c := range found {
		category := string(c.Kind) + "." + c.Category
		if len(c.Words) > 0 && ls.allDisabled(category, c.Words) {
			why = append(why, Lesson{Category: category, Effect: "removed", By: strings.Join(c.Words, "、")})
			continue
		}
		if line, ok := ls.example(role, c.Kind, c.Category, false, similar); ok {
			why = append(why, Lesson{Category: category, Effect: "removed", By: line})
			continue
		}
		out = append(out, c)
	}
	// The shop's own words and labelled lines.
	for _, w := range ls.added {
		if roleOf(w.kind) == role && !has(w.kind, w.name) && strings.Contains(folded, w.folded) {
			out = append(out, cues.Cue{Kind: w.kind, Category: w.name, Words: []string{w.word}})
			why = append(why, Lesson{Category: string(w.kind) + "." + w.name, Effect: "added", By: w.word})
		}
	}
	for _, e := range ls.examples {
		if e.positive && e.role == role && !has(e.kind, e.name) && similar(e.text) {
			out = append(out, cues.Cue{Kind: e.kind, Category: e.name, Words: []string{e.text}})
			why = append(why, Lesson{Category: string(e.kind) + "." + e.name, Effect: "added", By: e.text})
		}
	}
	return out, why
}

// allDisabled reports whether every word that raised a cue holds a word the
// shop turned off for its category (能便宜点 holds 便宜点): the lexicon
// reports the words of the text, which may be longer than its own entry.
func (ls *lessons) allDisabled(category string, words []string) bool {
	off := ls.disabled[category]
	if len(off) == 0 {
		return false
	}
	for _, w := range words {
		fw := fold.String(w)
		hit := false
		for _, o := range off {
			if strings.Contains(fw, o) {
				hit = true
				break
			}
		}
		if !hit {
			return false
		}
	}
	return true
}

// example finds a labelled line of role for the category, of the given
// sign, that the turn repeats.
func (ls *lessons) example(role string, kind cues.Kind, name string, positive bool, similar func(string) bool) (string, bool) {
	for _, e := range ls.examples {
		if e.positive == positive && e.role == role && e.kind == kind && e.name == name && similar(e.text) {
			return e.text, true
		}
	}
	return "", false
}

// roleOf is whose turns a kind of cue is read in.
func roleOf(k cues.Kind) string {
	if k == cues.Admission || k == cues.Wording {
		return string(Agent)
	}
	return string(Buyer)
}

// detect is what a turn says: the lexicon's cues, adjusted by the shop's
// lessons.
func (e *Engine) detect(k *knowledge, role, text string) ([]cues.Cue, []Lesson) {
	return k.lessons.adjust(role, text, e.cues.Detect(role, text))
}

// Try answers a line as a turn of role in a fresh conversation, recording
// nothing, and says which of the shop's lessons changed it: the knowledge
// admin's tester.
func (e *Engine) Try(role Role, text string, product string) (*Suggestions, []Lesson, error) {
	e.mu.RLock()
	defer e.mu.RUnlock()
	know := e.know
	t := Turn{Role: role, Text: text, Product: product, At: e.now()}
	if err := know.valid(t); err != nil {
		return nil, nil, err
	}
	_, why := e.detect(know, string(role), text)
	s, err := e.answer(know, NewConversation("try"), t, false)
	return s, why, err
}
