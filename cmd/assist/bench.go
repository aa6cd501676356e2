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
	"runtime/metrics"
	"runtime/pprof"
	"runtime/trace"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"assist/kb"
	"assist/kb/segment"
	"assist/kb/synth"
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
	driver func(ctx context.Context, job driveJob, posting func()) (*driveResult, error)
	// run runs one bench of -beside-floor's rounds; nil starts this binary
	// again for each (execBench). Tests run them in process.
	run runBench
}

func (*benchCmd) Name() string { return "bench" }
func (*benchCmd) Synopsis() string {
	return "load benchmark on loopback: N panels, turns at a steady rate, post-to-push latency and memory"
}

// benchAgents is how many agent accounts the panels log in as.
const benchAgents = 10

func (c *benchCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-panels 1000] [-convs N] [-conv-turns N] [-rate 200 | -clients 16] [-shops 1] [-duration 10s] [-every 5m] "+
		"[-store postgres://… [-instances 2] | -data DIR] [-floor | -beside-floor N] [-max-held N] [-cpuprofile FILE] [-memprofile FILE] [-trace FILE] [-json]")
	var job driveJob
	var where benchStore
	fs.StringVar(&where.dsn, "store", "", "PostgreSQL DSN to bench on (a schema of its own, dropped after); default: SQLite in a temporary directory")
	fs.StringVar(&where.data, "data", "", "run the server on this data directory, kept after, instead of a temporary one: to bench on a store with history (SQLite, one instance)")
	fs.IntVar(&where.instances, "instances", 1, "assist serve instances on the store (more than 1 needs -store); panels watch one, turns go to another")
	fs.IntVar(&job.Panels, "panels", 1000, "WebSocket panels to connect (at most 10000; 0 with -clients)")
	fs.IntVar(&job.Clients, "clients", 0, "post back to back from this many clients, one turn in flight each, instead of at -rate")
	fs.IntVar(&where.shops, "shops", 1, "shops the conversations are spread over (synthetic shops of 50 products are added to the demo shop)")
	fs.DurationVar(&job.Every, "every", 0, "report the latencies and the server's memory of each window of this length as it ends (for soak runs)")
	cpuProfile := fs.String("cpuprofile", "", "write the server's CPU profile of the run to this file (with -every: one per window, FILE.1, FILE.2, …, to see what grows)")
	fs.IntVar(&where.maxHeld, "max-held", 0, "conversations each server holds in memory (its Desk's MaxHeld; 0: the server's default), to watch memory level off in a soak")
	memProfile := fs.String("memprofile", "", "write the server's heap profile at the run's end (after a collection) to this file: what its live heap holds")
	traceFile := fs.String("trace", "", "write the server's execution trace of the run to this file (go tool trace): where a slow turn waited")
	coldRuns := fs.Int("coldstart", 0, "instead of a load: start assist serve this many times on an existing data directory, timing until it listens and answers a first turn")
	coldExe := fs.String("binary", "", "with -coldstart: the assist binary to start (default: this one)")
	fs.BoolVar(&where.floor, "floor", false, "bench the raw floor instead of assist serve: the same sockets and frames, no login, engine or store")
	besideRounds := fs.Int("beside-floor", 0, "run this many rounds of assist serve then the raw floor, alternating, each run a process of its own, and report each round's post-to-push p99 over the floor's and their median (the fan-out target's ratio)")
	fs.IntVar(&job.Convs, "convs", 0, "conversations the panels watch (default: panels/4, four panels each)")
	fs.BoolVar(&job.Unseen, "unseen", false, "post lines as real chats have them, each new: buyers' lines from other shops' real chats, every line with an order number no turn before held")
	fs.IntVar(&job.ConvTurns, "conv-turns", 0, "end each conversation after this many turns, as chats end: the next turn opens a new one and its panels move to it; the first chats end at spread moments (0: never)")
	fs.Float64Var(&job.Rate, "rate", 200, "turns posted per second, spread over the conversations")
	fs.DurationVar(&job.Duration, "duration", 10*time.Second, "how long to post (at most 1h)")
	asJSON := fs.Bool("json", false, "print the figures as one JSON object")
	drive := fs.Bool("drive", false, "internal: be the load generator, reading the job from stdin")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *drive {
		return driveFromStdin(ctx, os.Stdin, stdout)
	}
	// The servers read back the dictionary built once, as assist serve's
	// do: their heaps hold it as serve's does (a handful of objects, not
	// two or three a word for the collector to mark).
	segment.KeepDictionaryIn(segment.CacheDir())
	if *coldRuns > 0 {
		return c.coldStarts(ctx, *coldExe, *coldRuns, *asJSON, stdout, stderr)
	}
	if job.Convs <= 0 {
		job.Convs = max(1, job.Panels/4, job.Clients*64)
	}
	if job.Panels < 0 || job.Panels == 0 && job.Clients == 0 || job.Panels > 10000 || job.Rate <= 0 || job.Rate > 5000 ||
		job.Clients < 0 || job.Clients > 256 || job.ConvTurns < 0 || job.Duration <= 0 || job.Duration > time.Hour ||
		job.Panels > 0 && job.Convs > job.Panels || where.shops < 1 || where.shops > 1000 || where.shops > job.Convs ||
		where.instances < 1 || where.instances > 8 || where.instances > 1 && where.dsn == "" || where.maxHeld < 0 ||
		where.data != "" && (where.dsn != "" || where.floor) {
		fmt.Fprintln(stderr, "bench: want 1 ≤ panels ≤ 10000 (0 with -clients), convs ≤ panels, 0 < rate ≤ 5000, 0 ≤ clients ≤ 256, conv-turns ≥ 0, "+
			"0 < duration ≤ 1h, 1 ≤ shops ≤ convs and 1000, 1 ≤ instances ≤ 8 (more than 1 with -store), max-held ≥ 0, -data without -store or -floor")
		fs.Usage()
		return errUsage
	}
	if *besideRounds > 0 {
		if where.floor || where.dsn != "" || where.data != "" || *cpuProfile != "" || *memProfile != "" || *traceFile != "" || *besideRounds > 20 {
			fmt.Fprintln(stderr, "bench: -beside-floor wants 1 to 20 rounds, on SQLite, without -floor, -data or a profile")
			fs.Usage()
			return errUsage
		}
		run := c.run
		if run == nil {
			run = execBench
		}
		rep, err := besideFloor(ctx, run, besideArgs(fs), *besideRounds, stderr)
		if err != nil {
			return err
		}
		return printReport(stdout, *asJSON, rep)
	}
	if *cpuProfile != "" && job.Every > 0 {
		where.windowProfiles = *cpuProfile
	} else if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		where.profile = f
	}
	if *memProfile != "" {
		f, err := os.Create(*memProfile)
		if err != nil {
			return err
		}
		defer f.Close()
		where.heap = f
	}
	if *traceFile != "" {
		f, err := os.Create(*traceFile)
		if err != nil {
			return err
		}
		defer f.Close()
		where.trace = f
	}
	if err := raiseOpenFiles(uint64(job.Panels) + 512); err != nil {
		return err
	}
	rep, err := c.bench(ctx, job, where, stderr)
	if err != nil {
		return err
	}
	return printReport(stdout, *asJSON, rep)
}

