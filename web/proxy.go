package web

import (
	"fmt"
	"net/http"
	"net/netip"
	"strings"
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
