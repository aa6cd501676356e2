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

// commonDocs is how many documents of a kind a term must be in to be
// common. A search visits every document that holds one of its terms (bleve
// walks a term's postings even to skip them); a term held by hundreds (a
// fact name every product has, a category word, the 亲 that opens every
// phrase) would make a turn's cost grow with the shop while telling little
// about which of those hundreds is meant. Kinds with no more documents than
// this are searched exactly as ever.
const commonDocs = 200

// Search returns up to size documents of kind that match any of terms, best
// first by BM25. Terms must already be analysed (folded and segmented, as
// segment.Words gives them): they are matched exactly, so a turn is segmented
// once however many searches it needs.
//
// In a kind with common terms (see commonDocs), a query that also holds
// rarer terms is searched by those alone; a query of common terms only is
// searched as it is.
func (ix *Index) Search(kind Kind, terms []Term, size int) ([]Hit, error) {
	if len(terms) == 0 || size <= 0 {
		return nil, nil
	}
	bi, ok := ix.kinds[kind]
	if !ok {
		return nil, fmt.Errorf("search: no documents of kind %q", kind)
	}
	ix.mu.RLock()
	frequent := ix.common[kind]
	ix.mu.RUnlock()
	var rare, common []query.Query
	for _, t := range terms {
		text := strings.ToLower(t.Text)
		q := bleve.NewTermQuery(text)
		q.SetField(fieldText)
		q.SetBoost(t.Boost)
		if frequent[text] {
			common = append(common, q)
		} else {
			rare = append(rare, q)
		}
	}
	if len(rare) == 0 {
		rare = common
	}
	res, err := bi.Search(bleve.NewSearchRequestOptions(bleve.NewDisjunctionQuery(rare...), size, 0, false))
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", kind, err)
	}
	hits := make([]Hit, 0, len(res.Hits))
	for _, h := range res.Hits {
		hits = append(hits, Hit{Kind: kind, ID: h.ID, Score: h.Score})
	}
	return hits, nil
}

// findCommon counts the common terms of every kind.
func (ix *Index) findCommon() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, k := range kinds {
		if err := ix.countCommon(k); err != nil {
			return err
		}
	}
	return nil
}

// countCommon lists the common terms of kind; the caller holds ix.mu.
func (ix *Index) countCommon(kind Kind) error {
	if ix.common == nil {
		ix.common = map[Kind]map[string]bool{}
	}
	bi := ix.kinds[kind]
	n, err := bi.DocCount()
	if err != nil {
		return fmt.Errorf("count %s: %w", kind, err)
	}
	if n <= commonDocs {
		delete(ix.common, kind)
		return nil
	}
	dict, err := bi.FieldDict(fieldText)
	if err != nil {
		return fmt.Errorf("terms of %s: %w", kind, err)
	}
	defer dict.Close()
	common := map[string]bool{}
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("terms of %s: %w", kind, err)
		}
		if e == nil {
			break
		}
		if e.Count > commonDocs {
			common[e.Term] = true
		}
	}
	ix.common[kind] = common
	return nil
}
