package cues

import (
	_ "embed"
	"fmt"
	"os"
	"sync"
)

//go:embed lexicon.txt
var defaultLexicon []byte

// Lexicon is a parsed cue file: the categories, their cue rules, the
// function words that cancel or confirm a cue, and one matcher over all of
// them. It is read-only once parsed and safe for concurrent use.
type Lexicon struct {
	cats   []category
	byName map[Kind]map[string]int // kind → category name → index in cats
	elems  []element
	rules  []rule
	first  [][]int32 // element id → rules whose first term starts with it
	trie   matcher
}

// category is a Category with the mechanism's settings for it.
type category struct {
	Category
	checks check
	block  []Kind // kinds that, found in the same turn, cancel this category
	role   string
}

// check names what may cancel a cue of a category.
type check uint8

const (
	checkNegation  check = 1 << iota // 没有破损吧
	checkQuestion                    // 会掉色吗
	checkCondition                   // 如果掉色的话
)

var checkNames = map[string]check{
	"negation":  checkNegation,
	"question":  checkQuestion,
	"condition": checkCondition,
}

// class is what a matched word is: part of a cue rule, or a function word.
type class uint8

const (
	cRule class = iota
	cNegation
	cFiller
	cOrdinary
	cQuestion
	cQuestionEnd
	cCondition
	cConditionAfter
	cModal
	cRhetorical
	cFact
	cTrailing
	cRetraction
	nClasses
)

// functionSections maps the function-word sections to their class; the
// class's element id is the class itself.
var functionSections = map[string]class{
	"negation":        cNegation,
	"filler":          cFiller,
	"ordinary":        cOrdinary,
	"question":        cQuestion,
	"question_end":    cQuestionEnd,
	"condition":       cCondition,
	"condition_after": cConditionAfter,
	"modal":           cModal,
	"rhetorical":      cRhetorical,
	"fact":            cFact,
	"trailing":        cTrailing,
	"retraction":      cRetraction,
}

// element is one thing the matcher reports: a function-word class, or one
// link of a cue rule's chain.
type element struct {
	class class
	rule  int32 // index in rules when class is cRule
}

// rule is one cue line: terms that must all appear in the message; each term
// a chain of elements that follow one another in a sentence.
type rule struct {
	cat   int
	terms [][]int32
	line  int
}

var (
	defaultOnce sync.Once
	defaultLex  *Lexicon
)

// Default is the embedded lexicon.txt, parsed once.
func Default() *Lexicon {
	defaultOnce.Do(func() {
		lex, err := Parse("lexicon.txt", defaultLexicon)
		if err != nil {
			panic("cues: embedded " + err.Error())
		}
		defaultLex = lex
	})
	return defaultLex
}

// Load reads an admin's lexicon file; errors name file:line.
func Load(path string) (*Lexicon, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load cue lexicon: %w", err)
	}
	return Parse(path, data)
}

// Category is the metadata of one category.
func (l *Lexicon) Category(kind Kind, name string) (Category, bool) {
	i, ok := l.byName[kind][name]
	if !ok {
		return Category{}, false
	}
	return l.cats[i].Category, true
}

// Categories lists every category in file order.
func (l *Lexicon) Categories() []Category {
	out := make([]Category, len(l.cats))
	for i, c := range l.cats {
		out[i] = c.Category
	}
	return out
}
