package index

import (
	"path/filepath"
	"strings"
	"testing"

	"assist/kb"
	"assist/kb/segment"
	"assist/kb/synth"
)

// containsWord reports whether the product's indexed text cuts into word.
func containsWord(p *kb.Product, word string) bool {
	return strings.Contains(strings.Join(segment.Words(productDoc(p).Text), " "), word)
}

// buildSynth builds the index of a synthetic shop of size, closed when the
// test ends.
func buildSynth(t *testing.T, size synth.Size) (*kb.Shop, *Index) {
	t.Helper()
	shop := synth.Shop(size)
	ix, err := Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return shop, ix
}

// In a big shop a term every product has (材质) no longer brings in every
// product beside a rarer word, yet a query of such terms only still finds
// documents.
func TestCommonTermsInABigShop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 600-product index")
	}
	shop, ix := buildSynth(t, synth.Size{Products: 600, Phrases: 20})
	if n := ix.df[Product]["材质"]; n != 600 {
		t.Fatalf("材质, a fact of all 600 products, counted in %d", n)
	}
	if n := ix.docs[Phrase]; n != 20 || n > exactDocs {
		t.Errorf("phrases counted %d documents, want 20, searched by every term", n)
	}
	p := &shop.Products[42]
	hits, err := ix.Search(Product, Terms([]string{p.Aliases[0], "材质"}), 12)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		t.Fatalf("nothing found for %q", p.Aliases[0])
	}
	for _, h := range hits {
		q, _ := shop.Product(h.ID)
		if !containsWord(q, p.Aliases[0]) {
			t.Errorf("%s (%s) found by the common term alone", h.ID, q.Title)
		}
	}
	only, err := ix.Search(Product, Terms([]string{"材质"}), 5)
	if err != nil {
		t.Fatal(err)
	}
	if len(only) != 5 {
		t.Errorf("a query of common terms only found %d products, want 5", len(only))
	}
}

func TestRarest(t *testing.T) {
	df := map[string]int{"材质": 10000, "纯棉": 480, "衬衫": 330, "纯棉衬衫": 17, "两件": 9999, "刻字": 60}
	terms := func(words ...string) []Term { return Terms(words) }
	texts := func(ts []Term) string {
		var out []string
		for _, t := range ts {
			out = append(out, t.Text)
		}
		return strings.Join(out, " ")
	}
	for _, tc := range []struct {
		name  string
		terms []Term
		want  string
	}{
		{"rarest first, within the budget", terms("材质", "纯棉", "衬衫", "纯棉衬衫"), "纯棉衬衫 衬衫"},
		{"the rarest kept however common", terms("两件", "材质"), "两件"},
		{"unknown terms dropped", terms("没有的词", "刻字"), "刻字"},
		{"all within the budget", terms("刻字", "纯棉衬衫"), "纯棉衬衫 刻字"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := texts(rarest(tc.terms, df)); got != tc.want {
				t.Errorf("rarest = %q, want %q", got, tc.want)
			}
		})
	}
}
