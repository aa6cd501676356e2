// Package index is the bleve full-text index of a shop's knowledge. It is
// derived from the store: Build always starts from scratch, so the index can
// be thrown away and rebuilt at any time.
package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/mapping"
	bleveindex "github.com/blevesearch/bleve_index_api"

	"assist/kb"
	"assist/kb/segment"
)

// Kind is the kind of a document.
type Kind string

const (
	Product Kind = "product"
	Rule    Kind = "rule"
	Phrase  Kind = "phrase"
)

// Index is a built, searchable index of one shop: one bleve index per kind,
// so a word's rarity (BM25's IDF) is counted among documents of its own kind.
// Every product repeats the same fact names (材质, 颜色); counted together with
// phrases they would make those words look common where a phrase that speaks
// of them is rare.
type Index struct {
	kinds map[Kind]bleve.Index
	dir   string

	mu sync.RWMutex // guards what follows; held for writing by the Put and Delete methods
	// df counts, per kind, how many documents hold each term, and docs the
	// documents: a kind of more than exactDocs is searched by its rarest
	// terms (see Search), and a term no document holds costs no reader
	// (see searcherOf).
	df   map[Kind]map[string]int
	docs map[Kind]uint64
	// version is the store version the index reflects, written to the
	// marker on a clean Close (see OpenOrBuild); dirty says the files have
	// changed since the marker was last written.
	version string
	dirty   bool
	// staleWords says a Put taught the segmenter a word: documents indexed
	// before were cut without it, so the next start rebuilds.
	staleWords bool
	// closed says Close has run: searches fail rather than touch closed
	// bleve indexes.
	closed bool

	cache searchCache
}

// fieldText is the one searched field of a document.
const fieldText = "text"

// Title and tags say in few words what a document is about, so they are
// written into its text this many times: BM25 counts their words more, with
// diminishing returns. One field rather than one per part keeps bleve's
// coordination factor (the share of query words a document matches) counting
// words: a word in a title, tags and body is still one word matched, and does
// not outweigh a rarer word of the query found only once.
const (
	titleRepeat = 3
	tagsRepeat  = 2
)

type document struct {
	Text string `json:"text"`
}

// newDocument writes a document's parts into its searched text.
func newDocument(title string, tags []string, body string) document {
	var b strings.Builder
	for range titleRepeat {
		b.WriteString(title)
		b.WriteByte('\n')
	}
	for range tagsRepeat {
		b.WriteString(strings.Join(tags, " "))
		b.WriteByte('\n')
	}
	b.WriteString(body)
	return document{Text: b.String()}
}

// newMapping builds the mapping: Chinese text through the gse analyzer,
// BM25 scoring.
func newMapping() *mapping.IndexMappingImpl {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = segment.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = false
	text.IncludeInAll = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldText, text)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = segment.AnalyzerName
	im.ScoringModel = bleveindex.BM25Scoring
	return im
}

// keyed is a document and its id within its kind.
type keyed struct {
	id  string
	doc document
}

// Build creates a fresh index of shop in dir, replacing whatever dir held.
// The shop's own vocabulary (titles, aliases, fact names, tags) is taught to
// the segmenter first, so its words are cut whole on both index and query side.
// The index is written beside dir and moved into place once complete, so
// dir never holds half an index.
func Build(dir string, shop *kb.Shop) (*Index, error) { return build(dir, shop, "") }

func build(dir string, shop *kb.Shop, v string) (*Index, error) {
	if dir == "" {
		return nil, errors.New("build index: no directory")
	}
	dir = filepath.Clean(dir)
	segment.AddWords(Vocabulary(shop))
	docs := map[Kind][]keyed{}
	for i := range shop.Products {
		p := &shop.Products[i]
		docs[Product] = append(docs[Product], keyed{p.ID, productDoc(p)})
	}
	for _, r := range shop.Rules {
		docs[Rule] = append(docs[Rule], keyed{r.ID, ruleDoc(&r)})
	}
	for _, ph := range shop.Phrases {
		docs[Phrase] = append(docs[Phrase], keyed{ph.ID, phraseDoc(&ph)})
	}
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	tmp, err := os.MkdirTemp(filepath.Dir(dir), filepath.Base(dir)+".build-")
	if err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp) // gone once renamed; cleans up after a failure
	for _, k := range kinds {
		bi, err := buildKind(filepath.Join(tmp, string(k)), docs[k])
		if err != nil {
			return nil, fmt.Errorf("build index %s: %s: %w", dir, k, err)
		}
		if err := bi.Close(); err != nil {
			return nil, fmt.Errorf("build index %s: %s: %w", dir, k, err)
		}
	}
	if err := writeMarker(tmp, v); err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	if err := os.Rename(tmp, dir); err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	ix, err := open(dir)
	if err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	ix.version = v
	return ix, nil
}

// kinds are the kinds of document, one bleve index each.
var kinds = []Kind{Product, Rule, Phrase}

func buildKind(dir string, docs []keyed) (bleve.Index, error) {
	bi, err := bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, err
	}
	batch := bi.NewBatch()
	for _, d := range docs {
		if err := batch.Index(d.id, d.doc); err != nil {
			bi.Close()
			return nil, fmt.Errorf("%q: %w", d.id, err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		bi.Close()
		return nil, err
	}
	return bi, nil
}

// productDoc indexes a product by its title, aliases, facts and bundles.
func productDoc(p *kb.Product) document {
	var body strings.Builder
	for _, f := range p.Facts {
		body.WriteString(f.Name)
		body.WriteByte(' ')
		body.WriteString(f.Value)
		body.WriteByte('\n')
	}
	for _, b := range p.Bundles {
		body.WriteString(b.Title)
		body.WriteByte('\n')
	}
	return newDocument(p.Title, p.Aliases, body.String())
}

func ruleDoc(r *kb.Rule) document { return newDocument(r.Title, r.Tags, r.Text) }

func phraseDoc(ph *kb.Phrase) document { return newDocument(ph.Title, ph.Tags, ph.Text) }

// Vocabulary is the shop's own words: product titles and aliases, fact
// names, rule and phrase tags.
func Vocabulary(shop *kb.Shop) []string {
	var words []string
	for _, p := range shop.Products {
		words = append(words, p.Aliases...)
		for _, f := range p.Facts {
			words = append(words, f.Name)
		}
	}
	for _, r := range shop.Rules {
		words = append(words, r.Tags...)
	}
	for _, ph := range shop.Phrases {
		words = append(words, ph.Tags...)
	}
	return words
}

// Dir is where the index lives.
func (ix *Index) Dir() string { return ix.dir }
