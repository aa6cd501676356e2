package main

import (
	"context"
	"fmt"
	"io"
	"os"
)

func init() { register(&compactCmd{}) }

// compactCmd moves the suggestion sets a store kept whole (turns written
// before migration 010) into shared parts, and the shown events of each
// push of a set (recorded before migration 013) into one show, so an old
// store shrinks to the size new turns take.
type compactCmd struct{}

func (*compactCmd) Name() string { return "compact" }
func (*compactCmd) Synopsis() string {
	return "store old turns' suggestion sets in shared parts and old shown events as shows, as new ones are (optionally VACUUM to give the space back)"
}

func (c *compactCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] [-batch N] [-vacuum]")
	data := fs.String("data", defaultDataDir, "data directory of the server")
	batch := fs.Int("batch", 500, "turns (or conversations' shown events) a transaction (short transactions let a running server keep writing)")
	vacuum := fs.Bool("vacuum", false, "then VACUUM the file to give the freed space back (stop assist serve first; needs free disk the size of the store)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *batch < 1 {
		return fmt.Errorf("compact: -batch wants 1 or more")
	}
	db, err := openExisting(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	before, _ := os.Stat(db.Path())
	moved, kept, err := db.CompactSets(ctx, *batch)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "assist: %d suggestion sets moved into shared parts; %d left whole (not a set that can be cut)\n", moved, kept)
	moved, kept, err = db.CompactShows(ctx, max(*batch/10, 1))
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "assist: %d pushes' shown events moved into shows; %d left as events (not their turn's whole set)\n", moved, kept)
	if !*vacuum {
		fmt.Fprintln(stdout, "assist: the file keeps its size; new turns reuse the freed pages (run again with -vacuum, assist serve stopped, to shrink it)")
		return nil
	}
	if _, err := db.SQL().ExecContext(ctx, `VACUUM`); err != nil {
		return fmt.Errorf("compact: vacuum: %w", err)
	}
	after, err := os.Stat(db.Path())
	if err == nil && before != nil {
		fmt.Fprintf(stdout, "assist: %s went from %.1f MiB to %.1f MiB\n", db.Path(), float64(before.Size())/(1<<20), float64(after.Size())/(1<<20))
	}
	return nil
}
