package web

import (
	"math/rand/v2"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"

	"assist/assistant"
	"assist/kb"
	"assist/kb/bufpool"
)

// writeWait bounds every write to a socket; a peer that cannot take a frame
// in this time is gone.
const writeWait = 10 * time.Second

// outFrame is one text frame for a socket. shown is set for a turn's
// suggestion set: once written to a person's panel, each suggestion in it
// counts as shown. retracted is set for a set taken back (its turn was not
// stored): its show is forgotten, if not written to the store yet. A frame
// is never changed once queued: a published one is the same frame on every
// socket that watches, and a socket's queue holds pointers, so that 10,000
// idle panels do not each hold 64 empty frames for the collector to scan.
type outFrame struct {
	// head, when set, goes before data: a suggestion set's frame is its
	// type and then the set as encoded, shared by every socket, so that a
	// turn does not copy its set into a frame (docs/figures.md, session 23).
	head      []byte
	data      []byte
	shown     *assistant.Suggestions
	members   []kb.SetMember // shown's, worked out once for every socket
	retracted *retraction
}

// retraction names a turn whose suggestion set was taken back.
type retraction struct {
	conv string
	turn int
}

// client is one WebSocket: one reader goroutine (serveSocket) and, only
// while frames wait, one writer goroutine (gorilla allows one concurrent
// writer). An idle panel has no writer and its pings are a timer, not a
// goroutine: of a server's 10,000 panels each would otherwise park a
// goroutine and a ticking timer for the collector to scan at every cycle
// (docs/figures.md, session 30). Close and WriteControl may be called from
// anywhere.
type client struct {
	conn  *websocket.Conn // set by attach, before ready is closed
	ready chan struct{}
	hub   *Hub
	topic topic
	who   *principal
	done  chan struct{}
	once  sync.Once
	// checkAsked is set while the socket waits for its check (socketChecks),
	// so it is queued once however often it pings meanwhile.
	checkAsked atomic.Bool

	mu      sync.Mutex
	queue   []*outFrame // waiting to be written, oldest first
	most    int         // frames queue may hold: more and the panel is too slow
	out     *socketOut  // set by start; until then frames wait
	writing bool        // a writer goroutine is emptying queue
	pings   *time.Timer // queues the next ping; set by start
}

// socketOut is how a server's sockets write, the same for every socket.
// record is told about every suggestion set written or taken back, pinged
// about every ping (the caller is checked again then). now is the server's
// clock, the one its sessions' ends were set by.
type socketOut struct {
	ping   time.Duration
	now    func() time.Time
	record func(*client, *outFrame)
	pinged func(*client)
}

// pingFrame stands in a socket's queue for a ping, which thus waits behind
// the frames queued before it, as a writer's ping always did.
var pingFrame = &outFrame{}

// newClient makes a client that can be subscribed and queued to before its
// connection exists; attach hands it the connection.
func newClient(h *Hub, t topic, who *principal, queueLen int) *client {
	return &client{ready: make(chan struct{}), hub: h, topic: t, who: who, most: queueLen, done: make(chan struct{})}
}

// attach gives the client its connection; nil when the upgrade failed.
func (c *client) attach(conn *websocket.Conn) {
	c.conn = conn
	close(c.ready)
}

// start lets the client write, through out: what was queued since it
// subscribed first, then pushes and pings.
func (c *client) start(out *socketOut) {
	c.mu.Lock()
	c.out = out
	c.pings = time.AfterFunc(firstPing(out.ping), c.pingDue)
	kick := c.kick()
	c.mu.Unlock()
	if kick {
		go c.write()
	}
}

// kick reports whether a writer must be started for the queue, and marks it
// started. c.mu is held.
func (c *client) kick() bool {
	if c.out == nil || c.writing || len(c.queue) == 0 {
		return false
	}
	c.writing = true
	return true
}

// pingDue queues a ping and sets the next one.
func (c *client) pingDue() {
	select {
	case <-c.done:
		return
	default:
	}
	c.enqueue(pingFrame)
	c.mu.Lock()
	defer c.mu.Unlock()
	select {
	case <-c.done: // stop has stopped the timer, or will once it has the lock
	default:
		c.pings.Reset(c.out.ping)
	}
}

// enqueue hands f to the writer without waiting. A full queue means the
// panel cannot keep up: it is dropped (it reconnects and reloads) rather than
// slowing the others.
func (c *client) enqueue(f *outFrame) {
	select {
	case <-c.done:
		return
	default:
	}
	c.mu.Lock()
	if len(c.queue) >= c.most {
		c.mu.Unlock()
		go func() {
			c.hub.unsubscribe(c)
			// Its writer is most likely stuck: do not wait long to say why.
			c.closeWith(websocket.ClosePolicyViolation, "too slow: frames dropped, reconnect", 100*time.Millisecond)
		}()
		return
	}
	c.queue = append(c.queue, f)
	kick := c.kick()
	c.mu.Unlock()
	if kick {
		go c.write()
	}
}

