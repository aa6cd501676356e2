package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"net/http/httptest"
	"os"
	"path/filepath"
	"runtime"
	"runtime/metrics"
	"slices"
	"strings"
	"testing"
	"time"

	"assist/assistant"
	"assist/kb/sqlite"
)

// A small run of the load benchmark, in process: every posted turn reaches
// every panel of its conversation.
func TestBenchSmallRun(t *testing.T) {
	// The figures are taken from the first post: the driver says when.
	said := 0
	c := &benchCmd{driver: func(ctx context.Context, job driveJob, posting func()) (*driveResult, error) {
		return drive(ctx, job, func() { said++; posting() })
	}}
	job := driveJob{Panels: 12, Convs: 3, Rate: 20, Duration: 500 * time.Millisecond}
	var log strings.Builder
	var heap bytes.Buffer
	rep, err := c.bench(context.Background(), job, benchStore{heap: &heap}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if said != 1 || rep.ServerCPUPerTurnUS <= 0 {
		t.Errorf("the driver said it was posting %d times, server CPU %.0f µs a turn: want once, and the CPU measured from then", said, rep.ServerCPUPerTurnUS)
	}
	if a := rep.Allocs; a.KiBPerTurn <= 0 || a.ObjectsPerTurn < 1 || a.GCCPUPerTurnUS < 0 || a.FaultsPerTurn < 0 {
		t.Errorf("allocations %+v: want the server's allocations a turn counted", a)
	}
	if b := rep.Review; b == nil || b.Conversations < 3 || b.Marked > b.Conversations || b.NeverRolledUp > b.Conversations {
		t.Errorf("review backlog %+v: want the store's conversations (3 and the warm-up's), and no more marked or never rolled up", b)
	}
	if heap.Len() == 0 || rep.TurnsPerCommit < 1 {
		t.Errorf("heap profile %d bytes, %.2f turns per commit: want a profile and the store's count", heap.Len(), rep.TurnsPerCommit)
	}
	r := rep.Result
	if r.Connected != 12 || r.Dropped != 0 {
		t.Errorf("connected %d, dropped %d: want 12 and 0", r.Connected, r.Dropped)
	}
	if r.Posted < 8 || r.Failed != 0 {
		t.Errorf("posted %d, failed %d: want about 10 and none", r.Posted, r.Failed)
	}
	if r.Pushes != r.Expected || r.Expected != r.Posted*4 {
		t.Errorf("pushes %d of %d expected (posted %d, 4 panels each)", r.Pushes, r.Expected, r.Posted)
	}
	if r.Latency.P50 <= 0 || r.Latency.Max < r.Latency.P99 || rep.Server.HeapInUseMiB <= 0 {
		t.Errorf("figures %+v %+v: want measured latencies and memory", r.Latency, rep.Server)
	}
	var out strings.Builder
	rep.write(&out)
	for _, want := range []string{"post-to-push", "p99", "heap in use", "RSS", "in huge pages", "KiB a turn"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report does not show %q:\n%s", want, out.String())
		}
	}
	if mode := hugePageMode(); mode != rep.HugePages || (mode != "" && !strings.Contains(out.String(), "transparent huge pages "+mode)) {
		t.Errorf("huge page mode %q, report %q:\n%s", mode, rep.HugePages, out.String())
	}
	if model := cpuModel(); model != rep.CPUModel || (model != "" && !strings.Contains(out.String(), "CPUs ("+model+")")) {
		t.Errorf("processor %q, report %q:\n%s", model, rep.CPUModel, out.String())
	}
}

// The kernel's huge page mode is read as it lists it, the choice bracketed.
func TestChosenMode(t *testing.T) {
	for setting, want := range map[string]string{
		"always [madvise] never\n": "madvise",
		"[always] madvise never\n": "always",
		"always madvise [never]":   "never",
		"always madvise never":     "",
		"":                         "",
		"[unclosed":                "",
	} {
		if got := chosenMode(setting); got != want {
			t.Errorf("chosenMode(%q) = %q, want %q", setting, got, want)
		}
	}
}

