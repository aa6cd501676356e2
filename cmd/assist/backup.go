package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"time"
)

func init() { register(&backupCmd{}) }

// backupCmd copies the store while the server runs.
type backupCmd struct{}

func (*backupCmd) Name() string { return "backup" }
func (*backupCmd) Synopsis() string {
	return "copy the store to one file, consistent, while the server runs (SQLite online backup)"
}

func (c *backupCmd) Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags(c, stderr, "[-data DIR] [-o FILE]")
	data := fs.String("data", defaultDataDir, "data directory of the server")
	out := fs.String("o", "", "the backup file, which must not exist (default: DIR/backups/assist-YYYYMMDD-HHMMSS.db)")
	if err := parseFlags(fs, args); err != nil {
		return err
	}
	if *out == "" {
		*out = filepath.Join(*data, "backups", "assist-"+time.Now().UTC().Format("20060102-150405")+".db")
	}
	if err := os.MkdirAll(filepath.Dir(*out), 0o750); err != nil {
		return fmt.Errorf("backup directory: %w", err)
	}
	db, err := openExisting(ctx, *data)
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	if err := db.Backup(ctx, *out); err != nil {
		return err
	}
	st, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "backed up %s to %s (%d KiB, %v); restore: stop the server, copy it to %s\n",
		db.Path(), *out, st.Size()>>10, time.Since(start).Round(time.Millisecond), storePath(*data))
	return nil
}
