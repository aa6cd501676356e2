package web

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"assist/kb"
)

// tryLogin posts a login, as from the address `from` when the env trusts
// the loopback proxy; it returns the status, Retry-After and the reason.
func (e *env) tryLogin(from, name, password string) (int, string, string) {
	e.t.Helper()
	req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/login",
		strings.NewReader(`{"name":"`+name+`","password":"`+password+`"}`))
	req.Header.Set("Content-Type", "application/json")
	if from != "" {
		req.Header.Set("X-Forwarded-For", from)
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		e.t.Error(err)
		return 0, "", ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var eb errorBody
	if res.StatusCode != 200 {
		eb = errorOfBody(e.t, b)
	}
	return res.StatusCode, res.Header.Get("Retry-After"), eb.Reason
}

func randomName() string { return fmt.Sprintf("guess%08x", rand.Uint32()) }

// One address may try only so many logins, whatever names it makes up;
// behind a trusted proxy, the address is the one the proxy saw.
func TestLoginsFromOneAddressHaveABudget(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	e.person("xiaoli", false, map[int64]kb.Role{chargerID: kb.RoleAgent}) // password: password-xiaoli
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	e.srv.gate.addrs.now = func() time.Time { return now }

	for i := range addrBurst {
		if status, _, reason := e.tryLogin("203.0.113.7", randomName(), "guess"); status != 401 {
			t.Fatalf("wrong login %d: %d %s, want 401", i+1, status, reason)
		}
	}
	// A caller's own X-Forwarded-For entries do not make it someone else:
	// the proxy appends the address it saw last.
	status, retry, reason := e.tryLogin("198.51.100.1, 203.0.113.7", randomName(), "guess")
	if status != 429 || retry != "4" || !strings.Contains(reason, "203.0.113.7") {
		t.Fatalf("login %d from one address: %d, Retry-After %q, %q; want 429 after 4 s naming the address",
			addrBurst+1, status, retry, reason)
	}
	if status, _, reason := e.tryLogin("203.0.113.7", "xiaoli", "password-xiaoli"); status != 429 {
		t.Errorf("the right password from the spent address: %d %s, want 429 too", status, reason)
	}
	if status, _, reason := e.tryLogin("203.0.113.8", "xiaoli", "password-xiaoli"); status != 200 {
		t.Fatalf("another address: %d %s, want 200", status, reason)
	}
	now = now.Add(addrRefill)
	if status, _, reason := e.tryLogin("203.0.113.7", randomName(), "guess"); status != 401 {
		t.Errorf("after %s: %d %s, want one more try", addrRefill, status, reason)
	}
}

// Without a trusted proxy, X-Forwarded-For is anybody's claim: changing it
// does not buy more tries.
func TestAForgedForwardedForBuysNoTries(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	e.srv.gate.addrs.now = func() time.Time { return now }
	for i := range addrBurst + 1 {
		status, _, reason := e.tryLogin(fmt.Sprintf("198.51.100.%d", i), randomName(), "guess")
		if i < addrBurst && status != 401 || i == addrBurst && (status != 429 || !strings.Contains(reason, "127.0.0.1")) {
			t.Fatalf("login %d with a made-up X-Forwarded-For: %d %s", i+1, status, reason)
		}
	}
}

// However many addresses try at once, password checks run in a pool of the
// given size (one, the default on a machine of fewer than 8 cores), so the
// other cores stay free for turns.
func TestPasswordChecksRunInABoundedPool(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1"}; c.LoginHashers = 1 })
	var wg sync.WaitGroup
	var answered, busy atomic.Int32
	for i := range 16 {
		wg.Go(func() {
			status, _, _ := e.tryLogin(fmt.Sprintf("198.51.100.%d", i), randomName(), "guess")
			switch status {
			case 401:
				answered.Add(1)
			case 429:
				busy.Add(1)
			default:
				t.Errorf("wrong login: %d, want 401 or 429", status)
			}
		})
	}
	wg.Wait()
	if peak := e.srv.gate.peak.Load(); peak != 1 {
		t.Errorf("%d password checks ran at once, want 1", peak)
	}
	if answered.Load() == 0 {
		t.Errorf("no login was checked (%d told to wait)", busy.Load())
	}
}

// What an agent notices: with 16 wrong logins for made-up names in
// parallel from as many addresses, turns are answered about as fast as
// without them. Unbounded, every login's hash competes with the turns
// for both cores.
// Under a flood of wrong logins from many addresses, no more password
// checks run at once than the pool holds, and turns are still answered.
// How fast they stay is BenchmarkTurnsDuringALoginFlood's to say: speed is
// measured in benchmarks, not timed tests.
func TestALoginFloodHashesInTheBoundedPool(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	took := turnLatencies(e, 20, func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) })
	if len(took) != 20 {
		t.Fatalf("%d of 20 turns answered during the flood", len(took))
	}
	if peak, pool := e.srv.gate.peak.Load(), int32(cap(e.srv.gate.hashers)); peak < 1 || peak > pool {
		t.Errorf("at most %d checks ran at once, want 1 to %d (the pool)", peak, pool)
	}
}

// BenchmarkTurnsDuringALoginFlood reports turn latency quiet and during 16
// parallel wrong logins from random addresses behind a trusted proxy:
//
//	go test ./web -run X -bench TurnsDuringALoginFlood -benchtime 1x -count 3
func BenchmarkTurnsDuringALoginFlood(b *testing.B) {
	e := newEnv(b, func(c *Config) { c.TrustedProxies = []string{"127.0.0.1"} })
	e.postTurn("warm-up", "buyer", "你好") // the shop's first turn loads it
	var quiet, flooded []time.Duration
	for b.Loop() {
		quiet = append(quiet, turnLatencies(e, 100, nil)...)
		flooded = append(flooded, turnLatencies(e, 100, func(i int) string { return fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255) })...)
	}
	b.ReportMetric(float64(percentile(quiet, 0.9).Microseconds()), "quiet-p90-µs")
	b.ReportMetric(float64(percentile(quiet, 0.99).Microseconds()), "quiet-p99-µs")
	b.ReportMetric(float64(percentile(flooded, 0.9).Microseconds()), "flood-p90-µs")
	b.ReportMetric(float64(percentile(flooded, 0.99).Microseconds()), "flood-p99-µs")
}

// turnLatencies posts n turns one after another, while 16 goroutines send
// wrong logins from the address from(i) if from is not nil, and returns
// how long each turn took.
func turnLatencies(e *env, n int, from func(i int) string) []time.Duration {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if from != nil {
		var seq atomic.Int64
		for range 16 {
			wg.Go(func() {
				for {
					select {
					case <-stop:
						return
					default:
					}
					e.tryLogin(from(int(seq.Add(1))), randomName(), "guess")
				}
			})
		}
		time.Sleep(300 * time.Millisecond) // let the flood build up
	}
	var out []time.Duration
	for i := range n {
		start := time.Now()
		e.postTurn("pace", "buyer", fmt.Sprintf("充电器能便宜点吗 %d", i))
		out = append(out, time.Since(start))
		time.Sleep(10 * time.Millisecond)
	}
	close(stop)
	wg.Wait()
	return out
}

func percentile(ds []time.Duration, p float64) time.Duration {
	s := slices.Clone(ds)
	slices.Sort(s)
	return s[min(len(s)-1, int(p*float64(len(s))))]
}
