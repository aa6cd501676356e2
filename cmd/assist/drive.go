package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/gorilla/websocket"

	"assist/assistant/classify"
)

// benchLines are the turns the load generator posts, in a loop.
//
//go:embed bench_lines.txt
var benchLines string

// driveJob is what the load generator is told to do; it travels to the
// child process as JSON on stdin.
type driveJob struct {
	URL      string        `json:"url"`
	URLs     []string      `json:"urls,omitempty"` // several instances: conversation i is posted to URLs[i], watched on URLs[i+1]
	Shops    []benchShop   `json:"shops"`          // conversation i is in Shops[i mod len]
	Sessions []string      `json:"sessions"`       // agents of every shop
	Panels   int           `json:"panels"`
	Convs    int           `json:"convs"`
	Rate     float64       `json:"rate"`
	Clients  int           `json:"clients"` // > 0: that many clients post back to back, Rate unused
	Duration time.Duration `json:"duration"`
	Every    time.Duration `json:"every"` // > 0: report each window of this length as it ends
	// ConvTurns > 0 ends a conversation after that many turns, as chats
	// end: the next turn starts a new one and its panels move to it.
	ConvTurns int `json:"conv_turns,omitempty"`
	// Unseen posts lines as real chats have them, each new: the buyers'
	// are other shops' real lines (withRealBuyers), and every line gets an
	// order number no turn before held. The bench's own few lines come
	// back again and again, and their searches are answered from the
	// cache after the first round.
	Unseen bool `json:"unseen,omitempty"`
}

// benchShop is a shop under load and the token its turns are posted with.
type benchShop struct {
	ID    int64  `json:"id"`
	Token string `json:"token"`
}

// driveResult is what it measured.
type driveResult struct {
	Connected    int     `json:"connected"`
	Dropped      int     `json:"dropped"`
	Posted       int     `json:"posted"`
	Failed       int     `json:"failed"`
	Started      int     `json:"conversations_started"`
	AchievedRate float64 `json:"achieved_rate"`
	Expected     int     `json:"pushes_expected"`
	Pushes       int     `json:"pushes"`
	// PostingCPU is the load generator's own CPU time from its first post
	// to the last push it waited for: the load's cost, not the panels'
	// logins before it.
	PostingCPU  time.Duration `json:"posting_cpu"`
	Latency     percentiles   `json:"post_to_push_ms"`
	PostLatency percentiles   `json:"post_answered_ms"`
	Windows     []window      `json:"windows,omitempty"`
}

// window is what one stretch of a long run measured.
type window struct {
	End         string      `json:"end"` // time since the start, e.g. 5m0s
	Posted      int         `json:"posted"`
	Failed      int         `json:"failed"`
	Pushes      int         `json:"pushes"`
	Dropped     int         `json:"dropped"`
	Latency     percentiles `json:"post_to_push_ms"`
	PostLatency percentiles `json:"post_answered_ms"`
}

type percentiles struct {
	P50 float64 `json:"p50"`
	P90 float64 `json:"p90"`
	P99 float64 `json:"p99"`
	Max float64 `json:"max"`
}

func percentilesOf(d []time.Duration) percentiles {
	if len(d) == 0 {
		return percentiles{}
	}
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	at := func(q float64) float64 {
		i := int(q * float64(len(d)-1))
		return float64(d[i].Microseconds()) / 1000
	}
	return percentiles{P50: at(0.50), P90: at(0.90), P99: at(0.99), Max: at(1)}
}

type benchTurn struct{ role, text string }

// withRealBuyers is a script of the classifier corpus's real buyer lines
// (681 lines of other shops' chats), each followed by the next of the
// script's agent lines.
func withRealBuyers(script []benchTurn) ([]benchTurn, error) {
	var agents []benchTurn
	for _, t := range script {
		if t.role == "agent" {
			agents = append(agents, t)
		}
	}
	ex, err := classify.Corpus()
	if err != nil {
		return nil, err
	}
	var out []benchTurn
	for _, x := range ex {
		if !strings.HasPrefix(x.Source, "real-buyer-messages:") {
			continue
		}
		out = append(out, benchTurn{"buyer", x.Text})
		if len(agents) > 0 {
			out = append(out, agents[(len(out)/2)%len(agents)])
		}
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("drive: no real buyer lines in the corpus")
	}
	return out, nil
}

