package web

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// recordingConn records what reaches the connection under answerConn, and
// in which of answerConn's calls it arrived.
type recordingConn struct {
	net.Conn
	mu      sync.Mutex
	call    int // answerConn's call in progress, set by the test
	writes  []recordedWrite
	closed  bool
	halfEnd bool
}

type recordedWrite struct {
	call int
	data string
}

func (r *recordingConn) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.writes = append(r.writes, recordedWrite{r.call, string(p)})
	return len(p), nil
}

func (r *recordingConn) Close() error      { r.mu.Lock(); r.closed = true; r.mu.Unlock(); return nil }
func (r *recordingConn) CloseWrite() error { r.mu.Lock(); r.halfEnd = true; r.mu.Unlock(); return nil }

func (r *recordingConn) sent() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	var b strings.Builder
	for _, w := range r.writes {
		b.WriteString(w.data)
	}
	return b.String()
}

// answerHead is an answer's head as net/http writes it.
func answerHead(status string, fields ...string) string {
	return "HTTP/1.1 " + status + "\r\n" + strings.Join(fields, "\r\n") + "\r\n\r\n"
}

func TestAnswerConnSendsAnAnswerInOneCall(t *testing.T) {
	body := strings.Repeat("套", 1700) // 5,100 bytes
	head := answerHead("200 OK", "Content-Type: application/json", "Content-Length: "+strconv.Itoa(len(body)))
	answer := head + body
	first, rest := answer[:4096], answer[4096:] // as net/http's 4 KiB buffer splits it

	under := &recordingConn{}
	c := &answerConn{Conn: under}
	under.call = 1
	if n, err := c.Write([]byte(first)); n != len(first) || err != nil {
		t.Fatalf("first write: %d, %v", n, err)
	}
	if len(under.writes) != 0 {
		t.Fatalf("the answer's first 4 KiB were sent alone: %d writes", len(under.writes))
	}
	under.call = 2
	if n, err := c.Write([]byte(rest)); n != len(rest) || err != nil {
		t.Fatalf("second write: %d, %v", n, err)
	}
	for _, w := range under.writes {
		if w.call != 2 {
			t.Errorf("part of the answer was sent in call %d, not with the rest", w.call)
		}
	}
	if got := under.sent(); got != answer {
		t.Fatalf("sent %d bytes, not the answer's %d as written", len(got), len(answer))
	}
	// The next answer begins afresh.
	under.call = 3
	small := answerHead("200 OK", "Content-Length: 2") + "{}"
	c.Write([]byte(small))
	if got := under.sent(); got != answer+small {
		t.Fatalf("a small answer after it: sent %q…", got[len(answer):])
	}
}

func TestAnswerConnPassesOtherWritesStraight(t *testing.T) {
	long := strings.Repeat("x", 5000)
	for _, tc := range []struct {
		name  string
		write string
	}{
		{"a whole answer", answerHead("200 OK", "Content-Length: 3") + "abc"},
		{"a head alone (HEAD, or a head flushed before its body)", answerHead("200 OK", "Content-Length: 5000")},
		{"a chunked answer", answerHead("200 OK", "Transfer-Encoding: chunked") + "1000\r\n" + long[:3000]},
		{"no length", answerHead("200 OK", "Connection: close") + long[:3000]},
		{"more to come than a second write holds", answerHead("200 OK", "Content-Length: 100000") + long[:3000]},
		{"a length that does not read", answerHead("200 OK", "Content-Length: lots") + long[:3000]},
		{"a WebSocket frame", "\x81\x7e\x13\x88" + long},
		{"a WebSocket frame whose text looks like an answer", "\x81\x7e\x13\x88" + answerHead("200 OK", "Content-Length: 5000") + "x"},
		{"an upgrade", answerHead("101 Switching Protocols", "Upgrade: websocket", "Connection: Upgrade")},
		{"bytes shorter than any head", "HTTP/1.1"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			under := &recordingConn{}
			c := &answerConn{Conn: under}
			if n, err := c.Write([]byte(tc.write)); n != len(tc.write) || err != nil {
				t.Fatalf("write: %d, %v", n, err)
			}
			if got := under.sent(); got != tc.write {
				t.Fatalf("kept back %d of %d bytes", len(tc.write)-len(got), len(tc.write))
			}
		})
	}
}

