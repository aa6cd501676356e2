package index

import (
	"context"
	"errors"
	"fmt"
	"math"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/scorer"
	"github.com/blevesearch/bleve/v2/search/searcher"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"assist/kb/fold"
)

// A turn asks for a dozen hits at most, yet bleve.Index.Search allocates
// for a general request every time: a fresh pool of document matches sized
// to every term of the query, a top-N collector, a stored-fields loader per
// hit, a result to build. Those were a third of what a turn allocated and,
// through the collector they woke, a good share of its slowest turns. So
// searches are run here on bleve's own searchers (the same scoring, bit for
// bit) and collected by topHits, with pools of matches reused from search to
// search. TestSearchBleveAnswersAsBleveSearch holds the result to
// bleve.Index.Search's, so a bleve upgrade that parts the two is caught.

// errClosed is what a search of a closed index returns.
var errClosed = errors.New("index is closed")

// scoringContexts tell bleve's term searchers the scoring model of their
// index's mapping, as bleve.Index.Search does.
var scoringContexts = map[string]context.Context{}

func init() {
	for _, model := range []string{bleveindex.BM25Scoring, bleveindex.DefaultScoringModel} {
		scoringContexts[model] = context.WithValue(context.Background(), search.GetScoringModelCallbackKey,
			search.GetScoringModelCallbackFn(func() string { return model }))
	}
}

// scoringContext is the context a search of bi runs in.
func scoringContext(bi bleve.Index) context.Context {
	if m, ok := bi.Mapping().(*mapping.IndexMappingImpl); ok && m.ScoringModel == bleveindex.BM25Scoring {
		return scoringContexts[bleveindex.BM25Scoring]
	}
	return scoringContexts[bleveindex.DefaultScoringModel]
}

// matchPools keeps bleve document-match pools between searches. A pool's
// matches go back to it when a search ends, their buffers kept; the few a
// searcher still holds when it closes are left to the garbage collector and
// replaced on demand.
var matchPools = sync.Pool{New: func() any { return search.NewDocumentMatchPool(64, 0) }}

// searchBleve runs a disjunction of terms against bi and returns its best
// size hits, best first; ties go to the document bleve visits first, as in
// bleve's own top-N collector. The caller holds ix.mu for reading, so the
// index cannot be closed under the search.
func searchBleve(bi bleve.Index, kind Kind, terms []Term, df map[string]int, size int) ([]Hit, error) {
	adv, err := bi.Advanced()
	if err != nil {
		return nil, err
	}
	r, err := adv.Reader()
	if err != nil {
		return nil, err
	}
	defer r.Close()
	pool := matchPools.Get().(*search.DocumentMatchPool)
	defer matchPools.Put(pool) // after the searcher is closed
	searcher, err := searcherOf(scoringContext(bi), r, terms, df)
	if err != nil {
		return nil, err
	}
	defer searcher.Close()
	ctx := &search.SearchContext{DocumentMatchPool: pool, IndexReader: r}
	top := topHits{size: size}
	defer top.release(pool)
	for {
		m, err := searcher.Next(ctx)
		if err != nil {
			return nil, err
		}
		if m == nil {
			break
		}
		if out := top.add(m); out != nil {
			pool.Put(out)
		}
	}
	hits := make([]Hit, len(top.list))
	for i, m := range top.list {
		id, err := r.ExternalID(m.IndexInternalID)
		if err != nil {
			return nil, fmt.Errorf("hit %d: %w", i, err)
		}
		hits[i] = Hit{Kind: kind, ID: id, Score: m.Score}
	}
	return hits, nil
}

// searcherOf is the searcher of the documents holding any of terms, each
// counting its boost, built as bleve builds a disjunction of term queries' (a
// term searcher per term under one disjunction), but for the terms df says no
// document holds. Most of a chat line's words are in none of a shop's
// products, rules or phrases (four in five of the example shop's searches'
// terms), and bleve's term searcher for such a word still opens a reader on
// every segment of the index, several allocations each: most of what an
// uncached search cost. Such a term gets an absentTerm instead, which matches
// nothing and weighs what its term searcher would: the disjunction divides
// a document's score by the count of its searchers (coord) and normalises
// the terms' weights by the sum of all (queryNorm), so the scores stay the
// same to the bit (TestSearchBleveAnswersAsBleveSearch). A nil df makes a
// term searcher for every term.
func searcherOf(ctx context.Context, r bleveindex.IndexReader, terms []Term, df map[string]int) (search.Searcher, error) {
	opts := search.SearcherOptions{}
	ss := make([]search.Searcher, 0, len(terms))
	var none *absentWeights
	var stands []absentTerm // one allocation for the search's stand-ins
	for _, t := range terms {
		if df != nil && absent(t.Text, df) {
			if none == nil {
				w, err := absentWeightsOf(ctx, r)
				if err != nil {
					closeAll(ss)
					return nil, err
				}
				none, stands = w, make([]absentTerm, 0, len(terms))
			}
			stands = append(stands, absentTerm{weight: none.of(t.Boost, opts)})
			ss = append(ss, &stands[len(stands)-1])
			continue
		}
		s, err := searcher.NewTermSearcher(ctx, r, fold.Lower(t.Text), fieldText, t.Boost, opts)
		if err != nil {
			closeAll(ss)
			return nil, err
		}
		ss = append(ss, s)
	}
	if len(ss) == 0 {
		return searcher.NewMatchNoneSearcher(r)
	}
	return searcher.NewDisjunctionSearcher(ctx, r, ss, 0, opts)
}

