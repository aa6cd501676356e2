package bundle

import (
	"bytes"
	"errors"
	"unicode/utf8"

	"assist/kb/jsonpos"
	"assist/kb/law"
)

// checkSource reports a rule's source that names a statute of the library
// and an article, paragraph or item it does not have, or a statute's name
// misspelt one character away: an agent citing it would cite nothing. A
// law the library lacks, a platform's rule or the shop's own policy is
// cited by name and passes.
func (r *reader) checkSource(v *jsonpos.Value, path, source string) {
	if v == nil || source == "" {
		return
	}
	_, err := law.Default().Resolve(source)
	var es law.ResolveErrors
	if !errors.As(err, &es) {
		return
	}
	for _, e := range es {
		switch {
		case errors.Is(e, law.ErrNoArticle), errors.Is(e, law.ErrNoClause):
		case errors.Is(e, law.ErrUnknownLaw) && e.Suggest != nil:
		default:
			continue
		}
		r.ReportAt(v.Line, r.colIn(v, source, e.Citation.Start), path, "%s", e.Msg)
	}
}

// colIn is the column of byte offset off of str, the decoded string value
// v: exact when the file spells the string out as is up to there, else the
// column of the string's opening quote.
func (r *reader) colIn(v *jsonpos.Value, str string, off int) int {
	start := v.Offset + 1 // past the quote
	prefix := str[:off]
	if start+len(prefix) <= len(r.data) && bytes.Equal(r.data[start:start+len(prefix)], []byte(prefix)) {
		return v.Col + 1 + utf8.RuneCountInString(prefix)
	}
	return v.Col
}
