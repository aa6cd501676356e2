package sqlite

import (
	"context"
	"fmt"
	"testing"
	"time"
)

// BenchmarkConversationList lists an agent's panel (200 conversations, theirs
// first) in a shop holding a year of conversations, as the panel's list does
// every 15 s for every agent; busy=2000 puts the last 2,000 conversations in
// one minute, as a busy hour does (the lists sort within a minute):
//
//	go test ./kb/sqlite -run X -bench ConversationList -benchtime 200x
func BenchmarkConversationList(b *testing.B) {
	for _, c := range []struct{ n, busy int }{{1_000, 0}, {100_000, 0}, {100_000, 2_000}} {
		n := c.n
		b.Run(fmt.Sprintf("conversations=%d,busy=%d", n, c.busy), func(b *testing.B) {
			db := openWithShop(b)
			ctx := context.Background()
			tx, err := db.db.BeginTx(ctx, nil)
			if err != nil {
				b.Fatal(err)
			}
			start := time.Date(2025, 12, 1, 0, 0, 0, 0, time.UTC)
			for i := range n {
				at := stamp(start.Add(time.Duration(i) * 5 * time.Minute))
				if j := i - (n - c.busy); j >= 0 { // the busy minute, after the rest
					at = stamp(start.Add(time.Duration(n)*5*time.Minute + time.Duration(j)*25*time.Millisecond))
				}
				// 50 agents; a conversation nobody answered yet now and then.
				assignee := fmt.Sprintf("agent%02d", i%50)
				if i%17 == 0 {
					assignee = ""
				}
				if _, err := tx.ExecContext(ctx, `INSERT INTO conversations (shop_id, id, turns, last_text, created_at, updated_at, buyer_name, assignee, product)
					VALUES (1, ?, 12, '好的,谢谢', ?, ?, '', ?, '')`, fmt.Sprintf("conv-%07d", i), at, at, assignee); err != nil {
					b.Fatal(err)
				}
			}
			if err := tx.Commit(); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for i := range b.N {
				list, err := db.ConversationsFor(ctx, 1, fmt.Sprintf("agent%02d", i%50), 200)
				if err != nil || len(list) != 200 {
					b.Fatalf("%d conversations, %v", len(list), err)
				}
			}
		})
	}
}