func closeAll(ss []search.Searcher) {
	for _, s := range ss {
		s.Close()
	}
}

// absentWeights holds what a term searcher's weight depends on besides its
// term's count, which is 0 here: the documents, and their mean length under
// BM25 (as bleve's term searcher reads them).
type absentWeights struct {
	docs      uint64
	avgLength float64
	// A searcher's weight does not depend on its term: one per boost, and
	// a turn's terms have a few boosts.
	byBoost []boostWeight
}

type boostWeight struct{ boost, weight float64 }

func absentWeightsOf(ctx context.Context, r bleveindex.IndexReader) (*absentWeights, error) {
	docs, err := r.DocCount()
	if err != nil {
		return nil, err
	}
	w := &absentWeights{docs: docs}
	if model, _ := ctx.Value(search.GetScoringModelCallbackKey).(search.GetScoringModelCallbackFn); model == nil || model() != bleveindex.BM25Scoring {
		return w, nil
	}
	var cardinality int
	if bm25, ok := r.(bleveindex.BM25Reader); ok {
		if cardinality, err = bm25.FieldCardinality(fieldText); err != nil {
			return nil, err
		}
	}
	if docs > 0 || cardinality > 0 {
		w.avgLength = math.Ceil(float64(cardinality) / float64(docs))
	}
	return w, nil
}

// of is the weight of a term searcher of boost for a term no document holds.
func (w *absentWeights) of(boost float64, opts search.SearcherOptions) float64 {
	for _, bw := range w.byBoost {
		if bw.boost == boost {
			return bw.weight
		}
	}
	weight := scorer.NewTermQueryScorer(nil, fieldText, boost, w.docs, 0, w.avgLength, opts).Weight()
	w.byBoost = append(w.byBoost, boostWeight{boost, weight})
	return weight
}

// absentTerm stands for the term searcher of a term no document holds.
type absentTerm struct{ weight float64 }

func (*absentTerm) Next(*search.SearchContext) (*search.DocumentMatch, error) { return nil, nil }
func (*absentTerm) Advance(*search.SearchContext, bleveindex.IndexInternalID) (*search.DocumentMatch, error) {
	return nil, nil
}
func (*absentTerm) Close() error               { return nil }
func (a *absentTerm) Weight() float64          { return a.weight }
func (*absentTerm) SetQueryNorm(float64)       {}
func (*absentTerm) Count() uint64              { return 0 }
func (*absentTerm) Min() int                   { return 0 }
func (*absentTerm) Size() int                  { return 16 }
func (*absentTerm) DocumentMatchPoolSize() int { return 1 }

// topHits keeps the best size matches seen, best first: higher score, then
// the one seen first.
type topHits struct {
	size int
	seen uint64
	list []*search.DocumentMatch
}

// add offers m and returns the match that fell out (m itself, or the one it
// displaced), or nil.
func (t *topHits) add(m *search.DocumentMatch) *search.DocumentMatch {
	m.HitNumber = t.seen
	t.seen++
	// Matches arrive in the order their hit numbers say, so a new one is
	// placed after every match scoring at least as high.
	i := len(t.list)
	for i > 0 && t.list[i-1].Score < m.Score {
		i--
	}
	if i >= t.size {
		return m
	}
	var out *search.DocumentMatch
	if len(t.list) == t.size {
		out = t.list[len(t.list)-1]
		t.list = t.list[:len(t.list)-1]
	}
	t.list = append(t.list, nil)
	copy(t.list[i+1:], t.list[i:])
	t.list[i] = m
	return out
}

// release gives the kept matches back to pool.
func (t *topHits) release(pool *search.DocumentMatchPool) {
	for _, m := range t.list {
		pool.Put(m)
	}
	t.list = nil
}
