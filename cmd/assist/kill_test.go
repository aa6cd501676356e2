package main

import (
	"context"
	"fmt"
	"io"
	"sync"
	"syscall"
	"testing"
	"time"

	"assist/kb/sqlite"
)

// kill -9 of assist serve on SQLite while 16 writers post turns, whose
// commits are grouped: every turn it acknowledged is in the store with its
// suggestion set, and the store opens clean after.
func TestKillDuringGroupedTurnsLosesNoAcknowledgedTurn(t *testing.T) {
	if testing.Short() {
		t.Skip("starts and kills a server process")
	}
	dir := t.TempDir()
	ctx := context.Background()
	db, err := sqlite.Open(ctx, storePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	shops, err := ensureShop(ctx, db, io.Discard)
	if err != nil {
		t.Fatal(err)
	}
	shop := shops[0].ID
	token, _, err := db.CreateToken(ctx, shop, "qianniu")
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Close(); err != nil {
		t.Fatal(err)
	}
	url, out, proc := serveProcessArgs(t, "serve -data "+dir+" -addr 127.0.0.1:0")
	warm(t, url, token, shop)

	type ack struct {
		conv string
		turn int
	}
	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	stopAt := time.Now().Add(30 * time.Second)
	for w := range 16 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conv := fmt.Sprintf("kill-%d", w)
			for i := 0; time.Now().Before(stopAt); i++ {
				s, err := tryTurn(url, token, shop, conv, fmt.Sprintf("第%d句,今天能发货吗", i))
				if err != nil {
					return // killed
				}
				mu.Lock()
				acked = append(acked, ack{conv, s.Turn})
				mu.Unlock()
			}
		}()
	}
	// Kill once the writers are well under way.
	for deadline := time.Now().Add(20 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		mu.Lock()
		n := len(acked)
		mu.Unlock()
		if n >= 64 || time.Now().After(deadline) {
			break
		}
	}
	if err := proc.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	if len(acked) < 16 {
		t.Fatalf("only %d turns acknowledged before the kill: the test did not load the server\n%s", len(acked), out)
	}
	db, err = sqlite.Open(ctx, storePath(dir))
	if err != nil {
		t.Fatalf("the store after kill -9: %v", err)
	}
	defer db.Close()
	for _, k := range acked {
		st, err := db.Turn(ctx, shop, k.conv, k.turn)
		if err != nil {
			t.Errorf("turn %s/%d was acknowledged before kill -9 but is not stored: %v", k.conv, k.turn, err)
			continue
		}
		if len(st.Suggestions) == 0 {
			t.Errorf("turn %s/%d stored without its suggestion set", k.conv, k.turn)
		}
	}
	t.Logf("%d turns acknowledged before kill -9, all stored", len(acked))
}
