package postgres

import (
	"bytes"
	"context"
	"os"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/storetest"
	"assist/kb/storetest/realsets"
)

// TestStorageSize writes the same engine-played turns into a store that
// keeps sets whole (as before 010) and one that keeps them in parts, each
// in its own schema, and reports bytes per turn of each (the tables'
// pg_total_relation_size: heap, TOAST and indexes). Run it with the number
// of turns:
//
//	ASSIST_TEST_POSTGRES=postgres://… ASSIST_STORAGE_TURNS=100000 go test ./kb/postgres -run TestStorageSize -v -timeout 2h
func TestStorageSize(t *testing.T) {
	n, _ := strconv.Atoi(os.Getenv("ASSIST_STORAGE_TURNS"))
	if n <= 0 {
		t.Skip("set ASSIST_STORAGE_TURNS to measure")
	}
	ctx := context.Background()
	mix, err := realsets.Open(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	defer mix.Close()
	open := func() *DB {
		db, err := Open(ctx, storetest.PostgresDSN(t))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		for i, s := range mix.Shops {
			if info, err := db.ImportShop(ctx, s.Shop); err != nil || info.ID != int64(i+1) {
				t.Fatalf("import shop %d: %+v, %v", i, info, err)
			}
		}
		return db
	}
	whole, parts := open(), open()
	whole.sets.whole = true
	var mu sync.Mutex
	var sample []*kb.StoredTurn
	var setBytes, turns atomic.Int64
	begin := time.Now()
	err = mix.Play(n, func(played []*kb.StoredTurn) error {
		for _, st := range played {
			setBytes.Add(int64(len(st.Suggestions)))
			turns.Add(1)
			if err := whole.AddTurn(ctx, st); err != nil {
				return err
			}
			if err := parts.AddTurn(ctx, st); err != nil {
				return err
			}
		}
		mu.Lock()
		if len(sample) < 2000 {
			sample = append(sample, played...)
		}
		mu.Unlock()
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	played := time.Since(begin)
	for _, st := range sample {
		got, err := parts.Turn(ctx, st.Shop, st.Conversation, st.Index)
		if err != nil || !bytes.Equal(got.Suggestions, st.Suggestions) {
			t.Fatalf("%s/%d does not read back exactly: %v", st.Conversation, st.Index, err)
		}
	}
	t.Logf("%d turns played and written to both stores in %v; sets average %.0f bytes of JSON",
		turns.Load(), played.Round(time.Second), float64(setBytes.Load())/float64(turns.Load()))
	for _, s := range []struct {
		name string
		db   *DB
	}{{"whole (before 010)", whole}, {"parts (010)", parts}} {
		if _, err := s.db.pool.Exec(ctx, `VACUUM ANALYZE turns`); err != nil {
			t.Fatal(err)
		}
		var turnsSize, partsSize, convSize int64
		err := s.db.pool.QueryRow(ctx, `SELECT pg_total_relation_size('turns'), pg_total_relation_size('suggestion_parts'),
			pg_total_relation_size('conversations')`).Scan(&turnsSize, &partsSize, &convSize)
		if err != nil {
			t.Fatal(err)
		}
		nt := float64(turns.Load())
		t.Logf("%-18s turns %6.1f MiB + suggestion_parts %5.1f MiB + conversations %5.1f MiB = %5.0f bytes/turn",
			s.name, float64(turnsSize)/(1<<20), float64(partsSize)/(1<<20), float64(convSize)/(1<<20),
			float64(turnsSize+partsSize+convSize)/nt)
	}
}
