package kb

import (
	"maps"
	"testing"
	"time"
)

// A "shown since" question is split at the first whole hour: counts from
// it on, show records before it.
func TestCountedHour(t *testing.T) {
	shanghai := time.FixedZone("CST", 8*3600)
	for _, c := range []struct{ since, want time.Time }{
		{time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 1, 10, 0, 0, 1, time.UTC), time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 1, 23, 59, 59, 0, time.UTC), time.Date(2026, 3, 2, 0, 0, 0, 0, time.UTC)},
		{time.Date(2026, 3, 1, 18, 30, 0, 0, shanghai), time.Date(2026, 3, 1, 11, 0, 0, 0, time.UTC)},
	} {
		got := CountedHour(c.since)
		if !got.Equal(c.want) || got.Location() != time.UTC {
			t.Errorf("CountedHour(%v) = %v, want %v in UTC", c.since, got, c.want)
		}
	}
}

func TestAddShownCountsOneKind(t *testing.T) {
	set := []byte(`{"nudges":[{"kind":"upsell","category":"bundle"}],"products":[{"id":"p1"}],
		"phrases":[{"id":"h1"},{"id":"h2"},{"id":"h1"}]}`)
	out := map[string]int{"h2": 1}
	AddShown(out, SuggestionPhrase, set, 3)
	if want := map[string]int{"h1": 6, "h2": 4}; !maps.Equal(out, want) {
		t.Errorf("phrases shown %v, want %v", out, want)
	}
	AddShown(out, SuggestionPhrase, []byte("not json"), 5)
	if len(out) != 2 {
		t.Errorf("a set that does not decode added %v", out)
	}
}
