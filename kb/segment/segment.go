// Package segment cuts Chinese chat and knowledge text into words with gse
// and registers the result as a bleve analyzer. One segmenter serves the
// whole process: the index, the query side and the nudge logic all cut text
// the same way, and the dictionary (about a second and 100+ MB) loads once.
package segment

import (
	"fmt"
	"sync"
	"time"

	"github.com/go-ego/gse"
)

// minDictTokens guards against a silently empty dictionary: gse's loaders
// return nil even when they read nothing.
const minDictTokens = 100_000

var (
	once     sync.Once
	seg      gse.Segmenter
	loadTime time.Duration

	// mu guards seg.Dict: gse's AddToken and CalcToken rewrite the
	// dictionary in place, so AddWords must not run while text is cut.
	mu sync.RWMutex
)

// Segmenter returns the process-wide segmenter, loading it on first use from
// gse's embedded simplified dictionary plus words.txt. Text is folded to
// simplified Chinese before it is cut, so the traditional dictionary is not
// loaded. Add words through AddWords, never on the segmenter directly: it
// holds the lock that keeps cutting safe.
//
// A dictionary that fails to load is a broken build, not a runtime
// condition, so Segmenter panics with the reason.
func Segmenter() *gse.Segmenter {
	once.Do(load)
	return &seg
}

// LoadTime is how long the first Segmenter call took to load the dictionary.
func LoadTime() time.Duration {
	Segmenter()
	return loadTime
}

func load() {
	start := time.Now()
	seg.SkipLog = true
	// Segment cuts by the dictionary's shortest path; the HMM model only
	// serves Cut with hmm=true, which this package does not use.
	seg.NotLoadHMM = true

	words, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		panic(fmt.Sprintf("segment: %v", err))
	}
	// Domain words go in first: gse keeps the first frequency it sees for a
	// word, so ours override the general dictionary, and its CalcToken at
	// the end of loading weighs them without a second pass.
	seg.Dict = gse.NewDict()
	seg.Init()
	for _, w := range words {
		if err := seg.AddToken(w.text, w.freq); err != nil {
			panic(fmt.Sprintf("segment: words.txt: add %q: %v", w.text, err))
		}
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		panic(fmt.Sprintf("segment: load gse dictionary zh_s: %v", err))
	}
	if n := seg.Dict.NumTokens(); n < minDictTokens {
		panic(fmt.Sprintf("segment: gse dictionary zh_s has %d words, want at least %d", n, minDictTokens))
	}
	loadTime = time.Since(start)
}
