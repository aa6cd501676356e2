package index

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"github.com/blevesearch/bleve/v2"
	bolterrors "go.etcd.io/bbolt/errors"

	"assist/kb"
	"assist/kb/segment"
)

// format is the version of how documents are written and cut; a marker of
// another format is not reused. Bump it when newDocument, the mapping or
// the analyzer changes meaning.
const format = "assist-index/1"

// markerFile is written last into a complete index, and again by Close
// after Put or Delete changed it: an index without one (a build cut short,
// a process killed after an update) is never reused.
const markerFile = "READY"

// lockWait is how long opening waits for an index open elsewhere.
const lockWait = "1s"

// marker says what a complete index on disk was built from.
type marker struct {
	Format string `json:"format"`
	// Words fingerprints the segmenter's own word lists: documents cut with
	// other lists would not match the words queries are cut into.
	Words   string `json:"words"`
	Version string `json:"version"`
}

func currentMarker(version string) marker {
	return marker{Format: format, Words: segment.Fingerprint(), Version: version}
}

func writeMarker(dir, version string) error {
	b, err := json.Marshal(currentMarker(version))
	if err != nil {
		return err
	}
	tmp := filepath.Join(dir, markerFile+".tmp")
	if err := os.WriteFile(tmp, b, 0o644); err != nil {
		return err
	}
	return os.Rename(tmp, filepath.Join(dir, markerFile))
}

// OpenOrBuild opens the index of shop in dir when it was built, and cleanly
// closed, for this same version of the shop's knowledge; otherwise (no
// index, another version, a build cut short, unreadable files) it builds a
// fresh one. version is the caller's: a revision number of the store or
// Fingerprint(shop); an empty version is never reused. reused says which
// happened.
func OpenOrBuild(dir string, shop *kb.Shop, version string) (ix *Index, reused bool, err error) {
	if dir == "" {
		return nil, false, errors.New("open index: no directory")
	}
	if version != "" && readyFor(dir, version) {
		// The query side must cut the shop's words as the index did.
		segment.AddWords(Vocabulary(shop))
		ix, err := open(dir)
		if err == nil {
			ix.version = version
			return ix, true, nil
		}
		if errors.Is(err, bolterrors.ErrTimeout) {
			// Open elsewhere in this process: rebuilding would pull the
			// files from under it.
			return nil, false, fmt.Errorf("open index %s: in use by another index value: %w", dir, err)
		}
	}
	ix, err = build(dir, shop, version)
	return ix, false, err
}

// readyFor reports whether dir holds a complete index marked with version.
func readyFor(dir, version string) bool {
	b, err := os.ReadFile(filepath.Join(dir, markerFile))
	if err != nil {
		return false
	}
	var m marker
	if json.NewDecoder(bytes.NewReader(b)).Decode(&m) != nil {
		return false
	}
	return m == currentMarker(version)
}

// open opens the per-kind indexes of a complete index directory.
func open(dir string) (*Index, error) {
	ix := &Index{kinds: map[Kind]bleve.Index{}, dir: dir}
	for _, k := range kinds {
		// An index open elsewhere holds a lock; wait for it a little, not
		// for ever.
		bi, err := bleve.OpenUsing(filepath.Join(dir, string(k)), map[string]any{"bolt_timeout": lockWait})
		if err != nil {
			ix.Close()
			return nil, fmt.Errorf("open index %s: %s: %w", dir, k, err)
		}
		ix.kinds[k] = bi
	}
	if err := ix.countTerms(); err != nil {
		ix.Close()
		return nil, fmt.Errorf("open index %s: %w", dir, err)
	}
	return ix, nil
}

// Close releases the index files. An index changed by Put or Delete is
// marked complete again for its version (see SetVersion), unless a Put
// taught the segmenter new words.
func (ix *Index) Close() error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	if ix.closed {
		return nil
	}
	ix.closed = true
	var errs []error
	for _, bi := range ix.kinds {
		errs = append(errs, bi.Close())
	}
	err := errors.Join(errs...)
	if err == nil && ix.dirty && !ix.staleWords && ix.version != "" {
		err = writeMarker(ix.dir, ix.version)
	}
	return err
}

// SetVersion records the version of the shop's knowledge the index now
// reflects, after Put and Delete brought it up to date; Close writes it.
func (ix *Index) SetVersion(version string) {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	ix.version = version
}

// Fingerprint is a version for a shop's knowledge computed from its content,
// for callers whose store keeps no revision number: equal shops give equal
// fingerprints.
func Fingerprint(shop *kb.Shop) string {
	h := sha256.New()
	// A Shop is plain data; its JSON encoding holds every field.
	if err := json.NewEncoder(h).Encode(shop); err != nil {
		panic(fmt.Sprintf("index: fingerprint shop %q: %v", shop.Name, err))
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
