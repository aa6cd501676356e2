package assistant

import (
	"math/rand/v2"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"

	"assist/kb"
	"assist/kb/fold"
)

func TestMentionedFindsTheMostSpecificName(t *testing.T) {
	shop := &kb.Shop{Name: "test", Timezone: "Asia/Shanghai", ShipWithinHours: 48, Products: []kb.Product{
		{ID: "dress", Title: "纯棉连衣裙", Aliases: []string{"连衣裙", "裙子"}},
		{ID: "floral", Title: "碎花雪纺连衣裙", Aliases: []string{"碎花连衣裙", "碎花裙"}},
		{ID: "belt", Title: "编织腰带", Aliases: []string{"腰带"}},
	}}
	k, err := newKnowledge(shop, nil, DefaultTerms())
	if err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		text string
		want []string
	}{
		{"碎花连衣裙还有吗", []string{"floral"}},
		{"想问一下碎花的连衣裙", []string{"floral"}}, // 的 between modifier and noun
		{"連衣裙是純棉的嗎", []string{"dress"}},
		{"碎花裙配腰带好看吗", []string{"floral", "belt"}},
		{"有没有别的款式", nil},
	} {
		if got := k.mentioned(fold.String(tc.text)); !slices.Equal(got, tc.want) {
			t.Errorf("mentioned(%q) = %v, want %v", tc.text, got, tc.want)
		}
	}
}

// mentionedByScan is how names were found before the automaton: every name,
// longest first, looked for with strings.Index. The automaton must agree.
func mentionedByScan(shop *kb.Shop, folded string) []string {
	type mention struct{ name, product string }
	var ms []mention
	for _, p := range shop.Products {
		for _, name := range append([]string{p.Title}, p.Aliases...) {
			if n := withoutDe(fold.String(strings.TrimSpace(name))); n != "" {
				ms = append(ms, mention{n, p.ID})
			}
		}
	}
	sort.SliceStable(ms, func(i, j int) bool { return len(ms[i].name) > len(ms[j].name) })
	folded = withoutDe(folded)
	var ids []string
	var taken [][2]int
	for _, m := range ms {
		start := 0
		for {
			i := strings.Index(folded[start:], m.name)
			if i < 0 {
				break
			}
			i += start
			span := [2]int{i, i + len(m.name)}
			start = span[1]
			if overlaps(taken, span) {
				continue
			}
			taken = append(taken, span)
			if !contains(ids, m.product) {
				ids = append(ids, m.product)
			}
		}
	}
	return ids
}

func TestMentionedAgreesWithAScan(t *testing.T) {
	// Few letters, so names overlap, nest, repeat and share suffixes.
	letters := []rune("裙子碎花的连衣短裤aa")
	r := rand.New(rand.NewPCG(1, 2))
	word := func(n int) string {
		w := make([]rune, n)
		for i := range w {
			w[i] = letters[r.IntN(len(letters))]
		}
		return string(w)
	}
	for round := range 300 {
		shop := &kb.Shop{Name: "t", Timezone: "Asia/Shanghai"}
		for i := range 1 + r.IntN(12) {
			p := kb.Product{ID: "p" + strconv.Itoa(i), Title: word(1 + r.IntN(5))}
			for range r.IntN(3) {
				p.Aliases = append(p.Aliases, word(1+r.IntN(4)))
			}
			shop.Products = append(shop.Products, p)
		}
		k, err := newKnowledge(shop, nil, DefaultTerms())
		if err != nil {
			t.Fatal(err)
		}
		for range 20 {
			text := fold.String(word(r.IntN(16)))
			if got, want := k.mentioned(text), mentionedByScan(shop, text); !slices.Equal(got, want) {
				t.Fatalf("round %d: mentioned(%q) = %v, a scan finds %v; products %+v", round, text, got, want, shop.Products)
			}
		}
	}
}
