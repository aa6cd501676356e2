package main

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// poster posts the load generator's turns over keep-alive HTTP/1.1
// connections of its own. The driver shares the machine with the server it
// measures, and net/http's client hands each request to a writing and a
// reading goroutine per connection and back: three wakes a turn, the
// largest part of the driver's CPU a post. Here the posting goroutine
// writes the request and reads the answer itself.
type poster struct {
	timeout time.Duration // for a whole post, as http.Client.Timeout
	// idleFor is how long a connection may sit idle and still be used:
	// less than the server's idle timeout, so that no post goes out on a
	// connection the server is closing.
	idleFor time.Duration

	mu   sync.Mutex
	idle map[string][]*postConn // by host, the last used on top
}

type postConn struct {
	c    net.Conn
	r    *bufio.Reader
	last time.Time    // when it was last put back
	buf  []byte       // the request being written
	ans  bytes.Buffer // the answer being read
}

func newPoster(timeout, idleFor time.Duration) *poster {
	return &poster{timeout: timeout, idleFor: idleFor, idle: map[string][]*postConn{}}
}

// post sends body to base+path (base an http:// URL) with the headers a
// turn carries and returns the answer's status, and its body when the
// status is not 200 (to say why); a 200's body is read and dropped. A post
// that fails is not tried again: a turn is not idempotent. A context
// cancelled stops the next post, not one in flight: the timeout bounds it.
func (p *poster) post(ctx context.Context, base, path, token string, body []byte) (int, []byte, error) {
	host, ok := strings.CutPrefix(base, "http://")
	if !ok {
		return 0, nil, fmt.Errorf("post %s: the driver speaks plain http only", base)
	}
	if err := ctx.Err(); err != nil {
		return 0, nil, err
	}
	pc, err := p.get(ctx, host)
	if err != nil {
		return 0, nil, err
	}
	status, answer, keep, err := pc.roundTrip(host, path, token, body, time.Now().Add(p.timeout))
	if err != nil || !keep {
		pc.c.Close()
		return status, answer, err
	}
	p.put(host, pc)
	return status, answer, nil
}

// get takes the connection used last, if it has not idled too long, or
// dials one.
func (p *poster) get(ctx context.Context, host string) (*postConn, error) {
	now := time.Now()
	p.mu.Lock()
	for conns := p.idle[host]; len(conns) > 0; conns = p.idle[host] {
		pc := conns[len(conns)-1]
		p.idle[host] = conns[:len(conns)-1]
		if now.Sub(pc.last) < p.idleFor {
			p.mu.Unlock()
			return pc, nil
		}
		pc.c.Close()
	}
	p.mu.Unlock()
	var d net.Dialer
	c, err := d.DialContext(ctx, "tcp", host)
	if err != nil {
		return nil, err
	}
	return &postConn{c: c, r: bufio.NewReaderSize(c, 16<<10)}, nil
}

func (p *poster) put(host string, pc *postConn) {
	pc.last = time.Now()
	p.mu.Lock()
	p.idle[host] = append(p.idle[host], pc)
	p.mu.Unlock()
}

// closeIdle closes the connections not in use.
func (p *poster) closeIdle() {
	p.mu.Lock()
	defer p.mu.Unlock()
	for host, conns := range p.idle {
		for _, pc := range conns {
			pc.c.Close()
		}
		delete(p.idle, host)
	}
}

// roundTrip writes one POST and reads its answer whole; keep says whether
// the connection may carry another.
func (pc *postConn) roundTrip(host, path, token string, body []byte, deadline time.Time) (status int, answer []byte, keep bool, err error) {
	if err := pc.c.SetDeadline(deadline); err != nil {
		return 0, nil, false, err
	}
	b := pc.buf[:0]
	b = append(b, "POST "...)
	b = append(b, path...)
	b = append(b, " HTTP/1.1\r\nHost: "...)
	b = append(b, host...)
	b = append(b, "\r\nAuthorization: Bearer "...)
	b = append(b, token...)
	b = append(b, "\r\nContent-Type: application/json\r\nContent-Length: "...)
	b = strconv.AppendInt(b, int64(len(body)), 10)
	b = append(b, "\r\n\r\n"...)
	b = append(b, body...)
	pc.buf = b
	if _, err := pc.c.Write(b); err != nil {
		return 0, nil, false, err
	}
	res, err := http.ReadResponse(pc.r, nil)
	if err != nil {
		return 0, nil, false, err
	}
	pc.ans.Reset()
	_, err = pc.ans.ReadFrom(res.Body)
	res.Body.Close()
	if err != nil {
		return 0, nil, false, err
	}
	if res.StatusCode != http.StatusOK {
		answer = bytes.Clone(pc.ans.Bytes())
	}
	return res.StatusCode, answer, !res.Close, nil
}
