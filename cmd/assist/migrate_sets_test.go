package main

import (
	"bytes"
	"context"
	"math/rand/v2"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/sqlite"
	"assist/kb/storetest"
	"assist/kb/storetest/realsets"
)

// Suggestion sets stored in parts move into PostgreSQL with their parts and
// read back to the byte there (times kept to the nanosecond in SQLite,
// to the microsecond in PostgreSQL); a set stored whole before migration
// 010 moves as it is; a turn added after the move shares the moved parts
// and adds new ones under fresh ids.
func TestMigrateSetsInParts(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	src, err := sqlite.Open(ctx, filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	mix, err := realsets.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer mix.Close()
	for _, s := range mix.Shops {
		if _, err := src.ImportShop(ctx, s.Shop); err != nil {
			t.Fatal(err)
		}
	}
	rnd := rand.New(rand.NewPCG(7, 7))
	start := time.Date(2026, 11, 30, 9, 0, 0, 987654321, time.FixedZone("CST", 8*3600))
	var want []*kb.StoredTurn
	for c := range 6 {
		turns, err := mix.Conversation(rnd, c%len(mix.Shops), int64(c%len(mix.Shops)+1), c, start.Add(time.Duration(c)*time.Hour))
		if err != nil {
			t.Fatal(err)
		}
		for _, st := range turns {
			if err := src.AddTurn(ctx, st); err != nil {
				t.Fatal(err)
			}
		}
		want = append(want, turns...)
	}
	old := `{"conversation":"old","turn":0,"role":"buyer","text":"在吗","at":"2026-10-01T09:00:00+08:00","nudges":[],"products":[],"rules":[],"phrases":[]}`
	if _, err := src.SQL().Exec(`INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at) VALUES (1, 'old', 1, '在吗', '2026-10-01T01:00:00Z', '2026-10-01T01:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	if _, err := src.SQL().Exec(`INSERT INTO turns (shop_id, conversation, idx, role, text, at, suggestions) VALUES (1, 'old', 0, 'buyer', '在吗', '2026-10-01T09:00:00+08:00', ?)`, old); err != nil {
		t.Fatal(err)
	}
	src.Close()

	dsn := storetest.PostgresDSN(t)
	code, stdout, stderr := runAssist(t, "migrate", "-data", data, "-to", dsn)
	if code != 0 || !strings.Contains(stdout, "suggestion_parts") {
		t.Fatalf("migrate: %d\n%s%s", code, stdout, stderr)
	}
	dst, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	for _, w := range want {
		g, err := dst.Turn(ctx, w.Shop, w.Conversation, w.Index)
		if err != nil || !bytes.Equal(g.Suggestions, w.Suggestions) {
			t.Fatalf("%s/%d after migrate: %v\n%s\nwant\n%s", w.Conversation, w.Index, err, g.Suggestions, w.Suggestions)
		}
	}
	if g, err := dst.Turn(ctx, 1, "old", 0); err != nil || string(g.Suggestions) != old {
		t.Errorf("the set stored whole, after migrate: %v %s", err, g.Suggestions)
	}
	more, err := mix.Conversation(rnd, 0, 1, 99, start.Add(24*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	more[0].Suggestions = bytes.Replace(more[0].Suggestions, []byte(`"nudges":[]`), []byte(`"nudges":[{"kind":"new-after-migrate"}]`), 1)
	for _, st := range more {
		if err := dst.AddTurn(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	got, err := dst.Turns(ctx, 1, more[0].Conversation)
	if err != nil || len(got) != len(more) {
		t.Fatalf("a conversation after migrate: %d turns, %v", len(got), err)
	}
	for i := range more {
		if !bytes.Equal(got[i].Suggestions, more[i].Suggestions) {
			t.Fatalf("turn %d added after migrate reads back\n%s\nwant\n%s", i, got[i].Suggestions, more[i].Suggestions)
		}
	}
}