func parseBenchLines(s string) []benchTurn {
	var out []benchTurn
	for _, line := range strings.Split(s, "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		role, text, ok := strings.Cut(line, ":")
		if ok && (role == "buyer" || role == "agent") {
			out = append(out, benchTurn{role, strings.TrimSpace(text)})
		}
	}
	return out
}

// benchConv is one conversation under load. Its turns are posted one at a
// time, so the generator knows each turn's number before the push comes
// (the push may arrive before the POST's answer).
//
// With job.ConvTurns, a benchConv is a seat rather than one chat: after
// that many turns its conversation ends, the next turn opens a new one
// (generation gen, id base.gen) and the seat's panels move to it first.
// The seats' first conversations are cut short by different amounts, so
// that their ends spread over a conversation's length as real chats' do,
// instead of every seat ending its chat in the same second.
type benchConv struct {
	base     string
	url      string // the instance its turns are posted to
	shop     benchShop
	watchers int        // panels subscribed to it
	post     sync.Mutex // held while a turn of it is posted
	mu       sync.Mutex
	id       string      // the conversation now
	gen      int         // how many conversations ended before it
	starts   []int       // by generation, its first turn's index in sent
	sent     []time.Time // every generation's turns, in order
	posted   int         // turns the server accepted
	expected int         // pushes those turns owe: the panels watching each

	lines  []benchTurn   // with ConvTurns: each conversation plays these from the start
	turns  int           // ConvTurns
	first  int           // the turns of its first conversation: 1 to ConvTurns
	panels []*benchPanel // with ConvTurns: the panels that move with it
	byID   *sync.Map     // conversation id → convGen, shared by all seats
}

func newBenchConv(id, url string, shop benchShop) *benchConv {
	return &benchConv{base: id, id: id, url: url, shop: shop, starts: []int{0}}
}

// convGen names one conversation of a seat.
type convGen struct {
	c   *benchConv
	gen int
}

func (c *benchConv) sentAt(gen, turn int) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen >= len(c.starts) || turn < 0 {
		return time.Time{}, false
	}
	i := c.starts[gen] + turn
	if i >= len(c.sent) || gen+1 < len(c.starts) && i >= c.starts[gen+1] {
		return time.Time{}, false
	}
	return c.sent[i], true
}

// next ends the seat's conversation when it has had its turns and moves the
// panels to the new one before its first turn is posted. It is called with
// c.post held.
func (c *benchConv) next(ctx context.Context) {
	c.mu.Lock()
	limit := c.turns
	if c.gen == 0 {
		limit = c.first
	}
	if c.turns <= 0 || c.turnsNow() < limit {
		c.mu.Unlock()
		return
	}
	c.gen++
	c.id = c.base + "." + strconv.Itoa(c.gen)
	c.starts = append(c.starts, len(c.sent))
	c.mu.Unlock()
	c.byID.Store(c.id, convGen{c, c.gen})
	watching := 0
	for _, p := range c.panels {
		if p.watch(ctx, c.shop.ID, c.id) {
			watching++
		}
	}
	c.mu.Lock()
	c.watchers = watching // a panel that failed to move is a drop, and owes no pushes
	c.mu.Unlock()
}

// firstChatTurns is how many turns seat i of seats has in its first
// conversation when each has turns: from turns for the first seat down to
// 1, evenly, so that the seats' chats end at spread moments.
func firstChatTurns(i, seats, turns int) int { return turns - i*turns/seats }

// turnsNow is how many turns the seat's current conversation has had,
// which is the next turn's number. The caller holds c.mu.
func (c *benchConv) turnsNow() int { return len(c.sent) - c.starts[c.gen] }

