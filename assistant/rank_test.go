package assistant

import (
	"math/rand/v2"
	"slices"
	"strconv"
	"testing"

	"assist/kb"
	"assist/phrases"
)

// pickPhrasesByScan is how phrases were picked before candidates were taken
// best first: every phrase scored, every candidate filled, all sorted. The
// premise check is applied the same way to both.
func pickPhrasesByScan(k *knowledge, productID string, matched, scenes map[string]float64, prefer map[string]bool,
	avoid map[kb.Scene]bool, tagged []int) []PhraseHit {
	says := map[int]bool{}
	for _, i := range tagged {
		says[i] = true
	}
	scores := map[string]float64{}
	for id, s := range matched {
		scores[id] = s
	}
	product, _ := k.shop.Product(productID)
	filled := map[string]string{}
	for i := range k.shop.Phrases {
		ph := &k.shop.Phrases[i]
		if avoid[ph.Scene] {
			delete(scores, ph.ID)
			continue
		}
		bonus := scenes[string(ph.Scene)]
		_, isMatched := scores[ph.ID]
		if isMatched && bonus == 0 && len(scenes) > 0 && social(ph.Scene) {
			scores[ph.ID] *= socialOffMoment
		}
		if bonus == 0 && !isMatched && !says[i] {
			continue
		}
		if !isMatched {
			bonus *= sceneOnly
		}
		if says[i] {
			bonus += bonusTagged
		}
		text, missing := phrases.Fill(k.shop, product, ph.Text)
		if len(missing) > 0 || k.contradicts(productID, i) {
			delete(scores, ph.ID)
			continue
		}
		filled[ph.ID] = text
		for _, name := range phrases.Placeholders(ph.Text) {
			if prefer[name] {
				bonus += bonusPrefer
				break
			}
		}
		scores[ph.ID] += bonus
	}
	var hits []PhraseHit
	for _, h := range best(scores, k.phrasePos, topN) {
		ph, _ := k.shop.Phrase(h.id)
		hits = append(hits, PhraseHit{ID: ph.ID, Scene: string(ph.Scene), Title: ph.Title, Text: filled[ph.ID], Score: h.score})
	}
	return hits
}

func TestPickPhrasesAgreesWithAScan(t *testing.T) {
	r := rand.New(rand.NewPCG(3, 4))
	pick := func(list []string) string { return list[r.IntN(len(list))] }
	holders := []string{"", "", "{套餐}", "{搭配商品}", "{发货时效}", "{材质}", "{价格}", "{颜色}"}
	sceneNames := make([]string, len(kb.Scenes))
	for i, sc := range kb.Scenes {
		sceneNames[i] = string(sc)
	}
	for round := range 400 {
		shop := &kb.Shop{Name: "t", Timezone: "Asia/Shanghai", ShipWithinHours: 48}
		for i := range 1 + r.IntN(4) {
			p := kb.Product{ID: "p" + strconv.Itoa(i), Title: "商品" + strconv.Itoa(i), Price: float64(r.IntN(3) * 50)}
			if r.IntN(2) == 0 {
				p.Bundles = []kb.Bundle{{Title: "套餐" + strconv.Itoa(i)}}
			}
			if r.IntN(2) == 0 {
				p.Facts = append(p.Facts, kb.Fact{Name: "材质", Value: "棉"})
			}
			if r.IntN(3) == 0 {
				p.Facts = append(p.Facts, kb.Fact{Name: "发货", Value: "预售"})
			}
			if i > 0 && r.IntN(2) == 0 {
				p.PairsWith = []string{"p0"}
			}
			shop.Products = append(shop.Products, p)
		}
		for i := range 1 + r.IntN(30) {
			ph := kb.Phrase{ID: "s" + strconv.Itoa(i), Scene: kb.Scene(pick(sceneNames)), Title: "话术",
				Text: "亲" + pick(holders) + pick(holders)}
			if r.IntN(5) == 0 {
				ph.Tags = []string{"预售"}
			}
			shop.Phrases = append(shop.Phrases, ph)
		}
		k, err := newKnowledge(shop, nil, DefaultTerms())
		if err != nil {
			t.Fatal(err)
		}
		for range 10 {
			matched := map[string]float64{}
			for _, ph := range shop.Phrases {
				if r.IntN(3) == 0 {
					matched[ph.ID] = []float64{1, 0.5, 0.25, 0.7}[r.IntN(4)]
				}
			}
			scenes := map[string]float64{}
			for range r.IntN(3) {
				scenes[pick(sceneNames)] = []float64{bonusScene, bonusSceneAlso, bonusScene * 0.8}[r.IntN(3)]
			}
			prefer := map[string]bool{}
			if r.IntN(2) == 0 {
				prefer[pick([]string{"套餐", "搭配商品"})] = true
			}
			product := ""
			if r.IntN(4) > 0 {
				product = pick([]string{"p0", "p1", "p2", "p3"})
				if _, ok := shop.Product(product); !ok {
					product = "p0"
				}
			}
			avoid := map[kb.Scene]bool{}
			if r.IntN(3) == 0 {
				avoid[kb.Scene(pick(sceneNames))] = true
			}
			var tagged []int
			for i := range shop.Phrases {
				if r.IntN(4) == 0 {
					tagged = append(tagged, i)
				}
			}
			if r.IntN(3) == 0 && len(tagged) > 0 {
				// Two nudges' lists: a phrase may be in both, out of shop order.
				tagged = append(tagged, tagged[r.IntN(len(tagged))], 0)
			}
			got := k.pickPhrases(product, phrases.People{}, matched, scenes, prefer, avoid, tagged)
			want := pickPhrasesByScan(k, product, matched, scenes, prefer, avoid, tagged)
			if !slices.Equal(got, want) {
				ids := func(hs []PhraseHit) []string {
					var out []string
					for _, h := range hs {
						out = append(out, h.ID+"="+strconv.FormatFloat(h.Score, 'f', 3, 64))
					}
					return out
				}
				t.Fatalf("round %d: product %q, matched %v, scenes %v, prefer %v, avoid %v:\n got %v\nwant %v",
					round, product, matched, scenes, prefer, avoid, ids(got), ids(want))
			}
		}
	}
}
