package sqlite

import (
	"context"
	"maps"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// A store written before migration 018 keeps every hourly count when it
// is opened again; the counts are then kept by hour within their shop and
// kind, shows of the same hour still add to their rows, and the usage
// window reads only its hours.
func TestShownCountsKeptByHourAfterTheUpgrade(t *testing.T) {
	ctx := context.Background()
	path := filepath.Join(t.TempDir(), "assist.db")
	db, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.ImportShop(ctx, teaShop()); err != nil {
		t.Fatal(err)
	}
	// The table as 013 made it, and the store as if 018 were not applied.
	if _, err := db.db.ExecContext(ctx, `DROP TABLE shown_counts;
		CREATE TABLE shown_counts (shop_id INTEGER NOT NULL, kind TEXT NOT NULL, suggestion_id TEXT NOT NULL,
			hour TEXT NOT NULL, shown INTEGER NOT NULL, PRIMARY KEY (shop_id, kind, suggestion_id, hour)) WITHOUT ROWID;
		DELETE FROM schema_migrations WHERE version = 18`); err != nil {
		t.Fatal(err)
	}
	nine := time.Date(2026, 11, 30, 9, 0, 0, 0, time.UTC)
	show := func(at time.Time, ids ...string) kb.Show {
		s := kb.Show{Shop: 1, Conversation: "c1", Turn: 0, Agent: "xiaoli", At: at}
		for _, id := range ids {
			s.Members = append(s.Members, kb.SetMember{Kind: "phrase", ID: id})
		}
		return s
	}
	if err := db.AddShows(ctx, show(nine.Add(-2*time.Hour), "p1", "p2"), show(nine.Add(-time.Hour), "p2", "p3"),
		show(nine.Add(-time.Hour+time.Minute), "p3"), show(nine, "p1")); err != nil {
		t.Fatal(err)
	}
	before := shownCountRows(t, db)
	db.Close()

	if db, err = Open(ctx, path); err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if after := shownCountRows(t, db); after != before {
		t.Errorf("counts after the upgrade:\n%s\nbefore:\n%s", after, before)
	}
	var schema string
	if err := db.db.QueryRowContext(ctx, `SELECT sql FROM sqlite_schema WHERE name = 'shown_counts'`).Scan(&schema); err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(schema, "PRIMARY KEY (shop_id, kind, hour, suggestion_id)") {
		t.Errorf("shown_counts after the upgrade: %s", schema)
	}

	if err := db.AddShows(ctx, show(nine.Add(time.Minute), "p1", "p4")); err != nil {
		t.Fatal(err)
	}
	got, err := db.shownSince(ctx, 1, "phrase", nine.Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if want := map[string]int{"p1": 2, "p2": 1, "p3": 2, "p4": 1}; !maps.Equal(got, want) {
		t.Errorf("shown since 08:00 = %v, want %v", got, want)
	}
	plan := queryPlan(t, db, `SELECT suggestion_id, SUM(shown) FROM shown_counts
		WHERE shop_id = ? AND kind = ? AND hour >= ? GROUP BY suggestion_id`, 1, "phrase", stamp(nine))
	if !strings.Contains(plan, "PRIMARY KEY (shop_id=? AND kind=? AND hour>?)") {
		t.Errorf("the usage window reads %q, want a range of the key by hour", plan)
	}
}

func shownCountRows(t *testing.T, db *DB) string {
	t.Helper()
	rows, err := db.db.Query(`SELECT shop_id || ' ' || kind || ' ' || suggestion_id || ' ' || hour || ' ' || shown
		FROM shown_counts ORDER BY shop_id, kind, suggestion_id, hour`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return b.String()
}