// printReport prints rep as indented JSON (-json) or as its text.
func printReport(w io.Writer, asJSON bool, rep interface{ write(io.Writer) }) error {
	if asJSON {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(rep)
	}
	rep.write(w)
	return nil
}

// coldStarts runs and reports assist bench -coldstart.
func (c *benchCmd) coldStarts(ctx context.Context, exe string, runs int, asJSON bool, stdout, stderr io.Writer) error {
	if exe == "" {
		var err error
		if exe, err = os.Executable(); err != nil {
			return err
		}
	}
	starts, err := benchColdStarts(ctx, exe, runs, stderr)
	if err != nil {
		return err
	}
	load, _ := os.ReadFile("/proc/loadavg")
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetIndent("", "  ")
		return enc.Encode(map[string]any{"binary": exe, "starts": starts, "load_average": strings.TrimSpace(string(load)),
			"transparent_huge_pages": hugePageMode(), "cpu_model": cpuModel()})
	}
	var listen, first, cpu []time.Duration
	for _, s := range starts {
		listen, first, cpu = append(listen, s.Listening), append(first, s.FirstAnswer), append(cpu, s.CPU)
	}
	l, f, u := percentilesOf(listen), percentilesOf(first), percentilesOf(cpu)
	fmt.Fprintf(stdout, "assist bench: %d cold starts of %s on an existing data directory, %s, transparent huge pages %s, load average %s\n",
		runs, exe, machine(cpuModel()), hugePageMode(), strings.TrimSpace(string(load)))
	fmt.Fprintf(stdout, "  listening            p50 %.0f ms  max %.0f ms\n", l.P50, l.Max)
	fmt.Fprintf(stdout, "  first turn answered  p50 %.0f ms  max %.0f ms\n", f.P50, f.Max)
	fmt.Fprintf(stdout, "  server CPU until it  p50 %.0f ms  max %.0f ms\n", u.P50, u.Max)
	fmt.Fprintf(stdout, "  RSS after it         %.0f MiB (peak %.0f)\n", starts[len(starts)-1].RSSMiB, starts[len(starts)-1].PeakRSSMiB)
	return nil
}

