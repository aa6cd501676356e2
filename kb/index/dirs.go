package index

import (
	"fmt"
	"os"
	"path/filepath"

	"assist/kb"
)

// Dirs keeps each shop's index under Root, one directory per shop and
// version (Root/shop-3/v12), so a new version is built beside the one turns
// are still searching, and the old one is removed once the engine has let it
// go.
type Dirs struct {
	Root string
}

// Dir is where the index of a shop at a version lives.
func (d Dirs) Dir(info kb.ShopInfo) string {
	return filepath.Join(d.Root, fmt.Sprintf("shop-%d", info.ID), fmt.Sprintf("v%d", info.Version))
}

// Index builds the index of shop at info's version.
func (d Dirs) Index(info kb.ShopInfo, shop *kb.Shop) (*Index, error) {
	return Build(d.Dir(info), shop)
}

// Discard removes the index of a version no engine uses any more. A failure
// leaves a directory behind and nothing else: the next build replaces it.
func (d Dirs) Discard(info kb.ShopInfo) {
	os.RemoveAll(d.Dir(info))
}
