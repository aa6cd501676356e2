package main

import (
	"bufio"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/signal"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestMain lets a test run the program as a child process (to give it its
// own open-file limit): ASSIST_TEST_ARGS holds the arguments.
func TestMain(m *testing.M) {
	if args := os.Getenv("ASSIST_TEST_ARGS"); args != "" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		code := run(ctx, strings.Fields(args), os.Stdout, os.Stderr)
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// serveWithFileLimit runs assist serve in a child process whose open-file
// limit is n (soft and hard, so Go cannot raise it) and returns its address.
func serveWithFileLimit(t *testing.T, n int) string {
	t.Helper()
	cmd := exec.Command("sh", "-c", `ulimit -n "$1" && exec "$0"`, os.Args[0], strconv.Itoa(n))
	cmd.Env = append(os.Environ(), "ASSIST_TEST_ARGS=serve -data "+t.TempDir()+" -addr 127.0.0.1:0")
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		cmd.Process.Signal(os.Interrupt)
		done := make(chan error, 1)
		go func() { done <- cmd.Wait() }()
		select {
		case <-done:
		case <-time.After(60 * time.Second): // it waits for its start-up warm-up
			cmd.Process.Kill()
			t.Error("assist serve did not stop within 60 s of SIGINT")
		}
	})
	addr := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if rest, ok := strings.CutPrefix(sc.Text(), "assist: listening on http://"); ok {
				addr <- strings.TrimSuffix(rest, "/")
			}
		}
	}()
	select {
	case a := <-addr:
		return a
	case <-time.After(60 * time.Second):
		t.Fatal("assist serve did not start within 60 s")
		return ""
	}
}

// More idle connections than the server has file descriptors: with its
// default caps it turns the surplus away at once and still answers a
// person's request from another address, instead of leaving everyone
// waiting in the kernel's queue.
func TestServeAnswersDuringAConnectionFlood(t *testing.T) {
	const files = 256
	addr := serveWithFileLimit(t, files)

	var flood []net.Conn
	defer func() {
		for _, c := range flood {
			c.Close()
		}
	}()
	attacker := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.2")}, Timeout: time.Second}
	for range files + 100 {
		c, err := attacker.Dial("tcp", addr)
		if err != nil {
			continue // the kernel's queue is full: the flood has done its worst
		}
		flood = append(flood, c)
	}

	person := &http.Client{Timeout: 2 * time.Second, Transport: &http.Transport{
		DialContext:       (&net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP("127.0.0.3")}}).DialContext,
		DisableKeepAlives: true,
	}}
	start := time.Now()
	res, err := person.Get("http://" + addr + "/login")
	if err != nil {
		t.Fatalf("the login page during a flood of %d idle connections: %v", len(flood), err)
	}
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		t.Fatalf("the login page during a flood: %s, want 200", res.Status)
	}
	t.Logf("login page in %v during a flood of %d idle connections", time.Since(start), len(flood))

	// Once the flood hangs up, a connection past one address's share is
	// told why rather than left hanging.
	for _, c := range flood {
		c.Close()
	}
	flood = nil
	time.Sleep(500 * time.Millisecond)
	for range files {
		c, err := attacker.Dial("tcp", addr)
		if err != nil {
			t.Fatal(err)
		}
		flood = append(flood, c)
		c.SetDeadline(time.Now().Add(200 * time.Millisecond))
		c.Write([]byte("GET /login HTTP/1.1\r\nHost: x\r\n\r\n")) // served ones answer 200 and stay open
		r, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err == nil && r.StatusCode == http.StatusTooManyRequests && r.Header.Get("Retry-After") != "" {
			return
		}
	}
	t.Errorf("%d connections from one address and none told 429 with Retry-After", files)
}
