package sqlite

import "time"

// stamp writes a time in a fixed-width UTC form, so that columns compared or
// ordered as text (expiry, last update) sort as times.
func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000000000Z") }

// parseStamp reads a time written by stamp or as RFC 3339.
func parseStamp(s string) (time.Time, error) { return time.Parse(time.RFC3339Nano, s) }
