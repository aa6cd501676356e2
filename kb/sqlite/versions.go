package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"

	"assist/kb"
)

// versionFresh is how long a shop's version read from the store is trusted
// without reading it again. Every turn asks it (has the shop's knowledge
// changed?), and the read cost a turn a fifteenth of its CPU: each commit of
// another connection empties a reading connection's page cache, so the one
// row came from the file every time. An edit through this store is seen at
// once (commitEdit); an edit by another process on the same file (assist
// import while the server runs), within this time.
const versionFresh = time.Second

// versionCache keeps each shop's version as last read.
type versionCache struct {
	// edits counts the knowledge edits this store committed, each counted
	// after its commit. A version read is kept with the count seen before
	// the read and trusted only while the count is unchanged: whichever side
	// of an edit's commit the read fell, it is read again after the edit.
	edits atomic.Uint64
	m     sync.Map      // shop id → *seenVersion
	fresh time.Duration // versionFresh; tests shorten it
}

type seenVersion struct {
	version int64
	edits   uint64
	read    time.Time
}

// commitEdit commits a transaction that changed a shop's knowledge (and
// its version): the versions read before it are not trusted again.
func (db *DB) commitEdit(tx *sql.Tx) error {
	err := tx.Commit()
	db.versions.edits.Add(1)
	return err
}

// ShopVersion is the shop's knowledge version; it goes up with every import
// and edit. An unknown shop is not found.
func (db *DB) ShopVersion(ctx context.Context, shopID int64) (int64, error) {
	edits := db.versions.edits.Load()
	if e, ok := db.versions.m.Load(shopID); ok {
		if s := e.(*seenVersion); s.edits == edits && time.Since(s.read) < db.versions.fresh {
			return s.version, nil
		}
	}
	read := time.Now()
	var v int64
	err := db.db.QueryRowContext(ctx, `SELECT version FROM shops WHERE id = ?`, shopID).Scan(&v)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, kb.Errorf(kb.ENotFound, "no shop %d in the store", shopID)
	}
	if err != nil {
		return 0, fmt.Errorf("read shop %d: %w", shopID, err)
	}
	db.versions.m.Store(shopID, &seenVersion{version: v, edits: edits, read: read})
	return v, nil
}
