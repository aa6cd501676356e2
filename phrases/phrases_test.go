package phrases

import (
	"reflect"
	"testing"

	"assist/kb"
)

func bakery() *kb.Shop {
	return &kb.Shop{Name: "麦香烘焙", ShipWithinHours: 48, Products: []kb.Product{
		{ID: "cake", Title: "生日蛋糕6寸", Price: 168, ShipWithinHours: 0,
			Facts:     []kb.Fact{{Name: "口味", Value: "草莓奶油"}, {Name: "保质期", Value: "冷藏2天"}},
			PairsWith: []string{"candle"}, Bundles: []kb.Bundle{{Title: "蛋糕+蜡烛派对套装", Items: []string{"cake", "candle"}}}},
		{ID: "candle", Title: "数字蜡烛", Price: 5, ShipWithinHours: 360},
	}}
}

func TestPlaceholders(t *testing.T) {
	for _, tc := range []struct {
		name, text string
		want       []string
	}{
		{"none", "亲,您好", nil},
		{"two", "{口味}的{套餐}", []string{"口味", "套餐"}},
		{"repeat kept", "{口味}{口味}", []string{"口味", "口味"}},
		{"empty braces are text", "{}和{口味}", []string{"口味"}},
		{"unclosed", "{口味", nil},
		{"nested takes the inner", "{{口味}}", []string{"口味"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := Placeholders(tc.text); !reflect.DeepEqual(got, tc.want) {
				t.Errorf("Placeholders(%q) = %v, want %v", tc.text, got, tc.want)
			}
		})
	}
}

func TestFill(t *testing.T) {
	s := bakery()
	cake, candle := &s.Products[0], &s.Products[1]
	for _, tc := range []struct {
		name        string
		p           *kb.Product
		text, want  string
		wantMissing []string
	}{
		{"fact", cake, "这款是{口味}味", "这款是草莓奶油味", nil},
		{"bundle", cake, "选{套餐}更划算", "选蛋糕+蜡烛派对套装更划算", nil},
		{"pairing title", cake, "配上{搭配商品}", "配上数字蜡烛", nil},
		{"shop window in hours", cake, "{发货时效}内发出", "48小时内发出", nil},
		{"own window in days", candle, "{发货时效}内发出", "15天内发出", nil},
		{"title and price", cake, "{商品}只要{价格}", "生日蛋糕6寸只要168元", nil},
		{"missing fact", candle, "这款是{口味}味", "这款是{口味}味", []string{"口味"}},
		{"no product", nil, "选{套餐}", "选{套餐}", []string{"套餐"}},
		{"shop name needs no product", nil, "欢迎光临{店铺}", "欢迎光临麦香烘焙", nil},
		{"nested braces keep the outer ones", cake, "{{口味}}", "{草莓奶油}", nil},
		{"empty braces and repeats", cake, "{}{口味}/{口味}{", "{}草莓奶油/草莓奶油{", nil},
		{"filled beside missing", candle, "{商品}:{口味}", "数字蜡烛:{口味}", []string{"口味"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := Fill(s, tc.p, tc.text)
			if got != tc.want || !reflect.DeepEqual(missing, tc.wantMissing) {
				t.Errorf("Fill(%q) = %q, %v; want %q, %v", tc.text, got, missing, tc.want, tc.wantMissing)
			}
		})
	}
}

func TestFillable(t *testing.T) {
	s := bakery()
	if ok, _ := Fillable(s, "亲,{口味}的{套餐}"); !ok {
		t.Error("a phrase the cake can fill is reported unfillable")
	}
	ok, missing := Fillable(s, "{颜色}可选")
	if ok || !reflect.DeepEqual(missing, []string{"颜色"}) {
		t.Errorf("Fillable({颜色}) = %v, %v; want false, [颜色]", ok, missing)
	}
}
