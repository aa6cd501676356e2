package sqlite

import (
	"context"
	"database/sql"
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

// commit writes one group in one transaction. It first writes the group
// as it is, which is the rule; when a turn fails there, it writes the group
// again with each turn behind a savepoint, so the failing turn is rolled
// back alone and the others commit.
func (c *turnCommitter) commit(group []*pendingTurn) {
	db := c.db
	db.writes.Lock()
	defer db.writes.Unlock()
	if c.write(group, false) {
		return
	}
	for _, p := range group {
		p.err = nil
	}
	c.write(group, true)
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
