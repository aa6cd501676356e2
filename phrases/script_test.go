package phrases_test

import (
	"strings"
	"testing"

	"assist/assistant"
	"assist/kb"
	"assist/kb/fold"
	"assist/phrases"
)

func twShop() *kb.Shop {
	return &kb.Shop{Name: "山嵐茶鋪", ShipWithinHours: 24, Products: []kb.Product{
		{ID: "oolong", Title: "高山烏龍茶 150克", Price: 480},
		{ID: "pot", Title: "手作陶壺", ShipWithinHours: 360},
	}, Phrases: []kb.Phrase{
		{ID: "ship", Scene: kb.SceneShipping, Title: "出貨時間", Text: "{发货时效}內出貨"},
		{ID: "hi", Scene: kb.SceneGreeting, Title: "問候", Text: "親,歡迎光臨,有什麼可以幫您?"},
	}}
}

func simplifiedOnly(text string) string {
	var out []rune
	for _, r := range text {
		if fold.Simplified(r) {
			out = append(out, r)
		}
	}
	return string(out)
}

func TestShippingWindowFollowsTheShopScript(t *testing.T) {
	tw := twShop()
	oolong, pot := &tw.Products[0], &tw.Products[1]
	cn := &kb.Shop{Name: "山间茶舍", ShipWithinHours: 24, Products: []kb.Product{{ID: "tea", Title: "乌龙茶"}}}
	for _, tc := range []struct {
		name string
		shop *kb.Shop
		p    *kb.Product
		text string
		want string
	}{
		{"traditional phrase", tw, oolong, "{发货时效}內出貨", "24小時內出貨"},
		{"traditional shop, neutral phrase", tw, oolong, "{发货时效}", "24小時"},
		{"days need no change", tw, pot, "{发货时效}內出貨", "15天內出貨"},
		{"simplified shop", cn, &cn.Products[0], "{发货时效}内发货", "24小时内发货"},
		{"simplified phrase in a traditional shop", tw, oolong, "{发货时效}内发货", "24小时内发货"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := phrases.Fill(tc.shop, tc.p, tc.text)
			if got != tc.want || len(missing) > 0 {
				t.Errorf("Fill(%q) = %q, %v; want %q", tc.text, got, missing, tc.want)
			}
		})
	}
}

func TestShopScript(t *testing.T) {
	if got := phrases.ShopScript(twShop()); got != phrases.Traditional {
		t.Errorf("a shop written in traditional Chinese reads as %v", got)
	}
	cn := &kb.Shop{Name: "山间茶舍", Phrases: []kb.Phrase{{Title: "发货时间", Text: "亲,付款后24小时内发货"}}}
	if got := phrases.ShopScript(cn); got != phrases.Simplified {
		t.Errorf("a simplified shop reads as %v", got)
	}
	if got := phrases.ShipTimeFor(twShop(), 48); got != "48小時" {
		t.Errorf("ShipTimeFor(traditional, 48) = %q, want 48小時", got)
	}
}

// The engine's default shipping wording, written for a traditional shop,
// keeps no simplified-only character: traditional.txt covers every word.
func TestDefaultShippingWordingInTraditional(t *testing.T) {
	tw := twShop()
	wording := phrases.ForShop(tw, assistant.DefaultTerms().SafeShipping)
	filled, missing := phrases.Fill(tw, &tw.Products[0], wording)
	if len(missing) > 0 {
		t.Fatalf("default wording %q: missing %v", wording, missing)
	}
	if left := simplifiedOnly(filled); left != "" {
		t.Errorf("default wording for a traditional shop %q keeps simplified %q: add them to traditional.txt", filled, left)
	}
	if !strings.Contains(filled, "24小時內") {
		t.Errorf("default wording %q lacks the window 24小時內", filled)
	}
	// A simplified shop's wording is left as written.
	cn := &kb.Shop{Name: "山间茶舍"}
	if got := phrases.ForShop(cn, assistant.DefaultTerms().SafeShipping); got != assistant.DefaultTerms().SafeShipping {
		t.Errorf("a simplified shop's wording was changed to %q", got)
	}
}
