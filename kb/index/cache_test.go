package index

import (
	"fmt"
	"path/filepath"
	"reflect"
	"slices"
	"sync"
	"testing"

	"assist/kb"
	"assist/kb/segment"
	"assist/kb/synth"
)

// A search answered from the cache gives exactly what bleve gives: the same
// documents, in the same order, with the same scores to the last bit.
func TestCachedSearchIsTheSearch(t *testing.T) {
	shop := synth.Shop(synth.Size{Products: 300, Phrases: 80})
	ix, err := Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	var queries [][]Term
	for i := 0; i < len(shop.Products); i += 7 {
		p := &shop.Products[i]
		queries = append(queries, Terms(segment.Words(p.Title+" 有货吗 包邮吗")))
	}
	for i := 0; i < len(shop.Phrases); i += 3 {
		terms := Terms(segment.Words(shop.Phrases[i].Text))
		for j := range terms {
			terms[j].Boost = 0.3 + float64(j%3)*0.35 // weighted as a turn's context and cue words are
		}
		queries = append(queries, terms)
	}
	for _, kind := range kinds {
		for _, q := range queries {
			want, err := ix.search(ix.kinds[kind], kind, q, 24)
			if err != nil {
				t.Fatal(err)
			}
			for pass := range 2 { // the first stores, the second is served from the cache
				got, err := ix.Search(kind, q, 24)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s %v, pass %d: %v, bleve gives %v", kind, q, pass, got, want)
				}
			}
		}
	}
	if hits, _ := ix.CacheStats(); hits < uint64(len(kinds)*len(queries)) {
		t.Errorf("%d searches answered from the cache, want at least %d", hits, len(kinds)*len(queries))
	}
}

// Searches that differ only in words no document holds share a cache
// entry, and what it serves is what the search itself finds; an absent word
// of another boost weighs otherwise and is not shared.
func TestCacheSharesSearchesOverAbsentWords(t *testing.T) {
	shop := synth.Shop(synth.Size{Products: 300, Phrases: 80}) // big products, small phrases and rules
	ix, err := Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	with := func(q []Term, word string, boost float64) []Term {
		return slices.Insert(slices.Clone(q), 1, Term{Text: word, Boost: boost})
	}
	asked := 0
	for i := 0; i < len(shop.Products); i += 15 {
		q := Terms(segment.Words(shop.Products[i].Title + " 有货吗"))
		for _, kind := range kinds {
			if _, err := ix.Search(kind, with(q, "无此词甲", 1), 12); err != nil {
				t.Fatal(err)
			}
			before, _ := ix.CacheStats()
			for _, other := range [][]Term{with(q, "无此词乙", 1), with(q, "订单100234", 1), with(q, "无此词甲", 0.5)} {
				got, err := ix.Search(kind, other, 12)
				if err != nil {
					t.Fatal(err)
				}
				want, err := ix.search(ix.kinds[kind], kind, other, 12)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s %v: %v, the search itself finds %v", kind, other, got, want)
				}
			}
			// (The third may be served too: a search all of whose words
			// no document holds was asked with the same boosts before.)
			if after, _ := ix.CacheStats(); after-before < 2 {
				t.Fatalf("%s %v: %d of the three searches served from the cache, want the two of boost 1", kind, q, after-before)
			}
			asked++
		}
	}
	if asked < 50 {
		t.Errorf("only %d queries asked", asked)
	}
	df := ix.df[Phrase]
	key := func(word string, boost float64) string {
		return string(appendKey(nil, Phrase, []Term{{Text: "包邮", Boost: 1}, {Text: word, Boost: boost}}, df, 12))
	}
	if key("无此词甲", 1) != key("无此词乙", 1) || key("无此词甲", 1) == key("无此词甲", 0.5) {
		t.Error("an absent word's key should hold its boost and not its word")
	}
}

