package main

import (
	"context"
	"fmt"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/review"
	"assist/kb/sqlite"
	"assist/kb/storetest"
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

// assist compact moves the shown events of each push of a whole set
// (recorded before migration 013) into one show; a push of part of a set
// stays events; every figure read from them is the same after.
func TestCompactOldShownEvents(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	now := func() time.Time { return time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC) }
	open := func() *sqlite.DB {
		db, err := sqlite.Open(ctx, filepath.Join(data, "assist.db"))
		if err != nil {
			t.Fatal(err)
		}
		db.Now = now
		return db
	}
	db := open()
	shop := storetest.SeedReviewShown(t, db, storetest.ShownAsEvents)
	part := kb.Event{Shop: shop, Conversation: "c2", Turn: 0, Agent: "xiaowang", Kind: kb.SuggestionPhrase, SuggestionID: "hx",
		Action: kb.ActionShown, At: time.Date(2026, 11, 25, 2, 0, 5, 0, time.UTC)}
	if err := db.AddEvents(ctx, part); err != nil {
		t.Fatal(err)
	}
	type figures struct {
		Suggestions []review.SuggestionRow
		Trend       []review.TrendPoint
		Agents      []review.AgentRow
		Report      []kb.SuggestionStats
		Usage       map[string]kb.PhraseUsage
		ShownTo     []map[int][]string
	}
	read := func(db *sqlite.DB) figures {
		t.Helper()
		var f figures
		var err error
		if _, err = db.RefreshReview(ctx, shop); err != nil {
			t.Fatal(err)
		}
		if f.Suggestions, f.Trend, err = db.ReviewSuggestions(ctx, shop, review.Filter{}); err != nil {
			t.Fatal(err)
		}
		if f.Agents, err = db.ReviewAgents(ctx, shop, review.Filter{}); err != nil {
			t.Fatal(err)
		}
		if f.Report, err = db.SuggestionReport(ctx, shop); err != nil {
			t.Fatal(err)
		}
		if f.Usage, err = db.PhraseUsage(ctx, shop); err != nil {
			t.Fatal(err)
		}
		for _, c := range []string{"c1", "c2", "c3"} {
			events, err := db.ConversationEvents(ctx, shop, c)
			if err != nil {
				t.Fatal(err)
			}
			shows, err := db.ConversationShows(ctx, shop, c)
			if err != nil {
				t.Fatal(err)
			}
			f.ShownTo = append(f.ShownTo, kb.ShownTo(events, shows))
		}
		return f
	}
	before := read(db)
	if len(before.Suggestions) != 4 || before.Usage["h1"].Shown30 != 3 || len(before.ShownTo[1][0]) != 2 {
		t.Fatalf("figures before: %+v", before)
	}
	db.Close()

	code, stdout, stderr := runAssist(t, "compact", "-data", data)
	if code != 0 || !strings.Contains(stdout, "4 pushes' shown events moved into shows; 1 left as events") {
		t.Fatalf("compact: %d\n%s%s", code, stdout, stderr)
	}
	db = open()
	defer db.Close()
	var shownEvents, shows int
	db.SQL().QueryRow(`SELECT (SELECT COUNT(*) FROM events WHERE action = 'shown'), (SELECT COUNT(*) FROM shows)`).Scan(&shownEvents, &shows)
	if shownEvents != 1 || shows != 4 {
		t.Errorf("after compact: %d shown events, %d shows; want the part push's 1 and 4", shownEvents, shows)
	}
	if after := read(db); !reflect.DeepEqual(after, before) {
		t.Errorf("figures after compact:\n%+v\nbefore:\n%+v", after, before)
	}
}
