package assistant_test

import (
	"bytes"
	"encoding/json"
	"math"
	"math/rand/v2"
	"reflect"
	"testing"
	"time"

	"assist/assistant"
)

// fill sets every field v holds, at any depth, to a random value of the
// kinds encoding/json writes differently: empty and escaped strings, whole
// and tiny and huge floats, nil and empty lists, nil pointers, times in
// several zones. A field added to the set's types is filled too, so the
// hand-written encoder cannot miss it unnoticed.
func fill(v reflect.Value, r *rand.Rand) {
	if v.Type() == reflect.TypeFor[time.Time]() {
		zones := []*time.Location{time.UTC, time.FixedZone("CST", 8*3600), time.FixedZone("", -(3*3600 + 30*60)), time.FixedZone("LMT", 8*3600+5*60+43)}
		t := time.Unix(r.Int64N(4e9), []int64{0, 123456789, 500000000, 1000}[r.IntN(4)]).In(zones[r.IntN(len(zones))])
		v.Set(reflect.ValueOf(t))
		return
	}
	switch v.Kind() {
	case reflect.String:
		words := []string{"", "退款", "亲,这款很受欢迎", "<b>&</b>", `"引号"\`, "行\n换", "\u2028", "bad\xff", "😀", "p-1"}
		v.SetString(words[r.IntN(len(words))] + words[r.IntN(len(words))])
	case reflect.Int:
		v.SetInt(int64(r.IntN(3)-1) * r.Int64N(1e6))
	case reflect.Float64:
		floats := []float64{0, 1, 99.9, 1.0 / 3, 1e-7, 2.5e21, -12.5, math.Float64frombits(r.Uint64() >> 2)}
		v.SetFloat(floats[r.IntN(len(floats))])
	case reflect.Bool:
		v.SetBool(r.IntN(2) == 0)
	case reflect.Pointer:
		if r.IntN(3) > 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), r)
		}
	case reflect.Slice:
		switch n := r.IntN(5); n {
		case 0: // nil
		default:
			v.Set(reflect.MakeSlice(v.Type(), n-1, n-1))
			for i := range n - 1 {
				fill(v.Index(i), r)
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			fill(v.Field(i), r)
		}
	default:
		panic("fill: a field of kind " + v.Kind().String() + ": teach fill and EncodeSet about it")
	}
}

func TestEncodeSetIsJSONMarshal(t *testing.T) {
	r := rand.New(rand.NewPCG(7, 11))
	for i := range 20000 {
		var s assistant.Suggestions
		fill(reflect.ValueOf(&s).Elem(), r)
		want, werr := json.Marshal(&s)
		got, err := assistant.EncodeSet(&s)
		if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("set %d: EncodeSet gives %s (%v), json.Marshal %s (%v)", i, got, err, want, werr)
		}
	}
}

// Sets are encoded in a pooled buffer and copied out: a set already
// pushed or stored must not change when the next is encoded, however the
// two differ in size.
func TestEncodeSetResultsAreTheirOwn(t *testing.T) {
	small := &assistant.Suggestions{Conversation: "c-1", Turn: 1, Role: assistant.Buyer, Text: "在吗"}
	big := benchSet()
	var kept [][]byte
	var want [][]byte
	for i := range 40 {
		s := small
		if i%3 == 0 {
			s = big
		}
		got, err := assistant.EncodeSet(s)
		if err != nil {
			t.Fatal(err)
		}
		kept = append(kept, got)
		want = append(want, bytes.Clone(got))
	}
	for i := range kept {
		if !bytes.Equal(kept[i], want[i]) {
			t.Fatalf("set %d changed after later sets were encoded:\n%s\nwas\n%s", i, kept[i], want[i])
		}
		if i > 0 && cap(kept[i]) > 0 && cap(kept[i-1]) > 0 && &kept[i][:cap(kept[i])][cap(kept[i])-1] == &kept[i-1][:cap(kept[i-1])][cap(kept[i-1])-1] {
			t.Fatalf("sets %d and %d share their memory", i-1, i)
		}
	}
}

func TestEncodeSetRefusesWhatJSONRefuses(t *testing.T) {
	for name, s := range map[string]assistant.Suggestions{
		"NaN price":       {Products: []assistant.ProductHit{{Price: math.NaN()}}},
		"infinite score":  {Phrases: []assistant.PhraseHit{{Score: math.Inf(1)}}},
		"year 10000":      {At: time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC)},
		"year -1":         {At: time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC)},
		"offset 24 hours": {At: time.Date(2026, 1, 1, 0, 0, 0, 0, time.FixedZone("", 24*3600))},
	} {
		_, werr := json.Marshal(&s)
		_, err := assistant.EncodeSet(&s)
		if werr == nil || err == nil || err.Error() != werr.Error() {
			t.Errorf("%s: EncodeSet's error %v, json.Marshal's %v", name, err, werr)
		}
	}
}

func FuzzEncodeSet(f *testing.F) {
	f.Add(uint64(1), uint64(2))
	f.Fuzz(func(t *testing.T, a, b uint64) {
		var s assistant.Suggestions
		fill(reflect.ValueOf(&s).Elem(), rand.New(rand.NewPCG(a, b)))
		want, werr := json.Marshal(&s)
		got, err := assistant.EncodeSet(&s)
		if (err == nil) != (werr == nil) || !bytes.Equal(got, want) {
			t.Fatalf("EncodeSet gives %s (%v), json.Marshal %s (%v)", got, err, want, werr)
		}
	})
}

// A set of the size a busy shop's turn answers (four products with their
// facts, rules with statute articles, five phrases), encoded both ways:
// go test ./assistant -run X -bench EncodeSet
func BenchmarkEncodeSet(b *testing.B) {
	s := benchSet()
	for _, enc := range []struct {
		name string
		f    func(*assistant.Suggestions) ([]byte, error)
	}{
		{"encoding-json", func(s *assistant.Suggestions) ([]byte, error) { return json.Marshal(s) }},
		{"EncodeSet", assistant.EncodeSet},
	} {
		b.Run(enc.name, func(b *testing.B) {
			for b.Loop() {
				if _, err := enc.f(s); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func benchSet() *assistant.Suggestions {
	s := &assistant.Suggestions{Conversation: "c-1024", Turn: 7, Role: assistant.Buyer, Text: "收到的面霜瓶子是破的,漏了一半,怎么处理?",
		At: time.Date(2026, 11, 30, 10, 0, 0, 123456000, time.FixedZone("CST", 8*3600)), Product: "p3"}
	s.Nudges = []assistant.Nudge{{Kind: "evidence", Category: "damaged", Label: "破损", Reason: "买家说收到的商品破损,先留证据再处理",
		Triggers: []string{"破的", "漏了"}, Action: "请买家拍外包装、面单和破损处的照片", Rule: &assistant.RuleRef{ID: "r-damage", Title: "破损补发规则",
			Source: "消费者权益保护法第二十四条", Articles: []assistant.Article{{Law: "消费者权益保护法", Number: 24, Label: "第二十四条",
				Text: "经营者提供的商品或者服务不符合质量要求的,消费者可以依照国家规定、当事人约定退货,或者要求经营者履行更换、修理等义务。"}}},
		Suggested: "亲,非常抱歉给您带来不好的体验,麻烦您拍一下外包装和破损处的照片发给我,我马上为您处理。"}}
	for i := range 4 {
		p := assistant.ProductHit{ID: "p" + string(rune('0'+i)), Title: "保湿修护面霜 50ml 干皮敏感肌适用", Price: 129.9, ShipTime: "48小时", Score: 3.2157 - float64(i)/7}
		for _, f := range []string{"容量", "肤质", "成分", "保质期", "产地"} {
			p.Facts = append(p.Facts, assistant.Fact{Name: f, Value: "以商品详情页为准,如有疑问请咨询客服"})
		}
		s.Products = append(s.Products, p)
	}
	for i := range 3 {
		s.Rules = append(s.Rules, assistant.RuleHit{ID: "r" + string(rune('0'+i)), Title: "七天无理由退货", Source: "消费者权益保护法第二十五条",
			Text: "经营者采用网络、电视、电话、邮购等方式销售商品,消费者有权自收到商品之日起七日内退货,且无需说明理由。", Score: 2.5 / float64(i+1),
			Articles: s.Nudges[0].Rule.Articles})
	}
	for i := range 5 {
		s.Phrases = append(s.Phrases, assistant.PhraseHit{ID: "h" + string(rune('0'+i)), Scene: "after_sale", Title: "破损安抚",
			Text: "亲,非常抱歉给您带来不好的体验,麻烦您拍一下外包装和破损处的照片发给我,我马上为您处理。", Score: 1.75 / float64(i+1)})
	}
	return s
}
