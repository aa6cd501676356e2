package index

import (
	"fmt"
	"os"
	"path/filepath"
	"strconv"

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

// Index opens the index of shop at info's version when a complete one is
// there (a restart), else builds it.
func (d Dirs) Index(info kb.ShopInfo, shop *kb.Shop) (*Index, error) {
	ix, _, err := OpenOrBuild(d.Dir(info), shop, strconv.FormatInt(info.Version, 10))
	return ix, err
}

// Discard removes the index of a version no engine uses any more. A failure
// leaves a directory behind and nothing else: the next build replaces it.
func (d Dirs) Discard(info kb.ShopInfo) {
	os.RemoveAll(d.Dir(info))
}
