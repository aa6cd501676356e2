package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"assist/kb/review"
	"assist/kb/sqlite"
)

// assist demo-data on an empty data directory loads the demo shop, plays
// its chats through the server and leaves a review a manager can read.
func TestDemoDataFillsTheReview(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	var out bytes.Buffer
	if code := run(context.Background(), []string{"demo-data", "-data", data, "-days", "2", "-per-day", "4"}, &out, &out); code != 0 {
		t.Fatalf("demo-data exited %d:\n%s", code, out.String())
	}
	if !strings.Contains(out.String(), "played 8 conversations") || !strings.Contains(out.String(), "created manager zhuguan") {
		t.Errorf("output:\n%s", out.String())
	}
	ctx := context.Background()
	db, err := sqlite.Open(ctx, storePath(data))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	shops, err := db.Shops(ctx)
	if err != nil || len(shops) != 1 {
		t.Fatalf("shops = %+v, %v", shops, err)
	}
	agents, err := db.ReviewAgents(ctx, shops[0].ID, review.Filter{})
	if err != nil {
		t.Fatal(err)
	}
	consultations := 0
	for _, a := range agents {
		consultations += a.Consultations
	}
	if consultations != 8 {
		t.Errorf("the review counts %d consultations, want the 8 played: %+v", consultations, agents)
	}
	sugg, _, err := db.ReviewSuggestions(ctx, shops[0].ID, review.Filter{})
	if err != nil || len(sugg) == 0 || sugg[0].Shown == 0 {
		t.Errorf("suggestions = %d rows, %v; want what the agents' panels showed", len(sugg), err)
	}

	// Played again, the week is added beside the first (new conversation ids are not reused).
	out.Reset()
	if code := run(context.Background(), []string{"demo-data", "-data", data, "-days", "1", "-per-day", "2", "-seed", "9"}, &out, &out); code != 0 {
		t.Fatalf("second demo-data exited %d:\n%s", code, out.String())
	}
}
