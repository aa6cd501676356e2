package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"assist/kb"
)

// maxGroup bounds how many turns one transaction holds.
const maxGroup = 256

// joinWait is how long a group waits for company on a busy server (see
// join). Half a millisecond, taken at 3,000 turns a second or more,
// held 4–6 turns a commit in assist bench with 16 clients (1.5 without) and
// cut the server's CPU per turn by about a sixth (docs/figures.md).
const joinWait = 500 * time.Microsecond

// minExpected is how many turns must be expected within joinWait, at the
// last window's rate, for a group to wait for them.
const minExpected = 1.5

// rateWindow is how long arrivals are counted over to tell a busy moment.
const rateWindow = 100 * time.Millisecond

// turnCommitter commits the turns that arrive together in one transaction:
// SQLite takes one commit at a time, so under load turns queue for the write
// lock; gathering them makes the queue one commit long. A turn that fails
// (a duplicate index, a key conflict) is rolled back to its savepoint alone;
// the others of its group commit. Each caller is answered after the commit
// that holds its turn.
type turnCommitter struct {
	db    *DB
	queue chan *pendingTurn
	stop  chan struct{}
	done  sync.WaitGroup

	closing sync.RWMutex // read: a turn being queued; write: close
	closed  bool

	pace pace // of the groups, for join

	commits, committed atomic.Int64 // groups written, turns in them

	formed func(n int) // a test's hook: a group of n turns formed (nil: none)
}

type pendingTurn struct {
	t    *kb.StoredTurn
	err  error
	done chan struct{}
}

func newTurnCommitter(db *DB) *turnCommitter {
	c := &turnCommitter{db: db, queue: make(chan *pendingTurn, maxGroup), stop: make(chan struct{})}
	c.done.Add(1)
	go c.run()
	return c
}

// add queues t and waits for the commit that holds it.
func (c *turnCommitter) add(t *kb.StoredTurn) error {
	p := &pendingTurn{t: t, done: make(chan struct{})}
	c.closing.RLock()
	if c.closed {
		c.closing.RUnlock()
		return errStoreClosed
	}
	c.queue <- p
	c.closing.RUnlock()
	<-p.done
	return p.err
}

func (c *turnCommitter) run() {
	defer c.done.Done()
	group := make([]*pendingTurn, 0, maxGroup)
	for {
		select {
		case p := <-c.queue:
			group = append(group[:0], p)
		case <-c.stop:
			for { // no turn is queued after stop: answer those that were
				select {
				case p := <-c.queue:
					p.err = errStoreClosed
					close(p.done)
				default:
					return
				}
			}
		}
		// Whatever else has arrived meanwhile joins, without waiting.
	gather:
		for len(group) < maxGroup {
			select {
			case p := <-c.queue:
				group = append(group, p)
			default:
				break gather
			}
		}
		group = c.join(group)
		if c.formed != nil {
			c.formed(len(group))
		}
		c.commit(group)
		c.commits.Add(1)
		c.committed.Add(int64(len(group)))
		for _, p := range group {
			close(p.done)
		}
	}
}

// join waits, at most joinWait, for more turns while the server is busy:
// turns arrive fast enough that more than one is expected in that time,
// from several writers at once (groups of the last moment held more than one
// turn). A commit writes to the log every page its turns changed, and turns
// of one moment share most of them (the newest pages of the turns, of the
// conversations by update time), so a commit for several costs little more
// than a commit for one: on a busy server the CPU saved outweighs the wait.
// Otherwise a group is written at once: slower turns, or one writer's turns
// back to back, would only wait in vain.
func (c *turnCommitter) join(group []*pendingTurn) []*pendingTurn {
	defer func() { c.pace.formed(time.Now(), len(group)) }()
	if !c.pace.busy || len(group) >= maxGroup {
		return group
	}
	timer := time.NewTimer(joinWait)
	defer timer.Stop()
	for len(group) < maxGroup {
		select {
		case p := <-c.queue:
			group = append(group, p)
		case <-timer.C:
			return group
		}
	}
	return group
}

// pace tells a busy moment from the groups of the last window: turns
// arriving fast enough that more than one is expected within joinWait, from
// several writers (a tenth more turns than groups).
type pace struct {
	start            time.Time
	arrivals, groups int
	busy             bool // the last window was
}

// formed counts a group of n turns formed at now.
func (p *pace) formed(now time.Time, n int) {
	p.arrivals += n
	p.groups++
	if d := now.Sub(p.start); d >= rateWindow {
		fast := float64(p.arrivals)/d.Seconds()*joinWait.Seconds() >= minExpected
		together := p.arrivals*10 >= p.groups*11
		p.busy = fast && together
		p.arrivals, p.groups, p.start = 0, 0, now
	}
}

// commit writes one group in one transaction. It first writes the group
// as it is, which is the rule; when a turn fails there, it writes the group
// again with each turn behind a savepoint, so the failing turn is rolled
// back alone and the others commit. Then it calls Committed of each turn
// that committed, before its caller is answered.
func (c *turnCommitter) commit(group []*pendingTurn) {
	c.db.writes.Lock()
	if !c.write(group, false) {
		for _, p := range group {
			p.err = nil
		}
		c.write(group, true)
	}
	c.db.writes.Unlock()
	// Told outside the write lock: other writers need not wait for it.
	for _, p := range group {
		if p.err == nil && p.t.Committed != nil {
			p.t.Committed()
		}
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
func (c *turnCommitter) insertApart(ctx context.Context, tx *sql.Tx, p *pendingTurn) error {
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

// close stops the committer; turns queued and not yet written are refused.
func (c *turnCommitter) close() {
	c.closing.Lock()
	if c.closed {
		c.closing.Unlock()
		return
	}
	c.closed = true
	c.closing.Unlock()
	close(c.stop)
	c.done.Wait()
}
