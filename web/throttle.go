package web

import (
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
const (
	loginFailures = 5
	loginWindow   = 15 * time.Minute
	// throttleKeys bounds the memory one flood of made-up names can take.
	throttleKeys = 10_000
)

type failures struct {
	n     int
	first time.Time
}

type loginThrottle struct {
	mu   sync.Mutex
	now  func() time.Time
	seen map[string]*failures
}

func newLoginThrottle() *loginThrottle {
	return &loginThrottle{now: time.Now, seen: map[string]*failures{}}
}

func throttleKey(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// wait is how long name must wait before it may try again; 0 if it may now.
func (t *loginThrottle) wait(name string) time.Duration {
	t.mu.Lock()
	defer t.mu.Unlock()
	f, ok := t.seen[throttleKey(name)]
	if !ok || f.n < loginFailures {
		return 0
	}
	if left := f.first.Add(loginWindow).Sub(t.now()); left > 0 {
		return left
	}
	delete(t.seen, throttleKey(name))
	return 0
}

// failed counts a wrong password for name.
func (t *loginThrottle) failed(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	now, key := t.now(), throttleKey(name)
	f, ok := t.seen[key]
	if ok && now.Sub(f.first) >= loginWindow {
		ok = false
	}
	if !ok {
		if len(t.seen) >= throttleKeys {
			t.sweep(now)
		}
		f = &failures{first: now}
		t.seen[key] = f
	}
	f.n++
}

// succeeded clears name's failures.
func (t *loginThrottle) succeeded(name string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	delete(t.seen, throttleKey(name))
}

// sweep drops expired counts and, if the map is still full, the oldest one.
func (t *loginThrottle) sweep(now time.Time) {
	var oldest string
	for k, f := range t.seen {
		if now.Sub(f.first) >= loginWindow {
			delete(t.seen, k)
		} else if oldest == "" || f.first.Before(t.seen[oldest].first) {
			oldest = k
		}
	}
	if len(t.seen) >= throttleKeys {
		delete(t.seen, oldest)
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