// benchReport is what assist bench prints.
type benchReport struct {
	Job    benchParams `json:"job"`
	Result driveResult `json:"result"`
	Idle   memFigures  `json:"server_memory_idle"` // started, shop loaded, no panel yet
	Server memFigures  `json:"server_memory"`      // under load
	// Windows is the server's memory at the end of each -every window.
	Windows []memWindow `json:"server_memory_windows,omitempty"`
	// ShopHeapMiB is the heap each loaded shop added, on average (-shops > 1).
	ShopHeapMiB float64 `json:"heap_per_shop_mib,omitempty"`
	// CPU time per posted turn, user + system: the server's (this process)
	// and the load generator's (the child; 0 when it runs in process). On a
	// shared machine these hold where latencies do not.
	ServerCPUPerTurnUS float64 `json:"server_cpu_per_turn_us"`
	DriverCPUPerTurnUS float64 `json:"driver_cpu_per_turn_us"`
	LoadAverage        string  `json:"load_average"` // /proc/loadavg at the end
	// HugePages is the kernel's transparent huge page mode for anonymous
	// memory ("always", "madvise", "never"; "" without /sys). Go asks for
	// none, so the heap has them only under "always", and on a virtual
	// machine that moves the server's CPU per turn by a sixth
	// (docs/figures.md, session 17): figures compare only under one mode.
	HugePages string `json:"transparent_huge_pages,omitempty"`
	// CPUModel is the processor's name ("" where /proc/cpuinfo does not
	// say): the machines these benches run on change between days (an AMD
	// EPYC, an Intel Xeon), and a figure compares only on one of them.
	CPUModel string `json:"cpu_model,omitempty"`
	// TurnsPerCommit is how many turns a commit held on average, where the
	// store gathers them (SQLite): under load, each commit holds several.
	TurnsPerCommit float64 `json:"turns_per_commit,omitempty"`
	// RunnableWaits is how long the server's goroutines waited runnable
	// for a processor while the turns were posted (schedLatencies), ms.
	RunnableWaits percentiles `json:"runnable_wait_ms"`
	// Allocs is what the server process allocated and collected while the
	// turns were posted (with the bench's own few goroutines; the floor's
	// when it runs).
	Allocs allocFigures `json:"server_allocations"`
	// Review is the review's backlog at the run's end, where the store
	// tells it: whether the background refresh kept up with the turns.
	Review *reviewBacklog `json:"review_backlog,omitempty"`
}

// reviewBacklog is how far the review's rollups are behind the turns: the
// conversations marked for the refresh, all the store's, and those never
// rolled up at all. A refresh that keeps up leaves marked about those that
// took a turn since its last pass (30 s), and none never rolled up but
// the newest.
type reviewBacklog struct {
	Marked        int `json:"marked"`
	Conversations int `json:"conversations"`
	NeverRolledUp int `json:"never_rolled_up"`
}

// reviewBacklogs is a store that says its review's backlog (SQLite,
// PostgreSQL).
type reviewBacklogs interface {
	ReviewBacklog(ctx context.Context) (marked, conversations, neverRolledUp int, err error)
}

// reviewBacklogOf is srv's store's review backlog, nil where it cannot say.
func reviewBacklogOf(ctx context.Context, srv *server) (*reviewBacklog, error) {
	if srv == nil {
		return nil, nil
	}
	s, ok := srv.db.(reviewBacklogs)
	if !ok {
		return nil, nil
	}
	var b reviewBacklog
	var err error
	b.Marked, b.Conversations, b.NeverRolledUp, err = s.ReviewBacklog(ctx)
	if err != nil {
		return nil, fmt.Errorf("bench: review backlog: %w", err)
	}
	return &b, nil
}

// groupCommits is a store that counts its commits of turns (SQLite).
type groupCommits interface {
	GroupCommits() (commits, turns int64)
}

// turnsPerCommit is what srv's store committed since before (groupCounts);
// 0 where it does not count (the floor, PostgreSQL).
func turnsPerCommit(srv *server, before [2]int64) float64 {
	now := groupCounts(srv)
	if now[0] == before[0] {
		return 0
	}
	return float64(now[1]-before[1]) / float64(now[0]-before[0])
}

// groupCounts is the commits of turns srv's store made, and their turns.
func groupCounts(srv *server) [2]int64 {
	if srv == nil { // the raw floor
		return [2]int64{}
	}
	if g, ok := srv.db.(groupCommits); ok {
		commits, turns := g.GroupCommits()
		return [2]int64{commits, turns}
	}
	return [2]int64{}
}

