package postgres

import (
	"fmt"
	"testing"
)

// A row the rollup makes (ints) equals the same row read back from the
// store (int32 and int64); a row whose figures or text differ in any way
// is gone and added again; rows alike are matched one to one.
func TestChangedRows(t *testing.T) {
	old := [][]any{
		{int64(1), "c1", "agent", "2026-W48", int32(3), int64(1200)},
		{int64(1), "c1", "agent2", "2026-W48", int32(1), int64(0)},
		{int64(1), "c2", "a;b", "c", int32(0), int64(0)},
		{int64(1), "c3", "x", "y", int32(5), int64(5)},
		{int64(1), "c3", "x", "y", int32(5), int64(5)},
	}
	new := [][]any{
		{int64(1), "c1", "agent", "2026-W48", 3, int64(1200)}, // the same
		{int64(1), "c1", "agent2", "2026-W48", 2, int64(0)},   // a figure changed
		{int64(1), "c2", "a", "b;c", 0, int64(0)},             // the same bytes, split otherwise
		{int64(1), "c3", "x", "y", 5, int64(5)},               // one of two alike
		{int64(1), "c4", "new", "2026-W49", 1, int64(100)},    // new
	}
	gone, added := changedRows(old, new)
	if got, want := fmt.Sprint(gone), fmt.Sprint([][]any{old[1], old[2], old[4]}); got != want {
		t.Errorf("gone %s, want %s", got, want)
	}
	if got, want := fmt.Sprint(added), fmt.Sprint([][]any{new[1], new[2], new[4]}); got != want {
		t.Errorf("added %s, want %s", got, want)
	}
}
