package sqlite

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"assist/kb"
)

// maxGroup bounds how many turns one transaction holds.
const maxGroup = 256

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
		c.commit(group)
		for _, p := range group {
			close(p.done)
		}
	}
}

// commit writes one group in one transaction.
func (c *turnCommitter) commit(group []*pendingTurn) {
	db := c.db
	ctx := context.Background() // callers wait for the truth, cancelled or not
	db.writes.Lock()
	defer db.writes.Unlock()
	fail := func(err error) {
		for _, p := range group {
			if p.err == nil {
				p.err = err
			}
		}
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		fail(fmt.Errorf("add turns: %w", err))
		return
	}
	defer tx.Rollback()
	ok := 0
	for _, p := range group {
		if len(group) == 1 { // nothing to keep apart
			p.err = db.insertTurn(ctx, tx, p.t)
		} else if _, err := tx.ExecContext(ctx, `SAVEPOINT turn`); err != nil {
			p.err = fmt.Errorf("add turn: %w", err)
		} else if p.err = db.insertTurn(ctx, tx, p.t); p.err != nil {
			if _, err := tx.ExecContext(ctx, `ROLLBACK TO turn`); err != nil {
				fail(fmt.Errorf("add turns: %w", err))
				return
			}
			tx.ExecContext(ctx, `RELEASE turn`)
		} else if _, err := tx.ExecContext(ctx, `RELEASE turn`); err != nil {
			fail(fmt.Errorf("add turns: %w", err))
			return
		}
		if p.err == nil {
			ok++
		}
	}
	if ok == 0 {
		return
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("add turns: commit: %w", err))
	}
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
