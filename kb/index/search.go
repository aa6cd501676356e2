package index

import (
	"fmt"
	"slices"

	"github.com/blevesearch/bleve/v2"

	"assist/kb/fold"
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

// A search visits every document that holds one of its terms (bleve walks
// a term's postings even to skip them), so in a big shop a term held by
// thousands (a fact name every product has, a category word, the 亲 that
// opens every phrase) makes a turn's cost grow with the shop while telling
// little about which of those thousands is meant. Kinds of more than
// exactDocs documents are therefore searched by a query's rarest terms
// only, as many as fit in searchBudget postings (the rarest always, however
// common); smaller kinds are searched exactly by every term, as ever.
const (
	exactDocs    = 200
	searchBudget = 500
)

// Search returns up to size documents of kind that match any of terms, best
// first by BM25. Terms must already be analysed (folded and segmented, as
// segment.Words gives them): they are matched exactly, so a turn is segmented
// once however many searches it needs. In a big kind only the rarest terms
// count (see exactDocs).
//
// The same search asked again before the index changes is answered from a
// cache (see searchCache), and so is one that differs only in terms no
// document holds: they match nothing and weigh only by their boost (see
// searcherOf), so the key holds their boosts, not their words. The hits
// returned are shared and must not be modified.
func (ix *Index) Search(kind Kind, terms []Term, size int) ([]Hit, error) {
	if len(terms) == 0 || size <= 0 {
		return nil, nil
	}
	bi, ok := ix.kinds[kind]
	if !ok {
		return nil, fmt.Errorf("search: no documents of kind %q", kind)
	}
	// Held for reading so that a Close waits for the search, as bleve's
	// own Search would, and the counts match the generation.
	ix.mu.RLock()
	defer ix.mu.RUnlock()
	if ix.closed {
		return nil, fmt.Errorf("search %s: %w", kind, errClosed)
	}
	g := ix.cache.generation()
	df := ix.df[kind]
	var buf [256]byte
	key := appendKey(buf[:0], kind, terms, df, size)
	if len(key) > maxCachedKey {
		return ix.search(bi, kind, terms, size)
	}
	if hits, ok := ix.cache.get(g, key); ok {
		return hits, nil
	}
	hits, err := ix.search(bi, kind, terms, size)
	if err != nil {
		return nil, err
	}
	ix.cache.put(g, string(key), hits)
	return hits, nil
}

// search asks bleve; the caller holds ix.mu for reading.
func (ix *Index) search(bi bleve.Index, kind Kind, terms []Term, size int) ([]Hit, error) {
	df := ix.df[kind]
	if ix.docs[kind] > exactDocs {
		terms = rarest(terms, df)
	}
	hits, err := searchBleve(bi, kind, terms, df, size)
	if err != nil {
		return nil, fmt.Errorf("search %s: %w", kind, err)
	}
	return hits, nil
}

// rarest keeps the terms, rarest first, whose documents fit in
// searchBudget together; the rarest is kept whatever its count. Terms no
// document holds cost nothing and are dropped.
func rarest(terms []Term, df map[string]int) []Term {
	sorted := make([]Term, 0, len(terms))
	for _, t := range terms {
		if df[fold.Lower(t.Text)] > 0 {
			sorted = append(sorted, t)
		}
	}
	slices.SortStableFunc(sorted, func(a, b Term) int {
		return df[fold.Lower(a.Text)] - df[fold.Lower(b.Text)]
	})
	total := 0
	for i, t := range sorted {
		total += df[fold.Lower(t.Text)]
		if i > 0 && total > searchBudget {
			return sorted[:i]
		}
	}
	return sorted
}

// countTerms counts, for every kind, its documents and how many hold each
// term.
func (ix *Index) countTerms() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	for _, k := range kinds {
		if err := ix.countKind(k); err != nil {
			return err
		}
	}
	return nil
}

// countKind counts the terms of kind; the caller holds ix.mu.
func (ix *Index) countKind(kind Kind) error {
	if ix.df == nil {
		ix.df = map[Kind]map[string]int{}
	}
	bi := ix.kinds[kind]
	n, err := bi.DocCount()
	if err != nil {
		return fmt.Errorf("count %s: %w", kind, err)
	}
	if ix.docs == nil {
		ix.docs = map[Kind]uint64{}
	}
	ix.docs[kind] = n
	dict, err := bi.FieldDict(fieldText)
	if err != nil {
		return fmt.Errorf("terms of %s: %w", kind, err)
	}
	defer dict.Close()
	df := map[string]int{}
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("terms of %s: %w", kind, err)
		}
		if e == nil {
			break
		}
		df[e.Term] = int(e.Count)
	}
	ix.df[kind] = df
	return nil
}
