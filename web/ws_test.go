package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"assist/kb"
)

func TestSocketOrigins(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.Origins = []string{"https://app.example.com", "http://localhost:3000"} })
	agent := e.login(kb.RoleAgent).String()
	tests := []struct {
		name   string
		origin string // "" sends none
		auth   string // "cookie", "token" or ""
		want   int
	}{
		{name: "own origin with a session", origin: e.ts.URL, auth: "cookie", want: 101},
		{name: "an allow-listed origin", origin: "https://app.example.com", auth: "cookie", want: 101},
		{name: "an allow-listed origin in capitals", origin: "HTTPS://APP.EXAMPLE.COM", auth: "cookie", want: 101},
		{name: "another allow-listed origin", origin: "http://localhost:3000", auth: "cookie", want: 101},
		{name: "a look-alike suffix", origin: "http://app.example.com.evil.com", auth: "cookie", want: 403},
		{name: "a look-alike https suffix", origin: "https://app.example.com.evil.com", auth: "cookie", want: 403},
		{name: "the allowed host on another scheme", origin: "http://app.example.com", auth: "cookie", want: 403},
		{name: "the allowed host on another port", origin: "https://app.example.com:8443", auth: "cookie", want: 403},
		{name: "the opaque origin null", origin: "null", auth: "cookie", want: 403},
		{name: "a subdomain of an allowed origin", origin: "https://x.app.example.com", auth: "cookie", want: 403},
		{name: "a session without an Origin", origin: "", auth: "cookie", want: 403},
		{name: "a foreign origin with a token", origin: "https://evil.example", auth: "token", want: 403},
		{name: "an integration: a token and no Origin", origin: "", auth: "token", want: 101},
		{name: "no credentials", origin: e.ts.URL, auth: "", want: 401},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := http.Header{}
			if tt.origin != "" {
				h.Set("Origin", tt.origin)
			}
			switch tt.auth {
			case "cookie":
				h.Set("Cookie", agent)
			case "token":
				h.Set("Authorization", "Bearer "+e.token)
			}
			conn, status, err := e.dial("c1", h)
			if conn != nil {
				conn.Close()
			}
			if status != tt.want {
				t.Errorf("status %d (%v), want %d", status, err, tt.want)
			}
		})
	}
}

func TestATurnIsPushedToEverySubscriberOfItsConversation(t *testing.T) {
	e := newEnv(t)
	a1 := e.panel("c1", kb.RoleAgent)
	a2 := e.panel("c1", kb.RoleAdmin)
	h := http.Header{}
	h.Set("Authorization", "Bearer "+e.token)
	integration, _, err := e.dial("c1", h)
	if err != nil {
		t.Fatal(err)
	}
	defer integration.Close()
	other := e.panel("c2", kb.RoleAgent)

	posted := e.postTurn("c1", "buyer", "充电器和数据线一起买能便宜吗")
	for i, conn := range []*websocket.Conn{a1, a2, integration} {
		f := mustRead(t, conn)
		if f.Type != "suggestions" || f.Conversation != "c1" || f.Turn != posted.Turn || f.Text != posted.Text {
			t.Errorf("subscriber %d got %+v, want the suggestion set of turn %d", i, f, posted.Turn)
		}
		if len(f.Nudges) != len(posted.Nudges) || len(f.Phrases) != len(posted.Phrases) {
			t.Errorf("subscriber %d: pushed set differs from the answer", i)
		}
		// The answer comes after the commit: the turn pushed is stored.
		if _, err := e.store.Turn(context.Background(), chargerID, "c1", f.Turn); err != nil {
			t.Errorf("turn %d pushed before it was stored: %v", f.Turn, err)
		}
	}
	if f, err := read(t, other, 300*time.Millisecond); err == nil {
		t.Errorf("a panel of c2 got %+v from c1", f)
	}
}

