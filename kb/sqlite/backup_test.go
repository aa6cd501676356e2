package sqlite

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
)

// ledger is a table of the test's own: each transaction adds a row and
// counts it in a total, so a copy that is not one snapshot shows as a row
// count that differs from the total.
func ledger(t *testing.T, db *DB) {
	t.Helper()
	_, err := db.SQL().Exec(`CREATE TABLE ledger (n INTEGER PRIMARY KEY, note TEXT NOT NULL);
		CREATE TABLE total (id INTEGER PRIMARY KEY CHECK (id = 1), n INTEGER NOT NULL);
		INSERT INTO total VALUES (1, 0);`)
	if err != nil {
		t.Fatal(err)
	}
}

func addEntry(db *DB) error {
	tx, err := db.SQL().Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(`INSERT INTO ledger (note) VALUES (?)`, strings.Repeat("买家说充电器坏了", 10)); err != nil {
		return err
	}
	if _, err := tx.Exec(`UPDATE total SET n = n + 1`); err != nil {
		return err
	}
	return tx.Commit()
}

func counts(t *testing.T, db *DB) (rows, total int) {
	t.Helper()
	if err := db.SQL().QueryRow(`SELECT (SELECT COUNT(*) FROM ledger), (SELECT n FROM total)`).Scan(&rows, &total); err != nil {
		t.Fatal(err)
	}
	return rows, total
}

// A backup taken while another process writes as fast as it can holds
// everything committed before it began, is one consistent snapshot, stands
// alone without a write-ahead log, and did not stop the writer.
func TestBackupWhileServing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	path := filepath.Join(dir, "assist.db")
	server := openTemp(t)
	server.Close()
	server, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer server.Close()
	ledger(t, server)
	for range 5000 {
		if err := addEntry(server); err != nil {
			t.Fatal(err)
		}
	}
	// The backup runs from its own handle, as assist backup does.
	tool, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer tool.Close()

	var written atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for {
			select {
			case <-stop:
				return
			default:
			}
			if err := addEntry(server); err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	})
	for written.Load() < 50 { // the writer is going
	}
	before, _ := counts(t, server)
	backup := filepath.Join(dir, "backups", "assist-1.db")
	os.MkdirAll(filepath.Dir(backup), 0o750)
	started := written.Load()
	err = tool.Backup(ctx, backup)
	during := written.Load()
	for written.Load() < during+50 { // and goes on after
	}
	close(stop)
	wg.Wait()
	if err != nil {
		t.Fatal(err)
	}

	for _, suffix := range []string{"-wal", "-shm", "-journal"} {
		if _, err := os.Stat(backup + suffix); err == nil {
			t.Errorf("the backup left %s beside it: it should be one file", filepath.Base(backup+suffix))
		}
	}
	if rep, err := Check(ctx, backup); err != nil || !rep.OK() {
		t.Fatalf("check of the backup: %+v %v", rep, err)
	}
	copy, err := Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	defer copy.Close()
	rows, total := counts(t, copy)
	if rows != total {
		t.Errorf("the backup holds %d rows but counts %d: not one snapshot", rows, total)
	}
	if rows < before {
		t.Errorf("the backup holds %d rows, but %d were committed before it began", rows, before)
	}
	now, _ := counts(t, server)
	t.Logf("rows: %d before the backup, %d in it, %d after; the writer committed %d while it ran", before, rows, now, during-started)

	// A second backup to the same name is refused, the first one kept.
	if err := tool.Backup(ctx, backup); err == nil || !strings.Contains(err.Error(), "exists") {
		t.Errorf("a backup over an existing file: %v, want refused", err)
	}
	if rows2, _ := counts(t, copy); rows2 != rows {
		t.Errorf("the first backup changed: %d rows, was %d", rows2, rows)
	}
}
