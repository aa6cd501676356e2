package phrases

import (
	"reflect"
	"testing"
)

func TestFillForPeople(t *testing.T) {
	s := bakery()
	cake := &s.Products[0]
	known := People{Buyer: "小雨", Agent: "阿杰"}
	for _, tc := range []struct {
		name        string
		people      People
		text, want  string
		wantMissing []string
	}{
		{"buyer named", known, "{买家|亲},您好", "小雨,您好", nil},
		{"buyer unknown takes the fallback", People{}, "{买家|亲},您好", "亲,您好", nil},
		{"blank name is unknown", People{Buyer: "  "}, "{买家|亲},您好", "亲,您好", nil},
		{"agent named", known, "我是{客服|客服小助手}", "我是阿杰", nil},
		{"agent unknown", People{}, "我是{客服|客服小助手}", "我是客服小助手", nil},
		{"no fallback and no name is missing", People{}, "{买家}您好", "{买家}您好", []string{"买家"}},
		{"empty fallback", People{}, "您好{买家|}!", "您好!", nil},
		{"fallback for a product fact", known, "口味:{颜色|以页面为准}", "口味:以页面为准", nil},
		{"fact known ignores the fallback", known, "{口味|以页面为准}", "草莓奶油", nil},
		{"shop name still works", known, "{买家|亲},欢迎光临{店铺}", "小雨,欢迎光临麦香烘焙", nil},
		{"names beside product placeholders", known, "{买家|亲},{商品}{发货时效}内发出", "小雨,生日蛋糕6寸48小时内发出", nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, missing := FillFor(s, cake, tc.people, tc.text)
			if got != tc.want || !reflect.DeepEqual(missing, tc.wantMissing) {
				t.Errorf("FillFor(%q) = %q, %v; want %q, %v", tc.text, got, missing, tc.want, tc.wantMissing)
			}
		})
	}
}

func TestFallbackMakesFillable(t *testing.T) {
	s := bakery()
	if ok, missing := Fillable(s, "{买家|亲},{颜色|多色}可选"); !ok {
		t.Errorf("a phrase whose every placeholder has a fallback is unfillable: missing %v", missing)
	}
	if ok, _ := Fillable(s, "{买家}您好"); ok {
		t.Error("{买家} without a fallback is reported fillable, though no product knows the buyer")
	}
	if !Personal("买家|亲") || !Personal("客服") || Personal("口味") {
		t.Error("Personal does not tell the people placeholders from product ones")
	}
}