// memWindow is the server's memory at one window's end, and the CPU it
// spent in the window (with the bench's own, which is small beside it).
//
// RSS beside what Go holds tells where a rise is: the live heap (as the
// last collection marked it) and all the memory the Go runtime holds from
// the system; the rest of RSS is C's (SQLite's page caches) and the
// binary.
type memWindow struct {
	End          string  `json:"end"`
	RSSMiB       float64 `json:"rss_mib"`
	HeapInUseMiB float64 `json:"heap_in_use_mib"`
	LiveHeapMiB  float64 `json:"live_heap_mib"`
	GoHeldMiB    float64 `json:"go_held_mib"`
	Goroutines   int     `json:"goroutines"`
	CPUSeconds   float64 `json:"cpu_s"`
}

// benchParams is the job without its URL and secrets.
type benchParams struct {
	Panels    int     `json:"panels"`
	Convs     int     `json:"convs"`
	ConvTurns int     `json:"conv_turns,omitempty"`
	Unseen    bool    `json:"unseen,omitempty"`
	Shops     int     `json:"shops"`
	Rate      float64 `json:"rate,omitempty"`
	Clients   int     `json:"clients,omitempty"`
	Duration  string  `json:"duration"`
}

// memFigures is the server process's memory, sampled during the run.
type memFigures struct {
	HeapInUseMiB     float64 `json:"heap_in_use_mib"`
	PeakHeapInUseMiB float64 `json:"peak_heap_in_use_mib"`
	RSSMiB           float64 `json:"rss_mib"`
	PeakRSSMiB       float64 `json:"peak_rss_mib"`        // VmHWM
	HugePagesMiB     float64 `json:"anon_huge_pages_mib"` // of RSS, in transparent huge pages
	Goroutines       int     `json:"goroutines"`
	Sockets          int     `json:"sockets"`
}

