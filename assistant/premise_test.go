package assistant

import (
	"path/filepath"
	"slices"
	"testing"

	"assist/kb"
	"assist/kb/index"
)

// teaShop sells goods in stock, a pre-sale item, an engraved one and one made
// to measure without engraving; its phrases take such things for granted.
func teaShop() *kb.Shop {
	return &kb.Shop{Name: "山间茶舍", ShipWithinHours: 48, SameDayCutoff: "16:00", Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "tea", Title: "明前龙井绿茶", Aliases: []string{"龙井"}, Price: 168,
				Facts: []kb.Fact{{Name: "产地", Value: "杭州西湖"}, {Name: "发货", Value: "现货,48小时内发出"}}},
			{ID: "new-tea", Title: "新茶首发白茶饼", Aliases: []string{"白茶饼"}, Price: 299, ShipWithinHours: 360,
				Facts: []kb.Fact{{Name: "发货", Value: "预售,付款后15天内按顺序发出"}}},
			{ID: "cup", Title: "紫砂刻字茶杯", Aliases: []string{"茶杯"}, Price: 128, ShipWithinHours: 120,
				Facts: []kb.Fact{{Name: "刻字", Value: "杯身可刻字,刻字定制后不退换"}}},
			{ID: "tray", Title: "实木定做茶盘", Aliases: []string{"茶盘"}, Price: 399, ShipWithinHours: 240,
				Facts: []kb.Fact{{Name: "尺寸", Value: "按您的桌面定做"}}},
		},
		Rules: []kb.Rule{
			{ID: "r-ship", Title: "发货时间承诺", Source: "平台发货管理规则", Text: "卖家应在承诺的时间内发货。", Tags: []string{"发货", "承诺"}},
		},
		Phrases: []kb.Phrase{
			{ID: "presale", Scene: kb.SceneShipping, Title: "预售发货时间", Tags: []string{"预售", "什么时候发", "发货时间", "发出"},
				Text: "亲,这款是预售,付款后{发货时效}内按顺序发出,请耐心等待~"},
			{ID: "ship", Scene: kb.SceneShipping, Title: "发货时效", Tags: []string{"什么时候发", "发货"},
				Text: "亲,{商品}付款后{发货时效}内发出~"},
			{ID: "engrave", Scene: kb.SceneProduct, Title: "刻字说明", Tags: []string{"刻字", "可以刻", "字体"},
				Text: "亲,下单时备注要刻的字,刻好先拍照给您确认~"},
			{ID: "custom", Scene: kb.SceneAfterSale, Title: "定制不退说明", Tags: []string{"定制", "退换", "退货"},
				Text: "亲,定制商品按您的要求专门制作,做好后不支持七天无理由退换哦~"},
			{ID: "return", Scene: kb.SceneAfterSale, Title: "七天无理由", Tags: []string{"退货", "退换"},
				Text: "亲,收到七天内不影响二次销售可以退换,定制商品除外~"},
		},
	}
}

func teaEngine(t *testing.T, terms *Terms) *Engine {
	t.Helper()
	shop := teaShop()
	idx, err := index.Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Shop: shop, Index: idx, Terms: terms})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { e.Close() })
	return e
}

