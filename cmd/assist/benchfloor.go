package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/gorilla/websocket"
)

// floorServer is the raw floor assist bench -floor measures against: the
// same routes, frames of the same size and the same gorilla sockets with a
// bounded queue and a writer each, but no login, no engine and no store. A
// turn is numbered, its frame built and queued to the conversation's
// sockets, and answered. What assist serve adds on top of it is the cost of
// the product.
type floorServer struct {
	addr string
	http *http.Server

	mu    sync.Mutex
	turns map[string]int                       // conversation → turns posted
	socks map[string]map[*floorSocket]struct{} // conversation → its panels
}

type floorSocket struct {
	conn  *websocket.Conn
	queue chan []byte
}

// floorPadding makes a floor frame as long as a typical suggestion set.
var floorPadding = strings.Repeat("款", 1000)

func startFloor(ctx context.Context) (*floorServer, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	f := &floorServer{addr: ln.Addr().String(), turns: map[string]int{}, socks: map[string]map[*floorSocket]struct{}{}}
	mux := http.NewServeMux()
	mux.HandleFunc("POST /api/v1/shops/{shop}/conversations/{id}/turns", f.post)
	mux.HandleFunc("GET /api/v1/shops/{shop}/conversations/{id}/ws", f.socket)
	f.http = &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}
	go f.http.Serve(ln)
	go func() {
		<-ctx.Done()
		f.http.Close()
	}()
	return f, nil
}

func (f *floorServer) post(w http.ResponseWriter, r *http.Request) {
	conv := r.PathValue("id")
	var t struct{ Role, Text string }
	if err := json.NewDecoder(io.LimitReader(r.Body, 16<<10)).Decode(&t); err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	f.mu.Lock()
	turn := f.turns[conv]
	f.turns[conv]++
	// In the order of a set's members: conversation and turn first.
	data, _ := json.Marshal(struct {
		Conversation string `json:"conversation"`
		Turn         int    `json:"turn"`
		Role         string `json:"role"`
		Text         string `json:"text"`
		Padding      string `json:"padding"`
	}{conv, turn, t.Role, t.Text, floorPadding})
	frame := append([]byte(`{"type":"suggestions",`), data[1:]...)
	for s := range f.socks[conv] {
		select {
		case s.queue <- frame:
		default: // too slow: dropped, as assist serve does
			delete(f.socks[conv], s)
			if s.conn != nil {
				s.conn.Close()
			}
		}
	}
	f.mu.Unlock()
	w.Header().Set("Content-Type", "application/json")
	w.Write(data)
}

func (f *floorServer) socket(w http.ResponseWriter, r *http.Request) {
	// Registered before the handshake ends, as assist serve subscribes a
	// panel: a turn posted the moment the panel has connected reaches it
	// (queued until the socket is open).
	conv := r.PathValue("id")
	s := &floorSocket{queue: make(chan []byte, 64)}
	f.mu.Lock()
	if f.socks[conv] == nil {
		f.socks[conv] = map[*floorSocket]struct{}{}
	}
	f.socks[conv][s] = struct{}{}
	f.mu.Unlock()
	up := websocket.Upgrader{ReadBufferSize: 1024, WriteBufferSize: 4096, CheckOrigin: func(*http.Request) bool { return true }}
	conn, err := up.Upgrade(w, r, nil)
	f.mu.Lock()
	s.conn = conn
	f.mu.Unlock()
	if err != nil {
		f.mu.Lock()
		delete(f.socks[conv], s)
		f.mu.Unlock()
		return
	}
	go func() {
		for frame := range s.queue {
			conn.SetWriteDeadline(time.Now().Add(10 * time.Second))
			if err := conn.WriteMessage(websocket.TextMessage, frame); err != nil {
				conn.Close()
				return
			}
		}
	}()
	// The reader on a goroutine of its own, as gorilla's chat example and
	// assist serve have it: the handler returns, and net/http lets go of the
	// upgrade's request and buffers.
	go func() {
		for { // read until the panel goes
			if _, _, err := conn.NextReader(); err != nil {
				break
			}
		}
		f.mu.Lock()
		delete(f.socks[conv], s)
		f.mu.Unlock()
		conn.Close()
	}()
}

// floorJob fills in what the driver needs for the floor: any shop, any
// session (the floor asks for neither).
func floorJob(f *floorServer, job *driveJob) {
	job.URL = "http://" + f.addr
	job.URLs = []string{job.URL}
	job.Shops = []benchShop{{ID: 1, Token: "floor"}}
	job.Sessions = []string{"floor"}
}

func (f *floorServer) String() string { return fmt.Sprintf("raw floor at %s", f.addr) }
