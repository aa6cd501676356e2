package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"assist/kb"
	"assist/kb/jsonpos"
)

func TestWriteRoundTrips(t *testing.T) {
	tests := []struct {
		name string
		path string
	}{
		{"own fixture", filepath.Join("testdata", "tea-shop.json")},
		{"shared example", filepath.Join("..", "..", "..", "shared", "eval", "dev-shop.json")},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := os.Stat(tt.path); err != nil {
				t.Skipf("absent: %v", err)
			}
			shop, err := Load(tt.path)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			if err := Write(&buf, shop); err != nil {
				t.Fatal(err)
			}
			again, err := Parse("exported.json", buf.Bytes())
			if err != nil {
				t.Fatalf("export does not parse:\n%v", err)
			}
			if !reflect.DeepEqual(again, shop) {
				t.Errorf("round trip changed the shop:\n got  %+v\n want %+v", again, shop)
			}
		})
	}
}

// TestWriteOmitsNothing: every field of the format is written, empty lists
// as [], so an admin editing an export sees what they may fill in.
func TestWriteOmitsNothing(t *testing.T) {
	shop := &kb.Shop{Name: "充电小站", ShipWithinHours: 24,
		Products: []kb.Product{{ID: "pd-20w", Title: "20W快充头", Price: 39}},
		Rules:    []kb.Rule{{ID: "r-3c", Title: "3C认证", Text: "所售充电器均有3C认证"}},
		Phrases:  []kb.Phrase{{ID: "ph-hi", Scene: kb.SceneGreeting, Title: "问候", Text: "您好 <{店铺}> & 欢迎"}},
	}
	var buf bytes.Buffer
	if err := Write(&buf, shop); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	root, err := jsonpos.Parse(buf.Bytes())
	if err != nil {
		t.Fatal(err)
	}
	objects := []struct {
		name   string
		v      *jsonpos.Value
		fields []string
	}{
		{"top", root, topFields},
		{"shop", root.Get("shop"), shopFields},
		{"product", root.Get("products").Array[0], productFields},
		{"rule", root.Get("rules").Array[0], ruleFields},
		{"phrase", root.Get("phrases").Array[0], phraseFields},
	}
	for _, o := range objects {
		var keys []string
		for _, m := range o.v.Object {
			keys = append(keys, m.Key)
		}
		if !reflect.DeepEqual(keys, o.fields) {
			t.Errorf("%s writes %v, want %v", o.name, keys, o.fields)
		}
	}
	for _, want := range []string{"\n  \"shop\": {\n    \"name\": \"充电小站\"", `"aliases": []`, `"timezone": "Asia/Shanghai"`, `您好 <{店铺}> & 欢迎`} {
		if !strings.Contains(out, want) {
			t.Errorf("export lacks %q:\n%s", want, out)
		}
	}
}
