package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/setparts"
	"assist/kb/storetest/realsets"
)

// openMix opens an empty store with the mix's shops imported (ids 1..n).
func openMix(t testing.TB, path string, mix *realsets.Mix) *DB {
	t.Helper()
	db, err := Open(context.Background(), path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	for i, s := range mix.Shops {
		info, err := db.ImportShop(context.Background(), s.Shop)
		if err != nil {
			t.Fatal(err)
		}
		if info.ID != int64(i+1) {
			t.Fatalf("shop %d got id %d", i, info.ID)
		}
	}
	return db
}

// playInto plays about n turns of the mix and hands each conversation's
// turns to write.
func playInto(t testing.TB, mix *realsets.Mix, n int, write func(turns []*kb.StoredTurn) error) {
	t.Helper()
	if err := mix.Play(n, write); err != nil {
		t.Fatal(err)
	}
}

// realTurns opens the real-sets mix in a temporary directory, closed when
// t ends, and plays about n turns of it: each conversation's turns in
// order.
func realTurns(t testing.TB, n int) (*realsets.Mix, []*kb.StoredTurn) {
	t.Helper()
	mix, err := realsets.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { mix.Close() })
	var pool []*kb.StoredTurn
	playInto(t, mix, n, func(turns []*kb.StoredTurn) error {
		pool = append(pool, turns...)
		return nil
	})
	return mix, pool
}

// Sets the real engine writes are stored in parts and read back exactly,
// by every reader: a conversation, a page, one turn, a key.
func TestRealSetsComeBackExactly(t *testing.T) {
	mix, err := realsets.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer mix.Close()
	db := openMix(t, filepath.Join(t.TempDir(), "assist.db"), mix)
	ctx := context.Background()
	var mu sync.Mutex
	var all []*kb.StoredTurn
	playInto(t, mix, 600, func(turns []*kb.StoredTurn) error {
		for _, st := range turns {
			st.IdempotencyKey = fmt.Sprintf("k-%s-%d", st.Conversation, st.Index)
			if err := db.AddTurn(ctx, st); err != nil {
				return err
			}
		}
		mu.Lock()
		all = append(all, turns...)
		mu.Unlock()
		return nil
	})
	var coded, whole int
	if err := db.db.QueryRow(`SELECT COUNT(set_code), COUNT(*) - COUNT(set_code) FROM turns`).Scan(&coded, &whole); err != nil {
		t.Fatal(err)
	}
	if coded != len(all) || whole != 0 {
		t.Errorf("%d sets stored in parts, %d whole; want all %d in parts", coded, whole, len(all))
	}
	byConv := map[string][]*kb.StoredTurn{}
	for _, st := range all {
		byConv[st.Conversation] = append(byConv[st.Conversation], st)
	}
	for conv, want := range byConv {
		shop := want[0].Shop
		got, err := db.Turns(ctx, shop, conv)
		if err != nil || len(got) != len(want) {
			t.Fatalf("%s: %d turns, %v; want %d", conv, len(got), err, len(want))
		}
		for i := range want {
			if !bytes.Equal(got[i].Suggestions, want[i].Suggestions) {
				t.Fatalf("%s/%d read back\n%s\nwant\n%s", conv, i, got[i].Suggestions, want[i].Suggestions)
			}
		}
		page, _, err := db.TurnPage(ctx, shop, conv, -1, 3)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range page {
			if !bytes.Equal(p.Suggestions, want[p.Index].Suggestions) {
				t.Fatalf("%s/%d paged back differs", conv, p.Index)
			}
		}
		last := want[len(want)-1]
		byKey, err := db.TurnByKey(ctx, shop, last.IdempotencyKey)
		if err != nil || !bytes.Equal(byKey.Suggestions, last.Suggestions) {
			t.Fatalf("%s by key: %v, differs", conv, err)
		}
	}
	// A fresh process (an empty cache) reads the same.
	db.sets = setStore{}
	one, err := db.Turn(ctx, all[0].Shop, all[0].Conversation, all[0].Index)
	if err != nil || !bytes.Equal(one.Suggestions, all[0].Suggestions) {
		t.Fatalf("turn read by a fresh cache: %v", err)
	}
}

