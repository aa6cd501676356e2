package index

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"
	"github.com/blevesearch/bleve/v2/search/query"

	"assist/kb/segment"
	"assist/kb/synth"
)

// searchBleve must answer exactly as bleve.Index.Search does: the same
// documents, in the same order (ties included: a synthetic shop is full of
// documents that score alike), with the same scores to the bit. Queries are
// drawn from the shop's own words and words no document holds (which
// searchBleve does not ask bleve for), with boosts and sizes as turns ask
// them, in a shop whose kinds are all small and in one whose are big.
func TestSearchBleveAnswersAsBleveSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 600-product index")
	}
	for _, size := range []synth.Size{{Products: 60, Phrases: 40}, {Products: 600, Phrases: 300}} {
		t.Run(fmt.Sprintf("products=%d", size.Products), func(t *testing.T) { searchesAsBleve(t, size) })
	}
}

func searchesAsBleve(t *testing.T, size synth.Size) {
	shop, ix := buildSynth(t, size)
	var words []string
	for _, p := range shop.Products[:40] {
		words = append(words, segment.Words(p.Title)...)
	}
	for _, ph := range shop.Phrases[:40] {
		words = append(words, segment.Words(ph.Text)...)
	}
	for _, r := range shop.Rules {
		words = append(words, segment.Words(r.Title)...)
	}
	// Chat words, most of them in no document, and words in none.
	words = append(words, segment.Words("在吗亲,昨天拍的什么时候发货,快递到哪了,能便宜点吗,不行就退款给差评")...)
	words = append(words, "无此词甲", "无此词乙", "nosuchword")
	slices.Sort(words)
	words = slices.Compact(words)

	rng := rand.New(rand.NewPCG(1, 2))
	boosts := []float64{1, 0.5, 1.5, 0.35}
	sizes := []int{1, 10, 12, 24}
	compared, absent := map[Kind]int{}, map[Kind]int{}
	for n := range 600 {
		terms := make([]Term, 1+rng.IntN(8))
		for i := range terms {
			terms[i] = Term{Text: words[rng.IntN(len(words))], Boost: boosts[rng.IntN(len(boosts))]}
		}
		kind := kinds[n%len(kinds)]
		size := sizes[rng.IntN(len(sizes))]
		bi := ix.kinds[kind]
		got, err := searchBleve(bi, kind, terms, ix.df[kind], size)
		if err != nil {
			t.Fatal(err)
		}
		want := bleveSearch(t, bi, kind, terms, size)
		if !slices.Equal(got, want) {
			t.Fatalf("%s %v size %d:\n got %v\nwant %v", kind, terms, size, got, want)
		}
		if len(want) > 0 {
			compared[kind]++
			for _, term := range terms {
				if ix.df[kind][strings.ToLower(term.Text)] == 0 {
					absent[kind]++
					break
				}
			}
		}
	}
	for _, k := range kinds {
		if compared[k] < 100 || absent[k] < 50 {
			t.Errorf("%s: %d searches found anything, %d of them with a term no document holds: the comparison proves little",
				k, compared[k], absent[k])
		}
	}
}

// anyOf is the query of documents holding any of terms, each counting its
// boost: what searcherOf builds the searcher of.
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

// bleveSearch is the search as bleve.Index.Search runs it.
func bleveSearch(t *testing.T, bi bleve.Index, kind Kind, terms []Term, size int) []Hit {
	t.Helper()
	res, err := bi.Search(bleve.NewSearchRequestOptions(anyOf(terms), size, 0, false))
	if err != nil {
		t.Fatal(err)
	}
	var hits []Hit
	for _, h := range res.Hits {
		hits = append(hits, Hit{Kind: kind, ID: h.ID, Score: h.Score})
	}
	return hits
}

func TestTopHitsKeepsTheBestInOrder(t *testing.T) {
	top := topHits{size: 3}
	var out []float64
	for _, s := range []float64{1, 3, 2, 3, 5, 1, 2} {
		m := &search.DocumentMatch{Score: s}
		if o := top.add(m); o != nil {
			out = append(out, o.Score)
		}
	}
	var kept []string
	for _, m := range top.list {
		kept = append(kept, strconv.FormatFloat(m.Score, 'g', -1, 64)+"#"+strconv.FormatUint(m.HitNumber, 10))
	}
	// Equal scores keep the one seen first (3#1 before 3#3).
	if got, want := strings.Join(kept, " "), "5#4 3#1 3#3"; got != want {
		t.Errorf("kept %s, want %s", got, want)
	}
	if !slices.Equal(out, []float64{1, 2, 1, 2}) {
		t.Errorf("fell out %v, want [1 2 1 2]", out)
	}
}

// A search of a closed index is an error, not a panic inside bleve, and a
// second Close is harmless.
func TestSearchAfterClose(t *testing.T) {
	ix := buildCharger(t)
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	if _, err := ix.Search(Product, Terms([]string{"充电器"}), 3); err == nil || !strings.Contains(err.Error(), "closed") {
		t.Errorf("search after Close: %v, want an error saying the index is closed", err)
	}
	if err := ix.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
}
