package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// BenchmarkRecordPushesAfterMonthsPostgres is kb/sqlite's
// BenchmarkRecordPushesAfterMonths on PostgreSQL: the pushes of engine-played
// turns recorded a chunk of 128 at a time (web's showChunk) into a store whose
// shown_counts hold a row for each of their suggestions for every hour of the
// 365 days before, checkpointed. It reports the log (WAL) each push wrote.
//
//	ASSIST_TEST_POSTGRES=postgres://… go test ./kb/postgres -run '^$' -bench RecordPushesAfterMonths -benchtime 10000x -count 3
func BenchmarkRecordPushesAfterMonthsPostgres(b *testing.B) {
	ctx := context.Background()
	mix, db, dsn := mixOnPostgres(b)
	end := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	var mu sync.Mutex
	var played []kb.Show
	if err := mix.Play(2000, func(turns []*kb.StoredTurn) error {
		mu.Lock()
		defer mu.Unlock()
		for _, st := range turns {
			members, err := kb.SetMembers(st.Suggestions)
			if err != nil {
				return err
			}
			played = append(played, kb.Show{Shop: st.Shop, Conversation: st.Conversation, Turn: st.Index,
				Agent: "agent-1", Members: members})
		}
		return nil
	}); err != nil {
		b.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		b.Fatal(err)
	}
	defer conn.Close(ctx)
	seen := map[kb.ShownCount]bool{}
	var shops []int64
	var kinds, ids []string
	for _, p := range played {
		for _, m := range p.Members {
			k := kb.ShownCount{Shop: p.Shop, Kind: m.Kind, ID: m.ID}
			if !seen[k] {
				seen[k] = true
				shops, kinds, ids = append(shops, k.Shop), append(kinds, k.Kind), append(ids, k.ID)
			}
		}
	}
	if _, err := conn.Exec(ctx, `INSERT INTO shown_counts (shop_id, kind, suggestion_id, hour, shown)
		SELECT k.shop_id, k.kind, k.id, $4::timestamptz - h * interval '1 hour', 3
		FROM unnest($1::bigint[], $2::text[], $3::text[]) AS k(shop_id, kind, id), generate_series(1, 365 * 24) AS h`,
		shops, kinds, ids, end); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `VACUUM ANALYZE shown_counts`); err != nil {
		b.Fatal(err)
	}
	if _, err := conn.Exec(ctx, `CHECKPOINT`); err != nil {
		b.Fatal(err)
	}
	pushes := make([]kb.Show, b.N)
	for i := range pushes {
		pushes[i] = played[i%len(played)]
		pushes[i].At = end.Add(time.Duration(i) * time.Millisecond)
	}
	wal := func() (n int64) {
		if err := conn.QueryRow(ctx, `SELECT pg_current_wal_lsn() - '0/0'`).Scan(&n); err != nil {
			b.Fatal(err)
		}
		return n
	}
	before := wal()
	b.ResetTimer()
	for rest := pushes; len(rest) > 0; {
		n := min(len(rest), 128) // web's showChunk
		if err := db.AddShows(ctx, rest[:n]...); err != nil {
			b.Fatal(err)
		}
		rest = rest[n:]
	}
	b.StopTimer()
	b.ReportMetric(float64(len(seen)), "suggestions")
	b.ReportMetric(float64(wal()-before)/float64(b.N), "wal-bytes/push")
}
