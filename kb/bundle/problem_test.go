package bundle

import (
	"bytes"
	"fmt"
	"testing"

	"assist/kb"
)

func TestProblemString(t *testing.T) {
	tests := []struct {
		name string
		p    Problem
		want string
	}{
		{"full", Problem{File: "shop.json", Line: 41, Col: 7, Path: "products[3].pairs_with[0]", Msg: `no product "x"`},
			`shop.json:41:7: products[3].pairs_with[0]: no product "x"`},
		{"line only", Problem{File: "cases.jsonl", Line: 3, Path: "product", Msg: "no product"}, "cases.jsonl:3: product: no product"},
		{"whole file", Problem{File: "a.json", Msg: "empty file"}, "a.json: empty file"},
		{"no path", Problem{File: "a.json", Line: 1, Col: 2, Msg: "bad"}, "a.json:1:2: bad"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.p.String(); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestClosest(t *testing.T) {
	known := []string{"id", "title", "price", "ship_within_hours", "pairs_with", "insole"}
	tests := []struct {
		name, got, want string
	}{
		{"swapped letters", "titel", "title"},
		{"camel case", "shipWithinHours", "ship_within_hours"},
		{"dash instead of underscore", "pairs-with", "pairs_with"},
		{"id typo", "insloe", "insole"},
		{"nothing close", "colour", ""},
		{"short names need a close match", "ix", "id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Closest(tt.got, known); got != tt.want {
				t.Errorf("Closest(%q) = %q, want %q", tt.got, got, tt.want)
			}
		})
	}
}

// BenchmarkParse reads a bundle of 2,000 products, 500 rules and 500 phrases
// (about 1.3 MB), the size of a large real shop.
func BenchmarkParse(b *testing.B) {
	shop := &kb.Shop{Name: "大卖场", ShipWithinHours: 48, Timezone: DefaultTimezone}
	for i := 0; i < 2000; i++ {
		id := fmt.Sprintf("p%d", i)
		next := fmt.Sprintf("p%d", (i+1)%2000)
		shop.Products = append(shop.Products, kb.Product{ID: id, Title: "商品" + id, Aliases: []string{"别名一", "别名二"}, Price: 99,
			Facts:     []kb.Fact{{Name: "材质", Value: "纯棉"}, {Name: "尺码", Value: "S/M/L"}, {Name: "颜色", Value: "黑白灰"}},
			PairsWith: []string{next}, Bundles: []kb.Bundle{{Title: "两件套", Items: []string{id, next}, Price: 180}}})
	}
	for i := 0; i < 500; i++ {
		shop.Rules = append(shop.Rules, kb.Rule{ID: fmt.Sprintf("r%d", i), Title: "规则", Text: "七天无理由退货,商品完好不影响二次销售。"})
		shop.Phrases = append(shop.Phrases, kb.Phrase{ID: fmt.Sprintf("ph%d", i), Scene: kb.SceneProduct, Title: "话术",
			Text: "亲,这款是{材质}的,推荐{套餐},搭配{搭配商品}。"})
	}
	var buf bytes.Buffer
	if err := Write(&buf, shop); err != nil {
		b.Fatal(err)
	}
	data := buf.Bytes()
	b.SetBytes(int64(len(data)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse("big.json", data); err != nil {
			b.Fatal(err)
		}
	}
}
