package main

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"assist/kb/bundle"
	"assist/kb/sqlite"
)

// runAssist runs the real program with args and returns its exit status and output.
func runAssist(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := run(context.Background(), args, &out, &errOut)
	return code, out.String(), errOut.String()
}

const demoPath = "demo/shop.json"

func TestImportExportRoundTrip(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runAssist(t, "import", "-data", data, "-shop", demoPath); code != 0 {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	exported := filepath.Join(t.TempDir(), "out.json")
	if code, _, stderr := runAssist(t, "export", "-data", data, "-o", exported); code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	want, err := bundle.Load(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	got, err := bundle.Load(exported)
	if err != nil {
		t.Fatalf("exported bundle does not load: %v", err)
	}
	// Import the export into a second store: the shop must read back the same.
	data2 := t.TempDir()
	if code, _, stderr := runAssist(t, "import", "-data", data2, "-shop", exported); code != 0 {
		t.Fatalf("re-import exit %d: %s", code, stderr)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(data2, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	again, err := db.Shop(context.Background(), want.Name)
	if err != nil {
		t.Fatal(err)
	}
	// Compare as bundles: the format is the contract, not Go's nil-vs-empty.
	var a, b bytes.Buffer
	bundle.Write(&a, got)
	bundle.Write(&b, again)
	if a.String() != b.String() {
		t.Errorf("export → import → read differs from the export:\n%s\n---\n%s", a.String(), b.String())
	}
	var w bytes.Buffer
	bundle.Write(&w, want)
	if w.String() != a.String() {
		t.Errorf("the export differs from the imported bundle")
	}
	if len(got.Products) != len(want.Products) || len(got.Rules) != len(want.Rules) || len(got.Phrases) != len(want.Phrases) {
		t.Errorf("export has %d/%d/%d products/rules/phrases, want %d/%d/%d", len(got.Products), len(got.Rules),
			len(got.Phrases), len(want.Products), len(want.Rules), len(want.Phrases))
	}
}

func TestBadImportNamesTheFileAndChangesNothing(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runAssist(t, "import", "-data", data, "-shop", demoPath); code != 0 {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(raw, &doc); err != nil {
		t.Fatal(err)
	}
	doc["products"] = doc["products"].([]any)[:1] // same shop, one product, dangling references
	bad, _ := json.MarshalIndent(doc, "", "  ")
	badPath := filepath.Join(t.TempDir(), "broken.json")
	os.WriteFile(badPath, bad, 0o644)
	code, _, stderr := runAssist(t, "import", "-data", data, "-shop", badPath)
	if code == 0 || !strings.Contains(stderr, "broken.json:") || !strings.Contains(stderr, "no product") {
		t.Fatalf("bad import: exit %d, stderr %q; want non-zero naming broken.json:line and the dangling id", code, stderr)
	}
	db, err := sqlite.Open(context.Background(), filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, _ := db.Shops(context.Background())
	shop, err := db.Shop(context.Background(), names[0].Name)
	if err != nil || len(shop.Products) < 2 {
		t.Errorf("after a bad import the stored shop has %d products (%v), want the old ones", len(shop.Products), err)
	}
}

func TestEvalCommand(t *testing.T) {
	shop := "../../testdata/shops/phone-accessories/shop.json"
	cases := "../../testdata/shops/phone-accessories/cases.jsonl"
	code, stdout, stderr := runAssist(t, "eval", "-shop", shop, "-cases", cases, "-json")
	if code != 0 {
		t.Fatalf("eval exit %d: %s", code, stderr)
	}
	var r struct {
		Cases  int                       `json:"cases"`
		Turns  int                       `json:"turns"`
		Nudges map[string]map[string]int `json:"nudges"`
		Docs   map[string]float64        `json:"docs"`
		Lat    map[string]float64        `json:"latency_ms"`
		Misses []map[string]any          `json:"misses"`
	}
	if err := json.Unmarshal([]byte(stdout), &r); err != nil {
		t.Fatalf("eval -json is not one JSON object: %v\n%s", err, stdout)
	}
	for _, k := range []string{"upsell", "evidence", "shipping_promise"} {
		for _, f := range []string{"expected", "hit", "forbidden", "false_alarm"} {
			if _, ok := r.Nudges[k][f]; !ok {
				t.Errorf("nudges.%s.%s missing", k, f)
			}
		}
	}
	for _, f := range []string{"expected", "hit_at_1", "hit_at_3", "mrr"} {
		if _, ok := r.Docs[f]; !ok {
			t.Errorf("docs.%s missing", f)
		}
	}
	if r.Cases == 0 || r.Turns < r.Cases || r.Lat["p99"] <= 0 || r.Lat["p50"] > r.Lat["p99"] || r.Misses == nil {
		t.Errorf("implausible report: %+v", r)
	}
	code, stdout, _ = runAssist(t, "eval", "-shop", shop, "-cases", cases)
	if code != 0 || !strings.Contains(stdout, "shipping_promise") || !strings.Contains(stdout, "mrr") {
		t.Errorf("table: exit %d\n%s", code, stdout)
	}
}

func TestEvalRejectsABadCasesFile(t *testing.T) {
	bad := filepath.Join(t.TempDir(), "cases.jsonl")
	os.WriteFile(bad, []byte(`{"id":"a","turns":[{"role":"buyer","text":"在吗"}]}`+"\n"+
		`{"id":"b","turns":[{"role":"seller","text":"在"}]}`+"\n"), 0o644)
	code, _, stderr := runAssist(t, "eval", "-shop", demoPath, "-cases", bad)
	if code == 0 || !strings.Contains(stderr, "cases.jsonl:2") || !strings.Contains(stderr, "turns[0].role") {
		t.Errorf("exit %d, stderr %q; want non-zero naming cases.jsonl:2 and turns[0].role", code, stderr)
	}
}
