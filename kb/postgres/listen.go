package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// TurnNotice says a turn was committed: which instance committed it, and
// where the turn is. The suggestion set itself is read from the store: a
// notification carries at most 8000 bytes.
type TurnNotice struct {
	Origin       string `json:"o"`
	Shop         int64  `json:"s"`
	Conversation string `json:"c"`
	Index        int    `json:"t"`
}

// Announce makes every AddTurn of this store notify the listening instances,
// tagged with origin (this instance's name), inside the turn's transaction:
// a notice is sent if and only if the turn commits, and notices reach each
// listener in commit order.
func (db *DB) Announce(origin string) {
	if origin == "" {
		origin = "-"
	}
	db.origin = origin
}

// closingChannel is where socket closings are announced, beside the turns.
func (db *DB) closingChannel() string { return db.channel + "_close" }

// AnnounceClosing tells every listening instance (this one included) to
// close the sockets c names. It is sent at once, outside any transaction:
// the revocation it follows is already committed.
func (db *DB) AnnounceClosing(ctx context.Context, c kb.SocketClosing) error {
	payload, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := db.pool.Exec(ctx, `SELECT pg_notify($1, $2)`, db.closingChannel(), string(payload)); err != nil {
		return fmt.Errorf("announce closing: %w", err)
	}
	return nil
}

// Listener receives the turn notices of every instance on a connection of
// its own.
type Listener struct {
	db   *DB
	conn *pgx.Conn
	// OnReconnect is told when the connection was lost and listening
	// resumed: notices sent meanwhile are gone.
	OnReconnect func(err error)
	// OnClosing is told each socket closing announced on the store, in
	// Next's goroutine (so it must not wait); nil ignores them.
	OnClosing func(kb.SocketClosing)
}

// Listen opens a connection and listens for turn notices; notices committed
// from then on are delivered by Next.
func (db *DB) Listen(ctx context.Context) (*Listener, error) {
	l := &Listener{db: db}
	if err := l.connect(ctx); err != nil {
		return nil, err
	}
	return l, nil
}

func (l *Listener) connect(ctx context.Context) error {
	conn, err := pgx.Connect(ctx, l.db.dsn)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	for _, ch := range []string{l.db.channel, l.db.closingChannel()} {
		if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{ch}.Sanitize()); err != nil {
			conn.Close(context.WithoutCancel(ctx))
			return fmt.Errorf("listen: %w", err)
		}
	}
	l.conn = conn
	return nil
}

// Next waits for the next notice. A lost connection is opened again (every
// second until ctx ends) and reported to OnReconnect; Next returns an error
// only when ctx ends.
func (l *Listener) Next(ctx context.Context) (TurnNotice, error) {
	for {
		n, err := l.conn.WaitForNotification(ctx)
		if ctx.Err() != nil {
			return TurnNotice{}, ctx.Err()
		}
		if err != nil {
			l.conn.Close(context.WithoutCancel(ctx))
			for {
				if rerr := l.connect(ctx); rerr == nil {
					break
				}
				select {
				case <-ctx.Done():
					return TurnNotice{}, ctx.Err()
				case <-time.After(time.Second):
				}
			}
			if l.OnReconnect != nil {
				l.OnReconnect(err)
			}
			continue
		}
		if n.Channel == l.db.closingChannel() {
			var c kb.SocketClosing
			if err := json.Unmarshal([]byte(n.Payload), &c); err == nil && l.OnClosing != nil {
				l.OnClosing(c)
			}
			continue
		}
		var t TurnNotice
		if err := json.Unmarshal([]byte(n.Payload), &t); err != nil || t.Shop <= 0 || t.Conversation == "" {
			continue // not ours: another program on the channel
		}
		return t, nil
	}
}

// Close closes the listening connection.
func (l *Listener) Close() error {
	if l.conn == nil {
		return nil
	}
	return l.conn.Close(context.Background())
}
