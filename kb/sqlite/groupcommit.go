package sqlite

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"assist/kb"
)

// maxGroup bounds how many turns one transaction holds.
const maxGroup = 256

// A group waits for company on a busy server (see join) long enough to
// expect joinGather more turns at the last window's rate, within
// [minJoinWait, maxJoinWait]. Half a millisecond at 4,000 turns a second or
// more held 4–6 turns a commit in assist bench with 16 clients (1.5
// without) and cut the server's CPU per turn by a sixth; at 1,000 turns a
// second from 2,500 chats, 2 ms held 3.1 turns a commit (1.03 without) and
// left the CPU to the turns and their pushes (docs/figures.md, sessions 8
// and 24).
const (
	joinGather  = 2.0
	minJoinWait = 500 * time.Microsecond
	maxJoinWait = 2 * time.Millisecond
)

// minExpected is how many turns must be expected within maxJoinWait, at
// the last window's rate, for a group to wait for them: 750 turns a second.
// At 500 a second (the soak: 100 shops) a rule with 3 ms held 1.2 turns a
// commit: the rate sits at the edge, and most waits were in vain.
const minExpected = 1.5

// joinWant is the group a leader waits for: once it holds this many turns
// its wait ends. A commit holds the write lock 76 µs a turn alone, 48 µs
// at six, 31 µs at sixteen (BenchmarkCommitByGroupSize); with 16 clients
// back to back, waits that end at 3, 6, 8 and 12 turns posted the most
// turns a second at 6 (docs/figures.md, session 25).
const joinWant = 6

// rateWindow is how long arrivals are counted over to tell a busy moment.
const rateWindow = 100 * time.Millisecond

// turnCommitter commits the turns that arrive together in one transaction:
// SQLite takes one commit at a time, so under load turns queue for the write
// lock; gathering them makes the queue one commit long. A turn that fails
// (a duplicate index, a key conflict) is rolled back to its savepoint alone;
// the others of its group commit. Each caller is answered after the commit
// that holds its turn.
//
// The caller whose turn finds nobody committing commits its group itself
// (it leads): the turn and its commit run on the goroutine that is already
// running, where handing it to a committer goroutine and back meant two
// waits for a processor on a busy machine. Turns that arrive while a leader
// commits wait; when it is done, the oldest of them leads the next group,
// with every turn queued by then.
type turnCommitter struct {
	db *DB

	mu      sync.Mutex
	pending []*pendingTurn // oldest first; the first is the next leader's own
	leading bool           // a caller is committing a group
	closed  bool
	leaders sync.WaitGroup // one while a caller leads, for close

	pace pace // of the arrivals, for join; under mu
	// company is closed when a waiting leader's group reaches joinWant
	// turns (nil while no leader waits); under mu.
	company chan struct{}

	commits, committed atomic.Int64 // groups written, turns in them

	formed func(n int) // a test's hook: a group of n turns formed, about to be written (nil: none)
}

type pendingTurn struct {
	t   *kb.StoredTurn
	err error
	// wake tells a waiting caller its turn is done (false) or that it is to
	// lead the next group (true).
	wake chan bool
}

func newTurnCommitter(db *DB) *turnCommitter {
	return &turnCommitter{db: db}
}

// add commits t, in a group it leads or in one led by another caller, and
// returns once the commit that holds it is done.
func (c *turnCommitter) add(t *kb.StoredTurn) error {
	p := &pendingTurn{t: t, wake: make(chan bool, 1)}
	now := time.Now() // read before the lock, which every turn takes
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return errStoreClosed
	}
	c.pending = append(c.pending, p)
	c.pace.arrived(now, c.leading)
	if c.company != nil && len(c.pending) >= joinWant {
		close(c.company)
		c.company = nil
	}
	if c.leading {
		c.mu.Unlock()
		if lead := <-p.wake; !lead {
			return p.err
		}
	} else {
		c.leading = true
		c.leaders.Add(1)
		c.mu.Unlock()
	}
	c.lead()
	return p.err
}

// lead commits the next group: the turns pending, the leader's own first,
// with those that join it.
func (c *turnCommitter) lead() {
	c.join()
	c.mu.Lock()
	if c.closed { // no turn is written after close: answer those that wait
		for _, p := range c.pending[1:] {
			p.err = errStoreClosed
			p.wake <- false
		}
		c.pending[0].err = errStoreClosed
		c.pending = nil
		c.leading = false
		c.mu.Unlock()
		c.leaders.Done()
		return
	}
	group := c.take()
	c.mu.Unlock()
	defer c.handOff(group)
	if c.formed != nil {
		c.formed(len(group))
	}
	c.writeGroup(group)
}

// handOff follows a group's commit: it passes the lead to the oldest turn
// that arrived meanwhile, or leaves it, and answers the group's other
// callers. It runs when the commit panics too, so that no turn is left
// waiting behind a lead never passed; the group's turns are then told the
// truth is unknown, and the panic goes on.
func (c *turnCommitter) handOff(group []*pendingTurn) {
	r := recover()
	if r != nil {
		for _, p := range group {
			if p.err == nil {
				p.err = fmt.Errorf("add turn %s/%d: the commit of its group panicked, stored or not: %v", p.t.Conversation, p.t.Index, r)
			}
		}
	}
	c.commits.Add(1)
	c.committed.Add(int64(len(group)))
	c.mu.Lock()
	if len(c.pending) == 0 {
		c.leading = false
		c.mu.Unlock()
		c.leaders.Done()
	} else {
		next := c.pending[0]
		c.mu.Unlock()
		next.wake <- true
	}
	for _, p := range group[1:] {
		p.wake <- false
	}
	if r != nil {
		panic(r)
	}
}