func TestSocketFrames(t *testing.T) {
	e := newEnv(t)
	panel := e.panel("c1", kb.RoleAgent)

	send(t, panel, map[string]any{"type": "turn", "ref": "t1", "role": "buyer", "text": "充电宝多久发货"})
	push, ack := mustRead(t, panel), mustRead(t, panel)
	if push.Type != "suggestions" || push.Turn != 0 {
		t.Errorf("first frame %+v: want the turn's suggestion set", push)
	}
	if ack.Type != "ack" || ack.Ref != "t1" || ack.For != "turn" || ack.Turn != 0 {
		t.Errorf("second frame %+v: want the ack of turn 0", ack)
	}

	send(t, panel, map[string]any{"type": "check", "ref": "d1", "text": "亲,保证明天一定送到"})
	check := mustRead(t, panel)
	if check.Type != "check" || check.Ref != "d1" {
		t.Errorf("check answer %+v", check)
	}
	if turns, _ := e.store.Turns(context.Background(), chargerID, "c1"); len(turns) != 1 {
		t.Errorf("a draft check was recorded: %d turns stored, want 1", len(turns))
	}

	tests := []struct {
		name   string
		frame  string
		reason string
	}{
		{name: "not JSON", frame: `hello`, reason: "malformed JSON"},
		{name: "an unknown type", frame: `{"type":"shout"}`, reason: `type "shout"`},
		{name: "an unknown field", frame: `{"type":"turn","role":"buyer","text":"在吗","agent":"boss"}`, reason: `unknown field "agent"`},
		{name: "a bad role", frame: `{"type":"turn","role":"bot","text":"在吗"}`, reason: `role "bot"`},
		{name: "feedback without a turn", frame: `{"type":"feedback","suggestion_id":"x","kind":"phrase","action":"used"}`, reason: "turn is required"},
		{name: "feedback on a suggestion never offered", frame: `{"type":"feedback","turn":0,"suggestion_id":"nope","kind":"phrase","action":"used"}`, reason: "offered no phrase"},
		{name: "feedback claiming shown", frame: `{"type":"feedback","turn":0,"suggestion_id":"x","kind":"phrase","action":"shown"}`, reason: "want used or dismissed"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			panel.SetWriteDeadline(time.Now().Add(time.Second))
			if err := panel.WriteMessage(websocket.TextMessage, []byte(tt.frame)); err != nil {
				t.Fatal(err)
			}
			f := mustRead(t, panel)
			if f.Type != "error" || !strings.Contains(f.Reason, tt.reason) {
				t.Errorf("answer %+v: want an error holding %q", f, tt.reason)
			}
		})
	}
	// The connection is still open after the bad frames.
	send(t, panel, map[string]any{"type": "check", "text": "您好"})
	if f := mustRead(t, panel); f.Type != "check" {
		t.Errorf("after bad frames: %+v", f)
	}
}

