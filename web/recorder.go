package web

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"assist/kb"
)

// maxBufferedEvents bounds the shown events held in memory while the store
// cannot take them; beyond it they are counted and dropped.
const maxBufferedEvents = 100_000

// eventChunk is how many events go in one transaction: well under a
// millisecond of writing, so a turn waiting for the write lock waits no
// longer.
const eventChunk = 64

// recorder writes shown events in batches: a panel showing a suggestion set
// is frequent, and one transaction per batch keeps the write lock free for
// turns. Used and dismissed events do not pass here: they are committed
// before they are acknowledged.
type recorder struct {
	store    Store
	log      *slog.Logger
	interval time.Duration

	mu      sync.Mutex
	buf     []kb.Event
	dropped int

	flushMu sync.Mutex // one flush at a time, so events keep their order
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func newRecorder(store Store, log *slog.Logger, interval time.Duration) *recorder {
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	r := &recorder{store: store, log: log, interval: interval, stop: make(chan struct{}), stopped: make(chan struct{})}
	go r.run()
	return r
}

// add buffers events; it never waits for the store.
func (r *recorder) add(events ...kb.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if room := maxBufferedEvents - len(r.buf); room < len(events) {
		r.dropped += len(events) - max(room, 0)
		events = events[:max(room, 0)]
	}
	r.buf = append(r.buf, events...)
}

func (r *recorder) run() {
	defer close(r.stopped)
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-r.stop:
			return
		case <-t.C:
			if err := r.flush(context.Background()); err != nil {
				r.log.Error("write shown events", "err", err)
			}
		}
	}
}

// flush writes what is buffered, a chunk per transaction. When the store
// fails, what is left goes back to the front of the buffer for next time.
func (r *recorder) flush(ctx context.Context) error {
	r.flushMu.Lock()
	defer r.flushMu.Unlock()
	r.mu.Lock()
	batch := r.buf
	r.buf = nil
	dropped := r.dropped
	r.dropped = 0
	r.mu.Unlock()
	if dropped > 0 {
		r.log.Warn("shown events dropped: the store fell behind", "count", dropped)
	}
	for len(batch) > 0 {
		n := min(len(batch), eventChunk)
		err := r.store.AddEvents(ctx, batch[:n]...)
		switch {
		case err == nil:
		case kb.ErrorCode(err) == kb.EInvalid: // it would fail again
			r.log.Error("shown events refused", "count", n, "err", err)
		default:
			r.requeue(batch)
			return err
		}
		batch = batch[n:]
	}
	return nil
}

// requeue puts events that could not be written back in front of the
// buffer, within its bound.
func (r *recorder) requeue(batch []kb.Event) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(batch, r.buf...)
	if len(r.buf) > maxBufferedEvents {
		r.dropped += len(r.buf) - maxBufferedEvents
		r.buf = r.buf[len(r.buf)-maxBufferedEvents:]
	}
}

// close stops the periodic writer and writes what is left.
func (r *recorder) close(ctx context.Context) error {
	r.once.Do(func() { close(r.stop) })
	<-r.stopped
	return r.flush(ctx)
}
