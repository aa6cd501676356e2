package main

import (
	"bytes"
	"context"
	_ "embed"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"assist/kb"
)

func init() { register(&benchCmd{}) }

// benchCmd measures the server under load on loopback: panels connected
// over WebSocket, turns posted over HTTP at a steady rate, post-to-push
// latency seen at the panels and the server's memory.
//
// The server runs in this process and the load generator in a child
// process (this binary again, with -drive), so the memory figures are the
// server's alone.
type benchCmd struct {
	// driver runs the load; nil starts a child process. Tests drive in
	// process.
	driver func(ctx context.Context, job driveJob) (*driveResult, error)
}

func (*benchCmd) Name() string { return "bench" }
func (*benchCmd) Synopsis() string {
	return "load benchmark on loopback: N panels, turns at a steady rate, post-to-push latency and memory"
}

// benchAgents is how many agent accounts the panels log in as.
const benchAgents = 10

func (c *benchCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-panels 1000] [-convs N] [-rate 200] [-duration 10s] [-store postgres://… [-instances 2]] [-json]")
	var job driveJob
	var where benchStore
	fs.StringVar(&where.dsn, "store", "", "PostgreSQL DSN to bench on (a schema of its own, dropped after); default: SQLite in a temporary directory")
	fs.IntVar(&where.instances, "instances", 1, "assist serve instances on the store (more than 1 needs -store); panels watch one, turns go to another")
	fs.IntVar(&job.Panels, "panels", 1000, "WebSocket panels to connect (at most 10000)")
	fs.IntVar(&job.Convs, "convs", 0, "conversations the panels watch (default: panels/4, four panels each)")
	fs.Float64Var(&job.Rate, "rate", 200, "turns posted per second, spread over the conversations")
	fs.DurationVar(&job.Duration, "duration", 10*time.Second, "how long to post (at most 10m)")
	asJSON := fs.Bool("json", false, "print the figures as one JSON object")
	drive := fs.Bool("drive", false, "internal: be the load generator, reading the job from stdin")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *drive {
		return driveFromStdin(ctx, os.Stdin, stdout)
	}
	if job.Convs <= 0 {
		job.Convs = max(1, job.Panels/4)
	}
	if job.Panels < 1 || job.Panels > 10000 || job.Rate <= 0 || job.Rate > 5000 ||
		job.Duration <= 0 || job.Duration > 10*time.Minute || job.Convs > job.Panels ||
		where.instances < 1 || where.instances > 8 || where.instances > 1 && where.dsn == "" {
		fmt.Fprintln(stderr, "bench: want 1 ≤ panels ≤ 10000, convs ≤ panels, 0 < rate ≤ 5000, 0 < duration ≤ 10m, 1 ≤ instances ≤ 8 (more than 1 with -store)")
		fs.Usage()
		return errUsage
	}
	if err := raiseOpenFiles(uint64(job.Panels) + 512); err != nil {
		return err
	}
	rep, err := c.bench(ctx, job, where, stderr)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.write(stdout)
	return nil
}

// benchReport is what assist bench prints.
type benchReport struct {
	Job    benchParams `json:"job"`
	Result driveResult `json:"result"`
	Idle   memFigures  `json:"server_memory_idle"` // started, shop loaded, no panel yet
	Server memFigures  `json:"server_memory"`      // under load
}

// benchParams is the job without its URL and secrets.
type benchParams struct {
	Panels   int     `json:"panels"`
	Convs    int     `json:"convs"`
	Rate     float64 `json:"rate"`
	Duration string  `json:"duration"`
}

// memFigures is the server process's memory, sampled during the run.
type memFigures struct {
	HeapInUseMiB     float64 `json:"heap_in_use_mib"`
	PeakHeapInUseMiB float64 `json:"peak_heap_in_use_mib"`
	RSSMiB           float64 `json:"rss_mib"`
	PeakRSSMiB       float64 `json:"peak_rss_mib"` // VmHWM
	Goroutines       int     `json:"goroutines"`
	Sockets          int     `json:"sockets"`
}

// benchStore is where the bench's servers keep their store.
type benchStore struct {
	dsn       string // "": SQLite
	instances int
}

