package main

import (
	"context"
	"errors"
	"fmt"
	"io"

	"assist/kb/sqlite"
)

func init() { register(&checkCmd{}) }

// checkCmd checks a store (or a backup) and says what to do if it is
// damaged.
type checkCmd struct{}

func (*checkCmd) Name() string { return "check" }
func (*checkCmd) Synopsis() string {
	return "check the store (or a backup) for damage and say what to do; exits 1 if damaged"
}

// errDamaged is the exit status of a store found damaged; the findings have
// been printed.
var errDamaged = errors.New("the store is damaged; see above")

func (c *checkCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR | -file FILE]")
	data := fs.String("data", defaultDataDir, "data directory of the server")
	file := fs.String("file", "", "a store file to check instead, such as a backup")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	path := *file
	if path == "" {
		path = storePath(*data)
	}
	rep, err := sqlite.Check(ctx, path)
	if err != nil {
		return err
	}
	if rep.OK() {
		fmt.Fprintf(stdout, "ok: %s is sound (migration %d of %d", rep.Path, rep.Schema, rep.Known)
		if rep.WALBytes > 0 {
			fmt.Fprintf(stdout, "; %d KiB of recent commits in %s-wal, which belongs to it", rep.WALBytes>>10, rep.Path)
		}
		fmt.Fprintln(stdout, ")")
		if rep.Schema < rep.Known {
			fmt.Fprintf(stdout, "the next assist serve applies migrations %d to %d\n", rep.Schema+1, rep.Known)
		}
		return nil
	}
	fmt.Fprintf(stdout, "DAMAGED: %s\n", rep.Path)
	for _, p := range rep.Problems {
		fmt.Fprintf(stdout, "  - %s\n", p)
	}
	fmt.Fprintf(stdout, `
What to do (docs/operations.md, "A damaged store"):
  1. Stop assist serve. Copy %[1]s, %[1]s-wal and %[1]s-shm somewhere safe, as they are.
     Never delete the -wal file: it holds the latest commits.
  2. Restore the newest backup: move the damaged files out of the way, copy the backup to
     %[1]s, and run assist check again.
  3. No backup? Salvage what can be read into a new file:
       sqlite3 %[1]s ".recover" | sqlite3 recovered.db
     check it (assist check -file recovered.db) and put it in place of %[1]s.
  4. The search index is rebuilt from the store at every start: nothing to restore there.
`, rep.Path)
	return errDamaged
}