// A turn stored before 010, its set whole in suggestions, still reads, and
// so does a conversation mixing the two.
func TestWholeSetsStillRead(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	old := `{"conversation":"old","turn":0,"role":"buyer","text":"在吗","at":"2026-11-01T09:00:00+08:00","nudges":[],"products":[{"id":"p","score":1}],"rules":[],"phrases":[]}`
	if _, err := db.db.Exec(`INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at) VALUES (1, 'old', 1, '在吗', '2026-11-01T01:00:00Z', '2026-11-01T01:00:00Z')`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.db.Exec(`INSERT INTO turns (shop_id, conversation, idx, role, text, at, suggestions) VALUES (1, 'old', 0, 'buyer', '在吗', '2026-11-01T09:00:00+08:00', ?)`, old); err != nil {
		t.Fatal(err)
	}
	next := `{"conversation":"old","turn":1,"role":"agent","text":"在的","at":"2026-11-01T09:00:05+08:00","nudges":[],"products":[{"id":"p","score":0.5}],"rules":[],"phrases":[]}`
	at, _ := time.Parse(time.RFC3339, "2026-11-01T09:00:05+08:00")
	if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: 1, Conversation: "old", Index: 1, Role: "agent", Text: "在的", At: at, Suggestions: []byte(next)}); err != nil {
		t.Fatal(err)
	}
	turns, err := db.Turns(ctx, 1, "old")
	if err != nil || len(turns) != 2 {
		t.Fatalf("turns %+v, %v", turns, err)
	}
	if string(turns[0].Suggestions) != old || string(turns[1].Suggestions) != next {
		t.Errorf("read back %s and %s", turns[0].Suggestions, turns[1].Suggestions)
	}
	var plain string
	var code []byte
	db.db.QueryRow(`SELECT suggestions, set_code FROM turns WHERE idx = 1`).Scan(&plain, &code)
	if plain != "" || len(code) == 0 || len(code) > 20 {
		t.Errorf("the new turn stored suggestions %q and a %d-byte code, want '' and a short code", plain, len(code))
	}
}

// TestStorageSize writes the same played turns into a store that keeps
// sets whole (as before 010) and one that keeps them in parts, each turn's
// set pushed to one agent's panel and recorded as that store's era did
// (shown events before 013, a show since), and reports bytes per turn of
// each. Run it with the number of turns:
//
//	ASSIST_STORAGE_TURNS=1000000 go test ./kb/sqlite -run TestStorageSize -v -timeout 2h
func TestStorageSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ASSIST_STORAGE_TURNS"))
	if n <= 0 {
		t.Skip("set ASSIST_STORAGE_TURNS to measure")
	}
	dir := t.TempDir()
	if d := os.Getenv("ASSIST_STORAGE_DIR"); d != "" {
		dir = d
	}
	mix, err := realsets.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer mix.Close()
	whole := openMix(t, filepath.Join(dir, "whole.db"), mix)
	whole.sets.whole = true
	parts := openMix(t, filepath.Join(dir, "parts.db"), mix)
	ctx := context.Background()
	var mu sync.Mutex
	var sample []*kb.StoredTurn
	var setBytes atomic.Int64
	begin := time.Now()
	var pushes atomic.Int64
	playInto(t, mix, n, func(turns []*kb.StoredTurn) error {
		var shows []kb.Show
		for _, st := range turns {
			setBytes.Add(int64(len(st.Suggestions)))
			if err := whole.AddTurn(ctx, st); err != nil {
				return err
			}
			if err := parts.AddTurn(ctx, st); err != nil {
				return err
			}
			members, err := kb.SetMembers(st.Suggestions)
			if err != nil {
				return err
			}
			if len(members) > 0 { // the recorder keeps no push of an empty set
				shows = append(shows, kb.Show{Shop: st.Shop, Conversation: st.Conversation, Turn: st.Index,
					Agent: "agent-" + strconv.Itoa(st.Index%50), At: st.At.Add(time.Second), Members: members})
			}
		}
		pushes.Add(int64(len(shows)))
		if err := recordPushes(whole, shows, true); err != nil {
			return err
		}
		if err := recordPushes(parts, shows, false); err != nil {
			return err
		}
		mu.Lock()
		if len(sample) < 2000 {
			sample = append(sample, turns...)
		}
		mu.Unlock()
		return nil
	})
	played := time.Since(begin)
	for _, st := range sample {
		got, err := parts.Turn(ctx, st.Shop, st.Conversation, st.Index)
		if err != nil || !bytes.Equal(got.Suggestions, st.Suggestions) {
			t.Fatalf("%s/%d does not read back exactly: %v", st.Conversation, st.Index, err)
		}
	}
	var turns, convs int64
	parts.db.QueryRow(`SELECT COUNT(*), (SELECT COUNT(*) FROM conversations) FROM turns`).Scan(&turns, &convs)
	t.Logf("%d turns in %d conversations played and written to both stores in %v; sets average %.0f bytes of JSON; %d pushed to a panel",
		turns, convs, played.Round(time.Second), float64(setBytes.Load())/float64(turns), pushes.Load())
	for _, s := range []struct {
		name string
		db   *DB
	}{{"whole, shown events (before 010 and 013)", whole}, {"parts, shows (010, 013)", parts}} {
		if _, err := s.db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
			t.Fatal(err)
		}
		fi, err := os.Stat(s.db.path)
		if err != nil {
			t.Fatal(err)
		}
		var pages, pageSize, free int64
		s.db.db.QueryRow(`PRAGMA page_count`).Scan(&pages)
		s.db.db.QueryRow(`PRAGMA page_size`).Scan(&pageSize)
		s.db.db.QueryRow(`PRAGMA freelist_count`).Scan(&free)
		var nparts, partBytes, codeBytes, plainBytes int64
		s.db.db.QueryRow(`SELECT COUNT(*), COALESCE(SUM(length(body)), 0) FROM suggestion_parts`).Scan(&nparts, &partBytes)
		s.db.db.QueryRow(`SELECT COALESCE(SUM(length(set_code)), 0), COALESCE(SUM(length(CAST(suggestions AS BLOB))), 0) FROM turns`).Scan(&codeBytes, &plainBytes)
		var events, shows, counts int64
		s.db.db.QueryRow(`SELECT (SELECT COUNT(*) FROM events), (SELECT COUNT(*) FROM shows), (SELECT COUNT(*) FROM shown_counts)`).Scan(&events, &shows, &counts)
		t.Logf("%-40s file %6.1f MiB (%d pages of %d, %d free) = %5.0f bytes/turn; sets whole %.0f B/turn, codes %.1f B/turn, %d parts of %.0f B average (%.1f B/turn); %d events, %d shows, %d hourly counts",
			s.name, float64(fi.Size())/(1<<20), pages, pageSize, free, float64(fi.Size())/float64(turns),
			float64(plainBytes)/float64(turns), float64(codeBytes)/float64(turns), nparts,
			float64(partBytes)/float64(max(nparts, 1)), float64(partBytes)/float64(turns), events, shows, counts)
	}
}

