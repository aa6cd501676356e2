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

// In a big shop a term every product has (材质) no longer brings in every
// product beside a rarer word, yet a query of such terms only still finds
// documents.
func TestCommonTermsInABigShop(t *testing.T) {
	if testing.Short() {
		t.Skip("builds a 1,500-product index")
	}
	shop := synth.Shop(synth.Size{Products: 400, Phrases: 20})
	ix, err := Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if !ix.common[Product]["材质"] {
		t.Fatalf("材质, a fact of all 400 products, is not common: %v", ix.common[Product])
	}
	if len(ix.common[Phrase]) != 0 {
		t.Errorf("a kind of 20 documents has common terms: %v", ix.common[Phrase])
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
