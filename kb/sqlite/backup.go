package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/mattn/go-sqlite3"

	"assist/kb"
)

// Backup writes a copy of the store to path with SQLite's online backup API,
// while the server goes on serving: the copy is taken in one read
// transaction, so it holds every transaction committed before the backup
// began and none of the ones after (WAL lets writers go on meanwhile). The
// copy is a single file with no write-ahead log beside it; it is written
// under a temporary name, checked and only then renamed to path, so a
// backup that fails leaves no file that looks like a good one.
func (db *DB) Backup(ctx context.Context, path string) (err error) {
	if _, err := os.Stat(path); err == nil {
		return kb.Errorf(kb.EConflict, "backup %s: the file exists; name a new file (backups are never overwritten)", path)
	}
	tmp := filepath.Join(filepath.Dir(path), "."+filepath.Base(path)+".partial")
	os.Remove(tmp)
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if err := db.backupTo(ctx, tmp); err != nil {
		return fmt.Errorf("backup %s to %s: %w", db.path, path, err)
	}
	if err := syncFile(tmp); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("backup %s: %w", path, err)
	}
	return syncFile(filepath.Dir(path))
}

func (db *DB) backupTo(ctx context.Context, path string) error {
	dst, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=DELETE")
	if err != nil {
		return err
	}
	defer dst.Close()
	dconn, err := dst.Conn(ctx)
	if err != nil {
		return err
	}
	defer dconn.Close()
	sconn, err := db.db.Conn(ctx)
	if err != nil {
		return err
	}
	defer sconn.Close()
	err = dconn.Raw(func(d any) error {
		return sconn.Raw(func(s any) error {
			dc, ok1 := d.(*sqlite3.SQLiteConn)
			sc, ok2 := s.(*sqlite3.SQLiteConn)
			if !ok1 || !ok2 {
				return errors.New("not a go-sqlite3 connection")
			}
			b, err := dc.Backup("main", sc, "main")
			if err != nil {
				return err
			}
			// All pages in one step: one read transaction, one snapshot.
			// In steps, a write by the server between two of them would
			// restart the copy, and a busy server would never let it end.
			done, err := b.Step(-1)
			if err != nil {
				b.Close()
				return err
			}
			if !done {
				b.Close()
				return errors.New("backup step did not finish")
			}
			return b.Finish()
		})
	})
	if err != nil {
		return err
	}
	// The copy carries the store's WAL flag; make it one self-contained file.
	if _, err := dconn.ExecContext(ctx, `PRAGMA journal_mode=DELETE`); err != nil {
		return err
	}
	problems, err := integrityProblems(ctx, dconn)
	if err != nil {
		return err
	}
	if len(problems) > 0 {
		return fmt.Errorf("the copy fails its integrity check: %s (run assist check on the store)", problems[0])
	}
	return nil
}

// syncFile flushes a file or directory to disk.
func syncFile(path string) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	return f.Sync()
}
