package sqlite

import (
	"context"
	"database/sql"
	"os"
	"strconv"
	"testing"
	"time"
)

// TestAgeStore gives an existing store a year of history, to bench a
// server on it (assist bench -data DIR; a first short run there makes the
// bench's shops): ASSIST_AGE_TURNS turns spread evenly over its shops and
// the 365 days before now, in conversations of 8 turns (buyer and agent in
// turn, one of 50 agents), each turn shown once; and each shop's hourly
// counts of 20 of its phrases for every hour of the year. The turns carry
// no suggestion set (as fillHistory's), so they weigh less than real ones;
// the review's rollups of the year are not made (nothing is left marked
// for a refresh), so only the new chats' are written.
//
//	ASSIST_AGE_STORE=DIR/assist.db ASSIST_AGE_TURNS=21900000 go test ./kb/sqlite -run TestAgeStore -v -timeout 3h
func TestAgeStore(t *testing.T) {
	path := os.Getenv("ASSIST_AGE_STORE")
	turns, _ := strconv.Atoi(os.Getenv("ASSIST_AGE_TURNS"))
	if path == "" || turns <= 0 {
		t.Skip("set ASSIST_AGE_STORE and ASSIST_AGE_TURNS to age a store")
	}
	if _, err := os.Stat(path); err != nil {
		t.Fatal(err) // a store to age, not a new one
	}
	ctx := context.Background()
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	shops, err := db.Shops(ctx)
	if err != nil || len(shops) == 0 {
		t.Fatalf("shops: %v, %v", shops, err)
	}
	end := db.Now().UTC().Truncate(time.Hour)
	start := end.AddDate(-1, 0, 0)
	hours := int(end.Sub(start) / time.Hour)
	convs := max(1, turns/8/len(shops))
	span := int64(end.Sub(start) / time.Second)
	// at(i) is the time of the i-th of convs conversations, evenly over the year.
	at := `strftime('%Y-%m-%dT%H:%M:%S.000000000Z', :start, '+' || (i * :span / :convs) || ' seconds')`
	for _, sh := range shops {
		began := time.Now()
		for _, q := range []string{
			`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :convs)
			INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at, active_minute, buyer_name, assignee, product)
			SELECT :shop, printf('aged-%08d', i), 8, '好的亲', ` + at + `, ` + at + `, substr(` + at + `, 1, 16),
				printf('买家%d', i % 997), printf('agent%02d', i % 50), '' FROM n`,
			`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :convs), k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 7)
			INSERT INTO turns (shop_id, conversation, idx, role, text, product, at, posted_by, suggestions, set_code, buyer_name, assignee)
			SELECT :shop, printf('aged-%08d', i), j, CASE j % 2 WHEN 0 THEN 'buyer' ELSE 'agent' END,
				CASE j % 2 WHEN 0 THEN '这款什么时候能发货呀，能便宜点吗' ELSE '亲，今天下单48小时内发出哦' END, '', ` + at + `,
				'token:bench', '{}', NULL, '', '' FROM n, k ORDER BY i, j`,
			`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < :convs), k(j) AS (SELECT 0 UNION ALL SELECT j + 1 FROM k WHERE j < 7)
			INSERT INTO shows (shop_id, conversation, turn, agent, at)
			SELECT :shop, printf('aged-%08d', i), j, printf('agent%02d', i % 50), ` + at + ` FROM n, k ORDER BY i, j`,
			`WITH RECURSIVE h(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM h WHERE i < :hours),
				p AS (SELECT id, row_number() OVER (ORDER BY id) AS r, count(*) OVER () AS c FROM phrases WHERE shop_id = :shop)
			INSERT INTO shown_counts (shop_id, kind, suggestion_id, hour, shown)
			SELECT :shop, 'phrase', p.id, strftime('%Y-%m-%dT%H:%M:%S.000000000Z', :end, '-' || h.i || ' hours'), 1 + (h.i + p.r) % 5
			FROM h, p WHERE (p.r + h.i) % p.c < 20 ORDER BY 4, 3`,
		} {
			if _, err := db.db.ExecContext(ctx, q, sql.Named("shop", sh.ID), sql.Named("convs", convs), sql.Named("span", span),
				sql.Named("start", stamp(start)), sql.Named("end", stamp(end)), sql.Named("hours", hours)); err != nil {
				t.Fatalf("shop %d: %v", sh.ID, err)
			}
		}
		t.Logf("shop %d: %d conversations, %d turns in %v", sh.ID, convs, convs*8, time.Since(began).Round(time.Second))
	}
	if _, err := db.db.ExecContext(ctx, `DELETE FROM review_dirty`); err != nil {
		t.Fatal(err)
	}
	db.Checkpoint(ctx)
	if _, err := db.db.ExecContext(ctx, `PRAGMA wal_checkpoint(TRUNCATE)`); err != nil {
		t.Fatal(err)
	}
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d shops aged by %d turns each: the file is %.1f GiB", len(shops), convs*8, float64(fi.Size())/(1<<30))
}