// benchStore is where the bench's servers keep their store.
type benchStore struct {
	dsn       string // "": SQLite
	data      string // SQLite's data directory; "": a temporary one
	instances int
	floor     bool      // the raw floor (benchfloor.go) instead of assist serve
	shops     int       // shops under load; 0 or 1: the demo shop alone
	profile   io.Writer // nil: no CPU profile
	// windowProfiles, when set, names the CPU profiles of each -every window:
	// windowProfiles.1, .2, … (a soak's late window beside its first).
	windowProfiles string
	trace          io.Writer // nil: no execution trace
	heap           io.Writer // nil: no heap profile
	maxHeld        int       // 0: the server's default
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
	var perShop float64
	if where.floor {
		f, err := startFloor(srvCtx)
		if err != nil {
			return nil, err
		}
		floorJob(f, &job)
	}
	for i := range max(1, where.instances) {
		if where.floor {
			break
		}
		o := serveOptions{data: filepath.Join(dir, strconv.Itoa(i)), addr: "127.0.0.1:0", store: dsn, maxHeld: where.maxHeld}
		if where.data != "" {
			o.data = where.data
		}
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
	if srv != nil {
		if perShop, err = benchCredentials(ctx, srv, &job, max(1, where.shops)); err != nil {
			return nil, err
		}
		if err := warmInstances(ctx, job); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(stderr, "bench: servers at %s; connecting %d panels to %d conversations, then %g turns/s for %v\n",
		strings.Join(job.URLs, " "), job.Panels, job.Convs, job.Rate, job.Duration)

	runtime.GC()
	idle := newMemSampler(srv)
	idle.sample()
	sampler := newMemSampler(srv)
	sampler.every, sampler.log = min(job.Every, time.Minute), stderr
	if where.windowProfiles != "" {
		sampler.every = job.Every // a profile a window, so the windows are the job's
		if err := sampler.startProfile(where.windowProfiles); err != nil {
			return nil, err
		}
	}
	go sampler.run(ctx, 200*time.Millisecond)
	drive := c.driver
	if drive == nil {
		drive = driveInChild
	}
	// The CPU times, the profile and the trace cover the posting, from the
	// load generator's first post: not the panels' logins before it, which
	// at 10,000 panels cost the server a third of a 10-second run's CPU.
	var (
		measuring             sync.Once
		selfBefore, childFrom time.Duration
		groupsBefore          [2]int64
		schedBefore           *metrics.Float64Histogram
		heapBefore            heapCounts
		profiling, tracing    bool
	)
	posting := func() {
		measuring.Do(func() {
			profiling = where.profile != nil && pprof.StartCPUProfile(where.profile) == nil
			tracing = where.trace != nil && trace.Start(where.trace) == nil
			selfBefore, groupsBefore = cpuTime(syscall.RUSAGE_SELF), groupCounts(srv)
			schedBefore, heapBefore = schedSample(), readHeapCounts()
		})
	}
	childFrom = cpuTime(syscall.RUSAGE_CHILDREN)
	res, err := drive(ctx, job, posting)
	posting() // a driver that failed before posting never called it
	self, child := cpuTime(syscall.RUSAGE_SELF)-selfBefore, cpuTime(syscall.RUSAGE_CHILDREN)-childFrom
	waits, heapAfter := schedWaits(schedBefore, schedSample()), readHeapCounts()
	if profiling {
		pprof.StopCPUProfile()
	}
	if tracing {
		trace.Stop()
	}
	if where.profile != nil && !profiling && err == nil {
		err = fmt.Errorf("bench: could not start the CPU profile")
	}
	if where.trace != nil && !tracing && err == nil {
		err = fmt.Errorf("bench: could not start the trace")
	}
	if c.driver == nil && res != nil {
		child = res.PostingCPU // the child's own count, from its first post
	}
	if where.heap != nil {
		runtime.GC()
		if err := pprof.Lookup("heap").WriteTo(where.heap, 0); err != nil {
			return nil, err
		}
	}
	sampler.stop()
	if perr := sampler.stopProfile(); err == nil && perr != nil {
		err = perr
	}
	if err != nil {
		return nil, err
	}
	params := benchParams{Panels: job.Panels, Convs: job.Convs, ConvTurns: job.ConvTurns, Unseen: job.Unseen, Shops: len(job.Shops), Rate: job.Rate, Clients: job.Clients,
		Duration: job.Duration.String()}
	if job.Clients > 0 {
		params.Rate = 0
	}
	perTurn := func(d time.Duration) float64 { return float64(d.Microseconds()) / float64(max(1, res.Posted)) }
	load, _ := os.ReadFile("/proc/loadavg")
	backlog, err := reviewBacklogOf(ctx, srv)
	if err != nil {
		return nil, err
	}
	return &benchReport{Review: backlog, Job: params, Result: *res, Idle: idle.figures(), Server: sampler.figures(),
		Windows: sampler.windows, ShopHeapMiB: perShop,
		ServerCPUPerTurnUS: perTurn(self), DriverCPUPerTurnUS: perTurn(child), TurnsPerCommit: turnsPerCommit(srv, groupsBefore),
		RunnableWaits: waits, Allocs: allocsBetween(heapBefore, heapAfter, res.Posted),
		LoadAverage: strings.Join(strings.Fields(string(load))[:min(3, len(strings.Fields(string(load))))], " "),
		HugePages:   hugePageMode(), CPUModel: cpuModel()}, nil
}

// hugePageMode is the kernel's transparent huge page mode, "" where it
// cannot be read.
func hugePageMode() string {
	b, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil {
		return ""
	}
	return chosenMode(string(b))
}

// cpuModel is the first processor's model name, "" where it cannot be read.
func cpuModel() string {
	b, err := os.ReadFile("/proc/cpuinfo")
	if err != nil {
		return ""
	}
	return modelName(string(b))
}

// modelName is the value of the first "model name" line of a cpuinfo
// listing, "" if it has none.
func modelName(cpuinfo string) string {
	for line := range strings.Lines(cpuinfo) {
		key, value, ok := strings.Cut(line, ":")
		if ok && strings.TrimSpace(key) == "model name" {
			return strings.TrimSpace(value)
		}
	}
	return ""
}

// machine names the processors for a report's first line: their number
// and, where known, their model.
func machine(model string) string {
	if model == "" {
		return fmt.Sprintf("%d CPUs", runtime.NumCPU())
	}
	return fmt.Sprintf("%d CPUs (%s)", runtime.NumCPU(), model)
}

// chosenMode is the bracketed choice of a /sys setting listing its modes,
// as "always [madvise] never"; "" if none is bracketed.
func chosenMode(setting string) string {
	_, rest, ok := strings.Cut(setting, "[")
	mode, _, closed := strings.Cut(rest, "]")
	if !ok || !closed {
		return ""
	}
	return mode
}

// cpuTime is the user and system time of who (RUSAGE_SELF or _CHILDREN).
func cpuTime(who int) time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(who, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// benchCredentials adds synthetic shops up to n, loads every shop (the
// first turn should not measure an index build), and makes the agents the
// panels log in as (agents of every shop) and a token per shop. It returns
// the heap each shop's load added, on average, when there are several.
func benchCredentials(ctx context.Context, srv *server, job *driveJob, n int) (float64, error) {
	shops, err := srv.db.Shops(ctx)
	if err != nil {
		return 0, err
	}
	for i := len(shops); i < n; i++ {
		sh := synth.Shop(synth.Size{Products: 50, Phrases: 40, Rules: 5, Seed: uint64(i)})
		sh.Name = fmt.Sprintf("压测店铺%03d", i)
		info, err := srv.db.ImportShop(ctx, sh)
		if err != nil {
			return 0, err
		}
		shops = append(shops, info)
	}
	shops = shops[:n]
	if _, err := srv.desk.Knowledge(ctx, shops[0].ID); err != nil { // the dictionary is in before measuring
		return 0, err
	}
	<-srv.warmed // and its second copy, loaded once the warm shops are in
	before := heapAfterGC()
	for _, sh := range shops[1:] {
		if _, err := srv.desk.Knowledge(ctx, sh.ID); err != nil {
			return 0, err
		}
	}
	var perShop float64
	if after := heapAfterGC(); n > 1 && after > before {
		perShop = mib(after-before) / float64(n-1)
	}
	for _, sh := range shops {
		token, _, err := srv.db.CreateToken(ctx, sh.ID, "bench")
		if err != nil {
			return 0, err
		}
		job.Shops = append(job.Shops, benchShop{ID: sh.ID, Token: token})
	}
	for i := range min(benchAgents, max(1, job.Panels)) {
		name := "bench-agent-" + strconv.Itoa(i)
		u, err := srv.db.CreateUser(ctx, name, "bench-password-"+strconv.Itoa(i), false)
		if kb.ErrorCode(err) == kb.EConflict { // a data directory benched before (-data)
			u, err = srv.db.User(ctx, name)
		}
		if err != nil {
			return 0, err
		}
		for _, sh := range shops {
			if err := srv.db.Grant(ctx, u.ID, sh.ID, kb.RoleAgent); err != nil {
				return 0, err
			}
		}
		id, _, err := srv.db.CreateSession(ctx, u, time.Hour)
		if err != nil {
			return 0, err
		}
		job.Sessions = append(job.Sessions, id)
	}
	return perShop, nil
}

func heapAfterGC() uint64 {
	runtime.GC()
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return ms.HeapInuse
}

// driveInChild runs the load generator as a child process of this binary.
// It says when it starts posting by writing a byte to its file 3 (a pipe),
// and the parent calls posting then.
func driveInChild(ctx context.Context, job driveJob, posting func()) (*driveResult, error) {
	exe, err := os.Executable()
	if err != nil {
		return nil, err
	}
	in, err := json.Marshal(job)
	if err != nil {
		return nil, err
	}
	said, say, err := os.Pipe()
	if err != nil {
		return nil, err
	}
	defer said.Close()
	cmd := exec.CommandContext(ctx, exe, "bench", "-drive")
	cmd.Stdin = bytes.NewReader(in)
	var out bytes.Buffer
	cmd.Stdout = &out
	cmd.Stderr = os.Stderr
	cmd.ExtraFiles = []*os.File{say}
	cmd.Env = append(os.Environ(), postingFileEnv+"=3")
	if err := cmd.Start(); err != nil {
		say.Close()
		return nil, fmt.Errorf("load generator: %w", err)
	}
	say.Close() // the child holds it now: its exit ends the read below
	go func() {
		if n, _ := said.Read(make([]byte, 1)); n == 1 {
			posting()
		}
	}()
	if err := cmd.Wait(); err != nil {
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
	res, err := drive(ctx, job, signalPosting)
	if err != nil {
		return err
	}
	return json.NewEncoder(stdout).Encode(res)
}

// postingFileEnv names the child's file (descriptor) of driveInChild's pipe.
const postingFileEnv = "ASSIST_BENCH_POSTING_FD"

// signalPosting is the child's side of driveInChild's pipe. Run by hand,
// without the pipe, it writes nothing.
func signalPosting() {
	fd, err := strconv.Atoi(os.Getenv(postingFileEnv))
	if err != nil || fd < 3 {
		return
	}
	f := os.NewFile(uintptr(fd), "posting")
	f.Write([]byte{1})
	f.Close()
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
	srv   *server
	every time.Duration // > 0: note the memory at each window's end, and log it
	log   io.Writer
	mu    sync.Mutex
	last  memFigures
	peak  float64
	quit  chan struct{}
	done  chan struct{}

	windows []memWindow
	lastCPU time.Duration // this process's CPU time at the last window's end

	profiles string   // "": no profile per window; else the files' prefix
	profile  *os.File // the window's profile being written
	profErr  error    // the first failure to write one
}

// startProfile begins the CPU profile of the next window, prefix.N.
func (m *memSampler) startProfile(prefix string) error {
	m.profiles = prefix
	f, err := os.Create(fmt.Sprintf("%s.%d", prefix, len(m.windows)+1))
	if err != nil {
		return err
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		f.Close()
		return err
	}
	m.profile = f
	return nil
}

// stopProfile ends the window's profile, if one is being written, and
// returns the first error any window's profile met.
func (m *memSampler) stopProfile() error {
	if m.profile == nil {
		return m.profErr
	}
	pprof.StopCPUProfile()
	if err := m.profile.Close(); err != nil && m.profErr == nil {
		m.profErr = err
	}
	m.profile = nil
	return m.profErr
}

func newMemSampler(srv *server) *memSampler {
	return &memSampler{srv: srv, quit: make(chan struct{}), done: make(chan struct{})}
}

func (m *memSampler) run(ctx context.Context, every time.Duration) {
	defer close(m.done)
	t := time.NewTicker(every)
	defer t.Stop()
	start := time.Now()
	m.lastCPU = cpuTime(syscall.RUSAGE_SELF)
	var win <-chan time.Time
	if m.every > 0 {
		wt := time.NewTicker(m.every)
		defer wt.Stop()
		win = wt.C
	}
	for {
		m.sample()
		select {
		case <-ctx.Done():
			return
		case <-m.quit:
			return
		case <-t.C:
		case <-win:
			m.window(time.Since(start))
		}
	}
}

// window notes the server's memory at the end of a window and logs it.
func (m *memSampler) window(at time.Duration) {
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	cpu := cpuTime(syscall.RUSAGE_SELF)
	live := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	metrics.Read(live)
	w := memWindow{End: at.Round(time.Second).String(), RSSMiB: procStatusMiB("VmRSS"), HeapInUseMiB: mib(ms.HeapInuse),
		LiveHeapMiB: mib(live[0].Value.Uint64()), GoHeldMiB: mib(ms.Sys - ms.HeapReleased),
		Goroutines: runtime.NumGoroutine(), CPUSeconds: (cpu - m.lastCPU).Seconds()}
	m.lastCPU = cpu
	m.mu.Lock()
	m.windows = append(m.windows, w)
	m.mu.Unlock()
	b, _ := json.Marshal(w)
	fmt.Fprintf(m.log, "bench: server memory %s\n", b)
	if m.profiles != "" {
		if err := m.stopProfile(); err == nil {
			if err := m.startProfile(m.profiles); err != nil && m.profErr == nil {
				m.profErr = err
			}
		}
	}
}

// sample notes the memory under load, five times a second, by what costs
// the server nothing much: runtime/metrics (no stop of the world, as
// ReadMemStats has) and /proc/self/status. The memory in huge pages is read
// once, when the load has stopped (stop): /proc/self/smaps_rollup walks
// every page table of the process, 21 ms of the kernel's time at 750 MiB,
// which taken five times a second was a tenth of a core, the mmap lock held,
// in the middle of the run measured, and twice the floor's for our larger
// server.
func (m *memSampler) sample() {
	heap := []metrics.Sample{{Name: "/memory/classes/heap/objects:bytes"}, {Name: "/memory/classes/heap/unused:bytes"}}
	metrics.Read(heap)
	f := memFigures{HeapInUseMiB: mib(heap[0].Value.Uint64() + heap[1].Value.Uint64()), Goroutines: runtime.NumGoroutine()}
	if m.srv != nil {
		f.Sockets = m.srv.web.Sockets()
	}
	f.RSSMiB, f.PeakRSSMiB = procStatusMiB("VmRSS"), procStatusMiB("VmHWM")
	m.mu.Lock()
	defer m.mu.Unlock()
	// Keep the sample with the most sockets open: the figures under load.
	if f.Sockets >= m.last.Sockets {
		m.last = f
	}
	m.peak = max(m.peak, f.HeapInUseMiB)
}

// stop ends the sampling and notes the memory in huge pages.
func (m *memSampler) stop() {
	close(m.quit)
	<-m.done
	huge := statusMiB("/proc/self/smaps_rollup", "AnonHugePages")
	m.mu.Lock()
	m.last.HugePagesMiB = huge
	m.mu.Unlock()
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
func procStatusMiB(field string) float64 { return statusMiB("/proc/self/status", field) }

// statusMiB reads a "kB" line of a /proc status file.
func statusMiB(path, field string) float64 {
	b, err := os.ReadFile(path)
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

// paceLines says how the run posted: its pace, and whether every line was
// new.
func (r *benchReport) paceLines() string {
	j := r.Job
	pace := fmt.Sprintf("%g turns/s", j.Rate)
	if j.Clients > 0 {
		pace = fmt.Sprintf("%d clients back to back", j.Clients)
	}
	if j.Unseen {
		pace += ", every line new"
	}
	return pace
}

func (r *benchReport) write(w io.Writer) {
	j, res, mem := r.Job, r.Result, r.Server
	thp := ""
	if r.HugePages != "" {
		thp = ", transparent huge pages " + r.HugePages
	}
	fmt.Fprintf(w, "assist bench: %d panels on %d conversations of %d shops, %s for %s, loopback, %s%s\n",
		j.Panels, j.Convs, j.Shops, r.paceLines(), j.Duration, machine(r.CPUModel), thp)
	fmt.Fprintf(w, "  panels connected   %d (dropped during the run: %d)\n", res.Connected, res.Dropped)
	fmt.Fprintf(w, "  turns posted       %d (%.1f/s achieved, %d failed)\n", res.Posted, res.AchievedRate, res.Failed)
	if j.ConvTurns > 0 {
		fmt.Fprintf(w, "  conversations      %d started, each ending after %d turns (a seat's first sooner)\n", res.Started, j.ConvTurns)
	}
	fmt.Fprintf(w, "  pushes received    %d of %d expected\n", res.Pushes, res.Expected)
	l := res.Latency
	fmt.Fprintf(w, "  post-to-push       p50 %.2f ms  p90 %.2f ms  p99 %.2f ms  max %.2f ms\n", l.P50, l.P90, l.P99, l.Max)
	fmt.Fprintf(w, "  post answered      p50 %.2f ms  p99 %.2f ms\n", res.PostLatency.P50, res.PostLatency.P99)
	fmt.Fprintf(w, "  CPU per turn       server %.0f µs, load generator %.0f µs (load average %s)\n",
		r.ServerCPUPerTurnUS, r.DriverCPUPerTurnUS, r.LoadAverage)
	if q := r.RunnableWaits; q.Max > 0 {
		fmt.Fprintf(w, "  runnable waits     p50 %.3f ms  p90 %.3f ms  p99 %.3f ms  max %.1f ms (the server's goroutines, for a processor)\n", q.P50, q.P90, q.P99, q.Max)
	}
	if a := r.Allocs; a.KiBPerTurn > 0 {
		fmt.Fprintf(w, "  allocated          %.1f KiB a turn (%.0f objects); %d collections, the collector's CPU %.0f µs a turn; %.1f page faults a turn\n",
			a.KiBPerTurn, a.ObjectsPerTurn, a.Collections, a.GCCPUPerTurnUS, a.FaultsPerTurn)
	}
	if r.TurnsPerCommit > 0 {
		fmt.Fprintf(w, "  turns per commit   %.2f\n", r.TurnsPerCommit)
	}
	fmt.Fprintf(w, "  server memory      heap in use %.1f MiB (peak %.1f), RSS %.1f MiB (peak %.1f; in huge pages %.1f), %d goroutines, %d sockets\n",
		mem.HeapInUseMiB, mem.PeakHeapInUseMiB, mem.RSSMiB, mem.PeakRSSMiB, mem.HugePagesMiB, mem.Goroutines, mem.Sockets)
	if r.ShopHeapMiB > 0 {
		fmt.Fprintf(w, "  heap per loaded shop %.2f MiB\n", r.ShopHeapMiB)
	}
	if b := r.Review; b != nil {
		fmt.Fprintf(w, "  review backlog     %d of %d conversations marked for the refresh at the end, %d never rolled up\n",
			b.Marked, b.Conversations, b.NeverRolledUp)
	}
	for _, win := range res.Windows {
		fmt.Fprintf(w, "  window to %-8s  posted %d, failed %d, pushes %d, dropped %d; post-to-push p50 %.2f p99 %.2f ms; answered p99 %.2f ms\n",
			win.End, win.Posted, win.Failed, win.Pushes, win.Dropped, win.Latency.P50, win.Latency.P99, win.PostLatency.P99)
	}
	if len(r.Windows) > 0 {
		fmt.Fprint(w, "  server RSS (MiB)  ")
		for _, m := range r.Windows {
			fmt.Fprintf(w, " %s: %.0f", m.End, m.RSSMiB)
		}
		fmt.Fprint(w, "\n  of it Go's: live heap / held (MiB)")
		for _, m := range r.Windows {
			fmt.Fprintf(w, " %s: %.0f/%.0f", m.End, m.LiveHeapMiB, m.GoHeldMiB)
		}
		fmt.Fprint(w, "\n  server CPU (s)    ")
		for _, m := range r.Windows {
			fmt.Fprintf(w, " %s: %.1f", m.End, m.CPUSeconds)
		}
		fmt.Fprintln(w)
	}
	if mem.Sockets > 0 {
		fmt.Fprintf(w, "  idle, before panels heap in use %.1f MiB, RSS %.1f MiB (so about %.0f KiB of RSS per panel under load)\n",
			r.Idle.HeapInUseMiB, r.Idle.RSSMiB, (mem.RSSMiB-r.Idle.RSSMiB)*1024/float64(mem.Sockets))
	}
}
