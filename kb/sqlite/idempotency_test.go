package sqlite

import (
	"context"
	"strings"
	"testing"

	"assist/kb"
)

// A turn committed with a key is found by it; a second turn under the
// same key is refused and leaves no trace, the turn and key being one
// transaction.
func TestATurnsKeyIsCommittedWithIt(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	if _, err := db.TurnByKey(ctx, 1, "k1"); kb.ErrorCode(err) != kb.ENotFound {
		t.Fatalf("an unused key: %v, want not_found", err)
	}
	first := storedTurn("c1", 0, "在吗")
	first.IdempotencyKey = "k1"
	if err := db.AddTurn(ctx, first); err != nil {
		t.Fatal(err)
	}
	got, err := db.TurnByKey(ctx, 1, "k1")
	if err != nil || got.Conversation != "c1" || got.Index != 0 || string(got.Suggestions) != string(first.Suggestions) {
		t.Fatalf("TurnByKey = %+v, %v", got, err)
	}
	second := storedTurn("c1", 1, "能便宜点吗")
	second.IdempotencyKey = "k1"
	if err := db.AddTurn(ctx, second); kb.ErrorCode(err) != kb.EConflict {
		t.Fatalf("a second turn under k1: %v, want conflict", err)
	}
	if turns, _ := db.Turns(ctx, 1, "c1"); len(turns) != 1 {
		t.Errorf("turns = %d: the refused turn was stored", len(turns))
	}
	if list, _ := db.Conversations(ctx, 1, 10); len(list) != 1 || list[0].Turns != 1 {
		t.Errorf("conversation list = %+v: the refused turn was counted", list)
	}
}

func TestAnEventUnderAKeyIsRecordedOnce(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	if err := db.AddTurn(ctx, storedTurn("c1", 0, "在吗")); err != nil {
		t.Fatal(err)
	}
	ev := kb.Event{Shop: 1, Conversation: "c1", Turn: 0, Agent: "xiaoli", SuggestionID: "ph-1", Kind: kb.SuggestionPhrase, Action: kb.ActionUsed}
	for i, want := range []bool{false, true} {
		replayed, err := db.AddEventOnce(ctx, "e1", ev)
		if err != nil || replayed != want {
			t.Fatalf("try %d: replayed %v, %v; want %v", i, replayed, err, want)
		}
	}
	other := ev
	other.Action = kb.ActionDismissed
	if _, err := db.AddEventOnce(ctx, "e1", other); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("another event under e1: %v, want conflict", err)
	}
	turn := storedTurn("c1", 1, "好的")
	turn.IdempotencyKey = "e1"
	if err := db.AddTurn(ctx, turn); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("a turn under an event's key: %v, want conflict", err)
	}
	if _, err := db.TurnByKey(ctx, 1, "e1"); kb.ErrorCode(err) != kb.EConflict {
		t.Errorf("TurnByKey of an event's key: %v, want conflict", err)
	}
	if events, _ := db.Events(ctx, 1, "c1"); len(events) != 1 {
		t.Errorf("events = %+v, want 1", events)
	}
}

func TestTurnPage(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	for i := 0; i < 7; i++ {
		if err := db.AddTurn(ctx, storedTurn("c1", i, "第几句")); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name          string
		before, limit int
		first, n      int
		more          bool
	}{
		{name: "the last page", before: -1, limit: 3, first: 4, n: 3, more: true},
		{name: "the page before", before: 4, limit: 3, first: 1, n: 3, more: true},
		{name: "the first turns", before: 1, limit: 3, first: 0, n: 1, more: false},
		{name: "exactly all", before: -1, limit: 7, first: 0, n: 7, more: false},
		{name: "nothing before turn 0", before: 0, limit: 3, n: 0, more: false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			turns, more, err := db.TurnPage(ctx, 1, "c1", tt.before, tt.limit)
			if err != nil {
				t.Fatal(err)
			}
			if len(turns) != tt.n || more != tt.more || (tt.n > 0 && (turns[0].Index != tt.first || turns[tt.n-1].Index != tt.first+tt.n-1)) {
				t.Errorf("%d turns, more %v: %+v; want %d from %d, more %v", len(turns), more, turns, tt.n, tt.first, tt.more)
			}
		})
	}
	if _, _, err := db.TurnPage(ctx, 1, "nobody", -1, 3); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("an unknown conversation: %v, want not_found", err)
	}
}

// The page is read through the turns' primary key, not by scanning the
// conversation: its cost does not grow with the conversation's length.
func TestTurnPageUsesThePrimaryKey(t *testing.T) {
	db := openWithShop(t)
	all := queryPlan(t, db, turnPageQuery, 1, "c1", 100, 51)
	if !strings.Contains(all, "USING INDEX sqlite_autoindex_turns_1 (shop_id=? AND conversation=? AND idx<?)") || strings.Contains(all, "TEMP B-TREE") {
		t.Errorf("plan %q: want a range on the primary key and no sort", all)
	}
}

// queryPlan is SQLite's plan for query, its steps joined by "; ".
func queryPlan(t *testing.T, db *DB, query string, args ...any) string {
	t.Helper()
	rows, err := db.db.Query(`EXPLAIN QUERY PLAN `+query, args...)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return strings.Join(plan, "; ")
}
