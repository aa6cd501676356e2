// Package classify is the statistical reader of chat turns that stands beside
// the cue lexicon: a multinomial logistic regression over character 1- to
// 3-grams and gse words, trained in process from a labelled corpus of buyer
// and agent lines (corpus/*.tsv, each line with its provenance). It reads
// what the lexicon has no word for and says which pieces of a turn weighed
// most, so a nudge it raises can show why.
package classify

import (
	"bytes"
	"embed"
	"fmt"
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

var defaultClassifier = sync.OnceValue(func() *Classifier {
	ex, err := Corpus()
	if err != nil {
		panic(fmt.Sprintf("classify: embedded corpus: %v", err))
	}
	return New(ex, TrainOptions{})
})

// Default is the classifier trained on the embedded corpus, once per
// process, on first use.
func Default() *Classifier { return defaultClassifier() }
