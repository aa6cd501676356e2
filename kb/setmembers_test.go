package kb_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"assist/kb"
	"assist/kb/storetest/realsets"
)

// realSets plays about n turns through the engine over the evaluation shops
// and returns their stored sets.
func realSets(tb testing.TB, n int) [][]byte {
	tb.Helper()
	mix, err := realsets.Open(tb.TempDir())
	if err != nil {
		tb.Fatal(err)
	}
	defer mix.Close()
	var sets [][]byte
	done := make(chan struct{}, 1)
	done <- struct{}{}
	err = mix.Play(n, func(turns []*kb.StoredTurn) error {
		<-done
		defer func() { done <- struct{}{} }()
		for _, t := range turns {
			sets = append(sets, t.Suggestions)
		}
		return nil
	})
	if err != nil {
		tb.Fatal(err)
	}
	return sets
}

type summary struct {
	product string
	members []kb.SetMember
	failed  bool
}

func summarise(f func([]byte) (string, []kb.SetMember, error), set []byte) summary {
	p, m, err := f(set)
	return summary{p, m, err != nil}
}

// Every set the engine writes is read by the scanner, without encoding/json,
// and to what encoding/json reads.
func TestSetSummaryScansRealSets(t *testing.T) {
	sets := realSets(t, 1500)
	members := 0
	for i, set := range sets {
		p, m, ok := kb.ScanSummary(set)
		if !ok {
			t.Fatalf("set %d left to encoding/json: %s", i, set)
		}
		want := summarise(kb.DecodeSummary, set)
		if got := (summary{p, m, false}); !reflect.DeepEqual(got, want) {
			t.Fatalf("set %d: scanned %+v, decoded %+v\n%s", i, got, want, set)
		}
		members += len(m)
	}
	if len(sets) < 1000 || members < 2*len(sets) {
		t.Fatalf("%d sets with %d members: too few to say anything", len(sets), members)
	}
}

// summaryCases are sets the scanner reads itself (scanned) or leaves to
// encoding/json; either way SetSummary answers as encoding/json does.
var summaryCases = []struct {
	name, set string
	scanned   bool
}{
	{"empty object", `{}`, true},
	{"all lists, spaced", " {\n \"product\" : \"p-1\" , \"nudges\":[ {\"kind\":\"upsell\",\"category\":\"bundle\"} , {\"kind\":\"evidence\"} ],\t\"products\":[{\"id\":\"a\"}],\"rules\":[{\"id\":\"r\"}],\"phrases\":[{\"id\":\"ph\"}]}\n", true},
	{"lists out of order", `{"phrases":[{"id":"ph"}],"rules":[{"id":"r"}],"products":[{"id":"a"}],"nudges":[{"kind":"k"}]}`, true},
	{"other members and nesting", `{"turn":3,"text":"亲,\"在\"的","phrases":[{"id":"x","text":"{买家}您好","fill":{"id":"not this"},"score":0.5,"tags":["id"]}],"facts":[{"id":"f"}]}`, true},
	{"keys in other case", `{"Product":"p","NUDGES":[{"Kind":"upsell","CATEGORY":"c"}],"Products":[{"ID":"a"}]}`, true},
	{"nulls", `{"product":null,"nudges":null,"products":[null,{"id":null},{"id":"b"}],"rules":[]}`, true},
	{"a field twice", `{"products":[{"id":"a","id":"b"},{"id":"c","id":null}]}`, true},
	{"chinese ids", `{"product":"茶-01","phrases":[{"id":"问候"}]}`, true},
	{"escape in a value", `{"product":"a\"b","products":[{"id":"c\\d"}]}`, false},
	{"unicode escape", `{"products":[{"id":"\u4e2d"}]}`, false},
	{"escape in a key", `{"pro\u0064uct":"p"}`, false},
	{"key beyond ascii", `{"prodυct":"p","products":[{"ıd":"a"}]}`, false},
	{"kelvin sign key", "{\"products\":[{\"\u212a\":\"a\"}]}", false},
	{"list twice", `{"nudges":[{"kind":"a","category":"c"}],"nudges":[{"kind":"b"}]}`, false},
	{"list twice in other case", `{"rules":[{"id":"a"}],"Rules":[]}`, false},
	{"number for a string", `{"product":5}`, false},
	{"number for an id", `{"products":[{"id":7}]}`, false},
	{"object for a list", `{"rules":{"id":"a"}}`, false},
	{"string element", `{"rules":["a"]}`, false},
	{"invalid utf-8", "{\"products\":[{\"id\":\"a\xffb\"}]}", false},
	{"control character", "{\"product\":\"a\tb\"}", false},
	{"null set", `null`, false},
	{"array set", `[]`, false},
	{"nothing", ``, false},
	{"trailing text", `{} x`, false},
	{"cut short", `{"products":[{"id":"a"}`, false},
	{"bare word", `{"rules":nul}`, false},
}

func TestSetSummaryMatchesEncodingJSON(t *testing.T) {
	for _, c := range summaryCases {
		t.Run(c.name, func(t *testing.T) {
			set := []byte(c.set)
			want := summarise(kb.DecodeSummary, set)
			if got := summarise(kb.SetSummary, set); !reflect.DeepEqual(got, want) {
				t.Fatalf("SetSummary %+v, encoding/json %+v", got, want)
			}
			p, m, ok := kb.ScanSummary(set)
			if ok != c.scanned {
				t.Fatalf("scanned %v, want %v", ok, c.scanned)
			}
			if ok && !reflect.DeepEqual(summary{p, m, false}, want) {
				t.Fatalf("scanned %q %+v, encoding/json %+v", p, m, want)
			}
		})
	}
}

// On any JSON text SetSummary answers as encoding/json does; on any other
// input it does not panic (a stored set is the encoder's JSON; what the
// scanner makes of text that is not JSON is not promised).
func FuzzSetSummary(f *testing.F) {
	for _, c := range summaryCases {
		f.Add([]byte(c.set))
	}
	f.Add([]byte(`{"product":"p","nudges":[{"kind":"upsell","category":"bundle","text":"满 99 包邮"}],"products":[{"id":"sku-1","facts":["x"]}],"rules":[{"id":"r1","quote":"七天无理由"}],"phrases":[{"id":"say-1","text":"亲~"}]}`))
	f.Fuzz(func(t *testing.T, set []byte) {
		got := summarise(kb.SetSummary, set)
		if !json.Valid(set) {
			return
		}
		if want := summarise(kb.DecodeSummary, set); !reflect.DeepEqual(got, want) {
			t.Fatalf("SetSummary %+v, encoding/json %+v for %q", got, want, set)
		}
	})
}

// BenchmarkSetSummary reads real sets with encoding/json (the old way) and
// with the scanner, side by side:
//
//	go test ./kb -run X -bench SetSummary -benchmem -count 3
func BenchmarkSetSummary(b *testing.B) {
	sets := realSets(b, 600)
	bytes := 0
	for _, s := range sets {
		bytes += len(s)
	}
	for _, c := range []struct {
		name string
		f    func([]byte) (string, []kb.SetMember, error)
	}{{"encoding-json", kb.DecodeSummary}, {"scan", kb.SetSummary}} {
		b.Run(c.name, func(b *testing.B) {
			b.SetBytes(int64(bytes / len(sets)))
			for i := range b.N {
				if _, _, err := c.f(sets[i%len(sets)]); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}
