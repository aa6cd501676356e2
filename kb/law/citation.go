package law

import (
	"errors"
	"strings"
)

// Kind says what a cited name stands for.
type Kind string

const (
	// Statute is a law or regulation of the state; Citation.Law is set when
	// the library holds it.
	Statute Kind = "statute"
	// Platform is a platform's own rule (淘宝平台争议处理规则): the platform's
	// text, cited by name and article, not checked.
	Platform Kind = "platform"
	// Shop is the shop's own policy (店铺售后规范), cited by name.
	Shop Kind = "shop"
	// Named is any other source, cited by name.
	Named Kind = "named"
)

// Errors a citation may fail with; test them with errors.Is.
var (
	ErrUnknownLaw = errors.New("unknown law")
	ErrNoArticle  = errors.New("no such article")
	ErrNoClause   = errors.New("no such paragraph or item")
	ErrNoLaw      = errors.New("article cited without a law")
)

// Citation is one thing a source cites: a law and one of its articles, or
// a name alone.
type Citation struct {
	Name      string // as written, without 《》
	Kind      Kind
	Law       *Law     // the statute, when the library holds it
	Number    int      // article; 0 when the name is cited alone
	Paragraph int      // 款; 0 when not named
	Item      int      // 项; 0 when not named
	Article   *Article // the article, when Law has it
	// Start and End are byte offsets of the citation in the source: the
	// article reference, or the name when it is cited alone.
	Start, End int
}

// String writes the citation in the form statutes use:
// 《消费者权益保护法》第二十五条第一款第（一）项.
func (c Citation) String() string {
	name := c.Name
	if c.Law != nil {
		name = c.Law.Name
	}
	s := name
	if c.Kind == Statute || c.Kind == Platform || c.Number > 0 {
		s = "《" + name + "》"
	}
	if c.Number > 0 {
		s += Label(c.Number)
	}
	if c.Paragraph > 0 {
		s += "第" + Numeral(c.Paragraph) + "款"
	}
	if c.Item > 0 {
		s += "第（" + Numeral(c.Item) + "）项"
	}
	return s
}

// Note says in a few words how the citation stands, for a person.
func (c Citation) Note() string {
	switch {
	case c.Article != nil:
		return "statute article, text in the library"
	case c.Kind == Platform:
		return "platform rule, cited by name"
	case c.Kind == Shop:
		return "shop's own policy, cited by name"
	case c.Kind == Named:
		return "cited by name"
	}
	return "statute cited by name"
}

// ResolveError is one citation that does not resolve.
type ResolveError struct {
	Citation Citation
	Err      error  // ErrUnknownLaw, ErrNoArticle, ErrNoClause or ErrNoLaw
	Msg      string // for a person
	// Suggest is the statute a misspelt name most likely meant, or nil.
	Suggest *Law
}

func (e *ResolveError) Error() string { return e.Msg }
func (e *ResolveError) Unwrap() error { return e.Err }

// ResolveErrors is every citation of a source that does not resolve.
type ResolveErrors []*ResolveError

func (es ResolveErrors) Error() string {
	msgs := make([]string, len(es))
	for i, e := range es {
		msgs[i] = e.Msg
	}
	return strings.Join(msgs, "; ")
}

// Unwrap lets errors.Is find any of the citations' errors.
func (es ResolveErrors) Unwrap() []error {
	out := make([]error, len(es))
	for i, e := range es {
		out[i] = e
	}
	return out
}
