package web

import (
	"bytes"
	"net"
	"strconv"
	"sync"
)

// answerConn sends an answer of a few KiB in one write. net/http writes
// through a 4 KiB buffer, so a suggestion set of 5 KiB left in two writes,
// and on loopback each write is a TCP send the kernel carries to the
// reader at once: two sends, two wake-ups of the reader. answerConn keeps
// back a write that begins an answer whose declared length it does not
// hold, and sends it with the answer's next write, in one writev.
//
// It keeps back only what cannot wait long: a write that holds an answer's
// head and the start of its body (so never a HEAD answer, which has no
// body), with Content-Length, and at most maxHeldRest bytes still to come:
// net/http sends those at the latest when the handler returns. Anything
// else, a WebSocket's frames included, passes straight through.
type answerConn struct {
	net.Conn

	mu   sync.Mutex
	held *[]byte // a write kept back, or nil
}

// maxHeldRest bounds what may still be to come of an answer kept back: a
// handler that writes more in pieces is not held up.
const maxHeldRest = 16 << 10

// heldBuffers are the copies of writes kept back (net/http reuses its
// buffer as soon as Write returns).
var heldBuffers = sync.Pool{New: func() any { b := make([]byte, 0, 4<<10); return &b }}

// Write keeps back or passes on p. The lock guards only what is kept back,
// never a write in progress: a Close from another goroutine (a shutdown, a
// dropped panel) must not wait for a write blocked on a slow reader.
func (c *answerConn) Write(p []byte) (int, error) {
	c.mu.Lock()
	if held := c.held; held != nil {
		c.held = nil
		c.mu.Unlock()
		return c.sendWith(held, p)
	}
	if answerRest(p) > 0 {
		b := heldBuffers.Get().(*[]byte)
		*b = append((*b)[:0], p...)
		c.held = b
		c.mu.Unlock()
		return len(p), nil
	}
	c.mu.Unlock()
	return c.Conn.Write(p)
}

// sendWith sends held, a write kept back, and p in one writev, and reports
// how much of p went.
func (c *answerConn) sendWith(held *[]byte, p []byte) (int, error) {
	bufs := net.Buffers{*held, p}
	n, err := bufs.WriteTo(c.Conn)
	sent := max(int(n)-len(*held), 0)
	heldBuffers.Put(held)
	return sent, err
}

// take returns the write kept back, if any, and keeps nothing.
func (c *answerConn) take() *[]byte {
	c.mu.Lock()
	defer c.mu.Unlock()
	held := c.held
	c.held = nil
	return held
}

// Close drops a write kept back: the answer it began was cut short, and
// sending it could block the closer on a reader that does not read.
func (c *answerConn) Close() error {
	if held := c.take(); held != nil {
		heldBuffers.Put(held)
	}
	return c.Conn.Close()
}

// CloseWrite half-closes, as http.Server does before closing a connection
// whose request it refused; what was kept back of an answer goes first, as
// it would have without answerConn.
func (c *answerConn) CloseWrite() error {
	if held := c.take(); held != nil {
		c.sendWith(held, nil)
	}
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}

// SetWriteBuffer sets the send buffer of the connection it wraps (for the
// sockets' cap, capSendBuffer).
func (c *answerConn) SetWriteBuffer(n int) error {
	if s, ok := c.Conn.(interface{ SetWriteBuffer(int) error }); ok {
		return s.SetWriteBuffer(n)
	}
	return nil
}

// answerRest is how many bytes of the answer that p begins are still to
// come, when p holds the answer's whole head, part of its body and a
// Content-Length, and at most maxHeldRest are to come; otherwise 0.
func answerRest(p []byte) int {
	if len(p) < 16 || !bytes.HasPrefix(p, []byte("HTTP/1.")) {
		return 0
	}
	end := bytes.Index(p, []byte("\r\n\r\n"))
	if end < 0 || end+4 >= len(p) {
		return 0 // the head alone (a HEAD answer, or a head sent early)
	}
	head := p[:end+2]
	const field = "\r\nContent-Length: "
	i := bytes.Index(head, []byte(field))
	if i < 0 {
		return 0
	}
	v := head[i+len(field):]
	j := bytes.IndexByte(v, '\r') // head ends with a line's CRLF: there is one
	if j < 0 {
		return 0
	}
	length, err := strconv.Atoi(string(v[:j]))
	if err != nil || length < 0 {
		return 0
	}
	rest := end + 4 + length - len(p)
	if rest <= 0 || rest > maxHeldRest {
		return 0
	}
	return rest
}