func TestAnswerConnCloses(t *testing.T) {
	begun := answerHead("200 OK", "Content-Length: 5000") + strings.Repeat("x", 3000)

	// Closed: what was kept back of an answer cut short is dropped, and
	// the close does not wait to send it.
	under := &recordingConn{}
	c := &answerConn{Conn: under}
	c.Write([]byte(begun))
	c.Close()
	if !under.closed || len(under.writes) != 0 {
		t.Fatalf("closed %v with %d writes; want closed, none sent", under.closed, len(under.writes))
	}

	// Half-closed (as net/http ends a refused request): it goes first.
	under = &recordingConn{}
	c = &answerConn{Conn: under}
	c.Write([]byte(begun))
	c.CloseWrite()
	if !under.halfEnd || under.sent() != begun {
		t.Fatalf("half-closed %v after sending %d bytes; want %d sent first", under.halfEnd, len(under.sent()), len(begun))
	}
}

// TestAnswerConnUnderHTTPServer serves answers of every kind through
// answerConn over TCP, several on one connection: each arrives whole and in
// order, and none waits for the next request.
func TestAnswerConnUnderHTTPServer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	lim, err := LimitListener(ln, Limits{})
	if err != nil {
		t.Fatal(err)
	}
	body := func(n int) string { return strings.Repeat("字", n/3) + strings.Repeat("a", n%3) }
	mux := http.NewServeMux()
	mux.HandleFunc("/len/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		writeRawJSON(w, http.StatusOK, []byte(body(n)))
	})
	mux.HandleFunc("/pieces/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		b := body(n)
		w.Header().Set("Content-Length", strconv.Itoa(len(b)))
		for len(b) > 0 { // in pieces of 1,000 bytes, with a flush halfway
			k := min(1000, len(b))
			io.WriteString(w, b[:k])
			b = b[k:]
			if len(b) > 0 && len(b) < 1000 {
				w.(http.Flusher).Flush()
			}
		}
	})
	mux.HandleFunc("/chunked/{n}", func(w http.ResponseWriter, r *http.Request) {
		n, _ := strconv.Atoi(r.PathValue("n"))
		io.WriteString(w, body(n))
	})
	mux.HandleFunc("/short", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Length", "6000")
		io.WriteString(w, body(4500)) // less than it said: net/http closes the connection
	})
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go srv.Serve(lim)
	defer srv.Close()

	conn, err := net.Dial("tcp", ln.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	r := bufio.NewReader(conn)
	ask := func(method, path string) (*http.Response, string) {
		t.Helper()
		conn.SetDeadline(time.Now().Add(5 * time.Second)) // an answer kept back waiting would fail here
		fmt.Fprintf(conn, "%s %s HTTP/1.1\r\nHost: x\r\n\r\n", method, path)
		req, _ := http.NewRequest(method, path, nil)
		res, err := http.ReadResponse(r, req)
		if err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
		b, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatalf("%s %s: body: %v", method, path, err)
		}
		return res, string(b)
	}
	for _, n := range []int{10, 3900, 4000, 4096, 5100, 8192, 12000, 20000, 70000} {
		for _, kind := range []string{"len", "pieces", "chunked"} {
			path := fmt.Sprintf("/%s/%d", kind, n)
			if _, got := ask("GET", path); got != body(n) {
				t.Fatalf("GET %s: %d bytes, want %d", path, len(got), n)
			}
		}
		res, got := ask("HEAD", fmt.Sprintf("/len/%d", n))
		if got != "" || res.ContentLength != int64(len(body(n))) {
			t.Fatalf("HEAD /len/%d: %d bytes of body, length %d", n, len(got), res.ContentLength)
		}
	}
	// An answer shorter than it said arrives as far as it was written,
	// and the connection ends.
	conn.SetDeadline(time.Now().Add(5 * time.Second))
	fmt.Fprintf(conn, "GET /short HTTP/1.1\r\nHost: x\r\n\r\n")
	res, err := http.ReadResponse(r, nil)
	if err != nil {
		t.Fatal(err)
	}
	got, err := io.ReadAll(res.Body)
	if !bytes.Equal(got, []byte(body(4500))) || err == nil {
		t.Fatalf("cut-short answer: %d bytes, %v; want the 4,500 written, then an error", len(got), err)
	}
}

// TestAnswerConnClosedWhileWriting closes connections while answers are
// written on them, for the race detector.
func TestAnswerConnClosedWhileWriting(t *testing.T) {
	a, b := net.Pipe()
	defer b.Close()
	go io.Copy(io.Discard, b)
	c := &answerConn{Conn: a}
	begun := []byte(answerHead("200 OK", "Content-Length: 5000") + strings.Repeat("x", 3000))
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		for range 1000 {
			if _, err := c.Write(begun); err != nil {
				return
			}
		}
	}()
	time.Sleep(time.Millisecond)
	c.Close()
	wg.Wait()
}
