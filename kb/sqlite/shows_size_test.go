package sqlite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/storetest/realsets"
)

// pushes are the sets of engine-played turns, each as the panel it was
// pushed to saw it: the show, with the set's members.
func playPushes(t testing.TB, mix *realsets.Mix, n int, stores ...*DB) []kb.Show {
	t.Helper()
	ctx := context.Background()
	var mu sync.Mutex
	var out []kb.Show
	playInto(t, mix, n, func(turns []*kb.StoredTurn) error {
		for _, st := range turns {
			for _, db := range stores {
				if err := db.AddTurn(ctx, st); err != nil {
					return err
				}
			}
			members, err := kb.SetMembers(st.Suggestions)
			if err != nil {
				return err
			}
			mu.Lock()
			out = append(out, kb.Show{Shop: st.Shop, Conversation: st.Conversation, Turn: st.Index,
				Agent: "agent-" + strconv.Itoa(len(out)%10), At: st.At.Add(time.Second), Members: members})
			mu.Unlock()
		}
		return nil
	})
	return out
}

// recordPushes writes pushes as the recorder does, a chunk a transaction:
// as shows (since 013), or as one shown event per member (before).
func recordPushes(db *DB, pushes []kb.Show, asEvents bool) error {
	ctx := context.Background()
	if !asEvents {
		for len(pushes) > 0 {
			n := min(len(pushes), 128) // web's showChunk
			if err := db.AddShows(ctx, pushes[:n]...); err != nil {
				return err
			}
			pushes = pushes[n:]
		}
		return nil
	}
	var events []kb.Event
	for _, p := range pushes {
		events = append(events, kb.ShowEvents(p, p.Members)...)
	}
	for len(events) > 0 {
		n := min(len(events), 64) // web's eventChunk before 013
		if err := db.AddEvents(ctx, events[:n]...); err != nil {
			return err
		}
		events = events[n:]
	}
	return nil
}

