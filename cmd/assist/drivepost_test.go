package main

import (
	"bytes"
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"
)

// postServer serves answer, counting the connections it accepted.
func postServer(t testing.TB, answer func(w http.ResponseWriter, r *http.Request)) (*httptest.Server, *atomic.Int64) {
	var conns atomic.Int64
	s := httptest.NewUnstartedServer(http.HandlerFunc(answer))
	s.Config.ConnState = func(_ net.Conn, st http.ConnState) {
		if st == http.StateNew {
			conns.Add(1)
		}
	}
	s.Start()
	t.Cleanup(s.Close)
	return s, &conns
}

// The poster sends what net/http's client sent (method, path, the turn's
// headers, the body) and reads answers with a length or chunked (refusals
// here, whose bodies it returns), over one connection while the server
// keeps it.
func TestPosterPosts(t *testing.T) {
	var answered atomic.Int64
	s, conns := postServer(t, func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		if r.Method != "POST" || r.URL.Path != "/api/v1/shops/3/conversations/c1/turns" ||
			r.Header.Get("Authorization") != "Bearer tok" || r.Header.Get("Content-Type") != "application/json" ||
			string(b) != `{"text":"在吗"}` {
			http.Error(w, "unexpected request "+r.Method+" "+r.URL.Path+" "+string(b), 400)
			return
		}
		if answered.Add(1)%2 == 1 { // every other answer chunked
			w.Header().Set("Content-Length", "5")
		}
		w.WriteHeader(http.StatusConflict)
		w.Write([]byte(`{"a":`))
		if f, ok := w.(http.Flusher); ok {
			f.Flush() // chunked when no length was set
		}
	})
	p := newPoster(5*time.Second, time.Minute)
	defer p.closeIdle()
	for i := range 5 {
		status, body, err := p.post(context.Background(), s.URL, "/api/v1/shops/3/conversations/c1/turns", "tok", []byte(`{"text":"在吗"}`))
		if err != nil || status != http.StatusConflict || string(body) != `{"a":` {
			t.Fatalf("post %d: %d %q %v", i, status, body, err)
		}
	}
	if n := conns.Load(); n != 1 {
		t.Errorf("5 posts took %d connections, want 1", n)
	}
	status, body, err := p.post(context.Background(), s.URL, "/wrong", "tok", []byte(`{"text":"在吗"}`))
	if err != nil || status != 400 || !strings.Contains(string(body), "unexpected request POST /wrong") {
		t.Errorf("a refused post: %d %q %v", status, body, err)
	}
}

// A connection the server closes after its answer, or one idle too long,
// is not used again.
func TestPosterLeavesClosedAndIdleConnections(t *testing.T) {
	var closing atomic.Bool
	s, conns := postServer(t, func(w http.ResponseWriter, r *http.Request) {
		if closing.Load() {
			w.Header().Set("Connection", "close")
		}
		w.Write([]byte("{}"))
	})
	p := newPoster(5*time.Second, 50*time.Millisecond)
	defer p.closeIdle()
	post := func() {
		t.Helper()
		if status, _, err := p.post(context.Background(), s.URL, "/t", "tok", []byte("{}")); err != nil || status != 200 {
			t.Fatalf("post: %d %v", status, err)
		}
	}
	closing.Store(true)
	post()
	post()
	if n := conns.Load(); n != 2 {
		t.Errorf("two posts answered with Connection: close took %d connections, want 2", n)
	}
	closing.Store(false)
	post()
	post()
	if n := conns.Load(); n != 3 {
		t.Errorf("%d connections after two kept posts, want 3", n)
	}
	time.Sleep(80 * time.Millisecond)
	post()
	if n := conns.Load(); n != 4 {
		t.Errorf("%d connections after a post past the idle limit, want 4", n)
	}
}

// A failed post says why: a server gone, an https address, a cancelled
// context, an answer that is not HTTP.
func TestPosterFails(t *testing.T) {
	p := newPoster(time.Second, time.Minute)
	defer p.closeIdle()
	if _, _, err := p.post(context.Background(), "https://127.0.0.1:1", "/t", "tok", nil); err == nil || !strings.Contains(err.Error(), "plain http") {
		t.Errorf("https: %v", err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, _, err := p.post(ctx, "http://127.0.0.1:1", "/t", "tok", nil); err == nil {
		t.Error("a cancelled context posted")
	}
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			c.Write([]byte("not http\r\n\r\n"))
			c.Close()
		}
	}()
	if _, _, err := p.post(context.Background(), "http://"+l.Addr().String(), "/t", "tok", []byte("{}")); err == nil {
		t.Error("an answer that is not HTTP was taken")
	}
}

// Posting over net/http's client against the poster, to a server in the
// same process answering 5 KB (both sides' CPU in the figure):
//
//	go test ./cmd/assist -run X -bench Post -count 5
func BenchmarkPost(b *testing.B) {
	answer := bytes.Repeat([]byte("x"), 5000)
	s, _ := postServer(b, func(w http.ResponseWriter, r *http.Request) {
		io.Copy(io.Discard, r.Body)
		w.Header().Set("Content-Type", "application/json")
		w.Write(answer)
	})
	body := []byte(`{"role":"buyer","text":"这款什么时候发货 订单100001"}`)
	b.Run("net-http", func(b *testing.B) {
		client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
		defer client.CloseIdleConnections()
		for b.Loop() {
			req, _ := http.NewRequest("POST", s.URL+"/t", bytes.NewReader(body))
			req.Header.Set("Authorization", "Bearer tok")
			req.Header.Set("Content-Type", "application/json")
			res, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			io.ReadAll(res.Body)
			res.Body.Close()
		}
	})
	b.Run("poster", func(b *testing.B) {
		p := newPoster(10*time.Second, time.Minute)
		defer p.closeIdle()
		for b.Loop() {
			if _, _, err := p.post(context.Background(), s.URL, "/t", "tok", body); err != nil {
				b.Fatal(err)
			}
		}
	})
}
