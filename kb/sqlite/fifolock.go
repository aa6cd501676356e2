package sqlite

// fifoLock serialises the frequent writes (turns, events) in process, in
// arrival order. SQLite's busy handler retries in growing sleeps (1, 2, 5,
// 10 ms …); this lock hands over at once, so a turn waits for at most one
// chunk of events. It is a mutex that serves waiters in arrival order. A sync.Mutex lets
// the goroutine that just released it take it straight back; the event
// writer, releasing between chunks, would then keep a waiting turn out for
// several chunks. A full channel hands its slot to the longest-waiting
// sender instead.
type fifoLock chan struct{}

func newFIFOLock() fifoLock { return make(chan struct{}, 1) }

func (l fifoLock) Lock()   { l <- struct{}{} }
func (l fifoLock) Unlock() { <-l }
