package web

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	"assist/kb"
)

// maxBufferedShows bounds the shows held in memory while the store cannot
// take them; beyond it they are counted and dropped. A show is a whole set
// pushed to a panel (a dozen shown events before issue 13).
const maxBufferedShows = 50_000

// showChunk is how many shows go in one transaction: well under a
// millisecond of writing, so a turn waiting for the write lock waits no
// longer.
const showChunk = 128

// recorder writes shows in batches: a panel showing a suggestion set is
// frequent, and one transaction per batch keeps the write lock free for
// turns. Used and dismissed events do not pass here: they are committed
// before they are acknowledged.
//
// A show is a set shown to an agent, once: an agent with the chat open in
// two tabs is pushed the set twice, within a millisecond, and was recorded
// twice, which counted each suggestion as shown twice in the reports (the
// review's "shown to" already named the agent once). The recorder keeps the
// keys of the shows it holds and of the last batch it wrote, and a second
// push of a set to the same agent within them is not a second show.
type recorder struct {
	store    Store
	log      *slog.Logger
	interval time.Duration

	mu      sync.Mutex
	buf     []kb.Show
	spare   []kb.Show            // the last batch written, emptied: the next buf
	held    map[showKey]struct{} // the shows in buf
	written map[showKey]struct{} // the shows of the last batch taken to be written
	dropped int

	flushMu sync.Mutex // one flush at a time, so shows keep their order
	stop    chan struct{}
	stopped chan struct{}
	once    sync.Once
}

func newRecorder(store Store, log *slog.Logger, interval time.Duration) *recorder {
	if interval <= 0 {
		interval = 200 * time.Millisecond
	}
	r := &recorder{store: store, log: log, interval: interval, stop: make(chan struct{}), stopped: make(chan struct{}),
		held: map[showKey]struct{}{}, written: map[showKey]struct{}{}}
	go r.run()
	return r
}

// showKey is what makes a show: a turn's set, shown to one agent.
type showKey struct {
	shop  int64
	conv  string
	turn  int
	agent string
}

func keyOf(s *kb.Show) showKey { return showKey{s.Shop, s.Conversation, s.Turn, s.Agent} }

// add buffers shows; it never waits for the store. A set without any
// suggestion showed nothing: it is not recorded (it made no shown event
// before shows either); nor is a set the agent was just shown (see
// recorder).
func (r *recorder) add(shows ...kb.Show) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i := range shows {
		s := &shows[i]
		if len(s.Members) == 0 {
			continue
		}
		k := keyOf(s)
		if _, ok := r.held[k]; ok {
			continue
		}
		if _, ok := r.written[k]; ok {
			continue
		}
		if len(r.buf) >= maxBufferedShows {
			r.dropped++
			continue
		}
		r.held[k] = struct{}{}
		r.buf = append(r.buf, *s)
	}
}

// buffered is how many shows wait to be written.
func (r *recorder) buffered() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.buf)
}

// forget drops the buffered shows of a turn to agent: its set was taken
// back. A show already written stays (the set was shown); the recorder
// writes every 200 ms, and a refused turn is retracted within the commit
// that refused it, so that is rare.
func (r *recorder) forget(shop int64, conv string, turn int, agent string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	k := showKey{shop, conv, turn, agent}
	delete(r.held, k)
	r.buf = slices.DeleteFunc(r.buf, func(s kb.Show) bool { return keyOf(&s) == k })
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
				r.log.Error("write shows", "err", err)
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
	whole := batch
	r.buf, r.spare = r.spare, nil
	clear(r.written)
	r.written, r.held = r.held, r.written
	dropped := r.dropped
	r.dropped = 0
	r.mu.Unlock()
	if dropped > 0 {
		r.log.Warn("shows dropped: the store fell behind", "count", dropped)
	}
	for len(batch) > 0 {
		n := min(len(batch), showChunk)
		err := r.store.AddShows(ctx, batch[:n]...)
		switch {
		case err == nil:
		case kb.ErrorCode(err) == kb.EInvalid: // it would fail again
			r.log.Error("shows refused", "count", n, "err", err)
		default:
			r.requeue(batch)
			return err
		}
		batch = batch[n:]
	}
	// A batch is a few thousand shows under load; grown afresh every 200 ms
	// it was a tenth of what a turn allocated. Its memory is the next.
	if cap(whole) <= maxSpareShows {
		clear(whole) // the strings and members it held are not kept alive
		r.mu.Lock()
		r.spare = whole[:0]
		r.mu.Unlock()
	}
	return nil
}

// maxSpareShows: a batch longer than this is not kept for the next.
const maxSpareShows = 8192

// requeue puts shows that could not be written back in front of the
// buffer, within its bound.
func (r *recorder) requeue(batch []kb.Show) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf = append(batch, r.buf...)
	if len(r.buf) > maxBufferedShows {
		r.dropped += len(r.buf) - maxBufferedShows
		r.buf = r.buf[len(r.buf)-maxBufferedShows:]
	}
	clear(r.held) // held is the keys of buf, which changed
	for i := range r.buf {
		r.held[keyOf(&r.buf[i])] = struct{}{}
	}
}

// close stops the periodic writer and writes what is left.
func (r *recorder) close(ctx context.Context) error {
	r.once.Do(func() { close(r.stop) })
	<-r.stopped
	return r.flush(ctx)
}
