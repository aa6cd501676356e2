package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"

	"assist/kb/sqlite"
)

// coldStart is one start of assist serve on an existing data directory.
type coldStart struct {
	Listening   time.Duration `json:"listening"`    // exec to the port accepting connections
	FirstAnswer time.Duration `json:"first_answer"` // exec to a turn's 200
	CPU         time.Duration `json:"cpu"`          // the server's user + system time until then
	RSSMiB      float64       `json:"rss_mib"`      // after the first answer
	PeakRSSMiB  float64       `json:"peak_rss_mib"`
	// Once the server's CPU rests after the first answer: what it loads
	// beside the traffic at start (the second copy of the dictionary) is in.
	IdleRSSMiB     float64 `json:"idle_rss_mib"`
	IdlePeakRSSMiB float64 `json:"idle_peak_rss_mib"`
}

// benchColdStarts starts assist serve (the binary at exe) runs times on one
// data directory, after a first start that makes the store and the index,
// each time as a fresh process, and times it until it listens and until
// it answers a turn posted as soon as it listens.
func benchColdStarts(ctx context.Context, exe string, runs int, stderr io.Writer) ([]coldStart, error) {
	dir, err := os.MkdirTemp("", "assist-coldstart-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(dir)
	db, err := sqlite.Open(ctx, storePath(dir))
	if err != nil {
		return nil, err
	}
	shops, err := ensureShop(ctx, db, io.Discard)
	if err == nil {
		err = firstAdmin(ctx, db, shops[0], "", io.Discard)
	}
	var token string
	if err == nil {
		token, _, err = db.CreateToken(ctx, shops[0].ID, "coldstart")
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return nil, err
	}
	var out []coldStart
	for i := range runs + 1 { // the first start builds the index: not counted
		cs, err := startOnce(ctx, exe, dir, shops[0].ID, token, i)
		if err != nil {
			return nil, err
		}
		if i > 0 {
			out = append(out, cs)
			fmt.Fprintf(stderr, "bench: cold start %d: listening %v, first turn answered %v (server CPU %v), RSS %.0f MiB; once idle %.0f MiB (peak %.0f)\n",
				i, cs.Listening.Round(time.Millisecond), cs.FirstAnswer.Round(time.Millisecond), cs.CPU.Round(time.Millisecond), cs.RSSMiB,
				cs.IdleRSSMiB, cs.IdlePeakRSSMiB)
		}
	}
	return out, nil
}

func startOnce(ctx context.Context, exe, dir string, shop int64, token string, run int) (coldStart, error) {
	var cs coldStart
	addr, err := freeAddr()
	if err != nil {
		return cs, err
	}
	cmd := exec.CommandContext(ctx, exe, "serve", "-data", dir, "-addr", addr)
	cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return cs, err
	}
	defer func() {
		cmd.Process.Signal(syscall.SIGTERM)
		cmd.Wait()
	}()
	for {
		c, err := net.DialTimeout("tcp", addr, time.Second)
		if err == nil {
			c.Close()
			cs.Listening = time.Since(start)
			break
		}
		if time.Since(start) > time.Minute {
			return cs, fmt.Errorf("cold start %d: not listening after a minute: %w", run, err)
		}
		time.Sleep(2 * time.Millisecond)
	}
	body := []byte(`{"role":"buyer","text":"在吗,这款今天能发货吗"}`)
	url := fmt.Sprintf("http://%s%s/conversations/coldstart-%d/turns", addr, shopPath(shop), run)
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewReader(body))
	if err != nil {
		return cs, err
	}
	req.Header.Set("Authorization", "Bearer "+token)
	req.Header.Set("Content-Type", "application/json")
	res, err := (&http.Client{Timeout: time.Minute}).Do(req)
	if err != nil {
		return cs, fmt.Errorf("cold start %d: first turn, after %v: %w", run, time.Since(start).Round(time.Millisecond), err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return cs, fmt.Errorf("cold start %d: first turn: %s %s", run, res.Status, b)
	}
	cs.FirstAnswer = time.Since(start)
	cs.CPU = procCPU(cmd.Process.Pid)
	cs.RSSMiB = procMiB(cmd.Process.Pid, "VmRSS")
	cs.PeakRSSMiB = procMiB(cmd.Process.Pid, "VmHWM")
	waitIdle(cmd.Process.Pid, 10*time.Second)
	cs.IdleRSSMiB = procMiB(cmd.Process.Pid, "VmRSS")
	cs.IdlePeakRSSMiB = procMiB(cmd.Process.Pid, "VmHWM")
	return cs, nil
}

// waitIdle waits until a process uses less than a tenth of a core over a
// quarter of a second, or for at most max.
func waitIdle(pid int, max time.Duration) {
	const every = 250 * time.Millisecond
	last := procCPU(pid)
	for end := time.Now().Add(max); time.Now().Before(end); {
		time.Sleep(every)
		now := procCPU(pid)
		if now-last < every/10 {
			return
		}
		last = now
	}
}

func freeAddr() (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	defer ln.Close()
	return ln.Addr().String(), nil
}

// procMiB reads a "kB" line of /proc/PID/status; 0 where there is none.
func procMiB(pid int, field string) float64 {
	return statusMiB("/proc/"+strconv.Itoa(pid)+"/status", field)
}

// procCPU is a process's user + system time so far, from /proc/PID/stat.
func procCPU(pid int) time.Duration {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	// The command name may hold spaces: fields count from after its ")".
	rest := string(b[bytes.LastIndexByte(b, ')')+1:])
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // clock ticks: USER_HZ is 100 on Linux
}
