package sqlite

import (
	"context"
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
