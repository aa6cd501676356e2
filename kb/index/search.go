package index

import (
	"fmt"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
)

// Term is one query word and how much it counts.
type Term struct {
	Text  string
	Boost float64
}

// Hit is one matching document.
type Hit struct {
	Kind  Kind
	ID    string
	Score float64
}

// Terms turns words into terms of weight 1, dropping repeats.
func Terms(words []string) []Term {
	seen := make(map[string]bool, len(words))
	out := make([]Term, 0, len(words))
	for _, w := range words {
		if w == "" || seen[w] {
			continue
		}
		seen[w] = true
		out = append(out, Term{Text: w, Boost: 1})
	}
	return out
}

// Search returns up to size documents of kind that match any of terms, best
// first by BM25. Terms must already be analysed (folded and segmented, as
// segment.Words gives them): they are matched exactly, so a turn is segmented
// once however many searches it needs.
func (ix *Index) Search(kind Kind, terms []Term, size int) ([]Hit, error) {
	if len(terms) == 0 || size <= 0 {
		return nil, nil
	}
	bi, ok := ix.kinds[kind]
	if !ok {
		return nil, fmt.Errorf("search: no documents of kind %q", kind)
	}
	should := make([]query.Query, len(terms))
	for i, t := range terms {
		q := bleve.NewTermQuery(strings.ToLower(t.Text))
		q.SetField(fieldText)
		q.SetBoost(t.Boost)
		should[i] = q
	}
	res, err := bi.Search(bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(should...), size, 0, false))
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", kind, err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, Hit{Kind: kind, ID: h.ID, Score: h.Score})
	}
	return hits, nil
}
