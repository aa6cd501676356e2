package review

import (
	"strings"
	"testing"
)

func TestQualityCheck(t *testing.T) {
	b := func(text string, nudges ...string) QualityTurn {
		return QualityTurn{Role: Buyer, Text: text, Nudges: nudges}
	}
	a := func(text string, nudges ...string) QualityTurn {
		return QualityTurn{Role: Agent, Text: text, Nudges: nudges}
	}
	tests := []struct {
		name    string
		turns   []QualityTurn
		want    Quality
		checked bool
	}{
		{"never answered", []QualityTurn{b("在吗")}, Quality{}, false},
		{"greets and closes", []QualityTurn{b("在吗"), a("亲,在的"), b("好"), a("感谢支持,祝您生活愉快")},
			Quality{Greeting: true, Closing: true, Score: 100}, true},
		{"no greeting, no closing", []QualityTurn{b("发货了吗"), a("已经发出")},
			Quality{Score: 100 - DeductNoGreeting - DeductNoClosing}, true},
		{"bargain answered with a plain discount", []QualityTurn{b("能便宜点吗", "upsell:bargain"), a("您好,给您便宜10元,谢谢")},
			Quality{Discount: true, Greeting: true, Closing: true, Score: 100 - DeductDiscount}, true},
		{"bargain answered with an offer", []QualityTurn{b("能便宜点吗", "upsell:bargain"), a("您好,拍套餐更优惠,还包邮,谢谢")},
			Quality{Greeting: true, Closing: true, Score: 100}, true},
		{"a discount later, not in answer to bargaining", []QualityTurn{b("能便宜点吗", "upsell:bargain"), a("您好,拍套餐更划算"), b("好"), a("这单给您减5元,谢谢")},
			Quality{Greeting: true, Closing: true, Score: 100}, true},
		{"every problem once", []QualityTurn{b("今天发吗"), a("今天一定发,最好的", "shipping_promise:ship", "wording:absolute"), a("是我们的错", "admission:early"), a("是我们的错", "admission:early")},
			Quality{Promise: true, Admission: true, Wording: true, Score: 100 - DeductPromise - DeductWording - DeductAdmission - DeductNoGreeting - DeductNoClosing}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, checked := DefaultWords().Check(tt.turns)
			if got != tt.want || checked != tt.checked {
				t.Errorf("got %+v (checked %v), want %+v (checked %v)", got, checked, tt.want, tt.checked)
			}
		})
	}
}

func TestParseWordsNamesTheLine(t *testing.T) {
	for _, tt := range []struct{ data, want string }{
		{"亲\n", "q.txt:1: word \"亲\" before any [section]"},
		{"[greeting]\n亲\n[hello]\n", "q.txt:3: section [hello]"},
		{"[greeting]\n亲\n", "section [closing] is missing or empty"},
	} {
		_, err := ParseWords("q.txt", []byte(tt.data))
		if err == nil || !strings.Contains(err.Error(), tt.want) {
			t.Errorf("%q: %v, want %q", tt.data, err, tt.want)
		}
	}
}
