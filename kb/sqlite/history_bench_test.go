package sqlite

import (
	"context"
	"fmt"
	"testing"
)

// BenchmarkAddTurnAfterAYear is BenchmarkAddTurnConcurrent (16 writers,
// 800 conversations going on) in a store that already holds a million turns
// of 50,000 past conversations, as a busy shop's store does after months:
// the conversations going on have their keys among the past ones'.
//
//	go test ./kb/sqlite -run X -bench AddTurnAfterAYear -benchtime 20000x
func BenchmarkAddTurnAfterAYear(b *testing.B) {
	db := openWithShop(b)
	const convs, perConv = 50_000, 20
	fillHistory(b, db, convs, perConv)
	b.ResetTimer()
	addTurnsFromWriters(b, db, func(w int, i int64) string {
		return fmt.Sprintf("c%06d-new", (w*50+int(i%50))*61%convs) // among the past ones
	})
}

// fillHistory adds convs past conversations of perConv turns each to shop
// 1, named c000000-old and on, in two statements, and checkpoints.
func fillHistory(b *testing.B, db *DB, convs, perConv int) {
	ctx := context.Background()
	for _, stmt := range []string{
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ` + fmt.Sprint(convs) + `)
		INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at, buyer_name, assignee, product)
		SELECT 1, printf('c%06d-old', i), ` + fmt.Sprint(perConv) + `, '好的', '2025-12-01T00:00:00Z',
			strftime('%Y-%m-%dT%H:%M:%SZ', '2025-12-01', '+' || (i * 10) || ' minutes'), '', printf('agent%02d', i % 50), '' FROM n`,
		`WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i + 1 < ` + fmt.Sprint(convs*perConv) + `)
		INSERT INTO turns (shop_id, conversation, idx, role, text, product, at, posted_by, suggestions, set_code, buyer_name, assignee)
		SELECT 1, printf('c%06d-old', i % ` + fmt.Sprint(convs) + `), i / ` + fmt.Sprint(convs) + `, 'buyer', '这款有优惠吗', '',
			'2025-12-01T00:00:00Z', 'token:qianniu', '{}', NULL, '', '' FROM n`,
	} {
		if _, err := db.db.ExecContext(ctx, stmt); err != nil {
			b.Fatal(err)
		}
	}
	db.Checkpoint(ctx)
}
