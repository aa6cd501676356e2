package sqlite

import (
	"fmt"
	"path/filepath"
	"testing"

	"assist/kb"
	"assist/kb/setparts"
)

// BenchmarkCommitByGroupSize is what the write lock is held for, a turn,
// when a commit holds n engine-played turns, one goroutine writing one
// group after another. It is the serial part of a busy server's turn: the
// group a leader waits for (joinWant) is where a bigger group stops saving
// much.
//
//	go test ./kb/sqlite -run X -bench CommitByGroupSize -benchtime 6000x -count 3
func BenchmarkCommitByGroupSize(b *testing.B) {
	mix, pool := realTurns(b, 3000)
	for _, n := range []int{1, 2, 3, 4, 6, 8, 12, 16} {
		b.Run(fmt.Sprintf("group=%d", n), func(b *testing.B) {
			db := openMix(b, filepath.Join(b.TempDir(), "assist.db"), mix)
			c := db.turns
			group := make([]*pendingTurn, 0, n)
			write := func() {
				c.writeGroup(group)
				for _, p := range group {
					if p.err != nil && kb.ErrorCode(p.err) != kb.EConflict {
						b.Fatal(p.err)
					}
					db.sets.committed(p.t)
					db.sets.cut.Delete(p.t)
					db.sets.ids.Delete(p.t)
				}
				group = group[:0]
			}
			b.ResetTimer()
			for i := range b.N {
				// Each pass over the pool is a fresh set of conversations.
				st := *pool[i%len(pool)]
				st.Conversation = fmt.Sprintf("%s-r%d", st.Conversation, i/len(pool))
				b.StopTimer() // the cut is the caller's, outside the lock
				db.sets.cut.Store(&st, setparts.SplitSet(st.Suggestions, setRow(&st)))
				b.StartTimer()
				group = append(group, &pendingTurn{t: &st})
				if len(group) == n {
					write()
				}
			}
			if len(group) > 0 {
				write()
			}
		})
	}
}
