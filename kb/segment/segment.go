// Package segment cuts Chinese chat and knowledge text into words with gse
// and registers the result as a bleve analyzer. One segmenter serves the
// whole process: the index, the query side and the nudge logic all cut text
// the same way, and the dictionary (about a second and 100+ MB) loads once.
package segment

import (
	"bytes"
	"fmt"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/go-ego/gse"
)

// tokenRoom is room in the token list of a copy for words taught later.
const tokenRoom = 4096

// minDictTokens guards against a silently empty dictionary: gse's loaders
// return nil even when they read nothing.
const minDictTokens = 100_000

var (
	once     sync.Once
	loadTime time.Duration

	// Two copies of the segmenter take turns: text is cut with the active
	// one while words are added to the other, which then becomes active,
	// and the first is brought level once its last reader is done. gse
	// rewrites its dictionary in place (AddToken, then weighing), so with
	// one copy every cut would wait for it. The second copy
	// is loaded by LoadStandby, or else on the first addition of a new
	// word.
	active  atomic.Pointer[copyOf]
	standby *copyOf // guarded by addMu
	learned []word  // every word added since start, guarded by addMu
	addMu   sync.Mutex

	// preloaded is the words Preload gave for the first load, guarded by
	// addMu; loading is set once the first load has taken them.
	preloaded []word
	loading   bool
)

// copyOf is one loaded gse segmenter and the lock that keeps cutting and
// adding apart on it.
type copyOf struct {
	mu  sync.RWMutex
	seg gse.Segmenter
	// subs keeps each word's sub-words once a text has held it
	// (*gse.Token → []*gse.Segment); weigh forgets them.
	subs sync.Map
	// cut keeps the tokens of lines cut lately; weigh forgets them.
	cut cuts
	// gseSubwords: gse's CalcToken weighed the copy whole (gse.Token is
	// not mirrored), every word's sub-words are in its token.
	gseSubwords bool
	// held: what the copy's unscanned tokens point to (see unscanned); nil
	// for a copy as built, whose tokens the collector scans.
	held *unscanned
}

// Segmenter loads the process-wide segmenter if it is not yet and returns
// the copy text is cut with now. Cut through Tokens and add words through
// AddWords, never on the segmenter directly.
//
// A dictionary that fails to load is a broken build, not a runtime
// condition, so Segmenter panics with the reason.
func Segmenter() *gse.Segmenter {
	once.Do(load)
	return &active.Load().seg
}

// reading returns the active copy, read-locked; the caller unlocks it. It
// never waits for words being added: a copy being written is not active,
// and a reader that finds one locked takes the active one again.
func reading() *copyOf {
	once.Do(load)
	for {
		c := active.Load()
		if c.mu.TryRLock() {
			if active.Load() == c {
				return c
			}
			c.mu.RUnlock()
		}
		runtime.Gosched()
	}
}

// LoadTime is how long the first Segmenter call took to load the dictionary.
func LoadTime() time.Duration {
	Segmenter()
	return loadTime
}

func load() { firstLoad(nil) }

// firstLoad loads the first copy with the words Preload left and extra,
// beyond words.txt: a shop's words taught before anything was cut go into
// the first load, weighed with the rest in one pass, instead of a second
// copy and two more passes. It returns how many words of extra were new to
// the dictionary. It runs once, under once.
func firstLoad(extra []word) int {
	start := time.Now()
	addMu.Lock()
	pre := preloaded
	preloaded, loading = nil, true
	addMu.Unlock()
	c, fresh := newCopyWith(append(pre, extra...))
	addMu.Lock() // LoadStandby reads it; no holder of addMu waits for this load
	learned = fresh
	addMu.Unlock()
	active.Store(c)
	loadTime = time.Since(start)
	// New to the dictionary: fresh, less what Preload taught.
	inPre := make(map[string]bool, len(pre))
	for _, w := range pre {
		inPre[w.text] = true
	}
	n := 0
	for _, w := range fresh {
		if !inPre[w.text] {
			n++
		}
	}
	return n
}

// newCopyWith loads gse's dictionary with words.txt, then the words of
// more it does not know yet, each once, and weighs it; fresh is those.
// Both copies are made this way, so their words are added in the same
// order.
func newCopyWith(more []word) (c *copyOf, fresh []word) {
	c = loadDict()
	fresh = unknown(c, more)
	for _, w := range fresh {
		c.addWord(w)
	}
	c.weigh()
	return c, fresh
}

// unknown is words not in c's dictionary, each once.
func unknown(c *copyOf, words []word) []word {
	var fresh []word
	seen := map[string]bool{}
	for _, w := range words {
		if w.text == "" || seen[w.text] {
			continue
		}
		if _, _, known := c.seg.Find(w.text); !known {
			fresh = append(fresh, w)
			seen[w.text] = true
		}
	}
	return fresh
}

// loadDict loads gse's dictionary with words.txt, not weighed yet: more
// words are to come. It reads the one a start before kept, if there is one
// (see KeepDictionaryIn); else it builds it, keeps it, and reads it back
// from what it kept, as a later start would: either way the copy's tokens
// are unscanned (see unscanned).
func loadDict() *copyOf {
	c := emptyCopy()
	if c.held = readKept(&c.seg, tokenRoom); c.held != nil {
		return c
	}
	built := buildDict()
	if !keepable {
		return built
	}
	file := encodeKept(&built.seg) // before a shop's words are added to it
	keepBuilt(file)
	read := emptyCopy()
	held, err := readKeptFile(&read.seg, bytes.NewReader(file), int64(len(file)), tokenRoom)
	if err != nil {
		return built
	}
	read.held = held
	return read
}

// emptyCopy is a copy with gse's segmenter set up and no words.
func emptyCopy() *copyOf {
	c := &copyOf{}
	seg := &c.seg
	seg.SkipLog = true
	// Segment cuts by the dictionary's shortest path; the HMM model only
	// serves Cut with hmm=true, which this package does not use.
	seg.NotLoadHMM = true
	seg.Dict = gse.NewDict()
	seg.Init()
	return c
}

// buildDict builds a copy of gse's dictionary with words.txt from their
// texts, as gse would load them, not weighed.
func buildDict() *copyOf {
	c := emptyCopy()
	seg := &c.seg
	words, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		panic(fmt.Sprintf("segment: %v", err))
	}
	// Domain words go in first: gse keeps the first frequency it sees for a
	// word, so ours override the general dictionary, and one weighing at
	// the end weighs them with the rest.
	// Room for every word at once: growing the list of 350,000 tokens by
	// doubling copies it a dozen times.
	seg.Dict.Tokens = make([]gse.Token, 0, len(words)+strings.Count(gseZhS, "\n")+1+tokenRoom)
	for _, w := range words {
		if err := seg.AddToken(w.text, w.freq); err != nil {
			panic(fmt.Sprintf("segment: words.txt: add %q: %v", w.text, err))
		}
	}
	addGseWords(seg, gseZhS)
	if n := seg.Dict.NumTokens(); n < minDictTokens {
		panic(fmt.Sprintf("segment: gse dictionary zh_s has %d words, want at least %d", n, minDictTokens))
	}
	return c
}