// A search cached before an edit is not served after it: the edited phrase
// is found by its new words and no longer by its old, and a deleted one is
// gone.
func TestCacheNeverServesAnEditedIndex(t *testing.T) {
	ix := buildCharger(t)
	segment.AddWords([]string{"核实"})
	if got := ids(t, ix, Phrase, "要挟 补偿"); !slices.Contains(got, "confirm") {
		t.Fatalf("the phrase before its edit not found: %v", got)
	}
	_ = ids(t, ix, Phrase, "核实订单") // cached: nothing found yet
	if err := ix.PutPhrase(&kb.Phrase{ID: "confirm", Scene: kb.SceneEvidence, Title: "确认诉求",
		Text: "亲,我们核实一下订单情况", Tags: []string{"核实"}}); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, Phrase, "要挟 补偿"); slices.Contains(got, "confirm") {
		t.Errorf("edited phrase still found by its old words: %v", got)
	}
	if got := ids(t, ix, Phrase, "核实订单"); !slices.Contains(got, "confirm") {
		t.Errorf("edited phrase not found by its new words: %v", got)
	}
	if err := ix.DeleteProduct("cable"); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, Product, "数据线"); slices.Contains(got, "cable") {
		t.Errorf("deleted product still found: %v", got)
	}
}

// However many different searches a shop sees, the cache holds at most two
// generations of them.
func TestCacheIsBounded(t *testing.T) {
	ix := buildCharger(t)
	for i := range 5 * cacheGeneration {
		if _, err := ix.Search(Phrase, []Term{{Text: "差评", Boost: 1}, {Text: fmt.Sprint(i), Boost: 1}}, 3); err != nil {
			t.Fatal(err)
		}
	}
	if n := ix.cache.len(); n > 2*cacheGeneration {
		t.Errorf("cache holds %d searches, want at most %d", n, 2*cacheGeneration)
	}
	// A search asked again and again survives the turnover.
	often := []Term{{Text: "充电器", Boost: 1}}
	for i := range 3 * cacheGeneration {
		if _, err := ix.Search(Product, often, 3); err != nil {
			t.Fatal(err)
		}
		if _, err := ix.Search(Phrase, []Term{{Text: fmt.Sprint("x", i), Boost: 1}}, 3); err != nil {
			t.Fatal(err)
		}
	}
	before, _ := ix.CacheStats()
	if _, err := ix.Search(Product, often, 3); err != nil {
		t.Fatal(err)
	}
	if after, _ := ix.CacheStats(); after != before+1 {
		t.Error("a search asked on every turn was dropped from the cache")
	}
}

// Searches racing with edits: once an edit has returned, every search sees
// it (run with -race).
func TestCacheWithConcurrentEdits(t *testing.T) {
	ix := buildCharger(t)
	segment.AddWords([]string{"开发票"})
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				default:
				}
				if _, err := ix.Search(Phrase, Terms([]string{"开发票"}), 3); err != nil {
					t.Error(err)
					return
				}
			}
		}()
	}
	for i := range 20 {
		ph := &kb.Phrase{ID: "invoice", Scene: kb.SceneProduct, Title: "开发票", Text: "亲,可以申请电子发票", Tags: []string{"开发票"}}
		if i%2 == 0 {
			if err := ix.PutPhrase(ph); err != nil {
				t.Fatal(err)
			}
		} else if err := ix.DeletePhrase(ph.ID); err != nil {
			t.Fatal(err)
		}
		found := slices.Contains(ids(t, ix, Phrase, "开发票"), "invoice")
		if want := i%2 == 0; found != want {
			t.Errorf("edit %d: invoice found %v, want %v", i, found, want)
		}
	}
	close(stop)
	wg.Wait()
}

// A search of very many terms (a pasted paragraph) is answered, not kept.
func TestLongSearchesAreNotKept(t *testing.T) {
	ix := buildCharger(t)
	var terms []Term
	for i := range 300 {
		terms = append(terms, Term{Text: fmt.Sprint("词", i), Boost: 1})
	}
	terms = append(terms, Term{Text: "充电器", Boost: 1})
	for range 2 {
		hits, err := ix.Search(Product, terms, 3)
		if err != nil {
			t.Fatal(err)
		}
		if len(hits) == 0 || hits[0].ID != "c65" {
			t.Errorf("a long search finds %v, want c65 first", hits)
		}
	}
	if n := ix.cache.len(); n != 0 {
		t.Errorf("a search of %d terms was kept", len(terms))
	}
}
