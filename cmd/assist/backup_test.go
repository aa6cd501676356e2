package main

import (
	"context"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"

	"assist/kb/sqlite"
)

// runCmd runs assist with args and returns the exit status and the output.
func runCmd(args ...string) (int, string) {
	var out syncBuffer
	code := run(context.Background(), args, &out, &out)
	return code, out.String()
}

// assist backup copies the store while assist serve runs and another
// process writes; assist check finds the copy sound; a server started on
// the copy serves; a damaged copy is found and the output says what to do.
func TestBackupCheckAndRestore(t *testing.T) {
	ctx := context.Background()
	data := filepath.Join(t.TempDir(), "data")
	runServe(t, data) // stopped at cleanup, once its start-up warm-up is long over

	// Beside the server, a writer commits pairs of rows that must travel
	// together (a table of the test's own in the store file).
	writer, err := sqlite.Open(ctx, storePath(data))
	if err != nil {
		t.Fatal(err)
	}
	defer writer.Close()
	if _, err := writer.SQL().Exec(`CREATE TABLE pairs (n INTEGER PRIMARY KEY, half INTEGER NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	var written atomic.Int64
	done := make(chan struct{})
	var wg sync.WaitGroup
	wg.Go(func() {
		for n := int64(0); ; n++ {
			select {
			case <-done:
				return
			default:
			}
			tx, err := writer.SQL().Begin()
			if err != nil {
				t.Error(err)
				return
			}
			tx.Exec(`INSERT INTO pairs (half) VALUES (?), (?)`, n, n)
			if err := tx.Commit(); err != nil {
				t.Error(err)
				return
			}
			written.Add(1)
		}
	})
	for written.Load() < 20 {
	}

	backup := filepath.Join(t.TempDir(), "nightly.db")
	code, out := runCmd("backup", "-data", data, "-o", backup)
	close(done)
	wg.Wait()
	if code != 0 || !strings.Contains(out, "backed up") {
		t.Fatalf("assist backup: exit %d\n%s", code, out)
	}
	if code, out := runCmd("backup", "-data", data, "-o", backup); code == 0 || !strings.Contains(out, "exists") {
		t.Errorf("a backup over an existing file: exit %d\n%s", code, out)
	}
	if code, out := runCmd("check", "-file", backup); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("assist check of the backup: exit %d\n%s", code, out)
	}
	if code, out := runCmd("check", "-data", data); code != 0 || !strings.HasPrefix(out, "ok: ") {
		t.Fatalf("assist check of the store being served: exit %d\n%s", code, out)
	}

	// Restore: the backup in place of the store of a new data directory.
	restored := filepath.Join(t.TempDir(), "restored")
	os.MkdirAll(restored, 0o750)
	b, err := os.ReadFile(backup)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(storePath(restored), b, 0o600); err != nil {
		t.Fatal(err)
	}
	url, rout, _ := runServe(t, restored)
	if strings.Contains(rout.String(), "one-time password") || strings.Contains(rout.String(), "store was empty") {
		t.Errorf("the restored store was taken for a new one:\n%s", rout)
	}
	res, err := http.Get(url + "/login")
	if err != nil || res.StatusCode != 200 {
		t.Fatalf("the server on the restored store: %v %v", res, err)
	}
	res.Body.Close()
	copy, err := sqlite.Open(ctx, backup)
	if err != nil {
		t.Fatal(err)
	}
	var rows, odd int
	copy.SQL().QueryRow(`SELECT COUNT(*), COUNT(*) % 2 FROM pairs`).Scan(&rows, &odd)
	copy.Close()
	if rows < 40 || odd != 0 {
		t.Errorf("the backup holds %d rows of pairs: want at least 40 (committed before it began), in whole pairs", rows)
	}

	// Damage in the middle of the file is found, and the output says what to do.
	for i := len(b) / 2; i < len(b)/2+8192 && i < len(b); i++ {
		b[i] = 0x5a
	}
	damaged := filepath.Join(t.TempDir(), "damaged.db")
	os.WriteFile(damaged, b, 0o600)
	code, out = runCmd("check", "-file", damaged)
	if code != 1 || !strings.Contains(out, "DAMAGED") || !strings.Contains(out, "Restore the newest backup") || !strings.Contains(out, ".recover") {
		t.Errorf("assist check of a damaged file: exit %d\n%s", code, out)
	}
}