func TestAFrameOverTheLimitClosesTheSocket(t *testing.T) {
	e := newEnv(t)
	panel := e.panel("c1", kb.RoleAgent)
	big := `{"type":"check","text":"` + strings.Repeat("x", maxFrameBytes) + `"}`
	panel.WriteMessage(websocket.TextMessage, []byte(big))
	_, err := read(t, panel, 5*time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.CloseMessageTooBig {
		t.Errorf("err = %v, want close 1009 (message too big)", err)
	}
}

func TestASlowSubscriberIsDroppedWithoutDelayingOthers(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.SendQueue = 4 })
	fast := e.panel("c1", kb.RoleAgent)
	h := http.Header{}
	h.Set("Origin", e.ts.URL)
	h.Set("Cookie", e.login(kb.RoleAgent).String())
	slow, _, err := dialWith(smallWindowDialer(), e.wsURL("c1"), h)
	if err != nil {
		t.Fatal(err)
	}
	defer slow.Close()

	// Big turns fill the slow panel's socket buffers quickly.
	text := strings.Repeat("这款充电器支持笔记本快充吗", 150)
	const turns = 60
	start := time.Now()
	for i := range turns {
		e.postTurn("c1", "buyer", text)
		f := mustRead(t, fast)
		if f.Turn != i {
			t.Fatalf("fast panel got turn %d, want %d", f.Turn, i)
		}
	}
	if took := time.Since(start); took > 20*time.Second {
		t.Errorf("%d turns took %v with a slow panel attached", turns, took)
	}
	deadline := time.Now().Add(5 * time.Second)
	for e.srv.Sockets() != 1 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := e.srv.Sockets(); n != 1 {
		t.Errorf("%d sockets open, want 1: the slow panel should have been dropped", n)
	}
	// When the slow panel reads at last, it finds the frames the kernel
	// held and then the end of the connection.
	for {
		if _, err := read(t, slow, 5*time.Second); err != nil {
			var ne interface{ Timeout() bool }
			if errors.As(err, &ne) && ne.Timeout() {
				t.Error("the slow panel's connection was left open")
			}
			break
		}
	}
}

func TestCloseSendsGoingAwayToEverySocket(t *testing.T) {
	e := newEnv(t)
	conns := []*websocket.Conn{e.panel("c1", kb.RoleAgent), e.panel("c1", kb.RoleAdmin), e.panel("c2", kb.RoleAgent)}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := e.srv.Close(ctx); err != nil {
		t.Fatal(err)
	}
	for i, c := range conns {
		_, err := read(t, c, 5*time.Second)
		var ce *websocket.CloseError
		if !errors.As(err, &ce) || ce.Code != websocket.CloseGoingAway {
			t.Errorf("socket %d: %v, want close 1001", i, err)
		}
	}
	h := http.Header{}
	h.Set("Authorization", "Bearer "+e.token)
	if _, status, _ := e.dial("c1", h); status != http.StatusServiceUnavailable {
		t.Errorf("a socket after close: %d, want 503", status)
	}
}

func TestLoggingOutClosesThatSessionsSockets(t *testing.T) {
	e := newEnv(t)
	mine := e.panel("c1", kb.RoleAgent)
	other := e.panel("c1", kb.RoleAdmin)
	if status, _ := e.do("POST", "/api/v1/logout", cookie(e.login(kb.RoleAgent)), ""); status != 204 {
		t.Fatalf("logout: %d", status)
	}
	_, err := read(t, mine, 5*time.Second)
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("the logged-out panel: %v, want close 1008", err)
	}
	e.postTurn("c1", "buyer", "在吗")
	if f := mustRead(t, other); f.Type != "suggestions" {
		t.Errorf("the other session's panel got %+v", f)
	}
}

func TestAnExpiredSessionsSocketIsClosed(t *testing.T) {
	e := newEnv(t)
	agent := e.panel("c1", kb.RoleAgent)
	// The session ends in the store (as after its expiry); the next frame
	// the panel sends is refused and the socket closed.
	if err := e.store.DeleteSession(context.Background(), e.login(kb.RoleAgent).Value); err != nil {
		t.Fatal(err)
	}
	send(t, agent, map[string]any{"type": "check", "text": "您好"})
	f, err := read(t, agent, 5*time.Second)
	if err == nil && f.Type == "error" {
		_, err = read(t, agent, 5*time.Second)
	}
	var ce *websocket.CloseError
	if !errors.As(err, &ce) || ce.Code != websocket.ClosePolicyViolation {
		t.Errorf("after the session ended: %v, want close 1008", err)
	}
}

