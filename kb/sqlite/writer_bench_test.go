package sqlite

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"assist/kb"
)

// BenchmarkTurnsBesideTheRefresh commits turns of 500 chats going on, one
// after another, in a store holding 200,000 turns of 10,000 past chats,
// with the review refresh's writes between them (a refresh every 25
// turns), and the shows of each turn. It reports the file reads each
// turn's writes cost (read system calls of the process, from
// /proc/self/io): pages the writer connection had to read back because its
// page cache was emptied; and the refresh's reads. Its time per op is
// not a measure: a run spends about 3 s whatever b.N, not traced.
//
//	go test ./kb/sqlite -run X -bench TurnsBesideTheRefresh -benchtime 5000x -count 3
func BenchmarkTurnsBesideTheRefresh(b *testing.B) {
	db := openWithShop(b)
	ctx := context.Background()
	const convs, perConv, live = 10_000, 20, 500
	fillHistory(b, db, convs, perConv)
	at := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	next := map[string]int{}
	var turnReads, refreshReads int64
	b.ResetTimer()
	for i := range b.N {
		conv := fmt.Sprintf("c%06d-new", i*7919%live*61%convs) // among the past ones
		t := storedTurn(conv, next[conv], "这款有优惠吗")
		next[conv]++
		r0 := ioCount(b, "syscr")
		if err := db.AddTurn(ctx, t); err != nil {
			b.Fatal(err)
		}
		if err := db.AddShows(ctx, kb.Show{Shop: 1, Conversation: conv, Turn: t.Index, Agent: "xiaoli", At: at}); err != nil {
			b.Fatal(err)
		}
		r1 := ioCount(b, "syscr")
		turnReads += r1 - r0
		if i%25 == 24 {
			if _, err := db.RefreshReview(ctx, 1); err != nil {
				b.Fatal(err)
			}
			refreshReads += ioCount(b, "syscr") - r1
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(turnReads)/float64(b.N), "turn-reads/turn")
	b.ReportMetric(float64(refreshReads)/float64(b.N), "refresh-reads/turn")
}

// ioCount is a counter of this process's I/O from /proc/self/io: syscr,
// the read system calls it has made, or syscw, the write ones.
func ioCount(b *testing.B, field string) int64 {
	io, err := os.ReadFile("/proc/self/io")
	if err != nil {
		b.Skip("no /proc/self/io:", err)
	}
	for _, line := range bytes.Split(io, []byte("\n")) {
		if v, ok := bytes.CutPrefix(line, []byte(field+": ")); ok {
			n, err := strconv.ParseInt(string(v), 10, 64)
			if err != nil {
				b.Fatal(err)
			}
			return n
		}
	}
	b.Fatalf("/proc/self/io: no %s", field)
	return 0
}