// closeWith sends a close frame with code and reason, waiting at most wait
// for the writer to let it through, then closes the connection. Only the
// first close counts.
func (c *client) closeWith(code int, reason string, wait time.Duration) {
	c.once.Do(func() {
		c.stop()
		if <-c.ready; c.conn == nil {
			return
		}
		c.conn.WriteControl(websocket.CloseMessage, websocket.FormatCloseMessage(code, reason), time.Now().Add(wait))
		c.conn.Close()
	})
}

// drop closes a connection that is already broken, without a close frame.
func (c *client) drop() {
	c.once.Do(func() {
		c.stop()
		if <-c.ready; c.conn != nil {
			c.conn.Close()
		}
	})
}

// stop ends the client's writing: no frame is queued or written after it,
// and no ping is due.
func (c *client) stop() {
	close(c.done)
	c.mu.Lock()
	if c.pings != nil {
		c.pings.Stop()
	}
	c.queue = nil
	c.mu.Unlock()
}

// write sends the queued frames, then ends: the next frame queued starts
// another writer.
func (c *client) write() {
	for {
		c.mu.Lock()
		if len(c.queue) == 0 {
			c.queue, c.writing = nil, false
			c.mu.Unlock()
			return
		}
		f := c.queue[0]
		c.queue[0], c.queue = nil, c.queue[1:]
		out := c.out
		c.mu.Unlock()
		select {
		case <-c.done:
			return
		default:
		}
		if !c.send(out, f) {
			return
		}
	}
}

// send writes f (or a ping) and reports whether the socket is still open.
func (c *client) send(out *socketOut, f *outFrame) bool {
	if c.who.expired(out.now()) {
		c.closeWith(websocket.ClosePolicyViolation, "session expired: log in again", time.Second)
		return false
	}
	var err error
	if f == pingFrame {
		out.pinged(c) // its caller is checked again, without holding up its frames
		c.conn.SetWriteDeadline(time.Now().Add(writeWait))
		err = c.conn.WriteMessage(websocket.PingMessage, nil)
	} else {
		c.conn.SetWriteDeadline(time.Now().Add(writeWait))
		err = writeFrame(c.conn, f)
	}
	if err != nil {
		c.drop()
		return false
	}
	if f.shown != nil || f.retracted != nil {
		out.record(c, f)
	}
	return true
}

// writeFrame writes f as one text message. A frame in two pieces is joined
// in a pooled buffer: gorilla sends a message written in pieces as
// fragments, a send each, and one written whole in one.
func writeFrame(conn *websocket.Conn, f *outFrame) error {
	if f.head == nil {
		return conn.WriteMessage(websocket.TextMessage, f.data)
	}
	buf := frameBuffers.Get()
	*buf = append(append(*buf, f.head...), f.data...)
	err := conn.WriteMessage(websocket.TextMessage, *buf)
	frameBuffers.Put(buf)
	return err
}

// frameBuffers are the buffers writeFrame joins frames in.
var frameBuffers = bufpool.New(8<<10, 64<<10)

// firstPing is when a socket's first ping comes: at a random moment of the
// interval's second half. Panels that connected together (all of them,
// after a restart) would otherwise ping, and check their caller against the
// store, in the same instant of every interval: a burst of checks that the
// turns of that moment wait behind. The peer's wait for a frame (two
// intervals, readLoop) is unchanged.
func firstPing(every time.Duration) time.Duration {
	return every/2 + rand.N(every/2+1)
}

// readLoop reads frames until the peer goes away or stays silent for two
// ping intervals (a pong, like any frame, proves it is alive).
func (c *client) readLoop(ping time.Duration, handle func(*client, []byte)) {
	wait := 2 * ping
	c.conn.SetReadLimit(maxFrameBytes)
	c.conn.SetReadDeadline(time.Now().Add(wait))
	c.conn.SetPongHandler(func(string) error { return c.conn.SetReadDeadline(time.Now().Add(wait)) })
	for {
		typ, data, err := c.conn.ReadMessage()
		if err != nil {
			return
		}
		c.conn.SetReadDeadline(time.Now().Add(wait))
		if typ != websocket.TextMessage {
			c.enqueue(&outFrame{data: errorFrame("", kb.EInvalid, "send JSON text frames")})
			continue
		}
		handle(c, data)
	}
}
