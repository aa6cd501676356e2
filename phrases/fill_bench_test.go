package phrases

import (
	"strconv"
	"testing"

	"assist/kb"
)

// A shop of 1,000 phrases in traditional Chinese: filling a shipping phrase
// reads the phrase's script and, when it says nothing, the shop's (cached).
func benchShop() *kb.Shop {
	s := &kb.Shop{Name: "山嵐茶鋪", ShipWithinHours: 24}
	for i := 0; i < 1000; i++ {
		s.Phrases = append(s.Phrases, kb.Phrase{ID: "p" + strconv.Itoa(i), Title: "出貨時間說明", Text: "親,這款{发货时效}內出貨,到貨時間以物流為準"})
		s.Products = append(s.Products, kb.Product{ID: "x" + strconv.Itoa(i), Title: "高山烏龍茶"})
	}
	return s
}

func BenchmarkFill(b *testing.B) {
	s := benchShop()
	p := &s.Products[0]
	for _, bc := range []struct{ name, text string }{
		{"no placeholder", "親,歡迎光臨"},
		{"fact only", "{商品}很好喝"},
		{"ship time, phrase script", "親,這款{发货时效}內出貨"},
		{"ship time, shop script", "{发货时效}"},
		{"buyer with fallback", "{买家|親},您好"},
	} {
		b.Run(bc.name, func(b *testing.B) {
			for b.Loop() {
				FillFor(s, p, People{Buyer: "小雨"}, bc.text)
			}
		})
	}
}
