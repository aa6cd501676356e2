package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gorilla/websocket"
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
	Shop     int64         `json:"shop"`
	Token    string        `json:"token"`
	Sessions []string      `json:"sessions"`
	Panels   int           `json:"panels"`
	Convs    int           `json:"convs"`
	Rate     float64       `json:"rate"`
	Duration time.Duration `json:"duration"`
}

// driveResult is what it measured.
type driveResult struct {
	Connected    int         `json:"connected"`
	Dropped      int         `json:"dropped"`
	Posted       int         `json:"posted"`
	Failed       int         `json:"failed"`
	AchievedRate float64     `json:"achieved_rate"`
	Expected     int         `json:"pushes_expected"`
	Pushes       int         `json:"pushes"`
	Latency      percentiles `json:"post_to_push_ms"`
	PostLatency  percentiles `json:"post_answered_ms"`
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
type benchConv struct {
	id       string
	url      string     // the instance its turns are posted to
	watchers int        // panels subscribed to it
	post     sync.Mutex // held while a turn of it is posted
	mu       sync.Mutex
	sent     []time.Time // by turn number
	posted   int         // turns the server accepted
}

func (c *benchConv) sentAt(turn int) (time.Time, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if turn < 0 || turn >= len(c.sent) {
		return time.Time{}, false
	}
	return c.sent[turn], true
}

// drive connects the panels, posts turns at the job's rate and measures.
func drive(ctx context.Context, job driveJob) (*driveResult, error) {
	lines := parseBenchLines(benchLines)
	if len(lines) == 0 {
		return nil, fmt.Errorf("drive: no bench lines")
	}
	run := strconv.FormatInt(time.Now().UnixNano()%1e9, 36)
	convs := make([]*benchConv, job.Convs)
	byID := map[string]*benchConv{}
	for i := range convs {
		convs[i] = &benchConv{id: "bench-" + run + "-" + strconv.Itoa(i), url: job.urlAt(i)}
		byID[convs[i].id] = convs[i]
	}
	for i := range job.Panels { // panel i watches conversation i mod convs
		convs[i%len(convs)].watchers++
	}
	var (
		latMu     sync.Mutex
		latencies []time.Duration
		pushes    atomic.Int64
		dropped   atomic.Int64
		stopping  atomic.Bool
	)
	onPush := func(conv string, turn int, at time.Time) {
		c := byID[conv]
		if c == nil {
			return
		}
		if sent, ok := c.sentAt(turn); ok {
			latMu.Lock()
			latencies = append(latencies, at.Sub(sent))
			latMu.Unlock()
			pushes.Add(1)
		}
	}
	panels, err := connectPanels(ctx, job, convs, onPush, func() {
		if !stopping.Load() {
			dropped.Add(1)
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

	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: 128}}
	var (
		postMu   sync.Mutex
		postLats []time.Duration
		posted   atomic.Int64
		failed   atomic.Int64
		wg       sync.WaitGroup
	)
	jobs := make(chan int, 1024)
	for range 64 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range jobs {
				c := convs[i%len(convs)]
				line := lines[(i/len(convs))%len(lines)]
				took, err := postBenchTurn(ctx, client, job, c, line)
				if err != nil {
					failed.Add(1)
					continue
				}
				posted.Add(1)
				postMu.Lock()
				postLats = append(postLats, took)
				postMu.Unlock()
			}
		}()
	}
	// Turns are due at a steady pace from start; a late tick posts at once.
	interval := time.Duration(float64(time.Second) / job.Rate)
	start := time.Now()
	for n := 0; ; n++ {
		due := start.Add(time.Duration(n) * interval)
		if due.Sub(start) >= job.Duration || ctx.Err() != nil {
			break
		}
		time.Sleep(time.Until(due))
		jobs <- n
	}
	close(jobs)
	wg.Wait()
	elapsed := time.Since(start)

	client.CloseIdleConnections()

	// Let the last pushes arrive.
	expected := 0
	for _, c := range convs {
		c.mu.Lock()
		expected += c.posted * c.watchers
		c.mu.Unlock()
	}
	deadline := time.Now().Add(3 * time.Second)
	for pushes.Load() < int64(expected) && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
	}
	latMu.Lock()
	lat := append([]time.Duration(nil), latencies...)
	latMu.Unlock()
	return &driveResult{
		Connected: len(panels), Dropped: int(dropped.Load()),
		Posted: int(posted.Load()), Failed: int(failed.Load()),
		AchievedRate: float64(posted.Load()) / elapsed.Seconds(),
		Expected:     expected, Pushes: int(pushes.Load()),
		Latency: percentilesOf(lat), PostLatency: percentilesOf(postLats),
	}, nil
}

// postBenchTurn posts one turn to c and returns how long the answer took.
func postBenchTurn(ctx context.Context, client *http.Client, job driveJob, c *benchConv, t benchTurn) (time.Duration, error) {
	body, _ := json.Marshal(map[string]string{"role": t.role, "text": t.text})
	req, err := http.NewRequestWithContext(ctx, "POST", c.url+shopPath(job.Shop)+"/conversations/"+c.id+"/turns", bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Authorization", "Bearer "+job.Token)
	req.Header.Set("Content-Type", "application/json")

	c.post.Lock()
	defer c.post.Unlock()
	sent := time.Now()
	c.mu.Lock()
	turn := len(c.sent)
	c.sent = append(c.sent, sent)
	c.mu.Unlock()
	res, err := client.Do(req)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	took := time.Since(sent)
	if res.StatusCode != http.StatusOK {
		return 0, fmt.Errorf("turn %d of %s: %s %s", turn, c.id, res.Status, b)
	}
	c.mu.Lock()
	c.posted++
	c.mu.Unlock()
	return took, nil
}

// connectPanels opens job.Panels sockets as logged-in agents, a few dozen
// at a time, each read by its own goroutine.
func connectPanels(ctx context.Context, job driveJob, convs []*benchConv,
	onPush func(conv string, turn int, at time.Time), onDrop func()) ([]*websocket.Conn, error) {
	dialer := &websocket.Dialer{HandshakeTimeout: 10 * time.Second}
	panels := make([]*websocket.Conn, job.Panels)
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
			wsURL := "ws" + strings.TrimPrefix(base, "http")
			h := http.Header{}
			h.Set("Origin", base)
			h.Set("Cookie", "assist_session="+job.Sessions[i%len(job.Sessions)])
			conn, _, err := dialer.DialContext(ctx, wsURL+shopPath(job.Shop)+"/conversations/"+convs[i%len(convs)].id+"/ws", h)
			if err != nil {
				mu.Lock()
				if firstErr == nil {
					firstErr = fmt.Errorf("panel %d: %w", i, err)
				}
				mu.Unlock()
				return
			}
			panels[i] = conn
			go readPanel(conn, onPush, onDrop)
		}()
	}
	wg.Wait()
	var open []*websocket.Conn
	for _, p := range panels {
		if p != nil {
			open = append(open, p)
		}
	}
	return open, firstErr
}

// readPanel reads a panel's frames and reports each suggestion set's
// arrival; gorilla answers the server's pings as a browser does.
func readPanel(conn *websocket.Conn, onPush func(string, int, time.Time), onDrop func()) {
	for {
		_, b, err := conn.ReadMessage()
		if err != nil {
			onDrop()
			return
		}
		at := time.Now()
		var f struct {
			Type         string `json:"type"`
			Conversation string `json:"conversation"`
			Turn         int    `json:"turn"`
		}
		if err := json.Unmarshal(b, &f); err == nil && f.Type == "suggestions" {
			onPush(f.Conversation, f.Turn, at)
		}
	}
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
