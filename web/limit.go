package web

import (
	"container/list"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"time"
)

// Limits cap the connections a server holds, so that a flood of idle or
// slow connections cannot use up the process's file descriptors (then
// nobody's request is answered), and one address cannot take all of them.
type Limits struct {
	// MaxConns is how many connections may be served at once; a connection
	// over it is answered 503. 0: no cap.
	MaxConns int
	// MaxConnsPerAddr is how many of them one address may hold; over it,
	// 429. Trusted proxies carry many people's connections and are exempt.
	// 0: no cap.
	MaxConnsPerAddr int
	// TrustedProxies as in Config.
	TrustedProxies []string
	// MaxHeld is how many connections may be open in all: the served ones
	// and the refused ones whose callers have not hung up yet (at most
	// refusedHold). 0: MaxConns + 64, or no cap if MaxConns is 0.
	MaxHeld int
}

// refusedHold is how long a refused connection whose caller does not hang
// up after the answer is kept open. Closing it at once would bring a flood
// straight back, so fast that the kernel's queue of new connections
// overflows and a person's connection waits in it; kept, it costs one file
// until a served connection needs the room.
const refusedHold = 30 * time.Second

// LimitListener wraps ln so that it holds at most the connections lim
// allows. A connection over a cap is not left waiting in the kernel's
// queue: it is accepted and told why in a short HTTP answer with
// Retry-After.
func LimitListener(ln net.Listener, lim Limits) (*LimitedListener, error) {
	ps, err := ParseProxies(lim.TrustedProxies)
	if err != nil {
		return nil, err
	}
	if lim.MaxHeld <= 0 && lim.MaxConns > 0 {
		lim.MaxHeld = lim.MaxConns + 64
	}
	return &LimitedListener{Listener: ln, max: lim.MaxConns, perAddr: lim.MaxConnsPerAddr, maxHeld: lim.MaxHeld,
		proxies: ps, byAddr: map[netip.Addr]int{}, refused: list.New()}, nil
}

// LimitedListener is a net.Listener with caps on open connections.
type LimitedListener struct {
	net.Listener
	max, perAddr, maxHeld int
	proxies               proxies

	mu      sync.Mutex
	open    int // served connections
	byAddr  map[netip.Addr]int
	refused *list.List // of *refusedConn, oldest first
	shed    int64
}

type refusedConn struct {
	net.Conn
	elem *list.Element // nil once it left the list
}

// Accept returns the next connection within the caps, answering the ones
// over them on the way.
func (l *LimitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := peerAddr(c.RemoteAddr().String())
		l.mu.Lock()
		status, reason := l.admit(addr)
		if status == 0 {
			if l.maxHeld > 0 && l.open+l.refused.Len() > l.maxHeld {
				l.evictOldestRefused()
			}
			l.mu.Unlock()
			return &limitedConn{Conn: &answerConn{Conn: c}, l: l, addr: addr}, nil
		}
		l.shed++
		if l.maxHeld > 0 && l.open+l.refused.Len() >= l.maxHeld {
			l.mu.Unlock()
			c.Close() // no file to spare for an answer
			continue
		}
		rc := &refusedConn{Conn: c}
		rc.elem = l.refused.PushBack(rc)
		l.mu.Unlock()
		go l.refuse(rc, status, reason)
	}
}

// Open is the number of connections served now.
func (l *LimitedListener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Held is the number of connections open, served or refused.
func (l *LimitedListener) Held() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open + l.refused.Len()
}

// Shed is the number of connections refused so far.
func (l *LimitedListener) Shed() int64 {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.shed
}

// admit counts a new connection from addr in, or says why not. l.mu is held.
func (l *LimitedListener) admit(addr netip.Addr) (int, string) {
	if l.max > 0 && l.open >= l.max {
		return http.StatusServiceUnavailable, "the server holds as many connections as it can; try again in a moment"
	}
	key := budgetKey(addr)
	if l.perAddr > 0 && !l.proxies.trusted(addr) && l.byAddr[key] >= l.perAddr {
		return http.StatusTooManyRequests, "too many connections from " + addr.String() + "; close some and try again"
	}
	l.open++
	l.byAddr[key]++
	return 0, ""
}

// evictOldestRefused closes the refused connection held longest: it has
// had its answer. l.mu is held.
func (l *LimitedListener) evictOldestRefused() {
	if e := l.refused.Front(); e != nil {
		rc := l.refused.Remove(e).(*refusedConn)
		rc.elem = nil
		rc.Close()
	}
}

func (l *LimitedListener) release(addr netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	key := budgetKey(addr)
	if l.byAddr[key]--; l.byAddr[key] <= 0 {
		delete(l.byAddr, key)
	}
}

// refuse answers a connection over a cap and waits for the caller to hang
// up, as an HTTP client does once it has read an answer with "Connection:
// close", at most refusedHold. It reads what the caller sent meanwhile, so
// that its request does not turn the close into a reset that hides the
// answer. (Closing or half-closing at once would tell a flood to dial again.)
func (l *LimitedListener) refuse(rc *refusedConn, status int, reason string) {
	defer func() {
		l.mu.Lock()
		if rc.elem != nil {
			l.refused.Remove(rc.elem)
			rc.elem = nil
		}
		l.mu.Unlock()
		rc.Close()
	}()
	code := "too_many_requests"
	if status == http.StatusServiceUnavailable {
		code = "unavailable"
	}
	body, _ := json.Marshal(errorBody{Error: code, Reason: reason})
	rc.SetWriteDeadline(time.Now().Add(time.Second))
	fmt.Fprintf(rc, "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\n"+
		"Connection: close\r\nContent-Length: %d\r\n\r\n%s", status, http.StatusText(status), len(body), body)
	rc.SetReadDeadline(time.Now().Add(refusedHold))
	buf := make([]byte, 512)
	for n := 0; n < 64<<10; {
		m, err := rc.Read(buf)
		if err != nil {
			return
		}
		n += m
	}
}

// limitedConn gives its place back once, when closed.
type limitedConn struct {
	net.Conn
	l    *LimitedListener
	addr netip.Addr
	once sync.Once
}

func (c *limitedConn) Close() error {
	err := c.Conn.Close()
	c.once.Do(func() { c.l.release(c.addr) })
	return err
}

// SetWriteBuffer sets the send buffer of the connection it wraps (for the
// sockets' cap, capSendBuffer); without one, it does nothing.
func (c *limitedConn) SetWriteBuffer(n int) error {
	if s, ok := c.Conn.(interface{ SetWriteBuffer(int) error }); ok {
		return s.SetWriteBuffer(n)
	}
	return nil
}

// CloseWrite half-closes, as http.Server does before closing a connection
// whose request it refused.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
