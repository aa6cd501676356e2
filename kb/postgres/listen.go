package postgres

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"
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

// Listener receives the turn notices of every instance on a connection of
// its own.
type Listener struct {
	db   *DB
	conn *pgx.Conn
	// OnReconnect is told when the connection was lost and listening
	// resumed: notices sent meanwhile are gone.
	OnReconnect func(err error)
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
	if _, err := conn.Exec(ctx, `LISTEN `+pgx.Identifier{l.db.channel}.Sanitize()); err != nil {
		conn.Close(context.WithoutCancel(ctx))
		return fmt.Errorf("listen: %w", err)
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
