package main

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"assist/kb/sqlite"
)

// TestPhrasesCSVThroughTheStore: an admin exports the phrases, edits the
// sheet, imports it with a mistake (nothing changes, the line is named),
// fixes it and imports again.
func TestPhrasesCSVThroughTheStore(t *testing.T) {
	data := t.TempDir()
	if code, _, stderr := runAssist(t, "import", "-data", data, "-shop", demoPath); code != 0 {
		t.Fatalf("import exit %d: %s", code, stderr)
	}
	sheet := filepath.Join(t.TempDir(), "phrases.csv")
	if code, _, stderr := runAssist(t, "export", "-data", data, "-phrases-csv", "-o", sheet); code != 0 {
		t.Fatalf("export exit %d: %s", code, stderr)
	}
	raw, err := os.ReadFile(sheet)
	if err != nil {
		t.Fatal(err)
	}
	text := string(raw)
	if !strings.HasPrefix(text, "\uFEFF编号 id,场景 scene,") {
		t.Fatalf("sheet starts %q", text[:min(len(text), 60)])
	}
	before := phraseCount(t, data)
	if n := strings.Count(text, "\r\n") - 1; n != before {
		t.Errorf("sheet has %d rows, the shop %d phrases", n, before)
	}

	bad := text + ",upsel,新品推荐,看看新品,,\r\n"
	os.WriteFile(sheet, []byte(bad), 0o644)
	code, _, stderr := runAssist(t, "import", "-data", data, "-phrases-csv", sheet)
	wantLine := before + 2
	want := "phrases.csv:" + strconv.Itoa(wantLine) + `: scene: "upsel" is not a scene (did you mean "upsell"?)`
	if code == 0 || !strings.Contains(stderr, want) {
		t.Fatalf("bad sheet: exit %d, stderr %q; want it to contain %q", code, stderr, want)
	}
	if n := phraseCount(t, data); n != before {
		t.Fatalf("a rejected sheet changed the store: %d phrases, were %d", n, before)
	}

	good := text + ",upsell,新品推荐,看看新品,,\r\n"
	os.WriteFile(sheet, []byte(good), 0o644)
	code, stdout, stderr := runAssist(t, "import", "-data", data, "-phrases-csv", sheet)
	if code != 0 {
		t.Fatalf("good sheet: exit %d: %s", code, stderr)
	}
	if n := phraseCount(t, data); n != before+1 || !strings.Contains(stdout, "phrases now") {
		t.Errorf("after the fix: %d phrases, want %d; stdout %q", n, before+1, stdout)
	}
}

func phraseCount(t *testing.T, data string) int {
	t.Helper()
	db, err := sqlite.Open(context.Background(), filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	names, err := db.Shops(context.Background())
	if err != nil || len(names) == 0 {
		t.Fatalf("shops %v, %v", names, err)
	}
	shop, err := db.Shop(context.Background(), names[0].Name)
	if err != nil {
		t.Fatal(err)
	}
	return len(shop.Phrases)
}
