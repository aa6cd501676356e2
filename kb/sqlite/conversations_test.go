package sqlite

import (
	"context"
	"fmt"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"assist/kb"
)

func storedTurn(conv string, i int, text string) *kb.StoredTurn {
	return &kb.StoredTurn{Shop: 1, Conversation: conv, Index: i, Role: "buyer", Text: text,
		At:          time.Date(2026, 11, 23, 10, 0, i, 0, time.FixedZone("CST", 8*3600)),
		PostedBy:    "token:qianniu",
		Suggestions: []byte(fmt.Sprintf(`{"conversation":%q,"turn":%d}`, conv, i))}
}

func TestTurnsRoundTrip(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	clock := time.Date(2026, 11, 23, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { clock = clock.Add(time.Second); return clock }
	for i, text := range []string{"充电器支持快充吗", "支持的亲", "能便宜点吗"} {
		if err := db.AddTurn(ctx, storedTurn("c1", i, text)); err != nil {
			t.Fatal(err)
		}
	}
	if err := db.AddTurn(ctx, storedTurn("c2", 0, "鞋码偏大吗")); err != nil {
		t.Fatal(err)
	}

	turns, err := db.Turns(ctx, 1, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(turns) != 3 || turns[2].Text != "能便宜点吗" || turns[2].Index != 2 {
		t.Fatalf("turns = %+v", turns)
	}
	want := storedTurn("c1", 1, "支持的亲")
	if got := turns[1]; !got.At.Equal(want.At) || string(got.Suggestions) != string(want.Suggestions) || got.PostedBy != want.PostedBy {
		t.Errorf("turn 1 = %+v, want %+v", got, want)
	}

	list, err := db.Conversations(ctx, 1, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(list) != 2 || list[0].ID != "c2" || list[1].ID != "c1" || list[1].Turns != 3 || list[1].LastText != "能便宜点吗" {
		t.Errorf("list = %+v: want c2 (latest) then c1 with 3 turns", list)
	}
}

func TestAddTurnRefusesADuplicateIndex(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	if err := db.AddTurn(ctx, storedTurn("c1", 0, "在吗")); err != nil {
		t.Fatal(err)
	}
	err := db.AddTurn(ctx, storedTurn("c1", 0, "在吗?"))
	if kb.ErrorCode(err) != kb.EConflict {
		t.Fatalf("err = %v, want conflict", err)
	}
	// The failed turn left the conversation as it was.
	list, err := db.Conversations(ctx, 1, 10)
	if err != nil || len(list) != 1 || list[0].Turns != 1 || list[0].LastText != "在吗" {
		t.Errorf("list = %+v, %v", list, err)
	}
}

func TestTurnsOfAnUnknownConversation(t *testing.T) {
	db := openWithShop(t)
	if _, err := db.Turns(context.Background(), 1, "nope"); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("err = %v, want not_found", err)
	}
	if _, err := db.Turn(context.Background(), 1, "nope", 0); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("err = %v, want not_found", err)
	}
}

// Concurrent writers must all commit: immediate transactions wait for the
// lock instead of failing with SQLITE_BUSY.
func TestConcurrentTurnsAllCommit(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	const writers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan error, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conv := fmt.Sprintf("c%d", w)
			for i := range each {
				if err := db.AddTurn(ctx, storedTurn(conv, i, "还有货吗")); err != nil {
					errs <- err
				}
				if err := db.AddEvents(ctx, kb.Event{Shop: 1, Conversation: conv, Turn: i, Agent: "xiaoli",
					SuggestionID: "h1", Kind: "phrase", Action: kb.ActionShown}); err != nil {
					errs <- err
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	var turns, events int
	db.SQL().QueryRow(`SELECT COUNT(*) FROM turns`).Scan(&turns)
	db.SQL().QueryRow(`SELECT COUNT(*) FROM events`).Scan(&events)
	if turns != writers*each || events != writers*each {
		t.Errorf("stored %d turns and %d events, want %d of each", turns, events, writers*each)
	}
}

// The lists read an index by the minute of updated_at and sort only within
// a minute (migration 016): never every conversation the shop ever had.
func TestConversationListsReadTheMinuteIndex(t *testing.T) {
	db := openWithShop(t)
	for _, c := range []struct {
		where string
		args  []any
		index string
	}{
		{`WHERE shop_id = ? `, []any{1, 10}, "conversations_minute (shop_id=?)"},
		{`WHERE shop_id = ? AND assignee = ? `, []any{1, "xiaowang", 10}, "conversations_assignee_minute (shop_id=? AND assignee=?)"},
		{`WHERE shop_id = ? AND assignee != ? `, []any{1, "xiaowang", 10}, "conversations_minute (shop_id=?)"},
	} {
		all := queryPlan(t, db, conversationColumns+" "+c.where+latestFirst, c.args...)
		if !strings.Contains(all, "USING INDEX "+c.index) || !strings.Contains(all, "TEMP B-TREE FOR LAST 2 TERMS OF ORDER BY") {
			t.Errorf("%s: plan %q: want the index %s and a sort within each minute only", c.where, all, c.index)
		}
	}
}

// A turn of a chat going on writes few pages to the log: the conversation's
// row, the turn's and its indexes' ends. The lists' indexes, which held
// updated_at, moved a page of each every turn (7.8 pages a turn; 3.2 since
// they hold the minute, migration 016).
func TestATurnWritesFewPages(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	db.Now = func() time.Time { now = now.Add(time.Millisecond); return now } // 1,000 turns a second
	turns := map[string]int{}
	add := func(n int) {
		for i := range n {
			c := fmt.Sprint("c", (i*7919)%1000) // 1,000 chats going on, in no order
			if err := db.AddTurn(ctx, storedTurn(c, turns[c], "两件能便宜点吗")); err != nil {
				t.Fatal(err)
			}
			turns[c]++
		}
	}
	add(10_000)
	if _, err := db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	const n = 1000 // 3,000-8,000 pages: below the automatic checkpoint, the log only grows
	add(n)
	fi, err := os.Stat(db.Path() + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	var pageSize int64
	if err := db.db.QueryRow(`PRAGMA page_size`).Scan(&pageSize); err != nil {
		t.Fatal(err)
	}
	pages := float64(fi.Size()-32) / float64(pageSize+24) / n // the log's header, each frame's
	if t.Logf("%.1f pages in the log a turn", pages); pages > 4.5 {
		t.Errorf("%.1f pages in the log a turn, want at most 4.5", pages)
	}
}

// The lists' minute follows updated_at whoever writes the row: a build from
// before migration 016, rolled back to, inserts and updates conversations
// without it (its upsert, as it was).
func TestTheMinuteFollowsEveryWriter(t *testing.T) {
	db := openWithShop(t)
	oldUpsert := `INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at, buyer_name, assignee, product)
		VALUES (1, ?, 1, '在吗', ?, ?, '', 'xiaowang', '')
		ON CONFLICT (shop_id, id) DO UPDATE SET turns = turns + 1, last_text = excluded.last_text, updated_at = excluded.updated_at,
			assignee = CASE WHEN excluded.assignee != '' THEN excluded.assignee ELSE assignee END`
	at := time.Date(2026, 12, 1, 10, 0, 30, 0, time.UTC)
	for _, w := range []struct {
		conv string
		at   time.Time
	}{{"a", at}, {"b", at.Add(10 * time.Second)}, {"a", at.Add(20 * time.Second)}, {"a", at.Add(time.Minute)}, {"b", at.Add(2 * time.Minute)}} {
		if _, err := db.db.Exec(oldUpsert, w.conv, stamp(w.at), stamp(w.at)); err != nil {
			t.Fatal(err)
		}
		var minute, updated string
		if err := db.db.QueryRow(`SELECT active_minute, updated_at FROM conversations WHERE shop_id = 1 AND id = ?`, w.conv).Scan(&minute, &updated); err != nil {
			t.Fatal(err)
		}
		if want := stamp(w.at)[:len("2006-01-02T15:04")]; minute != want || updated != stamp(w.at) {
			t.Errorf("%s written at %s: minute %q, updated %q; want %q", w.conv, stamp(w.at), minute, updated, want)
		}
	}
	list, err := db.Conversations(context.Background(), 1, 10)
	if err != nil || len(list) != 2 || list[0].ID != "b" || list[1].ID != "a" {
		t.Errorf("list %+v, %v: want b (10:02:30) before a (10:01:30)", list, err)
	}
}

// BenchmarkTurnsRead is what the Desk asks the store on the first turn of a
// conversation it does not hold: the turns of one the store has never seen
// (most first turns), and of one with 20 turns (after a restart, or once
// the Desk has let it go), with a request's context.
//
//	go test ./kb/sqlite -run X -bench TurnsRead -benchmem
func BenchmarkTurnsRead(b *testing.B) {
	db := openWithShop(b)
	for i := range 20 {
		if err := db.AddTurn(context.Background(), storedTurn("c20", i, "这款有优惠吗")); err != nil {
			b.Fatal(err)
		}
	}
	ctx, cancel := context.WithCancel(context.Background()) // as a request's
	defer cancel()
	b.Run("new", func(b *testing.B) {
		i := 0
		for b.Loop() {
			i++
			if _, err := db.Turns(ctx, 1, fmt.Sprint("new-", i)); kb.ErrorCode(err) != kb.ENotFound {
				b.Fatal(err)
			}
		}
	})
	b.Run("20-turns", func(b *testing.B) {
		for b.Loop() {
			if turns, err := db.Turns(ctx, 1, "c20"); err != nil || len(turns) != 20 {
				b.Fatal(len(turns), err)
			}
		}
	})
}
