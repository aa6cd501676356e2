package web

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"net/netip"
	"strings"
	"sync"
	"time"
)

// Login throttling: after loginFailures wrong passwords for one name within
// loginWindow, that name may not try again until the window since its first
// failure has passed. Keyed by name, not address, because the server often
// sits behind one proxy address; the cost is that a guesser can keep one
// account waiting, never that it can guess on. A success clears the count.
//
// On PostgreSQL the counts live in the store (LoginThrottleStore), so that
// N instances behind a load balancer allow a name five guesses in all, not
// five each. A SQLite store serves one process, which counts in memory
// (memFailures): in the store the count would be shared with no one and
// cost a write per wrong password in the queue the turns commit through.
// The per-address budget and the pool of hashers below stay in memory on
// either: they bound one machine's CPU, which is per machine.
const (
	loginFailures = 5
	loginWindow   = 15 * time.Minute
	// throttleKeys bounds the memory one flood of made-up names can take.
	throttleKeys = 10_000
	// maxThrottleKey is the longest key kept as it is; a longer name is
	// kept as its hash, so a made-up name cannot make a row large.
	maxThrottleKey = 64
)

// LoginThrottleStore keeps the login throttle's counts of wrong passwords
// per name, where every server on the store sees them: kb/postgres does
// (migration 012). For a store without it the server counts in memory, for
// itself alone.
type LoginThrottleStore interface {
	// LoginFailures is how many wrong passwords key has had since first,
	// its first one still counted; 0 if none.
	LoginFailures(ctx context.Context, key string) (n int, first time.Time, err error)
	// AddLoginFailure counts one at the time at; a count whose first
	// failure is window or more before at starts over.
	AddLoginFailure(ctx context.Context, key string, at time.Time, window time.Duration) error
	// ClearLoginFailures forgets key's count.
	ClearLoginFailures(ctx context.Context, key string) error
}

type loginThrottle struct {
	now    func() time.Time
	counts LoginThrottleStore
}

// newLoginThrottle counts in counts, or in memory if it is nil.
func newLoginThrottle(counts LoginThrottleStore) *loginThrottle {
	if counts == nil {
		counts = newMemFailures()
	}
	return &loginThrottle{now: time.Now, counts: counts}
}

// throttleKey is the name as the throttle counts it: the same for any case
// and surrounding spaces, short whatever the name.
func throttleKey(name string) string {
	key := strings.ToLower(strings.TrimSpace(name))
	if len(key) <= maxThrottleKey {
		return key
	}
	sum := sha256.Sum256([]byte(key))
	return "sha256:" + hex.EncodeToString(sum[:])
}

// wait is how long name must wait before it may try again; 0 if it may now.
func (t *loginThrottle) wait(ctx context.Context, name string) (time.Duration, error) {
	n, first, err := t.counts.LoginFailures(ctx, throttleKey(name))
	if err != nil || n < loginFailures {
		return 0, err
	}
	return max(0, first.Add(loginWindow).Sub(t.now())), nil
}

// failed counts a wrong password for name.
func (t *loginThrottle) failed(ctx context.Context, name string) error {
	return t.counts.AddLoginFailure(ctx, throttleKey(name), t.now(), loginWindow)
}

// succeeded clears name's failures.
func (t *loginThrottle) succeeded(ctx context.Context, name string) error {
	return t.counts.ClearLoginFailures(ctx, throttleKey(name))
}

// memFailures is LoginThrottleStore in this process's memory, bounded.
type memFailures struct {
	mu   sync.Mutex
	seen map[string]*failures
}

type failures struct {
	n     int
	first time.Time
}

func newMemFailures() *memFailures { return &memFailures{seen: map[string]*failures{}} }

func (m *memFailures) LoginFailures(_ context.Context, key string) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f, ok := m.seen[key]; ok {
		return f.n, f.first, nil
	}
	return 0, time.Time{}, nil
}

func (m *memFailures) AddLoginFailure(_ context.Context, key string, at time.Time, window time.Duration) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.seen[key]
	if ok && at.Sub(f.first) >= window {
		ok = false
	}
	if !ok {
		if len(m.seen) >= throttleKeys {
			m.sweep(at, window)
		}
		f = &failures{first: at}
		m.seen[key] = f
	}
	f.n++
	return nil
}

func (m *memFailures) ClearLoginFailures(_ context.Context, key string) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	delete(m.seen, key)
	return nil
}

// sweep drops expired counts and, if the map is still full, the oldest one.
func (m *memFailures) sweep(now time.Time, window time.Duration) {
	var oldest string
	for k, f := range m.seen {
		if now.Sub(f.first) >= window {
			delete(m.seen, k)
		} else if oldest == "" || f.first.Before(m.seen[oldest].first) {
			oldest = k
		}
	}
	if len(m.seen) >= throttleKeys {
		delete(m.seen, oldest)
	}
}

// Login budget per address: each address may try addrBurst logins at once
// and one more every addrRefill, so one machine cannot keep the server
// hashing passwords (each check costs tens of milliseconds of CPU by
// design). A successful login gives its try back, so an office of agents
// behind one address logging in at nine is not held back by itself.
const (
	addrBurst  = 20
	addrRefill = 3 * time.Second
)

type bucket struct {
	tries float64   // tries left at `at`
	at    time.Time // when tries was last brought up to date
}

type addrBudget struct {
	mu   sync.Mutex
	now  func() time.Time
	seen map[netip.Addr]*bucket
}

func newAddrBudget() *addrBudget {
	return &addrBudget{now: time.Now, seen: map[netip.Addr]*bucket{}}
}

// take spends one try of a's budget and returns 0, or, when none is left,
// how long until the next one (nothing is spent).
func (b *addrBudget) take(a netip.Addr) time.Duration {
	b.mu.Lock()
	defer b.mu.Unlock()
	now, key := b.now(), budgetKey(a)
	k, ok := b.seen[key]
	if !ok {
		if len(b.seen) >= throttleKeys {
			b.sweep(now)
		}
		k = &bucket{tries: addrBurst, at: now}
		b.seen[key] = k
	}
	k.refill(now)
	if k.tries < 1 {
		return time.Duration((1 - k.tries) * float64(addrRefill))
	}
	k.tries--
	return 0
}

// refund gives back the try of a login that succeeded.
func (b *addrBudget) refund(a netip.Addr) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if k, ok := b.seen[budgetKey(a)]; ok {
		k.refill(b.now())
		k.tries = min(k.tries+1, addrBurst)
	}
}

func (k *bucket) refill(now time.Time) {
	if d := now.Sub(k.at); d > 0 {
		k.tries = min(k.tries+float64(d)/float64(addrRefill), addrBurst)
		k.at = now
	}
}

// sweep drops full buckets (the same as none) and, if the map is still
// full, the one with the most tries left: an address spending its budget
// fast is kept.
func (b *addrBudget) sweep(now time.Time) {
	var fullest netip.Addr
	for a, k := range b.seen {
		k.refill(now)
		if k.tries >= addrBurst {
			delete(b.seen, a)
		} else if !fullest.IsValid() || k.tries > b.seen[fullest].tries {
			fullest = a
		}
	}
	if len(b.seen) >= throttleKeys {
		delete(b.seen, fullest)
	}
}
