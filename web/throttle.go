package web

import (
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
