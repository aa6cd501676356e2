package sqlite

import (
	"context"
	"fmt"
	"strings"

	"assist/kb"
)

// AddEvents records events in one transaction: all or none.
func (db *DB) AddEvents(ctx context.Context, events ...kb.Event) error {
	if len(events) == 0 {
		return nil
	}
	for i, e := range events {
		if err := validEvent(e); err != nil {
			return fmt.Errorf("event %d: %w", i, err)
		}
	}
	db.writes.Lock()
	defer db.writes.Unlock()
	tx, err := db.beginWrite(ctx)
	if err != nil {
		return fmt.Errorf("add events: %w", err)
	}
	defer tx.Rollback()
	for len(events) > 0 {
		n := min(len(events), eventsPerInsert)
		if err := db.insertEvents(ctx, tx, events[:n]); err != nil {
			return fmt.Errorf("add events: %w", err)
		}
		events = events[n:]
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("add events: %w", err)
	}
	return nil
}

// eventsPerInsert rows go in one INSERT: a panel's suggestion set is a dozen
// events, and one statement per row costs a trip through cgo each.
const eventsPerInsert = 64

func (db *DB) insertEvents(ctx context.Context, tx sqlTx, events []kb.Event) error {
	var q strings.Builder
	q.WriteString(`INSERT INTO events (shop_id, conversation, turn, agent, suggestion_id, kind, action, at, typed, edited) VALUES `)
	args := make([]any, 0, 10*len(events))
	for i, e := range events {
		if i > 0 {
			q.WriteByte(',')
		}
		q.WriteString(`(?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`)
		at := e.At
		if at.IsZero() {
			at = db.Now()
		}
		args = append(args, e.Shop, e.Conversation, e.Turn, e.Agent, e.SuggestionID, e.Kind, string(e.Action), stamp(at), e.Typed, e.Edited)
	}
	_, err := tx.ExecContext(ctx, q.String(), args...)
	return err
}

func validEvent(e kb.Event) error {
	switch {
	case e.Shop <= 0 || e.Conversation == "" || e.Agent == "" || e.SuggestionID == "":
		return kb.Errorf(kb.EInvalid, "an event needs a shop, a conversation, an agent and a suggestion id")
	case e.Turn < 0:
		return kb.Errorf(kb.EInvalid, "turn %d: want 0 or more", e.Turn)
	case !kb.ValidSuggestionKind(e.Kind):
		return kb.Errorf(kb.EInvalid, "kind %q: want product, rule, phrase or nudge", e.Kind)
	case !e.Action.Valid():
		return kb.Errorf(kb.EInvalid, "action %q: want shown, used or dismissed", e.Action)
	}
	return nil
}

// Events returns a conversation's events in the order they were recorded.
func (db *DB) Events(ctx context.Context, shop int64, conversation string) ([]kb.Event, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT shop_id, conversation, turn, agent, suggestion_id, kind, action, at
		FROM events WHERE shop_id = ? AND conversation = ? ORDER BY id`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", conversation, err)
	}
	defer rows.Close()
	out := []kb.Event{}
	for rows.Next() {
		var e kb.Event
		var action, at string
		if err := rows.Scan(&e.Shop, &e.Conversation, &e.Turn, &e.Agent, &e.SuggestionID, &e.Kind, &action, &at); err != nil {
			return nil, fmt.Errorf("read events of %s: %w", conversation, err)
		}
		e.Action = kb.Action(action)
		if e.At, err = parseStamp(at); err != nil {
			return nil, fmt.Errorf("read events of %s: %w", conversation, err)
		}
		out = append(out, e)
	}
	return out, rows.Err()
}

// SuggestionReport counts, per suggestion, how often it was shown, used and
// dismissed; the most shown first. Shown counts both the shown events
// recorded before migration 013 and the members of the shows since.
func (db *DB) SuggestionReport(ctx context.Context, shop int64) ([]kb.SuggestionStats, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT suggestion_id, kind, SUM(shown), SUM(used), SUM(dismissed) FROM (
			SELECT suggestion_id, kind, action = 'shown' AS shown, action = 'used' AS used, action = 'dismissed' AS dismissed
			FROM events WHERE shop_id = ?
			UNION ALL
			SELECT suggestion_id, kind, shown, 0, 0 FROM shown_counts WHERE shop_id = ?)
		GROUP BY suggestion_id, kind ORDER BY 3 DESC, suggestion_id, kind`, shop, shop)
	if err != nil {
		return nil, fmt.Errorf("suggestion report: %w", err)
	}
	defer rows.Close()
	out := []kb.SuggestionStats{}
	for rows.Next() {
		var s kb.SuggestionStats
		if err := rows.Scan(&s.SuggestionID, &s.Kind, &s.Shown, &s.Used, &s.Dismissed); err != nil {
			return nil, fmt.Errorf("suggestion report: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}