// checkpointedSize is the store's size once the WAL is checkpointed into it.
func checkpointedSize(t testing.TB, db *DB) int64 {
	t.Helper()
	if _, err := db.db.Exec(`PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(db.path)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Size()
}

// TestShowSize pushes each of N engine-played turns to one agent's panel,
// recorded as shown events (before 013) in one store and as shows in
// another, and reports the bytes each push added to the file:
//
//	ASSIST_SHOW_PUSHES=20000 go test ./kb/sqlite -run TestShowSize -v
func TestShowSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ASSIST_SHOW_PUSHES"))
	if n <= 0 {
		t.Skip("set ASSIST_SHOW_PUSHES to measure")
	}
	dir := t.TempDir()
	mix, err := realsets.Open(filepath.Join(dir, "index"))
	if err != nil {
		t.Fatal(err)
	}
	defer mix.Close()
	events := openMix(t, filepath.Join(dir, "events.db"), mix)
	shows := openMix(t, filepath.Join(dir, "shows.db"), mix)
	pushes := playPushes(t, mix, n, events, shows)
	members := 0
	for _, p := range pushes {
		members += len(p.Members)
	}
	t.Logf("%d pushes of engine-played sets, %.1f suggestions each", len(pushes), float64(members)/float64(len(pushes)))
	for _, s := range []struct {
		name     string
		db       *DB
		asEvents bool
	}{{"shown events (before 013)", events, true}, {"shows (013)", shows, false}} {
		before := checkpointedSize(t, s.db)
		if err := recordPushes(s.db, pushes, s.asEvents); err != nil {
			t.Fatal(err)
		}
		after := checkpointedSize(t, s.db)
		t.Logf("%-26s file %6.1f → %6.1f MiB: %6.0f bytes per push", s.name, float64(before)/(1<<20), float64(after)/(1<<20),
			float64(after-before)/float64(len(pushes)))
	}
}

// BenchmarkRecordPushes writes engine-played pushes as the recorder does,
// as shown events (before 013) beside shows, in one run, and reports the
// write system calls each push cost (the log's frames, two calls each, and
// statement journals spilled to a file):
//
//	go test ./kb/sqlite -run X -bench RecordPushes -benchtime 20000x -count 3
func BenchmarkRecordPushes(b *testing.B) {
	mix, err := realsets.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer mix.Close()
	for _, bc := range []struct {
		name     string
		asEvents bool
	}{{"events", true}, {"shows", false}} {
		b.Run(bc.name, func(b *testing.B) {
			db := openMix(b, filepath.Join(b.TempDir(), "assist.db"), mix)
			played := playPushes(b, mix, 2000, db)
			pushes := make([]kb.Show, b.N)
			for i := range pushes {
				pushes[i] = played[i%len(played)]
			}
			writes := ioCount(b, "syscw")
			b.ResetTimer()
			if err := recordPushes(db, pushes, bc.asEvents); err != nil {
				b.Fatal(err)
			}
			b.StopTimer()
			b.ReportMetric(float64(ioCount(b, "syscw")-writes)/float64(b.N), "writes/push")
		})
	}
}

// BenchmarkRecordPushesAfterMonths is the shows of BenchmarkRecordPushes
// recorded in a store whose shown_counts already hold each of their
// suggestions' counts for every hour of the months before (as a shop's
// does after months of use: every hour adds a row for each suggestion
// shown). The pushes fall in the hour after. It reports the file's reads
// and writes (system calls) a push cost; the refresh's commits on other
// connections empty the writer's page cache, so the benchmark empties it
// before each chunk.
//
//	go test ./kb/sqlite -run X -bench RecordPushesAfterMonths -benchtime 10000x -count 3
func BenchmarkRecordPushesAfterMonths(b *testing.B) {
	mix, err := realsets.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer mix.Close()
	for _, days := range []int{0, 90, 365} {
		b.Run(fmt.Sprintf("days=%d", days), func(b *testing.B) { recordPushesAfter(b, mix, days) })
	}
}

func recordPushesAfter(b *testing.B, mix *realsets.Mix, days int) {
	ctx := context.Background()
	db, played, keys, rows := storeAfterMonths(b, mix, days)
	pushes := make([]kb.Show, b.N)
	for i := range pushes {
		pushes[i] = played[i%len(played)]
		pushes[i].At = monthsEnd.Add(time.Duration(i) * time.Millisecond)
	}
	reads, writes := ioCount(b, "syscr"), ioCount(b, "syscw")
	b.ResetTimer()
	for rest := pushes; len(rest) > 0; {
		n := min(len(rest), 128) // web's showChunk
		b.StopTimer()
		if _, err := db.db.ExecContext(ctx, `UPDATE poke SET n = n + 1`); err != nil { // another connection commits
			b.Fatal(err)
		}
		b.StartTimer()
		if err := db.AddShows(ctx, rest[:n]...); err != nil {
			b.Fatal(err)
		}
		rest = rest[n:]
	}
	b.StopTimer()
	b.ReportMetric(float64(keys), "suggestions")
	b.ReportMetric(float64(rows), "past-rows")
	b.ReportMetric(float64(ioCount(b, "syscr")-reads)/float64(b.N), "reads/push")
	b.ReportMetric(float64(ioCount(b, "syscw")-writes)/float64(b.N), "writes/push")
}

// BenchmarkUsageWindowAfterAYear reads a shop's phrases' shows of the last
// 30 days, as the admin workspace's usage counts do, from the counts of a
// year (BenchmarkRecordPushesAfterMonths' store).
//
//	go test ./kb/sqlite -run X -bench UsageWindowAfterAYear -benchtime 200x -count 3
func BenchmarkUsageWindowAfterAYear(b *testing.B) {
	mix, err := realsets.Open(b.TempDir())
	if err != nil {
		b.Fatal(err)
	}
	defer mix.Close()
	db, _, _, _ := storeAfterMonths(b, mix, 365)
	ctx := context.Background()
	shown := 0
	b.ResetTimer()
	for i := range b.N {
		got, err := db.shownSince(ctx, int64(1+i%len(mix.Shops)), "phrase", monthsEnd.AddDate(0, 0, -30))
		if err != nil {
			b.Fatal(err)
		}
		for _, n := range got {
			shown += n
		}
	}
	b.StopTimer()
	if shown == 0 {
		b.Fatal("no phrase shown in the window")
	}
}

// monthsEnd is the hour storeAfterMonths' counts end at.
var monthsEnd = time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)

// storeAfterMonths is a store of the mix's shops holding 2,000 of its
// played turns, their pushes (played), and in shown_counts a row for each
// of the pushes' suggestions (keys) for every hour of the days before
// monthsEnd (rows in all).
func storeAfterMonths(b *testing.B, mix *realsets.Mix, days int) (db *DB, played []kb.Show, keys, rows int) {
	ctx := context.Background()
	db = openMix(b, filepath.Join(b.TempDir(), "assist.db"), mix)
	played = playPushes(b, mix, 2000, db)
	seen := map[[3]string]bool{}
	for _, p := range played {
		for _, m := range p.Members {
			seen[[3]string{strconv.FormatInt(p.Shop, 10), m.Kind, m.ID}] = true
		}
	}
	// poke is a table other connections than the writer commit to.
	if _, err := db.db.ExecContext(ctx, `CREATE TABLE poke (n INTEGER); INSERT INTO poke VALUES (0)`); err != nil {
		b.Fatal(err)
	}
	// A temporary table lives on one connection: fill on one.
	conn, err := db.db.Conn(ctx)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close()
	if _, err := conn.ExecContext(ctx, `CREATE TEMP TABLE past_keys (shop_id INTEGER, kind TEXT, suggestion_id TEXT)`); err != nil {
		b.Fatal(err)
	}
	for k := range seen {
		if _, err := conn.ExecContext(ctx, `INSERT INTO past_keys VALUES (?, ?, ?)`, k[0], k[1], k[2]); err != nil {
			b.Fatal(err)
		}
	}
	if _, err := conn.ExecContext(ctx, `WITH RECURSIVE h(i) AS (SELECT 1 WHERE ? > 0 UNION ALL SELECT i + 1 FROM h WHERE i < ?)
		INSERT INTO shown_counts (shop_id, kind, suggestion_id, hour, shown)
		SELECT k.shop_id, k.kind, k.suggestion_id, strftime('%Y-%m-%dT%H:%M:%S.000000000Z', ?, '-' || h.i || ' hours'), 3
		FROM past_keys k, h ORDER BY 1, 2, 3, 4`, days, days*24, stamp(monthsEnd)); err != nil {
		b.Fatal(err)
	}
	conn.Close()
	db.Checkpoint(ctx)
	if err := db.db.QueryRowContext(ctx, `SELECT count(*) FROM shown_counts`).Scan(&rows); err != nil {
		b.Fatal(err)
	}
	return db, played, len(seen), rows
}
