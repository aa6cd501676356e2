package main

import (
	"context"
	"path/filepath"
	"sync"

	"assist/assistant"
	"assist/kb/index"
	"assist/kb/sqlite"
)

// reloader rebuilds the engine's knowledge after an admin edit. The new
// index is built beside the one in use (index and index.next take turns), so
// turns keep being answered from the old one until the swap.
type reloader struct {
	mu     sync.Mutex
	db     *sqlite.DB
	engine *assistant.Engine
	shop   string
	dirs   [2]string
	cur    int
}

func newReloader(db *sqlite.DB, eng *assistant.Engine, shop, dataDir string) *reloader {
	return &reloader{db: db, engine: eng, shop: shop,
		dirs: [2]string{indexPath(dataDir), filepath.Join(dataDir, "index.next")}}
}

func (r *reloader) reload(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	shop, err := r.db.Shop(ctx, r.shop)
	if err != nil {
		return err
	}
	next := 1 - r.cur
	idx, err := index.Build(r.dirs[next], shop)
	if err != nil {
		return err
	}
	if err := r.engine.Reload(shop, idx); err != nil {
		return err
	}
	r.cur = next
	return nil
}