// line is the turn to post next: with ConvTurns, the next of the
// conversation's own script.
func (c *benchConv) line(t benchTurn) benchTurn {
	if len(c.lines) == 0 {
		return t
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lines[c.turnsNow()%len(c.lines)]
}

// drive connects the panels, calls posting (if not nil), posts turns at
// the job's rate (or as fast as job.Clients clients can) and measures.
func drive(ctx context.Context, job driveJob, posting func()) (*driveResult, error) {
	lines := parseBenchLines(benchLines)
	if len(lines) == 0 {
		return nil, fmt.Errorf("drive: no bench lines")
	}
	if job.Unseen {
		var err error
		if lines, err = withRealBuyers(lines); err != nil {
			return nil, err
		}
	}
	if len(job.Shops) == 0 {
		return nil, fmt.Errorf("drive: no shop")
	}
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	convs := make([]*benchConv, job.Convs)
	byID := &sync.Map{}
	for i := range convs {
		base := "bench-" + run + "-" + strconv.Itoa(i)
		c := newBenchConv(base, job.urlAt(i), job.Shops[i%len(job.Shops)])
		c.byID = byID
		if job.ConvTurns > 0 {
			c.turns, c.lines = job.ConvTurns, lines
			c.first = firstChatTurns(i, len(convs), job.ConvTurns)
		}
		convs[i] = c
		byID.Store(c.id, convGen{c, 0})
	}
	for i := range job.Panels { // panel i watches conversation i mod convs
		convs[i%len(convs)].watchers++
	}
	var m measures
	var stopping atomic.Bool
	onPush := func(conv string, turn int, at time.Time) {
		v, ok := byID.Load(conv)
		if !ok {
			return
		}
		cg := v.(convGen)
		if sent, ok := cg.c.sentAt(cg.gen, turn); ok {
			m.push(at.Sub(sent))
		}
	}
	panels, err := connectPanels(ctx, job, convs, onPush, func() {
		if !stopping.Load() {
			m.dropped.Add(1)
		}
	})
	defer func() {
		stopping.Store(true)
		for _, p := range panels {
			p.Close()
		}
	}()
	if err != nil {
		return nil, err
	}

	// A connection idle for 3/4 of the server's idle timeout is closed
	// rather than used (serverIdleTimeout): the idle list is used last-in
	// first-out, so the connections a burst opened can sit idle that long.
	// (The likely cause of 2 turns of 600,000 failed, unexplained, in a
	// 20-minute soak; failures are now logged.)
	client := newPoster(10*time.Second, serverIdleTimeout*3/4)
	var orders atomic.Int64
	post := func(c *benchConv, line benchTurn) {
		more := ""
		if job.Unseen {
			more = " 订单" + strconv.FormatInt(100000+orders.Add(1), 10)
		}
		took, err := postBenchTurn(ctx, client, c, line, more)
		if err != nil {
			// The first few say why; the count says how many.
			if n := m.failed.Add(1); n <= maxFailuresLogged && ctx.Err() == nil {
				fmt.Fprintf(os.Stderr, "drive: failed turn %d: %v\n", n, err)
			}
			return
		}
		m.post(took)
	}
	if posting != nil {
		posting()
	}
	cpuAtStart := cpuTime(syscall.RUSAGE_SELF)
	start := time.Now()
	reported := make(chan struct{})
	go func() {
		defer close(reported)
		m.report(ctx, start, job.Every, os.Stderr)
	}()
	if job.Clients > 0 {
		closedLoop(ctx, job, convs, lines, start, post)
	} else {
		paced(ctx, job, convs, lines, start, post)
	}
	elapsed := time.Since(start)
	client.closeIdle()

	// Let the last pushes arrive.
	expected, started := 0, 0
	for _, c := range convs {
		c.mu.Lock()
		expected += c.expected
		started += c.gen + 1
		c.mu.Unlock()
	}
	deadline := time.Now().Add(3 * time.Second)
	for m.pushes.Load() < int64(expected) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	postingCPU := cpuTime(syscall.RUSAGE_SELF) - cpuAtStart
	m.finish()
	<-reported
	m.mu.Lock()
	defer m.mu.Unlock()
	return &driveResult{
		Connected: len(panels), Dropped: int(m.dropped.Load()),
		Posted: int(m.posted.Load()), Failed: int(m.failed.Load()), Started: started,
		AchievedRate: float64(m.posted.Load()) / elapsed.Seconds(),
		Expected:     expected, Pushes: int(m.pushes.Load()), PostingCPU: postingCPU,
		Latency: percentilesOf(m.pushLats), PostLatency: percentilesOf(m.postLats),
		Windows: m.windows,
	}, nil
}

// paced posts turns due at a steady pace from start, spread over the
// conversations; a late tick posts at once.
func paced(ctx context.Context, job driveJob, convs []*benchConv, lines []benchTurn, start time.Time, post func(*benchConv, benchTurn)) {
	jobs := make(chan int, 1024)
	var wg sync.WaitGroup
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				post(convs[i%len(convs)], lines[(i/len(convs))%len(lines)])
			}
		}()
	}
	interval := time.Duration(float64(time.Second) / job.Rate)
	for n := 0; ; n++ {
		due := start.Add(time.Duration(n) * interval)
		// A server that falls behind does not stretch the run: what was not
		// posted in time is not posted (the achieved rate says so).
		if due.Sub(start) >= job.Duration || time.Since(start) >= job.Duration || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Until(due))
		jobs <- n
	}
	close(jobs)
	wg.Wait()
}

