package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

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
	rows := make([][]any, len(events))
	for i, e := range events {
		at := e.At
		if at.IsZero() {
			at = db.now()
		}
		rows[i] = []any{e.Shop, e.Conversation, e.Turn, e.Agent, e.SuggestionID, e.Kind, string(e.Action), at,
			flag(e.Typed), flag(e.Edited)}
	}
	// COPY keeps the record order (identity ids are taken row by row) and is
	// one round trip however many events a flush holds.
	_, err := db.pool.CopyFrom(ctx, pgx.Identifier{"events"},
		[]string{"shop_id", "conversation", "turn", "agent", "suggestion_id", "kind", "action", "at", "typed", "edited"},
		pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("add events: %w", err)
	}
	return nil
}

// flag is a typed or edited mark as the events table keeps it (0 or 1, as
// in kb/sqlite).
func flag(b bool) int32 {
	if b {
		return 1
	}
	return 0
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
	rows, err := db.pool.Query(ctx, `SELECT shop_id, conversation, turn, agent, suggestion_id, kind, action, at
		FROM events WHERE shop_id = $1 AND conversation = $2 ORDER BY id`, shop, conversation)
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", conversation, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.Event, error) {
		var e kb.Event
		var action string
		err := r.Scan(&e.Shop, &e.Conversation, &e.Turn, &e.Agent, &e.SuggestionID, &e.Kind, &action, &e.At)
		e.Action, e.At = kb.Action(action), e.At.UTC()
		return e, err
	})
	if err != nil {
		return nil, fmt.Errorf("read events of %s: %w", conversation, err)
	}
	return out, nil
}

// SuggestionReport counts, per suggestion, how often it was shown, used and
// dismissed; the most shown first. Shown counts both the shown events
// recorded before migration 013 and the members of the shows since.
func (db *DB) SuggestionReport(ctx context.Context, shop int64) ([]kb.SuggestionStats, error) {
	rows, err := db.pool.Query(ctx, `SELECT suggestion_id, kind, SUM(shown)::int, SUM(used)::int, SUM(dismissed)::int FROM (
			SELECT suggestion_id, kind, (action = 'shown')::int AS shown, (action = 'used')::int AS used,
				(action = 'dismissed')::int AS dismissed
			FROM events WHERE shop_id = $1
			UNION ALL
			SELECT suggestion_id, kind, shown, 0, 0 FROM shown_counts WHERE shop_id = $1) u
		GROUP BY suggestion_id, kind ORDER BY 3 DESC, suggestion_id COLLATE "C", kind COLLATE "C"`, shop)
	if err != nil {
		return nil, fmt.Errorf("suggestion report: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.SuggestionStats, error) {
		var s kb.SuggestionStats
		return s, r.Scan(&s.SuggestionID, &s.Kind, &s.Shown, &s.Used, &s.Dismissed)
	})
	if err != nil {
		return nil, fmt.Errorf("suggestion report: %w", err)
	}
	return out, nil
}
