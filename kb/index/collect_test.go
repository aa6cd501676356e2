package index

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search"

	"assist/kb/segment"
	"assist/kb/synth"
)

// searchBleve must answer exactly as bleve.Index.Search does: the same
// documents, in the same order (ties included: a synthetic shop is full of
// documents that score alike), with the same scores to the bit. Queries are
// drawn from the shop's own words, with boosts and sizes as turns ask them.
func TestSearchBleveAnswersAsBleveSearch(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 600-product index")
	}
	shop, ix := buildSynth(t, synth.Size{Products: 600, Phrases: 300})
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
	slices.Sort(words)
	words = slices.Compact(words)

	rng := rand.New(rand.NewPCG(1, 2))
	boosts := []float64{1, 0.5, 1.5, 0.35}
	sizes := []int{1, 10, 12, 24}
	compared := map[Kind]int{}
	for n := range 600 {
		terms := make([]Term, 1+rng.IntN(8))
		for i := range terms {
			terms[i] = Term{Text: words[rng.IntN(len(words))], Boost: boosts[rng.IntN(len(boosts))]}
		}
		kind := kinds[n%len(kinds)]
		size := sizes[rng.IntN(len(sizes))]
		bi := ix.kinds[kind]
		got, err := searchBleve(bi, kind, terms, size)
		if err != nil {
			t.Fatal(err)
		}
		want := bleveSearch(t, bi, kind, terms, size)
		if !slices.Equal(got, want) {
			t.Fatalf("%s %v size %d:\n got %v\nwant %v", kind, terms, size, got, want)
		}
		if len(want) > 0 {
			compared[kind]++
		}
	}
	for _, k := range kinds {
		if compared[k] < 100 {
			t.Errorf("only %d searches of %s found anything: the comparison proves little", compared[k], k)
		}
	}
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