func (c *benchCmd) bench(ctx context.Context, job driveJob, where benchStore, stderr io.Writer) (*benchReport, error) {
	dir, err := os.MkdirTemp("", "assist-bench-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	srvCtx, stop := context.WithCancel(ctx)
	defer stop()
	dsn := where.dsn
	if dsn != "" {
		var drop func()
		if dsn, drop, err = benchSchema(ctx, dsn); err != nil {
			return nil, err
		}
		defer drop()
	}
	// The servers run in this process, so the memory figures are theirs
	// together. Their own chatter (first admin, URL) is not the bench's
	// output.
	var srv *server
	for i := range max(1, where.instances) {
		o := serveOptions{data: filepath.Join(dir, strconv.Itoa(i)), addr: "127.0.0.1:0", store: dsn}
		s, err := startServer(srvCtx, o, io.Discard, stderr)
		if err != nil {
			return nil, err
		}
		done := make(chan error, 1)
		go func() { done <- s.wait(srvCtx) }()
		defer func() { stop(); <-done }()
		if srv == nil {
			srv = s
		}
		job.URLs = append(job.URLs, "http://"+s.addr)
	}
	job.URL = job.URLs[0]
	if job.Token, err = benchCredentials(ctx, srv, &job); err != nil {
		return nil, err
	}
	if err := warmInstances(ctx, job); err != nil {
		return nil, err
	}
	fmt.Fprintf(stderr, "bench: servers at %s; connecting %d panels to %d conversations, then %g turns/s for %v\n",
		strings.Join(job.URLs, " "), job.Panels, job.Convs, job.Rate, job.Duration)

	runtime.GC()
	idle := newMemSampler(srv)
	idle.sample()
	sampler := newMemSampler(srv)
	go sampler.run(ctx, 200*time.Millisecond)
	drive := c.driver
	if drive == nil {
		drive = driveInChild
	}
	res, err := drive(ctx, job)
	sampler.stop()
	if err != nil {
		return nil, err
	}
	params := benchParams{Panels: job.Panels, Convs: job.Convs, Rate: job.Rate, Duration: job.Duration.String()}
	return &benchReport{Job: params, Result: *res, Idle: idle.figures(), Server: sampler.figures()}, nil
}

// benchCredentials makes the agents the panels log in as and the token the
// turns are posted with.
func benchCredentials(ctx context.Context, srv *server, job *driveJob) (string, error) {
	shops, err := srv.db.Shops(ctx)
	if err != nil {
		return "", err
	}
	job.Shop = shops[0].ID
	// Load the shop before the clock starts: the first turn should not
	// measure the index build.
	if _, err := srv.desk.Knowledge(ctx, job.Shop); err != nil {
		return "", err
	}
	for i := range min(benchAgents, job.Panels) {
		u, err := srv.db.CreateUser(ctx, "bench-agent-"+strconv.Itoa(i), "bench-password-"+strconv.Itoa(i), false)
		if err != nil {
			return "", err
		}
		if err := srv.db.Grant(ctx, u.ID, job.Shop, kb.RoleAgent); err != nil {
			return "", err
		}
		id, _, err := srv.db.CreateSession(ctx, u, time.Hour)
		if err != nil {
			return "", err
		}
		job.Sessions = append(job.Sessions, id)
	}
	token, _, err := srv.db.CreateToken(ctx, job.Shop, "bench")
	return token, err
}

// driveInChild runs the load generator as a child process of this binary.
func driveInChild(ctx context.Context, job driveJob) (*driveResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	in, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	cmd := exec.CommandContext(ctx, exe, "bench", "-drive")
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	if err := cmd.Run(); err != nil {
		return nil, fmt.Errorf("load generator: %w", err)
	}
	var res driveResult
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		return nil, fmt.Errorf("load generator output: %w", err)
	}
	return &res, nil
}

