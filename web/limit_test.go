package web

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"
)

// limitedServer serves "ok" behind a LimitedListener on loopback.
func limitedServer(t *testing.T, lim Limits) (*LimitedListener, string) {
	t.Helper()
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := LimitListener(tcp, lim)
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { io.WriteString(w, "ok") }),
		ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	t.Cleanup(func() { srv.Close() })
	return ln, tcp.Addr().String()
}

// dialFrom opens a connection from the loopback address `from`
// (127.0.0.0/8 is all the machine's own), so one test plays many callers.
func dialFrom(t *testing.T, from, to string) net.Conn {
	t.Helper()
	d := net.Dialer{LocalAddr: &net.TCPAddr{IP: net.ParseIP(from)}, Timeout: 2 * time.Second}
	c, err := d.Dial("tcp", to)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

// get sends one request on a new connection from `from` and returns the
// status line and the body.
func get(t *testing.T, from, to string) (string, string) {
	t.Helper()
	c := dialFrom(t, from, to)
	c.SetDeadline(time.Now().Add(3 * time.Second))
	if _, err := io.WriteString(c, "GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"); err != nil {
		t.Fatal(err)
	}
	res, err := http.ReadResponse(bufio.NewReader(c), nil)
	if err != nil {
		t.Fatalf("request from %s: %v", from, err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.Status, string(b)
}

// idle opens n connections from `from` that send nothing, and waits until
// the server holds them.
func idle(t *testing.T, ln *LimitedListener, from, to string, n int) []net.Conn {
	t.Helper()
	want := ln.Open() + n
	var cs []net.Conn
	for range n {
		cs = append(cs, dialFrom(t, from, to))
	}
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	for ln.Open() < want && ctx.Err() == nil {
		time.Sleep(5 * time.Millisecond)
	}
	return cs
}

// Idle connections cannot take every place: one address holds at most its
// share and is told so; other callers are still answered; over the total
// cap, a caller is told the server is full instead of waiting in the
// kernel's queue; a trusted proxy may hold more than one address's share.
func TestConnectionsAreCappedPolitely(t *testing.T) {
	ln, addr := limitedServer(t, Limits{MaxConns: 8, MaxConnsPerAddr: 3, TrustedProxies: []string{"127.0.0.9"}})

	flood := idle(t, ln, "127.0.0.2", addr, 3)
	status, body := get(t, "127.0.0.2", addr)
	if !strings.HasPrefix(status, "429") || !strings.Contains(body, "too many connections from 127.0.0.2") {
		t.Fatalf("a 4th connection from one address: %s %s, want 429 saying why", status, body)
	}
	if status, body := get(t, "127.0.0.3", addr); status != "200 OK" || body != "ok" {
		t.Fatalf("another caller during the flood: %s %s, want 200", status, body)
	}
	waitOpen(t, ln, 3) // the server closes that one after its answer

	idle(t, ln, "127.0.0.9", addr, 5) // the proxy: past 3, up to the total of 8
	status, body = get(t, "127.0.0.4", addr)
	if !strings.HasPrefix(status, "503") || !strings.Contains(body, "as many connections as it can") {
		t.Fatalf("over the total cap: %s %s, want 503 saying why", status, body)
	}

	for _, c := range flood {
		c.Close()
	}
	waitOpen(t, ln, 5)
	if status, _ := get(t, "127.0.0.4", addr); status != "200 OK" {
		t.Errorf("once the flood closed its connections: %s, want 200", status)
	}
	if ln.Shed() != 2 {
		t.Errorf("%d connections shed, want 2", ln.Shed())
	}
}

// waitOpen waits until the listener serves n connections.
func waitOpen(t *testing.T, ln *LimitedListener, n int) {
	t.Helper()
	deadline := time.Now().Add(3 * time.Second)
	for ln.Open() != n {
		if time.Now().After(deadline) {
			t.Fatalf("%d connections served, want %d", ln.Open(), n)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// A refused caller that does not hang up is kept (so that it does not come
// straight back), but never at a person's expense: when the files run out,
// the refused connection held longest is closed to make room.
func TestRefusedConnectionsGiveWayToServedOnes(t *testing.T) {
	ln, addr := limitedServer(t, Limits{MaxConns: 4, MaxConnsPerAddr: 2, MaxHeld: 6})
	idle(t, ln, "127.0.0.2", addr, 2)
	for range 4 {
		c := dialFrom(t, "127.0.0.2", addr)
		c.SetReadDeadline(time.Now().Add(3 * time.Second))
		res, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil || res.StatusCode != http.StatusTooManyRequests {
			t.Fatalf("a 3rd connection from one address: %v %v, want 429", res, err)
		}
		// and does not hang up
	}
	if ln.Held() != 6 {
		t.Fatalf("%d connections held, want 2 served and 4 refused kept", ln.Held())
	}
	if status, body := get(t, "127.0.0.3", addr); status != "200 OK" || body != "ok" {
		t.Fatalf("a person when every file is taken: %s %s, want 200", status, body)
	}
	// One refused connection made room; the other three are still held.
	waitOpen(t, ln, 2)
	if ln.Held() != 5 {
		t.Errorf("%d connections held after the person's request, want 2 served and 3 refused", ln.Held())
	}
}