// The processor is named by the first "model name" of /proc/cpuinfo, as
// Linux lists it on x86 (arm64 lists none: the report then gives only the
// number of CPUs).
func TestModelName(t *testing.T) {
	for cpuinfo, want := range map[string]string{
		"processor\t: 0\nvendor_id\t: GenuineIntel\nmodel\t\t: 85\nmodel name\t: Intel(R) Xeon(R) Processor\nstepping\t: 7\n\nprocessor\t: 1\nmodel name\t: another\n": "Intel(R) Xeon(R) Processor",
		"model name\t: AMD EPYC 7B13 64-Core Processor":                "AMD EPYC 7B13 64-Core Processor",
		"processor\t: 0\nBogoMIPS\t: 50.00\nCPU implementer\t: 0x41\n": "",
		"": "",
	} {
		if got := modelName(cpuinfo); got != want {
			t.Errorf("modelName(%q) = %q, want %q", cpuinfo, got, want)
		}
	}
	if got := machine(""); got != fmt.Sprintf("%d CPUs", runtime.NumCPU()) {
		t.Errorf("machine(\"\") = %q", got)
	}
	if got := machine("X"); got != fmt.Sprintf("%d CPUs (X)", runtime.NumCPU()) {
		t.Errorf("machine(\"X\") = %q", got)
	}
}

// A bench on a data directory of its own (-data) keeps the store, and a
// second run on it takes the same shops and agents and adds to it: the way
// to bench a store that already holds history.
func TestBenchOnAKeptDataDirectory(t *testing.T) {
	dir := t.TempDir()
	c := &benchCmd{driver: drive}
	job := driveJob{Panels: 8, Convs: 2, Rate: 20, Duration: 300 * time.Millisecond}
	var posted []int
	for range 2 {
		var log strings.Builder
		rep, err := c.bench(context.Background(), job, benchStore{data: dir, shops: 2}, &log)
		if err != nil {
			t.Fatalf("%v\n%s", err, log.String())
		}
		if r := rep.Result; r.Posted == 0 || r.Failed != 0 || r.Pushes != r.Expected {
			t.Fatalf("posted %d, failed %d, pushes %d of %d", r.Posted, r.Failed, r.Pushes, r.Expected)
		}
		posted = append(posted, rep.Result.Posted)
	}
	db, err := sqlite.Open(context.Background(), storePath(dir))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	shops, err := db.Shops(context.Background())
	if err != nil || len(shops) != 2 {
		t.Fatalf("shops after two runs: %+v, %v; want the demo shop and one synthetic", shops, err)
	}
	var turns int
	if err := db.SQL().QueryRow(`SELECT count(*) FROM turns WHERE conversation LIKE 'bench-%' AND conversation NOT LIKE 'bench-warm-up-%'`).Scan(&turns); err != nil {
		t.Fatal(err)
	}
	if turns != posted[0]+posted[1] {
		t.Errorf("the store holds %d turns of the runs, want %d + %d", turns, posted[0], posted[1])
	}
}

