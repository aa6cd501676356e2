package assistant

import (
	"os"
	"path/filepath"
	"testing"
	"time"

	"assist/kb/bundle"
	"assist/kb/index"
	"assist/kb/segment"
)

// TestColdStart times what starting on a shop costs in a fresh process: the
// dictionary, the index (built, or reused from a data directory that has
// one) and the engine. Run it alone, so the dictionary is not loaded yet:
//
//	go test ./assistant -run ColdStart -count 1 -v
func TestColdStart(t *testing.T) {
	if testing.Short() {
		t.Skip("times a cold start")
	}
	path := filepath.Join("..", "..", "shared", "eval", "dev-shop.json")
	if _, err := os.Stat(path); err != nil {
		path = filepath.Join("..", "testdata", "shops", "phone-accessories", "shop.json")
	}
	shop, err := bundle.Load(path)
	if err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "index")
	dict := segment.LoadTime()

	start := time.Now()
	idx, reused, err := index.OpenOrBuild(dir, shop, index.Fingerprint(shop))
	if err != nil || reused {
		t.Fatalf("first start: reused %v, %v", reused, err)
	}
	e, err := New(Config{Shop: shop, Index: idx})
	if err != nil {
		t.Fatal(err)
	}
	built := time.Since(start)
	if err := e.Close(); err != nil {
		t.Fatal(err)
	}

	start = time.Now()
	idx, reused, err = index.OpenOrBuild(dir, shop, index.Fingerprint(shop))
	if err != nil || !reused {
		t.Fatalf("second start: reused %v, %v", reused, err)
	}
	e, err = New(Config{Shop: shop, Index: idx})
	if err != nil {
		t.Fatal(err)
	}
	opened := time.Since(start)
	defer e.Close()
	if _, err := e.Turn(chat(e, "c"), Turn{Role: Buyer, Text: "在吗"}); err != nil {
		t.Fatal(err)
	}
	t.Logf("%s: dictionary %v; index built + engine %v (cold start %v); index reused + engine %v (cold start %v)",
		filepath.Base(path), dict.Round(time.Millisecond), built.Round(time.Millisecond),
		(dict + built).Round(time.Millisecond), opened.Round(time.Millisecond), (dict + opened).Round(time.Millisecond))
}
