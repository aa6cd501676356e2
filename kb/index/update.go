package index

import (
	"fmt"
	"os"
	"path/filepath"

	"assist/kb"
	"assist/kb/segment"
)

// PutPhrase adds a phrase, or replaces the one with its id, in place: an
// edit costs one document, not a rebuild. Searches see it as soon as it
// returns. Its tags are taught to the segmenter first, like Build does.
func (ix *Index) PutPhrase(ph *kb.Phrase) error {
	return ix.put(Phrase, ph.ID, phraseDoc(ph), ph.Tags)
}

// DeletePhrase removes a phrase; an unknown id is no error.
func (ix *Index) DeletePhrase(id string) error { return ix.delete(Phrase, id) }

// PutProduct adds or replaces a product.
func (ix *Index) PutProduct(p *kb.Product) error {
	words := append([]string(nil), p.Aliases...)
	for _, f := range p.Facts {
		words = append(words, f.Name)
	}
	return ix.put(Product, p.ID, productDoc(p), words)
}

// DeleteProduct removes a product; an unknown id is no error.
func (ix *Index) DeleteProduct(id string) error { return ix.delete(Product, id) }

// PutRule adds or replaces a rule.
func (ix *Index) PutRule(r *kb.Rule) error { return ix.put(Rule, r.ID, ruleDoc(r), r.Tags) }

// DeleteRule removes a rule; an unknown id is no error.
func (ix *Index) DeleteRule(id string) error { return ix.delete(Rule, id) }

func (ix *Index) put(kind Kind, id string, doc document, words []string) error {
	if id == "" {
		return kb.Errorf(kb.EInvalid, "index %s: no id", kind)
	}
	learnt := segment.AddWords(words)
	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer ix.cache.changed() // once the change and its counts are visible
	if learnt > 0 {
		ix.staleWords = true
	}
	if err := ix.touch(); err != nil {
		return err
	}
	if err := ix.kinds[kind].Index(id, doc); err != nil {
		return fmt.Errorf("index %s %q: %w", kind, id, err)
	}
	return ix.countKind(kind)
}

func (ix *Index) delete(kind Kind, id string) error {
	ix.mu.Lock()
	defer ix.mu.Unlock()
	defer ix.cache.changed()
	if err := ix.touch(); err != nil {
		return err
	}
	if err := ix.kinds[kind].Delete(id); err != nil {
		return fmt.Errorf("index: delete %s %q: %w", kind, id, err)
	}
	return ix.countKind(kind)
}

// touch takes the ready marker away before the first change: until Close
// marks the index again, a crash leaves it to be rebuilt, never reused half
// written.
func (ix *Index) touch() error {
	if ix.dirty {
		ix.version = ""
		return nil
	}
	if err := os.Remove(filepath.Join(ix.dir, markerFile)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("index %s: %w", ix.dir, err)
	}
	ix.dirty = true
	// Only the caller knows which version of the shop the index now
	// reflects: until SetVersion says, a Close does not mark it.
	ix.version = ""
	return nil
}
