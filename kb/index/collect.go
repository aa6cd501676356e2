package index

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/mapping"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"
	bleveindex "github.com/blevesearch/bleve_index_api"
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
func searchBleve(bi bleve.Index, kind Kind, terms []Term, size int) ([]Hit, error) {
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
	searcher, err := anyOf(terms).Searcher(scoringContext(bi), r, bi.Mapping(), search.SearcherOptions{})
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

// anyOf is the query of documents holding any of terms, each counting
// its boost.
func anyOf(terms []Term) *query.DisjunctionQuery {
	qs := make([]query.Query, len(terms))
	for i, t := range terms {
		q := query.NewTermQuery(strings.ToLower(t.Text))
		q.SetField(fieldText)
		q.SetBoost(t.Boost)
		qs[i] = q
	}
	return query.NewDisjunctionQuery(qs)
}

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