func driveFromStdin(ctx context.Context, stdin io.Reader, stdout io.Writer) error {
	var job driveJob
	if err := json.NewDecoder(stdin).Decode(&job); err != nil {
		return fmt.Errorf("drive: read job: %w", err)
	}
	if err := raiseOpenFiles(uint64(job.Panels) + 512); err != nil {
		return err
	}
	res, err := drive(ctx, job)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// raiseOpenFiles lifts the soft limit on open files to need, within the
// hard limit: each panel is a socket.
func raiseOpenFiles(need uint64) error {
	var lim syscall.Rlimit
	if err := syscall.Getrlimit(syscall.RLIMIT_NOFILE, &lim); err != nil {
		return err
	}
	if lim.Cur >= need {
		return nil
	}
	if lim.Max < need {
		return fmt.Errorf("bench needs %d open files, the hard limit is %d: lower -panels or raise ulimit -Hn", need, lim.Max)
	}
	lim.Cur = need
	return syscall.Setrlimit(syscall.RLIMIT_NOFILE, &lim)
}

// memSampler samples the server's memory while the load runs.
type memSampler struct {
	srv  *server
	mu   sync.Mutex
	last memFigures
	peak float64
	quit chan struct{}
	done chan struct{}
}

func newMemSampler(srv *server) *memSampler {
	return &memSampler{srv: srv, quit: make(chan struct{}), done: make(chan struct{})}
}

func (m *memSampler) run(ctx context.Context, every time.Duration) {
	defer close(m.done)
	t := time.NewTicker(every)
	defer t.Stop()
	for {
		m.sample()
		select {
		case <-ctx.Done():
			return
		case <-m.quit:
			return
		case <-t.C:
		}
	}
}

func (m *memSampler) sample() {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	f := memFigures{HeapInUseMiB: mib(ms.HeapInuse), Goroutines: runtime.NumGoroutine(), Sockets: m.srv.web.Sockets()}
	f.RSSMiB, f.PeakRSSMiB = procStatusMiB("VmRSS"), procStatusMiB("VmHWM")
	m.mu.Lock()
	defer m.mu.Unlock()
	// Keep the sample with the most sockets open: the figures under load.
	if f.Sockets >= m.last.Sockets {
		m.last = f
	}
	m.peak = max(m.peak, f.HeapInUseMiB)
}

func (m *memSampler) stop() {
	close(m.quit)
	<-m.done
}

func (m *memSampler) figures() memFigures {
	m.mu.Lock()
	defer m.mu.Unlock()
	f := m.last
	f.PeakHeapInUseMiB = m.peak
	f.PeakRSSMiB = procStatusMiB("VmHWM")
	return f
}

func mib(b uint64) float64 { return float64(b) / (1 << 20) }

// procStatusMiB reads a "kB" line of /proc/self/status; 0 where there is
// no /proc.
func procStatusMiB(field string) float64 {
	b, err := os.ReadFile(filepath.Join("/proc", "self", "status"))
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		name, rest, ok := strings.Cut(line, ":")
		if !ok || name != field {
			continue
		}
		kb, err := strconv.ParseFloat(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 64)
		if err != nil {
			return 0
		}
		return kb / 1024
	}
	return 0
}

func (r *benchReport) write(w io.Writer) {
	j, res, mem := r.Job, r.Result, r.Server
	fmt.Fprintf(w, "assist bench: %d panels on %d conversations, %g turns/s for %s, loopback, %d CPUs\n",
		j.Panels, j.Convs, j.Rate, j.Duration, runtime.NumCPU())
	fmt.Fprintf(w, "  panels connected   %d (dropped during the run: %d)\n", res.Connected, res.Dropped)
	fmt.Fprintf(w, "  turns posted       %d (%.1f/s achieved, %d failed)\n", res.Posted, res.AchievedRate, res.Failed)
	fmt.Fprintf(w, "  pushes received    %d of %d expected\n", res.Pushes, res.Expected)
	l := res.Latency
	fmt.Fprintf(w, "  post-to-push       p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", l.P50, l.P90, l.P99, l.Max)
	fmt.Fprintf(w, "  post answered      p50 %.2f ms  p99 %.2f ms\n", res.PostLatency.P50, res.PostLatency.P99)
	fmt.Fprintf(w, "  server memory      heap in use %.1f MiB (peak %.1f), RSS %.1f MiB (peak %.1f), %d goroutines, %d sockets\n",
		mem.HeapInUseMiB, mem.PeakHeapInUseMiB, mem.RSSMiB, mem.PeakRSSMiB, mem.Goroutines, mem.Sockets)
	fmt.Fprintf(w, "  idle, before panels heap in use %.1f MiB, RSS %.1f MiB (so about %.0f KiB of RSS per panel under load)\n",
		r.Idle.HeapInUseMiB, r.Idle.RSSMiB, (mem.RSSMiB-r.Idle.RSSMiB)*1024/float64(max(1, mem.Sockets)))
}