// A pushed set is its type and then the set as the poster's answer has it,
// byte for byte, on every watching socket, long sets and short (the frame
// is sent from two pieces: TestWithType's frame of the same set).
func TestPushedSetIsTheAnswerWithItsType(t *testing.T) {
	e := newEnv(t)
	panels := []*websocket.Conn{e.panel("c1", kb.RoleAgent), e.panel("c1", kb.RoleAgent)}
	for _, text := range []string{"充电宝多久发货", "好", strings.Repeat("收到的充电宝少了一根线,", 40)} {
		body, _ := json.Marshal(map[string]string{"role": "buyer", "text": text})
		status, answer := e.do("POST", shopPath("/conversations/c1/turns"), bearer(e.token), string(body))
		if status != http.StatusOK {
			t.Fatalf("post %q: %d %s", text, status, answer)
		}
		want := withType("suggestions", "", answer)
		for i, p := range panels {
			p.SetReadDeadline(time.Now().Add(5 * time.Second))
			_, got, err := p.ReadMessage()
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(got, want) {
				t.Errorf("panel %d, %q: pushed\n%s\nwant\n%s", i, text, got, want)
			}
		}
	}
}

func TestWithType(t *testing.T) {
	tests := []struct {
		name, typ, ref, object, want string
	}{
		{name: "a suggestion set", typ: "suggestions", object: `{"conversation":"c1","turn":2}`, want: `{"type":"suggestions","conversation":"c1","turn":2}`},
		{name: "with a ref to echo", typ: "check", ref: `d"1`, object: `{"turn":0}`, want: `{"type":"check","ref":"d\"1","turn":0}`},
		{name: "an empty object", typ: "ack", object: `{}`, want: `{"type":"ack"}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := string(withType(tt.typ, tt.ref, []byte(tt.object)))
			if got != tt.want {
				t.Errorf("got %s, want %s", got, tt.want)
			}
			if !json.Valid([]byte(got)) {
				t.Errorf("%s is not JSON", got)
			}
		})
	}
}

// Panels that connect together do not ping together: each socket's first
// ping comes at a random moment of the interval's second half, so a
// server's panels, all reconnecting after a restart, spread their checks
// against the store over half an interval instead of one instant.
func TestFirstPingsSpreadOverHalfAnInterval(t *testing.T) {
	const every = 30 * time.Second
	var lo, hi time.Duration = every, 0
	quarters := [2]int{}
	for range 2000 {
		d := firstPing(every)
		if d < every/2 || d > every {
			t.Fatalf("first ping after %v, want between %v and %v", d, every/2, every)
		}
		lo, hi = min(lo, d), max(hi, d)
		quarters[min(1, int((d-every/2)/(every/4)))]++
	}
	if hi-lo < every/3 || quarters[0] < 800 || quarters[1] < 800 {
		t.Errorf("2,000 first pings from %v to %v, %v in each quarter: want them spread over %v", lo, hi, quarters, every/2)
	}
}

// An open socket does not keep the upgrade's HTTP handler running: the
// handler returns once the socket is up, so net/http lets go of the
// request, its headers and its buffers, and the socket is served on
// goroutines of its own. It still takes frames, gets pushes and, once
// closed, leaves the hub.
func TestAnOpenSocketHoldsNoHandler(t *testing.T) {
	e := newEnv(t)
	panels := []*websocket.Conn{e.panel("c1", kb.RoleAgent), e.panel("c1", kb.RoleManager), e.panel("c2", kb.RoleAgent)}
	inHandler := func() int { return goroutinesIn("web.(*Server).openSocket(") }
	for deadline := time.Now().Add(5 * time.Second); inHandler() > 0; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d goroutines still in the upgrade's handler 5 s after the sockets opened", inHandler())
		}
	}
	if n := e.srv.Sockets(); n != 3 {
		t.Fatalf("%d sockets in the hub, want 3", n)
	}

	e.postTurn("c1", "buyer", "充电宝多久发货")
	for i, p := range panels[:2] {
		if f := mustRead(t, p); f.Type != "suggestions" || f.Conversation != "c1" || f.Turn != 0 {
			t.Errorf("panel %d: frame %+v, want turn 0's set", i, f)
		}
	}
	send(t, panels[2], map[string]any{"type": "check", "ref": "d1", "text": "亲,保证明天一定送到"})
	if f := mustRead(t, panels[2]); f.Type != "check" || f.Ref != "d1" {
		t.Errorf("check answer %+v", f)
	}
	send(t, panels[2], map[string]any{"type": "turn", "ref": "t1", "role": "buyer", "text": "在吗"})
	if push, ack := mustRead(t, panels[2]), mustRead(t, panels[2]); push.Type != "suggestions" || ack.Type != "ack" || ack.Ref != "t1" {
		t.Errorf("a turn over the socket: %+v then %+v, want its set then its ack", push, ack)
	}

	panels[1].Close()
	for deadline := time.Now().Add(5 * time.Second); e.srv.Sockets() != 2; time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("%d sockets in the hub 5 s after one closed, want 2", e.srv.Sockets())
		}
	}
}

// goroutinesIn counts the goroutines whose stacks pass through fn (a
// function's name as a stack dump spells it, or the start of one).
func goroutinesIn(fn string) int {
	buf := make([]byte, 1<<20)
	n := runtime.Stack(buf, true)
	for n == len(buf) { // cut short: all of them, or the count means nothing
		buf = make([]byte, 2*len(buf))
		n = runtime.Stack(buf, true)
	}
	count := 0
	for _, g := range strings.Split(string(buf[:n]), "\n\n") {
		if strings.Contains(g, fn) {
			count++
		}
	}
	return count
}

// An idle panel holds no writer goroutine: one starts when frames wait and
// ends once they are written. Its pings still come, from a timer, and its
// pushes arrive in order.
func TestAnIdleSocketHoldsNoWriter(t *testing.T) {
	const ping = 60 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.PingInterval = ping })
	// Each panel reads all the time, as a browser does, answering pings
	// (the server closes a panel silent for two intervals).
	type panel struct {
		pings  atomic.Int32
		frames chan []byte
	}
	var panels [2]*panel
	for k, role := range []kb.Role{kb.RoleAgent, kb.RoleManager} {
		conn, p := e.panel("c1", role), &panel{frames: make(chan []byte, 16)}
		conn.SetPingHandler(func(data string) error {
			p.pings.Add(1)
			return conn.WriteControl(websocket.PongMessage, []byte(data), time.Now().Add(time.Second))
		})
		go func() {
			defer close(p.frames)
			for {
				_, b, err := conn.ReadMessage()
				if err != nil {
					return
				}
				p.frames <- b
			}
		}()
		panels[k] = p
	}
	writers := func() int { return goroutinesIn("web.(*client).write") } // the old writer was writeLoop
	settled := func(when string) {
		t.Helper()
		for deadline := time.Now().Add(5 * time.Second); writers() > 0; time.Sleep(time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("%s: %d writer goroutines for 2 idle panels, want none", when, writers())
			}
		}
	}
	settled("once open")

	for i := range 3 {
		e.postTurn("c1", "buyer", "充电宝多久发货")
		for k, p := range panels {
			var f frame
			select {
			case b := <-p.frames:
				if err := json.Unmarshal(b, &f); err != nil {
					t.Fatal(err)
				}
			case <-time.After(5 * time.Second):
			}
			if f.Type != "suggestions" || f.Turn != i {
				t.Fatalf("panel %d: frame %+v, want turn %d's set", k, f, i)
			}
		}
	}
	settled("after three pushes")

	before := [2]int32{panels[0].pings.Load(), panels[1].pings.Load()}
	time.Sleep(8 * ping)
	for k, p := range panels {
		if n := p.pings.Load() - before[k]; n < 5 {
			t.Errorf("panel %d: %d pings in 8 intervals, want about 8", k, n)
		}
	}
	if n := e.srv.Sockets(); n != 2 {
		t.Errorf("%d sockets open after the pings, want 2", n)
	}
	settled("after the pings")
}
