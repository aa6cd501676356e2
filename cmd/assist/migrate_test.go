package main

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/bundle"
	"assist/kb/postgres"
	"assist/kb/sqlite"
	"assist/kb/storetest"
)

// assist migrate moves a whole SQLite store into PostgreSQL: people log in
// with the same passwords, sessions and tokens still hold, a revoked
// token's id stays retired, conversations and the record read the same.
func TestMigrateSQLiteIntoPostgres(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	src, err := sqlite.Open(ctx, filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	demo, err := bundle.Load(demoPath)
	if err != nil {
		t.Fatal(err)
	}
	tea, err := src.ImportShop(ctx, demo)
	if err != nil {
		t.Fatal(err)
	}
	other, err := src.ImportShop(ctx, &kb.Shop{Name: "手机店", ShipWithinHours: 24, Timezone: "Asia/Shanghai"})
	if err != nil {
		t.Fatal(err)
	}
	li, err := src.CreateUser(ctx, "xiaoli", "agent-password", false)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []int64{tea.ID, other.ID} {
		if err := src.Grant(ctx, li.ID, s, kb.RoleAgent); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := src.CreateUser(ctx, "boss", "owner-password", true); err != nil {
		t.Fatal(err)
	}
	session, _, err := src.CreateSession(ctx, li, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	keep, _, err := src.CreateToken(ctx, tea.ID, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	_, revoked, err := src.CreateToken(ctx, other.ID, "old-bridge")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := src.RevokeToken(ctx, revoked.ID); err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 3, 2, 9, 30, 0, 123456000, time.UTC)
	for i, text := range []string{"在吗", "什么时候发货", "好的"} {
		st := &kb.StoredTurn{Shop: tea.ID, Conversation: "c1", Index: i, Role: "buyer", Text: text, At: at.Add(time.Duration(i) * time.Second),
			PostedBy: "qianniu", Suggestions: json.RawMessage(`{"turn":` + string(rune('0'+i)) + `,"phrases":[]}`)}
		if i == 1 {
			st.IdempotencyKey = "retry-1"
		}
		if err := src.AddTurn(ctx, st); err != nil {
			t.Fatal(err)
		}
	}
	if err := src.AddEvents(ctx, kb.Event{Shop: tea.ID, Conversation: "c1", Turn: 1, Agent: "xiaoli", SuggestionID: "p1",
		Kind: kb.SuggestionProduct, Action: kb.ActionUsed, At: at}); err != nil {
		t.Fatal(err)
	}
	// What the shop taught: one flag accepted as an example, one as a cue
	// word, one still open.
	for i, d := range []*kb.FlagDecision{{Accept: true, As: "example", By: "boss"}, {Accept: true, As: "cue", Word: "发货", By: "boss"}, nil} {
		id, err := src.AddFlag(ctx, &kb.Flag{Shop: tea.ID, Conversation: "c1", Turn: i, Kind: kb.FlagMissed,
			Category: "evidence.missing", Role: "buyer", Text: "什么时候发货", FlaggedBy: "xiaoli"})
		if err != nil {
			t.Fatal(err)
		}
		if d != nil {
			if _, err := src.DecideFlag(ctx, tea.ID, id, *d); err != nil {
				t.Fatal(err)
			}
		}
	}
	wantFlags, _ := src.Flags(ctx, tea.ID, "", 10)
	wantReport, _ := src.SuggestionReport(ctx, tea.ID)
	wantTurns, _ := src.Turns(ctx, tea.ID, "c1")
	wantShop, teaNow, _ := src.ShopByID(ctx, tea.ID)
	if len(wantShop.Lessons.Examples) != 1 || len(wantShop.Lessons.Cues) != 1 {
		t.Fatalf("lessons before migrate %+v: want an example and a cue", wantShop.Lessons)
	}
	src.Close()

	dsn := storetest.PostgresDSN(t)
	code, stdout, stderr := runAssist(t, "migrate", "-data", data, "-to", dsn)
	if code != 0 || !strings.Contains(stdout, "counts agree") {
		t.Fatalf("migrate: %d\n%s%s", code, stdout, stderr)
	}
	for _, line := range []string{"turns", "events", "api_tokens", "flags", "shop_examples", "shop_cues"} {
		if !strings.Contains(stdout, line) {
			t.Errorf("the count table has no line for %s:\n%s", line, stdout)
		}
	}

	dst, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	if u, err := dst.Authenticate(ctx, "xiaoli", "agent-password"); err != nil || len(u.Shops) != 2 {
		t.Errorf("xiaoli after migrate: %+v, %v; want a login into both shops", u, err)
	}
	if u, err := dst.Authenticate(ctx, "boss", "owner-password"); err != nil || !u.Owner {
		t.Errorf("boss after migrate: %+v, %v; want an owner", u, err)
	}
	if s, err := dst.Session(ctx, session); err != nil || s.User.Name != "xiaoli" {
		t.Errorf("session after migrate: %+v, %v", s, err)
	}
	if tok, err := dst.TokenBySecret(ctx, keep); err != nil || tok.Shop != tea.ID {
		t.Errorf("token after migrate: %+v, %v", tok, err)
	}
	_, fresh, err := dst.CreateToken(ctx, other.ID, "new-bridge")
	if err != nil || fresh.ID <= revoked.ID {
		t.Errorf("a token made after migrate took id %d (%v); id %d was issued and revoked before: never again", fresh.ID, err, revoked.ID)
	}
	gotTurns, err := dst.Turns(ctx, tea.ID, "c1")
	if err != nil || len(gotTurns) != len(wantTurns) {
		t.Fatalf("turns after migrate: %d, %v; want %d", len(gotTurns), err, len(wantTurns))
	}
	for i := range wantTurns {
		g, w := gotTurns[i], wantTurns[i]
		if g.Text != w.Text || !g.At.Equal(w.At) || string(g.Suggestions) != string(w.Suggestions) || g.PostedBy != w.PostedBy {
			t.Errorf("turn %d after migrate %+v, want %+v", i, g, w)
		}
	}
	if got, _ := dst.SuggestionReport(ctx, tea.ID); !reflect.DeepEqual(got, wantReport) {
		t.Errorf("report after migrate %+v, want %+v", got, wantReport)
	}
	if got, info, err := dst.ShopByID(ctx, tea.ID); err != nil || !reflect.DeepEqual(got, wantShop) || info.Version != teaNow.Version {
		t.Errorf("shop after migrate differs (%v, version %d want %d)", err, info.Version, teaNow.Version)
	}

	if k, err := dst.TurnByKey(ctx, tea.ID, "retry-1"); err != nil || k.Index != 1 {
		t.Errorf("a retry after migrate finds %+v, %v; want turn 1", k, err)
	}
	gotFlags, err := dst.Flags(ctx, tea.ID, "", 10)
	if err != nil || len(gotFlags) != len(wantFlags) {
		t.Errorf("flags after migrate: %d, %v; want %d", len(gotFlags), err, len(wantFlags))
	}
	for i := range gotFlags {
		if g, w := gotFlags[i], wantFlags[i]; g.ID != w.ID || g.Status != w.Status || g.LearnedAs != w.LearnedAs || !g.At.Equal(w.At.Truncate(time.Microsecond)) {
			t.Errorf("flag %d after migrate %+v, want %+v", i, g, w)
		}
	}
	// A second migrate into the same database is refused: it would mix two stores.
	code, _, stderr = runAssist(t, "migrate", "-data", data, "-to", dsn)
	if code == 0 || !strings.Contains(stderr, "not empty") {
		t.Errorf("migrate into a store that has data: %d %s; want refused, saying it is not empty", code, stderr)
	}
	code, _, stderr = runAssist(t, "migrate", "-data", data, "-to", filepath.Join(data, "x.db"))
	if code != 2 || !strings.Contains(stderr, "PostgreSQL DSN") {
		t.Errorf("migrate to a file: %d %s; want a usage error naming the DSN", code, stderr)
	}
}
