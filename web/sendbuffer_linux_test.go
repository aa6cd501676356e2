package web

import (
	"net"
	"syscall"
	"testing"
)

// A socket's send buffer is capped behind the LimitedListener too, as
// assist serve accepts them: its wrapper used to hide the TCP connection,
// and the kernel's buffer then grew to megabytes unseen.
func TestSendBufferCappedBehindTheLimitedListener(t *testing.T) {
	tcp, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ln, err := LimitListener(tcp, Limits{MaxConns: 4, MaxConnsPerAddr: 4})
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	peer, err := net.Dial("tcp", tcp.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	defer peer.Close()
	conn, err := ln.Accept()
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	capSendBuffer(conn)
	raw, err := conn.(*limitedConn).Conn.(*answerConn).Conn.(*net.TCPConn).SyscallConn()
	if err != nil {
		t.Fatal(err)
	}
	var size int
	var serr error
	if err := raw.Control(func(fd uintptr) { size, serr = syscall.GetsockoptInt(int(fd), syscall.SOL_SOCKET, syscall.SO_SNDBUF) }); err != nil {
		t.Fatal(err)
	}
	if serr != nil {
		t.Fatal(serr)
	}
	// Linux doubles the size asked for, for its own bookkeeping.
	if size != 2*socketSendBuffer {
		t.Errorf("send buffer %d bytes, want %d (%d asked for)", size, 2*socketSendBuffer, socketSendBuffer)
	}
}