// The raw floor runs the same load without a server of ours: no store to
// count commits in, nothing to fail on.
func TestBenchFloor(t *testing.T) {
	c := &benchCmd{driver: drive}
	job := driveJob{Panels: 12, Convs: 3, Rate: 20, Duration: 500 * time.Millisecond}
	var log strings.Builder
	rep, err := c.bench(context.Background(), job, benchStore{floor: true}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if r := rep.Result; r.Posted < 8 || r.Failed != 0 || r.Pushes != r.Expected || rep.TurnsPerCommit != 0 {
		t.Errorf("floor: posted %d, failed %d, pushes %d of %d, %.2f turns per commit", r.Posted, r.Failed, r.Pushes, r.Expected, rep.TurnsPerCommit)
	}
}

// The seats' first chats end at spread moments: of 500 seats of 40-turn
// chats, between 12 and 13 end their first after each number of turns from
// 1 to 40, so 12 or 13 seats move their panels at a time rather than 500.
func TestBenchChatsEndAtSpreadMoments(t *testing.T) {
	ends := map[int]int{}
	for i := range 500 {
		ends[firstChatTurns(i, 500, 40)]++
	}
	for n := 1; n <= 40; n++ {
		if ends[n] < 12 || ends[n] > 13 {
			t.Errorf("%d seats end their first chat after %d turns, want 12 or 13", ends[n], n)
		}
	}
	if len(ends) != 40 {
		t.Errorf("first chats of %d lengths, want 40: %v", len(ends), ends)
	}
	if got := firstChatTurns(0, 1, 3); got != 3 {
		t.Errorf("one seat: first chat of %d turns, want 3", got)
	}
}

// With -conv-turns the conversations end and their panels move to the
// next: every turn of every conversation still reaches its four panels,
// and no move counts as a drop.
func TestBenchConversationsEnd(t *testing.T) {
	c := &benchCmd{driver: drive}
	job := driveJob{Panels: 8, Convs: 2, Rate: 30, Duration: time.Second, ConvTurns: 3, Every: 400 * time.Millisecond}
	var log strings.Builder
	profiles := filepath.Join(t.TempDir(), "cpu")
	rep, err := c.bench(context.Background(), job, benchStore{windowProfiles: profiles}, &log)
	if err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	r := rep.Result
	if r.Connected != 8 || r.Dropped != 0 || r.Failed != 0 {
		t.Errorf("connected %d, dropped %d, failed %d: want 8, 0, 0", r.Connected, r.Dropped, r.Failed)
	}
	if r.Posted < 20 {
		t.Fatalf("posted %d turns, want about 30", r.Posted)
	}
	if want := (r.Posted + 2) / 3; r.Started < want {
		t.Errorf("%d conversations started for %d turns of 3 each: want at least %d", r.Started, r.Posted, want)
	}
	if r.Pushes != r.Expected || r.Expected != r.Posted*4 {
		t.Errorf("pushes %d of %d expected (posted %d, 4 panels each)", r.Pushes, r.Expected, r.Posted)
	}
	var out strings.Builder
	rep.write(&out)
	for _, want := range []string{"started, each ending after 3 turns", "window to ", "server CPU (s)"} {
		if !strings.Contains(out.String(), want) {
			t.Errorf("report does not show %q:\n%s", want, out.String())
		}
	}
	if len(rep.Windows) < 2 || rep.Windows[0].CPUSeconds <= 0 || rep.Windows[0].RSSMiB <= 0 {
		t.Errorf("server windows %+v: want two or more, each with its CPU and RSS", rep.Windows)
	}
	// Every turn is in a window, the last one too: the run ends between
	// ticks (1 s against 400 ms), and its last stretch is a window.
	posted := 0
	for _, w := range r.Windows {
		posted += w.Posted
	}
	if posted != r.Posted || len(r.Windows) != 3 {
		t.Errorf("%d windows hold %d turns of %d posted: want 3 windows, and every turn in one: %+v", len(r.Windows), posted, r.Posted, r.Windows)
	}
	// A CPU profile a window, and one for the rest of the run after the last.
	for i := 1; i <= len(rep.Windows)+1; i++ {
		f, err := os.Open(fmt.Sprintf("%s.%d", profiles, i))
		if err != nil {
			t.Fatalf("window %d of %d: %v", i, len(rep.Windows), err)
		}
		z, err := gzip.NewReader(f) // a pprof profile is a gzipped protocol buffer
		if err != nil {
			t.Errorf("window %d's profile: %v", i, err)
		} else if b, err := io.ReadAll(z); err != nil || len(b) == 0 {
			t.Errorf("window %d's profile: %d bytes, %v", i, len(b), err)
		}
		f.Close()
	}
	if _, err := os.Stat(fmt.Sprintf("%s.%d", profiles, len(rep.Windows)+2)); err == nil {
		t.Errorf("a profile beyond the %d windows and the rest of the run", len(rep.Windows))
	}
}

func TestBenchLinesAreWellFormed(t *testing.T) {
	lines := parseBenchLines(benchLines)
	if len(lines) < 10 {
		t.Fatalf("%d bench lines, want at least 10", len(lines))
	}
	roles := map[string]int{}
	for _, l := range lines {
		roles[l.role]++
		if l.text == "" {
			t.Error("an empty bench line")
		}
	}
	if roles["buyer"] == 0 || roles["agent"] == 0 {
		t.Errorf("roles %v: want buyer and agent turns", roles)
	}
}

// -unseen's script: every real buyer line of the corpus once, in order,
// each answered by one of the bench's agent lines.
func TestRealBuyersScript(t *testing.T) {
	script := parseBenchLines(benchLines)
	got, err := withRealBuyers(script)
	if err != nil {
		t.Fatal(err)
	}
	agents := map[string]bool{}
	for _, l := range script {
		if l.role == "agent" {
			agents[l.text] = true
		}
	}
	buyers := map[string]bool{}
	for i, l := range got {
		switch {
		case i%2 == 0 && (l.role != "buyer" || l.text == ""):
			t.Fatalf("line %d: %+v, want a buyer's line", i, l)
		case i%2 == 1 && (l.role != "agent" || !agents[l.text]):
			t.Fatalf("line %d: %+v, want one of the bench's agent lines", i, l)
		case i%2 == 0:
			buyers[l.text] = true
		}
	}
	if len(got) < 1000 || len(buyers) < 500 {
		t.Errorf("%d lines, %d distinct buyers' lines: want the corpus's 681 real lines", len(got), len(buyers))
	}
}

// -beside-floor runs assist serve and the floor in turn with the flags it
// was given, and reports each round's p99 over the floor's and the median.
// Here the runs are in process; assist bench starts a process for each.
func TestBenchBesideTheFloor(t *testing.T) {
	var runs [][]string
	c := &benchCmd{run: func(ctx context.Context, args []string, stderr io.Writer) (*benchReport, error) {
		runs = append(runs, args)
		var out strings.Builder
		if err := (&benchCmd{driver: drive}).Run(ctx, args, &out, stderr); err != nil {
			return nil, err
		}
		var rep benchReport
		return &rep, json.Unmarshal([]byte(out.String()), &rep)
	}}
	var out, log strings.Builder
	args := []string{"-panels", "8", "-convs", "2", "-rate", "20", "-duration", "300ms", "-beside-floor", "2", "-json"}
	if err := c.Run(context.Background(), args, &out, &log); err != nil {
		t.Fatalf("%v\n%s", err, log.String())
	}
	if len(runs) != 4 || slices.Contains(runs[0], "-floor") || !slices.Contains(runs[1], "-floor") ||
		!slices.Contains(runs[0], "-panels=8") || !slices.Contains(runs[0], "-duration=300ms") || slices.ContainsFunc(runs[0], func(a string) bool { return strings.HasPrefix(a, "-beside-floor") }) {
		t.Fatalf("runs %q: want assist, floor, assist, floor, each with the flags given but -beside-floor", runs)
	}
	var rep besideReport
	if err := json.Unmarshal([]byte(out.String()), &rep); err != nil {
		t.Fatal(err)
	}
	if len(rep.Rounds) != 2 {
		t.Fatalf("%d rounds, want 2", len(rep.Rounds))
	}
	var ratios, ours, floors []float64
	for i, r := range rep.Rounds {
		a, f := r.Assist.Result, r.Floor.Result
		ours, floors = append(ours, a.Latency.P99), append(floors, f.Latency.P99)
		if a.Pushes == 0 || a.Pushes != a.Expected || f.Pushes == 0 || f.Pushes != f.Expected {
			t.Errorf("round %d: pushes %d of %d, floor %d of %d", i+1, a.Pushes, a.Expected, f.Pushes, f.Expected)
		}
		if want := a.Latency.P99 / f.Latency.P99; math.Abs(r.Ratio-want) > 1e-9 {
			t.Errorf("round %d: ratio %g, want %g", i+1, r.Ratio, want)
		}
		ratios = append(ratios, r.Ratio)
	}
	if want := (ratios[0] + ratios[1]) / 2; math.Abs(rep.MedianRatio-want) > 1e-9 {
		t.Errorf("median %g, want %g", rep.MedianRatio, want)
	}
	if want := (ours[0] + ours[1]) / (floors[0] + floors[1]); math.Abs(rep.MediansRatio-want) > 1e-9 {
		t.Errorf("median p99 over the floor's median %g, want %g", rep.MediansRatio, want)
	}
	var text strings.Builder
	rep.write(&text)
	if !strings.Contains(text.String(), "round 2") || !strings.Contains(text.String(), "over the floor's median p99") {
		t.Errorf("report:\n%s", text.String())
	}
	if err := c.Run(context.Background(), []string{"-panels", "8", "-beside-floor", "2", "-floor"}, &out, &log); !errors.Is(err, errUsage) {
		t.Errorf("-beside-floor with -floor: %v, want the usage", err)
	}
}

// frameHead reads a push's type, conversation and turn from a set as the
// server frames it, from the floor's frame, and from a frame whose members
// come in another order; anything else is no push.
func TestFrameHead(t *testing.T) {
	floor := floorFrameFor(t, "c-7", 12)
	cases := []struct {
		name  string
		frame string
		typ   string
		conv  string
		turn  int
		ok    bool
	}{
		{"set", string(benchFrame(t, 40)), "suggestions", "c-9", 41, true},
		{"floor", floor, "suggestions", "c-7", 12, true},
		{"other order", `{"phrases":[{"id":"p","score":1}],"turn":3,"conversation":"a\"b","type":"suggestions"}`, "suggestions", `a"b`, 3, true},
		{"another type", `{"type":"closed","conversation":"c","turn":1}`, "closed", "c", 1, true},
		{"no turn", `{"type":"suggestions","conversation":"c"}`, "", "", 0, false},
		{"cut short", `{"type":"suggestions","conversation":"c","tu`, "", "", 0, false},
		{"not an object", `["type","suggestions"]`, "", "", 0, false},
		{"turn not a number", `{"type":"suggestions","conversation":"c","turn":"1"}`, "", "", 0, false},
		// Frames the bytes alone cannot read go to the decoder.
		{"escaped first", `{"type":"suggestions","conversation":"a\"b","turn":3}`, "suggestions", `a"b`, 3, true},
		{"spaced", `{ "type": "suggestions", "conversation": "c", "turn": 3 }`, "suggestions", "c", 3, true},
		{"turn last", `{"type":"suggestions","conversation":"c","turn":1234}`, "suggestions", "c", 1234, true},
		{"turn a fraction", `{"type":"suggestions","conversation":"c","turn":1.5}`, "", "", 0, false},
	}
	for _, c := range cases {
		typ, conv, turn, ok := frameHead([]byte(c.frame))
		if ok != c.ok || (ok && (typ != c.typ || conv != c.conv || turn != c.turn)) {
			t.Errorf("%s: got %q %q %d %v, want %q %q %d %v", c.name, typ, conv, turn, ok, c.typ, c.conv, c.turn, c.ok)
		}
		// The bytes' reading never disagrees with the decoder's.
		if typ, conv, turn, ok := plainHead([]byte(c.frame)); ok {
			dt, dc, dn, dok := decodedHead([]byte(c.frame))
			if !dok || typ != dt || conv != dc || turn != dn {
				t.Errorf("%s: plainHead %q %q %d, the decoder %q %q %d %v", c.name, typ, conv, turn, dt, dc, dn, dok)
			}
		}
	}
	// The servers' frames are read from the bytes.
	for _, f := range []string{string(benchFrame(t, 40)), floor} {
		if _, _, _, ok := plainHead([]byte(f)); !ok {
			t.Errorf("plainHead cannot read %.60s…", f)
		}
	}
}

// benchFrame is a push as the server frames a set of n phrases: the type,
// then the set's members in their order.
func benchFrame(t testing.TB, n int) []byte {
	s := assistant.Suggestions{Conversation: "c-9", Turn: 41, Role: "buyer", Text: "这个什么时候发货", At: time.Now(),
		Nudges: []assistant.Nudge{}, Products: []assistant.ProductHit{}, Rules: []assistant.RuleHit{}}
	for i := range n {
		s.Phrases = append(s.Phrases, assistant.PhraseHit{ID: fmt.Sprintf("p%d", i), Scene: "发货", Title: "发货时间",
			Text: "亲，下单后48小时内发货，节假日顺延，请您放心哦", Score: 1.5 / float64(i+1)})
	}
	data, err := json.Marshal(&s)
	if err != nil {
		t.Fatal(err)
	}
	return append([]byte(`{"type":"suggestions",`), data[1:]...)
}

// floorFrameFor is the frame the floor pushes for a turn.
func floorFrameFor(t *testing.T, conv string, turn int) string {
	ch := make(chan []byte, 1)
	f := &floorServer{turns: map[string]int{conv: turn},
		socks: map[string]map[*floorSocket]struct{}{conv: {{queue: ch}: {}}}}
	req := httptest.NewRequest("POST", "/api/v1/shops/1/conversations/"+conv+"/turns", strings.NewReader(`{"role":"buyer","text":"在吗"}`))
	req.SetPathValue("id", conv)
	rec := httptest.NewRecorder()
	f.post(rec, req)
	if rec.Code != 200 {
		t.Fatalf("floor post: %d %s", rec.Code, rec.Body)
	}
	return string(<-ch)
}

// Reading a push's head from its bytes, with a decoder, and decoding it
// whole, on a set of 40 phrases.
func BenchmarkFrameHead(b *testing.B) {
	frame := benchFrame(b, 40)
	b.SetBytes(int64(len(frame)))
	b.Run("head", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, ok := frameHead(frame); !ok {
				b.Fatal("no head")
			}
		}
	})
	b.Run("decoder", func(b *testing.B) {
		for b.Loop() {
			if _, _, _, ok := decodedHead(frame); !ok {
				b.Fatal("no head")
			}
		}
	})
	b.Run("whole", func(b *testing.B) {
		for b.Loop() {
			var f struct {
				Type         string `json:"type"`
				Conversation string `json:"conversation"`
				Turn         int    `json:"turn"`
			}
			if err := json.Unmarshal(frame, &f); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// The runnable waits are read from the difference of two samples of Go's
// histogram, each percentile at its bucket's upper bound.
func TestSchedWaits(t *testing.T) {
	buckets := []float64{0, 0.001, 0.002, 0.010, math.Inf(1)}
	before := &metrics.Float64Histogram{Buckets: buckets, Counts: []uint64{5, 5, 5, 5}}
	after := &metrics.Float64Histogram{Buckets: buckets, Counts: []uint64{5 + 90, 5 + 9, 5, 5 + 1}}
	got := schedWaits(before, after)
	want := percentiles{P50: 1, P90: 1, P99: 2, Max: 10}
	if got != want {
		t.Errorf("waits %+v, want %+v", got, want)
	}
	if got := schedWaits(before, before); got != (percentiles{}) {
		t.Errorf("no waits between two equal samples: %+v", got)
	}
	if s := schedSample(); s == nil || len(s.Counts) == 0 {
		t.Errorf("Go's scheduler histogram %q not read", schedLatencies)
	}
}