// take removes the next group from pending, at most maxGroup turns; c.mu
// is held.
func (c *turnCommitter) take() []*pendingTurn {
	n := min(len(c.pending), maxGroup)
	group := slices.Clone(c.pending[:n])
	rest := copy(c.pending, c.pending[n:])
	clear(c.pending[rest:])
	c.pending = c.pending[:rest]
	return group
}

// queued is how many turns wait for a commit, a leader's own among them.
func (c *turnCommitter) queued() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.pending)
}

// join waits for more turns while the server is busy: turns arrive fast
// enough that more than one is expected within maxJoinWait, from several
// writers at once (some arrive while another turn is being committed). A
// commit writes to the log every page its turns changed, and turns of one
// moment share most of them (the newest pages of the turns, of the
// conversations by update time), so a commit for several costs little more
// than a commit for one: on a busy server the CPU saved outweighs the wait,
// which only the poster's answer pays (the turn's set is pushed before it
// is stored). Otherwise a group is written at once: slower turns, or one
// writer's turns back to back, would only wait in vain. The wait ends as
// soon as the group holds joinWant turns: with 16 clients back to back,
// most of a group had queued during the commit before it, and sleeping the
// whole wait on top of them left a fifth of the CPU idle.
func (c *turnCommitter) join() {
	c.mu.Lock()
	wait := c.pace.wait
	if wait == 0 || len(c.pending) >= joinWant {
		c.mu.Unlock()
		return
	}
	company := make(chan struct{})
	c.company = company
	c.mu.Unlock()
	t := time.NewTimer(wait)
	select {
	case <-company:
		t.Stop()
	case <-t.C:
		c.mu.Lock()
		if c.company == company {
			c.company = nil
		}
		c.mu.Unlock()
	}
}

// pace tells a busy moment from the arrivals of the last window: turns
// arriving fast enough that more than one is expected within maxJoinWait,
// from several writers (one arrival in twenty found another turn being
// committed; a lone writer's never do), and says how long a group waits.
type pace struct {
	start              time.Time
	arrivals, together int
	wait               time.Duration // for company, in a busy moment; 0 otherwise
}

// arrived counts a turn arriving at now; together says a turn was being
// committed or waiting meanwhile.
func (p *pace) arrived(now time.Time, together bool) {
	p.arrivals++
	if together {
		p.together++
	}
	if d := now.Sub(p.start); d >= rateWindow {
		rate := float64(p.arrivals) / d.Seconds()
		p.wait = 0
		if rate*maxJoinWait.Seconds() >= minExpected && p.together*20 >= p.arrivals {
			p.wait = min(max(time.Duration(joinGather/rate*float64(time.Second)), minJoinWait), maxJoinWait)
		}
		p.arrivals, p.together, p.start = 0, 0, now
	}
}

// writeGroup writes one group in one transaction, under the write lock,
// released even if the write panics. It first writes the group as it is,
// which is the rule; when a turn fails there, it writes the group again
// with each turn behind a savepoint, so the failing turn is rolled back
// alone and the others commit.
func (c *turnCommitter) writeGroup(group []*pendingTurn) {
	c.db.writes.Lock()
	defer c.db.writes.Unlock()
	if !c.write(group, false) {
		for _, p := range group {
			p.err = nil
		}
		c.write(group, true)
	}
}

// write writes the group in one transaction and commits the turns that
// succeeded; apart, each turn behind a savepoint. Without savepoints, a turn
// that fails leaves the transaction rolled back and write returns false.
func (c *turnCommitter) write(group []*pendingTurn, apart bool) bool {
	db := c.db
	ctx := context.Background() // callers wait for the truth, cancelled or not
	fail := func(err error) {
		for _, p := range group {
			if p.err == nil {
				p.err = err
			}
		}
	}
	tx, err := db.beginWrite(ctx)
	if err != nil {
		fail(fmt.Errorf("add turns: %w", err))
		return true
	}
	defer tx.Rollback()
	ok := 0
	for _, p := range group {
		if !apart {
			if p.err = db.insertTurn(ctx, tx, p.t); p.err != nil && len(group) > 1 {
				return false
			}
		} else if err := c.insertApart(ctx, tx, p); err != nil {
			fail(fmt.Errorf("add turns: %w", err))
			return true
		}
		if p.err == nil {
			ok++
		}
	}
	if ok == 0 {
		return true
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("add turns: commit: %w", err))
	}
	return true
}

// insertApart inserts p's turn behind a savepoint, so that its failure,
// kept in p.err, undoes its own writes alone. The error returned is the
// transaction's: the group cannot go on.
func (c *turnCommitter) insertApart(ctx context.Context, tx sqlTx, p *pendingTurn) error {
	if _, err := tx.ExecContext(ctx, `SAVEPOINT turn`); err != nil {
		return err
	}
	if p.err = c.db.insertTurn(ctx, tx, p.t); p.err != nil {
		if _, err := tx.ExecContext(ctx, `ROLLBACK TO turn`); err != nil {
			return err
		}
	}
	_, err := tx.ExecContext(ctx, `RELEASE turn`)
	return err
}

var errStoreClosed = errors.New("add turn: the store is closed")

// close refuses turns from now on and waits for the group being committed;
// the turns waiting for the next are refused.
func (c *turnCommitter) close() {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	c.leaders.Wait()
}
