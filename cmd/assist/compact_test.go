package main

import (
	"context"
	"fmt"
	"path/filepath"
	"strings"
	"testing"

	"assist/kb"
	"assist/kb/sqlite"
)

// assist compact moves sets stored whole into parts; each reads back as it
// was, a set that cannot be cut stays whole, and -vacuum shrinks the file.
func TestCompactOldSets(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	db, err := sqlite.Open(ctx, filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	shop, err := db.ImportShop(ctx, &kb.Shop{Name: "茶铺", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{}
	rule := strings.Repeat("收件人有权当面验收,外包装破损时可以拍照拒签。", 20)
	for c := range 40 {
		conv := fmt.Sprintf("old-%d", c)
		if _, err := db.SQL().Exec(`INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at) VALUES (?, ?, 3, '', '2026-10-01T01:00:00Z', '2026-10-01T01:00:00Z')`, shop.ID, conv); err != nil {
			t.Fatal(err)
		}
		for i := range 3 {
			set := fmt.Sprintf(`{"conversation":%q,"turn":%d,"role":"buyer","text":"第%d句","at":"2026-10-01T09:00:0%d.123456789+08:00","nudges":[],"products":[{"id":"p1","title":"白茶饼","score":%d.25}],"rules":[{"id":"r1","text":%q,"score":1}],"phrases":[]}`, conv, i, i, i, c, rule)
			if c == 0 && i == 2 {
				set = `["not","a","set"]`
			}
			at := fmt.Sprintf("2026-10-01T09:00:0%d.123456789+08:00", i)
			if _, err := db.SQL().Exec(`INSERT INTO turns (shop_id, conversation, idx, role, text, at, suggestions) VALUES (?, ?, ?, 'buyer', ?, ?, ?)`,
				shop.ID, conv, i, fmt.Sprintf("第%d句", i), at, set); err != nil {
				t.Fatal(err)
			}
			want[fmt.Sprintf("%s/%d", conv, i)] = set
		}
	}
	db.Close()

	code, stdout, stderr := runAssist(t, "compact", "-data", data, "-batch", "7", "-vacuum")
	if code != 0 || !strings.Contains(stdout, "119 suggestion sets moved") || !strings.Contains(stdout, "1 left whole") || !strings.Contains(stdout, "MiB to") {
		t.Fatalf("compact: %d\n%s%s", code, stdout, stderr)
	}
	db, err = sqlite.Open(ctx, filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for c := range 40 {
		conv := fmt.Sprintf("old-%d", c)
		turns, err := db.Turns(ctx, shop.ID, conv)
		if err != nil || len(turns) != 3 {
			t.Fatalf("%s: %d turns, %v", conv, len(turns), err)
		}
		for _, tr := range turns {
			if w := want[fmt.Sprintf("%s/%d", conv, tr.Index)]; string(tr.Suggestions) != w {
				t.Fatalf("%s/%d after compact\n%s\nwant\n%s", conv, tr.Index, tr.Suggestions, w)
			}
		}
	}
	var whole int
	db.SQL().QueryRow(`SELECT COUNT(*) FROM turns WHERE set_code IS NULL`).Scan(&whole)
	if whole != 1 {
		t.Errorf("%d turns left whole, want the one that is not a set", whole)
	}
	// Again: nothing left to move.
	if code, stdout, _ := runAssist(t, "compact", "-data", data); code != 0 || !strings.Contains(stdout, "0 suggestion sets moved") {
		t.Errorf("a second compact: %d %s", code, stdout)
	}
}
