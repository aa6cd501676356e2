// Package index is the bleve full-text index of a shop's knowledge. It is
// derived from the store: Build always starts from scratch, so the index can
// be thrown away and rebuilt at any time.
package index

import (
	"errors"
	"fmt"
	"os"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/analyzer/keyword"
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

// Fields of an indexed document. Title and tags say what a document is about
// in few words and weigh more than the body.
const (
	fieldKind  = "kind"
	fieldTitle = "title"
	fieldTags  = "tags"
	fieldBody  = "body"
)

// searchFields are matched in this order so queries are built the same way
// every time.
var searchFields = []struct {
	name  string
	boost float64
}{{fieldTitle, 3}, {fieldTags, 2}, {fieldBody, 1}}

// Index is a built, searchable index of one shop.
type Index struct {
	bi  bleve.Index
	dir string
}

type document struct {
	Kind  string `json:"kind"`
	Title string `json:"title"`
	Tags  string `json:"tags"`
	Body  string `json:"body"`
}

// newMapping builds the mapping: Chinese text through the gse analyzer,
// kind as a keyword, BM25 scoring.
func newMapping() *mapping.IndexMappingImpl {
	text := bleve.NewTextFieldMapping()
	text.Analyzer = segment.AnalyzerName
	text.Store = false
	text.IncludeTermVectors = false
	text.IncludeInAll = false
	kind := bleve.NewTextFieldMapping()
	kind.Analyzer = keyword.Name
	kind.Store = false
	kind.IncludeInAll = false

	dm := bleve.NewDocumentStaticMapping()
	dm.AddFieldMappingsAt(fieldKind, kind)
	dm.AddFieldMappingsAt(fieldTitle, text)
	dm.AddFieldMappingsAt(fieldTags, text)
	dm.AddFieldMappingsAt(fieldBody, text)

	im := bleve.NewIndexMapping()
	im.DefaultMapping = dm
	im.DefaultAnalyzer = segment.AnalyzerName
	im.ScoringModel = bleveindex.BM25Scoring
	return im
}

// Build creates a fresh index of shop in dir, replacing whatever dir held.
// The shop's own vocabulary (titles, aliases, fact names, tags) is taught to
// the segmenter first, so its words are cut whole on both index and query side.
func Build(dir string, shop *kb.Shop) (*Index, error) {
	if dir == "" {
		return nil, errors.New("build index: no directory")
	}
	if err := os.RemoveAll(dir); err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	segment.AddWords(Vocabulary(shop))
	bi, err := bleve.NewUsing(dir, newMapping(), scorch.Name, scorch.Name, nil)
	if err != nil {
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	batch := bi.NewBatch()
	for _, p := range shop.Products {
		if err := batch.Index(docID(Product, p.ID), productDoc(&p)); err != nil {
			bi.Close()
			return nil, fmt.Errorf("build index: product %q: %w", p.ID, err)
		}
	}
	for _, r := range shop.Rules {
		if err := batch.Index(docID(Rule, r.ID), document{Kind: string(Rule), Title: r.Title,
			Tags: strings.Join(r.Tags, " "), Body: r.Text}); err != nil {
			bi.Close()
			return nil, fmt.Errorf("build index: rule %q: %w", r.ID, err)
		}
	}
	for _, ph := range shop.Phrases {
		if err := batch.Index(docID(Phrase, ph.ID), document{Kind: string(Phrase), Title: ph.Title,
			Tags: strings.Join(ph.Tags, " "), Body: ph.Text}); err != nil {
			bi.Close()
			return nil, fmt.Errorf("build index: phrase %q: %w", ph.ID, err)
		}
	}
	if err := bi.Batch(batch); err != nil {
		bi.Close()
		return nil, fmt.Errorf("build index %s: %w", dir, err)
	}
	return &Index{bi: bi, dir: dir}, nil
}

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
	return document{Kind: string(Product), Title: p.Title, Tags: strings.Join(p.Aliases, " "), Body: body.String()}
}

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

func docID(k Kind, id string) string { return string(k) + ":" + id }

// Close releases the index files.
func (ix *Index) Close() error { return ix.bi.Close() }

// Dir is where the index lives.
func (ix *Index) Dir() string { return ix.dir }
