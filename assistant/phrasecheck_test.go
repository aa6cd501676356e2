package assistant

import (
	"strings"
	"testing"

	"assist/kb"
)

// A small shop of its own: one product ships in 24 hours, one is pre-sale,
// so the same phrase keeps its promise for one and breaks it for the other.
func phraseCheckShop() *kb.Shop {
	return &kb.Shop{Name: "测试小店", ShipWithinHours: 48, Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "fast", Title: "帆布托特包", Price: 59, ShipWithinHours: 24},
			{ID: "late", Title: "手工皮夹", Price: 199, ShipWithinHours: 360,
				Facts: []kb.Fact{{Name: "发货", Value: "预售,付款后15天内发货"}}},
		},
		Phrases: []kb.Phrase{{ID: "x", Scene: kb.SceneGreeting, Title: "你好", Text: "您好"}},
	}
}

func TestCheckPhrase(t *testing.T) {
	e := engineFor(t, phraseCheckShop())
	for _, c := range []struct {
		name, text, product string
		want                []string // kinds, in order
		products            string   // the products named by the promise issue
	}{
		{"clean", "亲,{商品}{发货时效}内发货哦", "", nil, ""},
		{"absolute word", "亲,这是全网最好的{商品}", "", []string{NudgeWording}, ""},
		{"a promise the pre-sale product cannot keep", "亲,付款后48小时内一定发货", "", []string{NudgeShippingPromise}, "late"},
		{"the same promise for the fast product alone", "亲,付款后48小时内一定发货", "fast", nil, ""},
		{"both", "亲,最好的包,今天一定给您发出", "late", []string{NudgeWording, NudgeShippingPromise}, "late"},
	} {
		t.Run(c.name, func(t *testing.T) {
			got := e.CheckPhrase(c.text, c.product, at(10, 0))
			var kinds []string
			for _, is := range got {
				kinds = append(kinds, is.Kind)
				if is.Reason == "" || len(is.Words) == 0 {
					t.Errorf("issue without reason or words: %+v", is)
				}
				if is.Kind == NudgeShippingPromise && strings.Join(is.Products, ",") != c.products {
					t.Errorf("promise issue names %v, want %s", is.Products, c.products)
				}
			}
			if strings.Join(kinds, ",") != strings.Join(c.want, ",") {
				t.Errorf("CheckPhrase(%q) = %v, want kinds %v", c.text, got, c.want)
			}
		})
	}
}
