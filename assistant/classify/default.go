// Package classify is the statistical reader of chat turns that stands beside
// the cue lexicon: a multinomial logistic regression over character 1- to
// 3-grams and gse words, trained from a labelled corpus of buyer and agent
// lines (corpus/*.tsv, each line with its provenance). It reads
// what the lexicon has no word for and says which pieces of a turn weighed
// most, so a nudge it raises can show why.
package classify

import (
	"bytes"
	"compress/gzip"
	"embed"
	"fmt"
	"io"
	"io/fs"
	"sort"
	"sync"
)

//go:embed corpus/*.tsv
var corpusFS embed.FS

// Corpus is the embedded labelled corpus, every file in name order.
func Corpus() ([]Example, error) {
	names, err := fs.Glob(corpusFS, "corpus/*.tsv")
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []Example
	for _, n := range names {
		data, err := corpusFS.ReadFile(n)
		if err != nil {
			return nil, err
		}
		ex, err := ParseCorpus(n, bytes.NewReader(data))
		if err != nil {
			return nil, err
		}
		out = append(out, ex...)
	}
	return out, nil
}

// Classifier holds one model per role.
type Classifier struct {
	Buyer, Agent *Model
}

// New trains a classifier on the examples. The two roles' models share
// nothing, so they train side by side: a process's start waits for the
// longer one, not for both.
func New(examples []Example, opt TrainOptions) *Classifier {
	c := &Classifier{}
	done := make(chan struct{})
	go func() {
		defer close(done)
		c.Agent = Train(examples, "agent", opt)
	}()
	c.Buyer = Train(examples, "buyer", opt)
	<-done
	return c
}

// For is the model of a role, nil for an unknown role.
func (c *Classifier) For(role string) *Model {
	switch role {
	case "buyer":
		return c.Buyer
	case "agent":
		return c.Agent
	}
	return nil
}

// defaultModel is the classifier New trains on the embedded corpus with
// the default options, trained when the corpus or the features change
// rather than at every start: training reads every line through gse,
// which wants the dictionary alone, a second copy of it beside the one
// with a shop's words. TestDefaultModel trains it afresh and fails when
// the file differs, so it is never stale unnoticed.
//
// The file is gzipped: 0.7 MB in the binary instead of 1.8.
//
//go:generate go test -run ^TestDefaultModel$ -update-model .
//go:embed default.model.gz
var defaultModelGz []byte

var defaultClassifier = sync.OnceValue(func() *Classifier {
	ex, err := Corpus()
	if err != nil {
		panic(fmt.Sprintf("classify: embedded corpus: %v", err))
	}
	data, err := gunzip(defaultModelGz)
	if err != nil {
		panic(fmt.Sprintf("classify: default.model.gz: %v", err))
	}
	c, err := Decode(data, ex)
	if err != nil {
		panic(fmt.Sprintf("classify: default.model.gz: %v", err))
	}
	return c
})

func gunzip(b []byte) ([]byte, error) {
	zr, err := gzip.NewReader(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	return io.ReadAll(zr)
}

// Default is the classifier trained on the embedded corpus
// (default.model.gz), read once per process, on first use.
func Default() *Classifier { return defaultClassifier() }
