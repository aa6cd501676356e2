package index

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"assist/kb"
	"assist/kb/segment"
)

func ids(t *testing.T, ix *Index, kind Kind, text string) []string {
	t.Helper()
	hits, err := ix.Search(kind, Terms(segment.Words(text)), 5)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, h := range hits {
		out = append(out, h.ID)
	}
	return out
}

func openOrBuild(t *testing.T, dir string, shop *kb.Shop, version string) (*Index, bool) {
	t.Helper()
	ix, reused, err := OpenOrBuild(dir, shop, version)
	if err != nil {
		t.Fatal(err)
	}
	return ix, reused
}

func TestOpenOrBuildReusesAnIndexOfTheSameVersion(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	shop := chargerShop()
	for _, tc := range []struct {
		name    string
		version string
		spoil   func(t *testing.T)
		reused  bool
	}{
		{"nothing there", "v1", nil, false},
		{"same version", "v1", nil, true},
		{"another version", "v2", nil, false},
		{"no version is never reused", "", nil, false},
		{"built for no version", "v2", nil, false},
		{"marker missing: a build cut short", "v2", func(t *testing.T) {
			if err := os.Remove(filepath.Join(dir, markerFile)); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"marker garbled", "v2", func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, markerFile), []byte("{not json"), 0o644); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"marker of another segmenter", "v2", func(t *testing.T) {
			if err := os.WriteFile(filepath.Join(dir, markerFile),
				[]byte(`{"format":"`+format+`","words":"old","version":"v2"}`), 0o644); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"a kind's files gone", "v2", func(t *testing.T) {
			if err := os.RemoveAll(filepath.Join(dir, string(Phrase))); err != nil {
				t.Fatal(err)
			}
		}, false},
		{"after the rebuild, reused again", "v2", nil, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if tc.spoil != nil {
				tc.spoil(t)
			}
			ix, reused := openOrBuild(t, dir, shop, tc.version)
			defer ix.Close()
			if reused != tc.reused {
				t.Errorf("reused = %v, want %v", reused, tc.reused)
			}
			if got := ids(t, ix, Product, "充电宝能带上飞机吗"); len(got) == 0 || got[0] != "pb" {
				t.Errorf("search after open: %v, want pb first", got)
			}
			if got := ids(t, ix, Phrase, "不给差评"); len(got) == 0 || got[0] != "confirm" {
				t.Errorf("phrase search after open: %v, want confirm first", got)
			}
		})
	}
	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	if len(entries) != 1 {
		t.Errorf("data dir holds %d entries, want only the index (no build leftovers)", len(entries))
	}
}

func TestPutAndDeletePhraseInPlace(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	shop := chargerShop()
	ix, _ := openOrBuild(t, dir, shop, "v1")
	segment.AddWords([]string{"开发票"}) // known before, so the put below learns nothing new

	if err := ix.PutPhrase(&kb.Phrase{ID: "invoice", Scene: kb.SceneProduct, Title: "开发票",
		Text: "亲,下单后可以在订单页申请电子发票", Tags: []string{"开发票"}}); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, Phrase, "能开发票吗"); !slices.Contains(got, "invoice") {
		t.Errorf("new phrase not found: %v", got)
	}
	if err := ix.PutPhrase(&kb.Phrase{ID: "confirm", Scene: kb.SceneEvidence, Title: "确认诉求",
		Text: "亲,我们核实一下订单情况", Tags: []string{"核实"}}); err != nil {
		t.Fatal(err)
	}
	if got := ids(t, ix, Phrase, "要挟 补偿"); slices.Contains(got, "confirm") {
		t.Errorf("edited phrase still found by its old words: %v", got)
	}
	if got := ids(t, ix, Phrase, "核实订单"); !slices.Contains(got, "confirm") {
		t.Errorf("edited phrase not found by its new words: %v", got)
	}
	if err := ix.DeletePhrase("invoice"); err != nil {
		t.Fatal(err)
	}
	if err := ix.DeletePhrase("no-such-phrase"); err != nil {
		t.Errorf("deleting an unknown phrase: %v", err)
	}
	if got := ids(t, ix, Phrase, "能开发票吗"); slices.Contains(got, "invoice") {
		t.Errorf("deleted phrase still found: %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, markerFile)); !os.IsNotExist(err) {
		t.Errorf("a changed index still carries its ready marker (stat: %v)", err)
	}

	// Closed without being told its version: not reused.
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, reused := openOrBuild(t, dir, shop, "v1")
	if reused {
		t.Error("an index changed after v1 was reused as v1")
	}
	// Changed and told its version: reused, with the change.
	if err := ix.DeleteProduct("cable"); err != nil {
		t.Fatal(err)
	}
	ix.SetVersion("v2")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, reused = openOrBuild(t, dir, shop, "v2")
	defer ix.Close()
	if !reused {
		t.Error("index closed cleanly at v2 was not reused")
	}
	if got := ids(t, ix, Product, "数据线"); slices.Contains(got, "cable") {
		t.Errorf("deleted product back after reopening: %v", got)
	}
}

// A put that teaches the segmenter a word leaves documents indexed before
// cut without it: the index is rebuilt at the next start.
func TestPutWithANewWordIsRebuiltNextTime(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, _ := openOrBuild(t, dir, chargerShop(), "v1")
	if err := ix.PutRule(&kb.Rule{ID: "r-new", Title: "新规", Text: "说明", Tags: []string{"磁吸无线叠充座"}}); err != nil {
		t.Fatal(err)
	}
	ix.SetVersion("v2")
	if err := ix.Close(); err != nil {
		t.Fatal(err)
	}
	ix, reused := openOrBuild(t, dir, chargerShop(), "v2")
	defer ix.Close()
	if reused {
		t.Error("index with words cut before they were learnt was reused")
	}
}

func TestFingerprintFollowsContent(t *testing.T) {
	a, b := chargerShop(), chargerShop()
	if Fingerprint(a) != Fingerprint(b) {
		t.Error("equal shops, different fingerprints")
	}
	b.Phrases[0].Text += "~"
	if Fingerprint(a) == Fingerprint(b) {
		t.Error("a phrase edit left the fingerprint unchanged")
	}
}

// An index open in this process is neither waited for nor rebuilt under it.
func TestOpenOrBuildRefusesAnIndexInUse(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, _ := openOrBuild(t, dir, chargerShop(), "v1")
	defer ix.Close()
	if _, _, err := OpenOrBuild(dir, chargerShop(), "v1"); err == nil || !strings.Contains(err.Error(), "in use") {
		t.Fatalf("opening an index in use: %v, want an error saying so", err)
	}
	if got := ids(t, ix, Product, "充电宝"); len(got) == 0 {
		t.Error("the index in use no longer answers")
	}
}

// Dirs reopens a shop's index at the same version after a restart.
func TestDirsReopenAVersion(t *testing.T) {
	d := Dirs{Root: t.TempDir()}
	info := kb.ShopInfo{ID: 3, Version: 12}
	ix, err := d.Index(info, chargerShop())
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	if !readyFor(d.Dir(info), "12") {
		t.Fatal("index of version 12 not marked ready")
	}
	ix, err = d.Index(info, chargerShop())
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := ids(t, ix, Product, "充电宝"); len(got) == 0 || got[0] != "pb" {
		t.Errorf("reopened index: %v", got)
	}
}