// BenchmarkAddTurnRealSets commits engine-played turns from 16 writers, the
// sets kept whole (as before 010) beside the sets kept in parts, in one
// run:
//
//	go test ./kb/sqlite -run X -bench AddTurnRealSets -benchtime 5000x -count 3
func BenchmarkAddTurnRealSets(b *testing.B) {
	mix, pool := realTurns(b, 3000)
	for _, keep := range []string{"whole", "parts"} {
		b.Run(keep, func(b *testing.B) {
			db := openMix(b, filepath.Join(b.TempDir(), "assist.db"), mix)
			db.sets.whole = keep == "whole"
			ctx := context.Background()
			const writers = 16
			var next atomic.Int64
			var wg sync.WaitGroup
			b.ResetTimer()
			for range writers {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for {
						i := next.Add(1) - 1
						if i >= int64(b.N) {
							return
						}
						// Each pass over the pool is a fresh set of conversations.
						st := *pool[i%int64(len(pool))]
						st.Conversation = fmt.Sprintf("%s-r%d", st.Conversation, i/int64(len(pool)))
						if err := db.AddTurn(ctx, &st); err != nil && kb.ErrorCode(err) != kb.EConflict {
							b.Error(err)
							return
						}
					}
				}()
			}
			wg.Wait()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "turns/s")
		})
	}
}

// BenchmarkCutRealSet is the work AddTurn does per turn before queueing:
//
//	go test ./kb/sqlite -run X -bench CutRealSet -benchmem
func BenchmarkCutRealSet(b *testing.B) {
	mix, err := realsets.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer mix.Close()
	var pool []*kb.StoredTurn
	playInto(b, mix, 500, func(turns []*kb.StoredTurn) error {
		pool = append(pool, turns...)
		return nil
	})
	b.ResetTimer()
	for i := range b.N {
		st := pool[i%len(pool)]
		if setparts.SplitSet(st.Suggestions, setRow(st)) == nil {
			b.Fatal("not cut")
		}
	}
}

// A turn refused (its index taken) takes the parts it added with it, and
// the store does not remember them: the next turn with the same new part
// stores it again and reads back whole.
func TestRefusedTurnLeavesNoPart(t *testing.T) {
	db := openWithShop(t)
	ctx := context.Background()
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.FixedZone("CST", 8*3600))
	set := func(conv string, idx int, phrase string) []byte {
		return []byte(fmt.Sprintf(`{"conversation":%q,"turn":%d,"phrases":[{"id":"say-1","text":%q,"score":0.5}]}`, conv, idx, phrase))
	}
	if err := db.AddTurn(ctx, &kb.StoredTurn{Shop: 1, Conversation: "c1", Index: 0, Role: "buyer", Text: "在吗", At: at, Suggestions: set("c1", 0, "您好")}); err != nil {
		t.Fatal(err)
	}
	refused := &kb.StoredTurn{Shop: 1, Conversation: "c1", Index: 0, Role: "buyer", Text: "在吗", At: at, Suggestions: set("c1", 0, "新的一句")}
	if err := db.AddTurn(ctx, refused); kb.ErrorCode(err) != kb.EConflict {
		t.Fatalf("a second turn 0: %v, want conflict", err)
	}
	var n int
	db.db.QueryRow(`SELECT COUNT(*) FROM suggestion_parts WHERE body LIKE '%新的一句%'`).Scan(&n)
	if n != 0 {
		t.Errorf("the refused turn left %d parts behind", n)
	}
	again := &kb.StoredTurn{Shop: 1, Conversation: "c2", Index: 0, Role: "buyer", Text: "在吗", At: at, Suggestions: set("c2", 0, "新的一句")}
	if err := db.AddTurn(ctx, again); err != nil {
		t.Fatal(err)
	}
	db.sets = setStore{} // a fresh process reads it from the file
	got, err := db.Turn(ctx, 1, "c2", 0)
	if err != nil || string(got.Suggestions) != string(again.Suggestions) {
		t.Fatalf("read back %s, %v; want %s", got.Suggestions, err, again.Suggestions)
	}
}