// closedLoop has job.Clients clients post back to back until the time is
// up, each over conversations of its own, one turn in flight per client.
func closedLoop(ctx context.Context, job driveJob, convs []*benchConv, lines []benchTurn, start time.Time, post func(*benchConv, benchTurn)) {
	per := (len(convs) + job.Clients - 1) / job.Clients
	var wg sync.WaitGroup
	for k := range job.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := 0; time.Since(start) < job.Duration && ctx.Err() == nil; j++ {
				c := convs[(k+(j%per)*job.Clients)%len(convs)]
				post(c, lines[(j/per)%len(lines)])
			}
		}()
	}
	wg.Wait()
}

// measures gathers a run's latencies, in total and per window.
type measures struct {
	posted, failed, pushes, dropped atomic.Int64

	mu        sync.Mutex
	postLats  []time.Duration
	pushLats  []time.Duration
	winPost   []time.Duration // since the last window ended
	winPush   []time.Duration
	windows   []window
	last      [4]int64 // posted, failed, pushes, dropped at the last window's end
	done      chan struct{}
	closeOnce sync.Once
}

func (m *measures) post(took time.Duration) {
	m.posted.Add(1)
	m.mu.Lock()
	m.postLats = append(m.postLats, took)
	m.winPost = append(m.winPost, took)
	m.mu.Unlock()
}

func (m *measures) push(took time.Duration) {
	m.pushes.Add(1)
	m.mu.Lock()
	m.pushLats = append(m.pushLats, took)
	m.winPush = append(m.winPush, took)
	m.mu.Unlock()
}

func (m *measures) finished() chan struct{} {
	m.mu.Lock()
	defer m.mu.Unlock()
	if m.done == nil {
		m.done = make(chan struct{})
	}
	return m.done
}

func (m *measures) finish() { m.closeOnce.Do(func() { close(m.finished()) }) }

// report closes a window every `every` and writes it to w as one JSON line,
// until the run is finished; with every ≤ 0 it only waits.
func (m *measures) report(ctx context.Context, start time.Time, every time.Duration, w io.Writer) {
	done := m.finished()
	if every <= 0 {
		select {
		case <-done:
		case <-ctx.Done():
		}
		return
	}
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		select {
		case <-done:
			// The run's last window ends as the run does, with its last
			// tick or just before it: closed here, whichever came first,
			// it is not lost.
			m.closeWindow(start, w, false)
			return
		case <-ctx.Done():
			return
		case <-t.C:
			m.closeWindow(start, w, true)
		}
	}
}

// closeWindow closes the window that ends now and writes it to w; one in
// which no turn was posted is left out unless always.
func (m *measures) closeWindow(start time.Time, w io.Writer, always bool) {
	now := [4]int64{m.posted.Load(), m.failed.Load(), m.pushes.Load(), m.dropped.Load()}
	m.mu.Lock()
	if !always && now[0] == m.last[0] && now[1] == m.last[1] { // no turn since: stragglers' pushes only
		m.mu.Unlock()
		return
	}
	win := window{End: time.Since(start).Round(time.Second).String(),
		Posted: int(now[0] - m.last[0]), Failed: int(now[1] - m.last[1]),
		Pushes: int(now[2] - m.last[2]), Dropped: int(now[3] - m.last[3]),
		Latency: percentilesOf(m.winPush), PostLatency: percentilesOf(m.winPost)}
	m.winPost, m.winPush, m.last = m.winPost[:0], m.winPush[:0], now
	m.windows = append(m.windows, win)
	m.mu.Unlock()
	b, _ := json.Marshal(win)
	fmt.Fprintf(w, "drive: window %s\n", b)
}

