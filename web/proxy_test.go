package web

import (
	"net/http"
	"testing"
)

// The caller's address is the TCP peer, or, behind a trusted proxy, the
// last address in X-Forwarded-For that the caller could not have written.
func TestClientAddress(t *testing.T) {
	ps, err := ParseProxies([]string{"10.0.0.5", "192.168.0.0/16", " "})
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name, peer, forwarded, want string
	}{
		{name: "no proxy", peer: "203.0.113.7:5000", want: "203.0.113.7"},
		{name: "an untrusted peer's claim is ignored", peer: "203.0.113.7:5000", forwarded: "198.51.100.1", want: "203.0.113.7"},
		{name: "behind the proxy", peer: "10.0.0.5:4000", forwarded: "203.0.113.7", want: "203.0.113.7"},
		{name: "the caller's own entries come first", peer: "10.0.0.5:4000", forwarded: "198.51.100.1, 203.0.113.7", want: "203.0.113.7"},
		{name: "two trusted proxies in a row", peer: "10.0.0.5:4000", forwarded: "203.0.113.7, 192.168.3.4", want: "203.0.113.7"},
		{name: "a proxy that forwards nothing", peer: "10.0.0.5:4000", want: "10.0.0.5"},
		{name: "garbage in the header", peer: "10.0.0.5:4000", forwarded: "203.0.113.7, not-an-ip", want: "10.0.0.5"},
		{name: "an IPv4-mapped peer", peer: "[::ffff:10.0.0.5]:4000", forwarded: "203.0.113.7", want: "203.0.113.7"},
		{name: "IPv6 behind the proxy", peer: "10.0.0.5:4000", forwarded: "2001:db8::1", want: "2001:db8::1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := &http.Request{RemoteAddr: tt.peer, Header: http.Header{}}
			if tt.forwarded != "" {
				r.Header.Set("X-Forwarded-For", tt.forwarded)
			}
			if got := ps.clientAddr(r).String(); got != tt.want {
				t.Errorf("clientAddr = %s, want %s", got, tt.want)
			}
		})
	}
	if _, err := ParseProxies([]string{"10.0.0.300"}); err == nil {
		t.Error("a bad proxy address was accepted")
	}
}
