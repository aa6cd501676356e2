package web

import (
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// proxies are the reverse proxies whose X-Forwarded-For is believed. Behind
// one, every request arrives from the proxy's address; the caller's own is
// the one the proxy appended last. From anyone else the header is a claim
// anybody can make, and is ignored.
type proxies []netip.Prefix

// ParseProxies reads addresses and CIDR prefixes (192.0.2.10, 10.0.0.0/8,
// ::1); a bad one is named in the error.
func ParseProxies(list []string) (proxies, error) {
	var out proxies
	for _, raw := range list {
		raw = strings.TrimSpace(raw)
		if raw == "" {
			continue
		}
		if p, err := netip.ParsePrefix(raw); err == nil {
			out = append(out, p.Masked())
			continue
		}
		a, err := netip.ParseAddr(raw)
		if err != nil {
			return nil, fmt.Errorf("trusted proxy %q: want an IP address or a CIDR prefix, e.g. 10.0.0.5 or 10.0.0.0/8", raw)
		}
		a = a.Unmap()
		out = append(out, netip.PrefixFrom(a, a.BitLen()))
	}
	return out, nil
}

func (ps proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// peerAddr is the address at the other end of the TCP connection.
func peerAddr(remote string) netip.Addr {
	ap, err := netip.ParseAddrPort(remote)
	if err != nil {
		a, _ := netip.ParseAddr(remote)
		return a.Unmap()
	}
	return ap.Addr().Unmap()
}

// clientAddr is the address a request comes from: the TCP peer, or, when
// the peer is a trusted proxy, the last address in X-Forwarded-For that is
// not itself a trusted proxy (the ones before it are the caller's claims).
func (ps proxies) clientAddr(r *http.Request) netip.Addr {
	peer := peerAddr(r.RemoteAddr)
	if !ps.trusted(peer) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			return peer // a hop the proxy did not write: stop believing
		}
		if a = a.Unmap(); !ps.trusted(a) {
			return a
		}
	}
	return peer
}

// budgetKey groups addresses that one party holds: an IPv4 address, or the
// /64 prefix an IPv6 host is given.
func budgetKey(a netip.Addr) netip.Addr {
	if a.Is6() {
		p, _ := a.Prefix(64)
		return p.Addr()
	}
	return a
}

// Limits cap the connections a server holds, so that a flood of idle or
// slow connections cannot use up the process's file descriptors (then
// nobody's request is answered), and one address cannot take all of them.
type Limits struct {
	// MaxConns is how many connections may be open at once; a connection
	// over it is answered 503 and closed. 0: no cap.
	MaxConns int
	// MaxConnsPerAddr is how many of them one address may hold; over it,
	// 429. Trusted proxies carry many people's connections and are exempt.
	// 0: no cap.
	MaxConnsPerAddr int
	// TrustedProxies as in Config.
	TrustedProxies []string
	// MaxShedding bounds the connections over a cap being answered at once
	// (each holds a file for up to shedTime); past it, one is closed without
	// an answer. 0: 64.
	MaxShedding int
}

// shedTime is how long answering a connection over a cap may take.
const shedTime = 250 * time.Millisecond

// LimitListener wraps ln so that it holds at most the connections lim
// allows. A connection over a cap is not left waiting in the kernel's
// queue: it is accepted, told why in a short HTTP answer with Retry-After,
// and closed.
func LimitListener(ln net.Listener, lim Limits) (*LimitedListener, error) {
	ps, err := ParseProxies(lim.TrustedProxies)
	if err != nil {
		return nil, err
	}
	if lim.MaxShedding <= 0 {
		lim.MaxShedding = 64
	}
	return &LimitedListener{Listener: ln, max: lim.MaxConns, perAddr: lim.MaxConnsPerAddr, maxShedding: int32(lim.MaxShedding),
		proxies: ps, byAddr: map[netip.Addr]int{}}, nil
}

// LimitedListener is a net.Listener with caps on open connections.
type LimitedListener struct {
	net.Listener
	max, perAddr int
	maxShedding  int32
	proxies      proxies

	mu     sync.Mutex
	open   int
	byAddr map[netip.Addr]int

	shedding atomic.Int32
	shed     atomic.Int64
}

// Accept returns the next connection within the caps, answering and
// closing the ones over them on the way.
func (l *LimitedListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		addr := peerAddr(c.RemoteAddr().String())
		status, reason := l.admit(addr)
		if status == 0 {
			return &limitedConn{Conn: c, l: l, addr: addr}, nil
		}
		l.shed.Add(1)
		if l.shedding.Add(1) > l.maxShedding {
			l.shedding.Add(-1)
			c.Close()
			continue
		}
		go func() {
			defer l.shedding.Add(-1)
			refuse(c, status, reason)
		}()
	}
}

// Open is the number of connections held now.
func (l *LimitedListener) Open() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.open
}

// Shed is the number of connections refused so far.
func (l *LimitedListener) Shed() int64 { return l.shed.Load() }

// admit counts a new connection from addr in, or says why not.
func (l *LimitedListener) admit(addr netip.Addr) (int, string) {
	l.mu.Lock()
	defer l.mu.Unlock()
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

func (l *LimitedListener) release(addr netip.Addr) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.open--
	key := budgetKey(addr)
	if l.byAddr[key]--; l.byAddr[key] <= 0 {
		delete(l.byAddr, key)
	}
}

// refuse answers a connection over a cap and closes it. It half-closes
// first and reads what the client sent for a moment, so that its request
// does not turn the close into a reset that hides the answer.
func refuse(c net.Conn, status int, reason string) {
	defer c.Close()
	code := "too_many_requests"
	if status == http.StatusServiceUnavailable {
		code = "unavailable"
	}
	body, _ := json.Marshal(errorBody{Error: code, Reason: reason})
	c.SetDeadline(time.Now().Add(shedTime))
	fmt.Fprintf(c, "HTTP/1.1 %d %s\r\nContent-Type: application/json; charset=utf-8\r\nRetry-After: 1\r\n"+
		"Connection: close\r\nContent-Length: %d\r\n\r\n%s", status, http.StatusText(status), len(body), body)
	if tc, ok := c.(interface{ CloseWrite() error }); ok {
		tc.CloseWrite()
	}
	buf := make([]byte, 4096)
	for n := 0; n < 64<<10; {
		m, err := c.Read(buf)
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

// CloseWrite half-closes, as http.Server does before closing a connection
// whose request it refused.
func (c *limitedConn) CloseWrite() error {
	if cw, ok := c.Conn.(interface{ CloseWrite() error }); ok {
		return cw.CloseWrite()
	}
	return nil
}