// maxFailuresLogged is how many failed turns the driver describes.
const maxFailuresLogged = 5

// postBenchTurn posts one turn to c, more added to its text, and returns
// how long the answer took.
func postBenchTurn(ctx context.Context, client *poster, c *benchConv, t benchTurn, more string) (time.Duration, error) {
	c.post.Lock()
	defer c.post.Unlock()
	c.next(ctx)
	t = c.line(t)
	t.text += more
	body, _ := json.Marshal(map[string]string{"role": t.role, "text": t.text})
	c.mu.Lock()
	id := c.id
	c.mu.Unlock()

	sent := time.Now()
	c.mu.Lock()
	turn := c.turnsNow()
	c.sent = append(c.sent, sent)
	c.mu.Unlock()
	status, b, err := client.post(ctx, c.url, shopPath(c.shop.ID)+"/conversations/"+id+"/turns", c.shop.Token, body)
	if err != nil {
		return 0, err
	}
	took := time.Since(sent)
	if status != http.StatusOK {
		return 0, fmt.Errorf("turn %d of %s: %d %s %s", turn, id, status, http.StatusText(status), b)
	}
	c.mu.Lock()
	c.posted++
	c.expected += c.watchers
	c.mu.Unlock()
	return took, nil
}

// benchPanel is one panel: a logged-in agent's socket on a conversation.
type benchPanel struct {
	base   string // the instance it watches on
	header http.Header
	onPush func(conv string, turn int, at time.Time)
	onDrop func()

	mu   sync.Mutex
	conn *websocket.Conn
	gone *atomic.Bool // set before the panel closes conn itself
}

var panelDialer = &websocket.Dialer{HandshakeTimeout: 10 * time.Second}

// watch opens a socket on the conversation and closes the one before it,
// as a panel does when its agent moves to the next chat. The server
// subscribes before the handshake ends, so every turn posted after watch
// returns true is pushed to it. A failed dial counts as a drop.
func (p *benchPanel) watch(ctx context.Context, shop int64, conv string) bool {
	if err := p.dial(ctx, shop, conv); err != nil {
		p.onDrop()
		return false
	}
	return true
}

// dial opens the panel's socket on the conversation, reads it in its own
// goroutine and closes the socket it replaces without counting a drop.
func (p *benchPanel) dial(ctx context.Context, shop int64, conv string) error {
	wsURL := "ws" + strings.TrimPrefix(p.base, "http")
	conn, _, err := panelDialer.DialContext(ctx, wsURL+shopPath(shop)+"/conversations/"+conv+"/ws", p.header)
	if err != nil {
		return err
	}
	gone := &atomic.Bool{}
	go readPanel(conn, p.onPush, func() {
		if !gone.Load() {
			p.onDrop()
		}
	})
	p.mu.Lock()
	old, oldGone := p.conn, p.gone
	p.conn, p.gone = conn, gone
	p.mu.Unlock()
	if old != nil {
		oldGone.Store(true)
		old.Close()
	}
	return nil
}

// Close closes the panel's socket.
func (p *benchPanel) Close() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.conn != nil {
		p.conn.Close()
	}
}

// connectPanels opens job.Panels sockets as logged-in agents, a few dozen
// at a time, each read by its own goroutine; panel i watches conversation
// i mod convs.
func connectPanels(ctx context.Context, job driveJob, convs []*benchConv,
	onPush func(conv string, turn int, at time.Time), onDrop func()) ([]*benchPanel, error) {
	panels := make([]*benchPanel, job.Panels)
	sem := make(chan struct{}, 32)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for i := range job.Panels {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			// A panel watches its conversation on the instance after
			// the one its turns go to: with several, every push crosses.
			base := job.urlAt(i%len(convs) + 1)
			h := http.Header{}
			h.Set("Origin", base)
			h.Set("Cookie", "assist_session="+job.Sessions[i%len(job.Sessions)])
			c := convs[i%len(convs)]
			p := &benchPanel{base: base, header: h, onPush: onPush, onDrop: onDrop}
			if err := p.dial(ctx, c.shop.ID, c.id); err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("panel %d: %w", i, err)
				}
				mu.Unlock()
				return
			}
			panels[i] = p
		}()
	}
	wg.Wait()
	var open []*benchPanel
	for _, p := range panels {
		if p != nil {
			open = append(open, p)
		}
	}
	if firstErr == nil && job.ConvTurns > 0 {
		for i, p := range panels {
			c := convs[i%len(convs)]
			c.panels = append(c.panels, p)
		}
	}
	return open, firstErr
}

