package assistant

import (
	"path/filepath"
	"strings"
	"testing"

	"assist/kb/bundle"
	"assist/kb/index"
)

func TestDefaultTerms(t *testing.T) {
	terms := DefaultTerms()
	for _, c := range []struct {
		what string
		list []string
		want string
	}{
		{"presale", terms.PreSale, "预售"},
		{"made to order", terms.MadeToOrder, "定制"},
		{"promise query", terms.PromiseQuery, "发货时间"},
	} {
		if !has(c.list, c.want) {
			t.Errorf("%s words %v lack %q", c.what, c.list, c.want)
		}
	}
	premises := map[string]bool{}
	for _, group := range terms.Premises {
		premises[group[0]] = true
	}
	for _, want := range []string{"预售", "刻字", "定制"} {
		if !premises[want] {
			t.Errorf("premises %v lack a line for %s", terms.Premises, want)
		}
	}
	if terms.Prefer["bargain"] != "套餐" || terms.Prefer["buy_intent"] != "搭配商品" {
		t.Errorf("prefer = %v, want bargain→套餐 and buy_intent→搭配商品", terms.Prefer)
	}
	if !strings.Contains(terms.SafeShipping, "{发货时效}") {
		t.Errorf("safe shipping wording %q has no {发货时效}", terms.SafeShipping)
	}
}

func TestParseTermsErrors(t *testing.T) {
	for _, tc := range []struct{ name, data, want string }{
		{"unknown section", "[presale]\n预售\n[colour]\n红\n", `terms.txt:4: unknown section [colour]`},
		{"prefer without =", "[prefer]\nbargain 套餐\n", `terms.txt:2: [prefer]: want category = placeholder`},
		{"entry before section", "预售\n", `terms.txt:1: "预售" comes before any [section]`},
		{"unclosed header", "[presale\n", `terms.txt:1: section header "[presale" has no closing ]`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := ParseTerms("terms.txt", []byte(tc.data))
			if err == nil || err.Error() != tc.want {
				t.Errorf("error %v, want %s", err, tc.want)
			}
		})
	}
}

// An admin who adds a marker word changes which products ship late by design.
func TestEditedTermsChangeBehaviour(t *testing.T) {
	shop, err := bundle.Load("testdata/shoe-shop.json")
	if err != nil {
		t.Fatal(err)
	}
	idx, err := index.Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	// 飞织 appears in the running shoe's facts; as a pre-sale marker it
	// makes that product pre-sale, so the same-day promise a 24h product may
	// make before the cutoff becomes risky.
	edited, err := ParseTerms("edited.txt", append(append([]byte{}, defaultTerms...), "\n[presale]\n飞织\n"...))
	if err != nil {
		t.Fatal(err)
	}
	e, err := New(Config{Shop: shop, Index: idx, Terms: edited})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	s := turn(t, e, "c1", Agent, "亲,今天给您发出", "run-1", at(10, 0))
	if !has(kinds(s), NudgeShippingPromise) {
		t.Errorf("with 飞织 as a pre-sale marker, promising today raised %v, want shipping_promise", kinds(s))
	}
	plain := newTestEngine(t)
	if s := turn(t, plain, "c1", Agent, "亲,今天给您发出", "run-1", at(10, 0)); has(kinds(s), NudgeShippingPromise) {
		t.Errorf("with the default terms a 24h product promised today before the cutoff raised %v", kinds(s))
	}
}
