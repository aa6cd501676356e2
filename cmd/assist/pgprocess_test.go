package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"assist/kb"
	"assist/kb/postgres"
	"assist/kb/storetest"
)

// serveProcess starts assist serve as a process of its own on the shared
// store and returns its URL, output and the process.
func serveProcess(t *testing.T, dsn string) (string, *syncBuffer, *os.Process) {
	return serveProcessArgs(t, "serve -data "+t.TempDir()+" -store "+dsn+" -addr 127.0.0.1:0")
}

// serveProcessArgs starts assist with args (space-separated) as a process
// of its own and returns its URL once it listens, its output and it.
func serveProcessArgs(t *testing.T, args string) (string, *syncBuffer, *os.Process) {
	t.Helper()
	out := &syncBuffer{}
	// The test binary is assist itself when ASSIST_TEST_ARGS is set (TestMain).
	cmd := exec.Command(os.Args[0])
	cmd.Env = append(os.Environ(), "ASSIST_TEST_ARGS="+args)
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	t.Cleanup(func() {
		cmd.Process.Signal(syscall.SIGTERM)
		select {
		case <-exited:
		case <-time.After(20 * time.Second):
			cmd.Process.Kill()
			t.Errorf("assist serve (pid %d) did not stop within 20s of SIGTERM", cmd.Process.Pid)
		}
	})
	return waitFor(t, out, listeningRe), out, cmd.Process
}

// Two assist serve processes on one PostgreSQL: a turn posted to one is
// pushed to a panel on the other, and kill -9 of one while it takes turns
// loses no turn it acknowledged; the other carries the conversations on.
func TestTwoProcessesAndAKill(t *testing.T) {
	dsn := storetest.PostgresDSN(t)
	a, outA, procA := serveProcess(t, dsn)
	waitFor(t, outA, adminPassRe)
	b, outB, _ := serveProcess(t, dsn)
	defer func() {
		if t.Failed() {
			t.Logf("A:\n%s\nB:\n%s", outA, outB)
		}
	}()

	ctx := context.Background()
	db, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	shops, err := db.Shops(ctx)
	if err != nil || len(shops) != 1 {
		t.Fatalf("shops %v %v", shops, err)
	}
	shop := shops[0].ID
	u, err := db.CreateUser(ctx, "xiaoli", "agent-password", false)
	if err != nil {
		t.Fatal(err)
	}
	if err := db.Grant(ctx, u.ID, shop, kb.RoleAgent); err != nil {
		t.Fatal(err)
	}
	token, _, err := db.CreateToken(ctx, shop, "qianniu")
	if err != nil {
		t.Fatal(err)
	}

	warm(t, a, token, shop)
	warm(t, b, token, shop)
	ws := panel(t, a, loginCookie(t, b, "xiaoli", "agent-password"), fmt.Sprintf("/api/v1/shops/%d/conversations/k0/ws", shop))
	postTurn(t, b, token, shop, "k0", "你好,在吗")
	if got, err := nextPush(t, ws); err != nil || got.Turn != 0 || got.Conversation != "k0" {
		t.Fatalf("panel on process A after a turn posted to process B: %+v %v", got, err)
	}

	// Writers post to A until it dies; every turn A acknowledged must be
	// in the store, with the suggestion set A answered.
	type ack struct {
		conv string
		turn int
		set  string
	}
	var (
		mu    sync.Mutex
		acked []ack
		wg    sync.WaitGroup
	)
	stopAt := time.Now().Add(20 * time.Second)
	for w := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			conv := fmt.Sprintf("k%d", w+1)
			for i := 0; time.Now().Before(stopAt); i++ {
				s, err := tryTurn(a, token, shop, conv, fmt.Sprintf("第%d句,什么时候发货", i))
				if err != nil {
					return // A is gone
				}
				mu.Lock()
				acked = append(acked, ack{conv, s.Turn, s.Conversation})
				mu.Unlock()
			}
		}()
	}
	time.Sleep(1500 * time.Millisecond)
	if err := procA.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	wg.Wait()
	mu.Lock()
	defer mu.Unlock()
	if len(acked) < 4 {
		t.Fatalf("only %d turns acknowledged before the kill: the test did not load A", len(acked))
	}
	last := map[string]int{}
	for _, k := range acked {
		st, err := db.Turn(ctx, shop, k.conv, k.turn)
		if err != nil {
			t.Errorf("turn %s/%d was acknowledged by A before kill -9 but is not stored: %v", k.conv, k.turn, err)
			continue
		}
		if k.set != k.conv || len(st.Suggestions) == 0 {
			t.Errorf("turn %s/%d stored without its suggestion set", k.conv, k.turn)
		}
		last[k.conv] = max(last[k.conv], k.turn)
	}
	// B carries each conversation on from what is stored.
	for conv := range last {
		stored, err := db.Turns(ctx, shop, conv)
		if err != nil {
			t.Fatal(err)
		}
		s := postTurn(t, b, token, shop, conv, "还在吗")
		if s.Turn != len(stored) {
			t.Errorf("B numbered the next turn of %s %d; %d are stored", conv, s.Turn, len(stored))
		}
	}
	t.Logf("%d turns acknowledged by A before kill -9, all stored", len(acked))
}