// readPanel reads a panel's frames and reports each suggestion set's
// arrival; gorilla answers the server's pings as a browser does.
func readPanel(conn *websocket.Conn, onPush func(string, int, time.Time), onDrop func()) {
	for {
		_, r, err := conn.NextReader()
		if err != nil {
			onDrop()
			return
		}
		// A frame is read into a buffer of the pool, not a new one grown
		// from 512 bytes (ReadMessage): 5 KB sets, four a turn.
		buf := framePool.Get().(*bytes.Buffer)
		buf.Reset()
		_, err = buf.ReadFrom(r)
		at := time.Now()
		if err == nil {
			if typ, conv, turn, ok := frameHead(buf.Bytes()); ok && typ == "suggestions" {
				onPush(conv, turn, at)
			}
		}
		framePool.Put(buf)
		if err != nil {
			onDrop()
			return
		}
	}
}

var framePool = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// frameHead reads a frame's type, conversation and turn from its first
// members and stops there. The driver shares the machine with the server it
// measures: decoding every 5 KB set whole (36 µs, four a turn) would be CPU
// taken from the server, more for a full set than for the floor's padding.
// Both servers put the three first; a frame that does not is read to its
// end, as before.
func frameHead(b []byte) (typ, conv string, turn int, ok bool) {
	if typ, conv, turn, ok := plainHead(b); ok {
		return typ, conv, turn, true
	}
	return decodedHead(b)
}

// decodedHead is frameHead through a JSON decoder, for any frame.
func decodedHead(b []byte) (typ, conv string, turn int, ok bool) {
	dec := json.NewDecoder(bytes.NewReader(b))
	if t, err := dec.Token(); err != nil || t != json.Delim('{') {
		return "", "", 0, false
	}
	var seen int
	for seen < 3 && dec.More() {
		key, err := dec.Token()
		if err != nil {
			return "", "", 0, false
		}
		switch key {
		case "type":
			err = dec.Decode(&typ)
		case "conversation":
			err = dec.Decode(&conv)
		case "turn":
			err = dec.Decode(&turn)
		default:
			var skip json.RawMessage
			err = dec.Decode(&skip)
			seen--
		}
		if err != nil {
			return "", "", 0, false
		}
		seen++
	}
	return typ, conv, turn, seen == 3
}

// plainHead is frameHead for a frame that begins as both servers begin
// theirs, {"type":"…","conversation":"…","turn":N, the strings without
// escapes: read from the bytes, a fortieth of the decoder's cost. Anything else
// is !ok, for the decoder to read.
func plainHead(b []byte) (typ, conv string, turn int, ok bool) {
	str := func(key string) (string, bool) {
		if !bytes.HasPrefix(b, []byte(key)) {
			return "", false
		}
		b = b[len(key):]
		end := bytes.IndexByte(b, '"')
		if end < 0 || bytes.IndexByte(b[:end], '\\') >= 0 {
			return "", false
		}
		s := string(b[:end])
		b = b[end+1:]
		return s, true
	}
	if typ, ok = str(`{"type":"`); !ok {
		return
	}
	if conv, ok = str(`,"conversation":"`); !ok {
		return
	}
	if b, ok = bytes.CutPrefix(b, []byte(`,"turn":`)); !ok {
		return
	}
	digits := 0
	for digits < len(b) && digits < 9 && b[digits] >= '0' && b[digits] <= '9' {
		turn = turn*10 + int(b[digits]-'0')
		digits++
	}
	if digits == 0 || digits == len(b) || (b[digits] != ',' && b[digits] != '}') {
		return "", "", 0, false
	}
	return typ, conv, turn, true
}

// urlAt is the instance for index i: with one instance, always it.
func (j driveJob) urlAt(i int) string {
	if len(j.URLs) == 0 {
		return j.URL
	}
	return j.URLs[i%len(j.URLs)]
}

// shopPath is the API prefix of a shop's routes.
func shopPath(shop int64) string { return "/api/v1/shops/" + strconv.FormatInt(shop, 10) }
