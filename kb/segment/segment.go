// Package segment cuts Chinese chat and knowledge text into words and
// registers the result as a bleve analyzer. One dictionary serves the whole
// process: the index, the query side and the nudge logic all cut text the
// same way, and it loads once.
//
// The cut is gse's shortest-path cut over gse's dictionary (zh_s.txt), done
// here over a plain map: it loads in a fraction of gse's time, and words are
// added beside the dictionary in use and swapped in, so cutting never waits
// for an addition.
package segment

import (
	"fmt"
	"strings"
	"sync"
	"time"
)

// minDictTokens guards against a silently empty dictionary.
const minDictTokens = 100_000

var (
	once     sync.Once
	loadTime time.Duration
)

// Load loads the dictionary now rather than on the first cut; it is safe to
// call more than once.
//
// A dictionary that fails to load is a broken build, not a runtime
// condition, so loading panics with the reason.
func Load() { once.Do(load) }

// LoadTime is how long loading the dictionary took.
func LoadTime() time.Duration {
	Load()
	return loadTime
}

func load() {
	start := time.Now()
	words, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		panic(fmt.Sprintf("segment: %v", err))
	}
	// Domain words go in first: the first frequency given for a word
	// stands, so ours override the general dictionary.
	b := builder{m: make(map[string]*token, 800_000)}
	for _, w := range words {
		b.add(w.text, w.freq)
	}
	// Lines are cut out of the embedded text, not copied: the words stay
	// in the binary's read-only data.
	for rest := embeddedDict; rest != ""; {
		line, next, _ := strings.Cut(rest, "\n")
		b.addDictLine(line)
		rest = next
	}
	if b.added < minDictTokens {
		panic(fmt.Sprintf("segment: zh_s.txt gives %d words, want at least %d", b.added, minDictTokens))
	}
	publish(nil, b.m, nil, b.maxUnits, b.total)
	loadTime = time.Since(start)
}