func TestPhraseWhosePremiseTheProductLacksIsNeverSuggested(t *testing.T) {
	e := teaEngine(t, nil)
	for _, tc := range []struct {
		name, product, text string
		want, never         []string
	}{
		{"pre-sale wording for tea in stock", "tea", "这个什么时候发货", []string{"ship"}, []string{"presale"}},
		{"pre-sale wording for the pre-sale tea", "new-tea", "这个什么时候发货", []string{"presale"}, nil},
		{"engraving for a tea", "tea", "可以刻字吗", nil, []string{"engrave"}},
		{"engraving for the engraved cup", "cup", "可以刻字吗", []string{"engrave"}, nil},
		{"engraving for a tray made to measure, not engraved", "tray", "可以刻字吗", nil, []string{"engrave"}},
		{"made-to-order return for a tea", "tea", "不喜欢可以退货吗", []string{"return"}, []string{"custom"}},
		{"made-to-order return for the tray", "tray", "定制的可以退货吗", []string{"custom"}, nil},
		{"a return phrase that mentions 定制 in its text fits the tea", "tea", "可以退换吗", []string{"return"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s := turn(t, e, tc.name, Buyer, tc.text, tc.product, at(10, 0))
			got := phraseIDs(s)
			for _, id := range tc.want {
				if !slices.Contains(got, id) {
					t.Errorf("phrases %v lack %s", got, id)
				}
			}
			for _, id := range tc.never {
				if slices.Contains(got, id) {
					t.Errorf("phrases %v hold %s, whose premise %s lacks", got, id, tc.product)
				}
			}
		})
	}
}

// Without a product in view nothing is known against a phrase's premise.
func TestPremiseNeedsAProductInView(t *testing.T) {
	shop := teaShop()
	shop.Phrases[0].Text = "亲,预售款付款后按顺序发出,请耐心等待~"
	e := engineFor(t, shop)
	if got := phraseIDs(turn(t, e, "c", Buyer, "预售的什么时候发货", "", at(10, 0))); !slices.Contains(got, "presale") {
		t.Errorf("phrases %v lack presale with no product in view", got)
	}
}

// The compliant wording offered with a risky shipping promise is never the
// pre-sale phrase for a product in stock.
func TestSafeShippingWordingKeepsToThePremise(t *testing.T) {
	e := teaEngine(t, nil)
	s := turn(t, e, "c", Agent, "亲,明天一定给您发出,保证后天到", "tea", at(10, 0))
	for _, n := range s.Nudges {
		if n.Kind == NudgeShippingPromise && n.Suggested == "" {
			t.Errorf("shipping promise nudge without wording")
		}
		if n.Kind == NudgeShippingPromise && n.Suggested == "亲,这款是预售,付款后48小时内按顺序发出,请耐心等待~" {
			t.Errorf("the tea in stock is offered pre-sale wording: %q", n.Suggested)
		}
	}
	if !has(kinds(s), NudgeShippingPromise) {
		t.Errorf("nudges %v, want shipping_promise", kinds(s))
	}
}

// Premises are data: an admin who adds one changes what is suggested.
func TestAnAddedPremiseKeepsAPhraseToItsProducts(t *testing.T) {
	extra := append(append([]byte{}, defaultTerms...), "\n[premise]\n紫砂\n"...)
	terms, err := ParseTerms("edited.txt", extra)
	if err != nil {
		t.Fatal(err)
	}
	shop := teaShop()
	shop.Phrases = append(shop.Phrases, kb.Phrase{ID: "clay", Scene: kb.SceneProduct, Title: "紫砂养护",
		Tags: []string{"紫砂", "保养", "怎么养"}, Text: "亲,紫砂器用前用开水烫一下,不要用洗洁精哦~"})
	for _, tc := range []struct {
		name    string
		terms   *Terms
		product string
		want    bool
	}{
		{"default terms, tea", nil, "tea", true},
		{"紫砂 a premise, tea", terms, "tea", false},
		{"紫砂 a premise, the clay cup", terms, "cup", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			idx, err := index.Build(filepath.Join(t.TempDir(), "index"), shop)
			if err != nil {
				t.Fatal(err)
			}
			e, err := New(Config{Shop: shop, Index: idx, Terms: tc.terms})
			if err != nil {
				t.Fatal(err)
			}
			defer e.Close()
			got := phraseIDs(turn(t, e, "c", Buyer, "紫砂怎么养", tc.product, at(10, 0)))
			if slices.Contains(got, "clay") != tc.want {
				t.Errorf("phrases %v: clay shown = %v, want %v", got, !tc.want, tc.want)
			}
		})
	}
}
