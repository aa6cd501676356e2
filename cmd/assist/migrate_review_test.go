package main

import (
	"context"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"assist/kb/postgres"
	"assist/kb/sqlite"
	"assist/kb/storetest"
)

// assist migrate carries the review: outcomes, typed uses, shows and the
// shown counts are copied,
// and the rollups PostgreSQL recomputes from them give the figures the
// SQLite store gave.
func TestMigrateCarriesTheReview(t *testing.T) {
	ctx := context.Background()
	data := t.TempDir()
	src, err := sqlite.Open(ctx, filepath.Join(data, "assist.db"))
	if err != nil {
		t.Fatal(err)
	}
	shop := storetest.SeedReview(t, src)
	if _, err := src.RefreshReview(ctx, shop); err != nil {
		t.Fatal(err)
	}
	storetest.CheckReviewFigures(t, src, shop)
	wantEvents, _ := src.ConversationEvents(ctx, shop, "c1")
	wantShows, _ := src.ConversationShows(ctx, shop, "c1")
	wantReport, _ := src.SuggestionReport(ctx, shop)
	wantOutcomes, _ := src.Outcomes(ctx, shop, "c1")
	src.Close()

	dsn := storetest.PostgresDSN(t)
	code, stdout, stderr := runAssist(t, "migrate", "-data", data, "-to", dsn)
	if code != 0 || !strings.Contains(stdout, "counts agree") {
		t.Fatalf("migrate: %d\n%s%s", code, stdout, stderr)
	}
	for _, line := range []string{"outcomes", "shows", "shown_counts", "review_conv", "review_sugg_conv"} {
		if !strings.Contains(stdout, line) {
			t.Errorf("the count table has no line for %s:\n%s", line, stdout)
		}
	}
	dst, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer dst.Close()
	storetest.CheckReviewFigures(t, dst, shop)
	if n, err := dst.RefreshReview(ctx, shop); err != nil || n != 0 {
		t.Errorf("a refresh after migrate: %d, %v; want nothing left to do", n, err)
	}
	gotEvents, err := dst.ConversationEvents(ctx, shop, "c1")
	if err != nil || len(gotEvents) != len(wantEvents) {
		t.Fatalf("events after migrate: %d, %v; want %d", len(gotEvents), err, len(wantEvents))
	}
	for i := range wantEvents {
		g, w := gotEvents[i], wantEvents[i]
		if g.Typed != w.Typed || g.Edited != w.Edited || g.SuggestionID != w.SuggestionID || !g.At.Equal(w.At) {
			t.Errorf("event %d after migrate %+v, want %+v", i, g, w)
		}
	}
	if len(wantShows) == 0 {
		t.Fatal("the fixture recorded no show in c1")
	}
	if gotShows, err := dst.ConversationShows(ctx, shop, "c1"); err != nil || !reflect.DeepEqual(gotShows, wantShows) {
		t.Errorf("shows after migrate %+v, %v; want %+v", gotShows, err, wantShows)
	}
	if gotReport, err := dst.SuggestionReport(ctx, shop); err != nil || !reflect.DeepEqual(gotReport, wantReport) {
		t.Errorf("report after migrate %+v, %v; want %+v", gotReport, err, wantReport)
	}
	if gotOutcomes, err := dst.Outcomes(ctx, shop, "c1"); err != nil || !reflect.DeepEqual(gotOutcomes, wantOutcomes) {
		t.Errorf("outcomes after migrate %+v, %v; want %+v", gotOutcomes, err, wantOutcomes)
	}
}
