package segment

import (
	_ "embed"
	"math"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"unicode/utf8"
)

// zh_s.txt is gse's general simplified-Chinese dictionary (see gen/main.go).
// The segmenter reads it into a plain map, which takes a fraction of the
// time gse's own loader does (it builds a double-array trie and then cuts
// every one of the 350,000 words to precompute their sub-words); sub-words
// are worked out here only for the words that turn up in text.
//
//go:embed zh_s.txt
var embeddedDict string

// token is a dictionary word.
type token struct {
	text    string // its units run together, ASCII letters lower-cased
	units   int    // how many units (a Chinese character, or a run of letters and digits)
	freq    float64
	logFreq float32
	// sub caches the word's sub-words as cut under one dictionary version.
	sub atomic.Pointer[subwords]
}

type subwords struct {
	version uint64
	segs    []piece
}

// dictionary is one version of the segmenter's words. It is never changed
// once published: adding words makes a new version beside it, so text is
// cut without locks while words are added.
type dictionary struct {
	// base is the dictionary loaded at start, added the words learnt since
	// (rebuilt whole by every addition; the base is shared). A key maps to
	// its token, or to nil when it is only the beginning of longer words:
	// the walk along a text stops where no word begins that way.
	base, added map[string]*token
	maxUnits    int
	total       float64
	logTotal    float32
	version     uint64
	// What the base alone gives, to start afresh from it.
	baseMaxUnits int
	baseTotal    float64
}

// lookup finds key: its token (nil for a beginning only) and whether any
// word is or begins with key.
func (d *dictionary) lookup(key string) (*token, bool) {
	if t, ok := d.base[key]; ok {
		if t == nil {
			if a := d.added[key]; a != nil {
				return a, true
			}
		}
		return t, true
	}
	t, ok := d.added[key]
	return t, ok
}

// distance is a word's cost on the shortest path: log2(total/freq), as gse
// reckons it (in float32, so cuts match gse's to the last tie).
func (d *dictionary) distance(t *token) float32 { return d.logTotal - t.logFreq }

// numWords is how many words the dictionary holds.
func (d *dictionary) numWords() int {
	n := 0
	for _, m := range []map[string]*token{d.base, d.added} {
		for _, t := range m {
			if t != nil {
				n++
			}
		}
	}
	return n
}

var (
	current  atomic.Pointer[dictionary]
	versions atomic.Uint64
	// addMu makes additions one at a time; readers never take it.
	addMu sync.Mutex
)

func dict() *dictionary {
	once.Do(load)
	return current.Load()
}

// builder gathers words into a dictionary map.
type builder struct {
	m        map[string]*token
	slab     []token                     // tokens are allocated in blocks: fewer objects for the GC
	known    func(string) (*token, bool) // words already in an older map
	maxUnits int
	total    float64
	added    int
}

// add puts a word in unless it is there already (the first frequency given
// for a word stands, as in gse).
func (b *builder) add(text string, freq float64) {
	key := lowerASCII(text)
	if key == "" {
		return
	}
	if t, ok := b.m[key]; ok && t != nil {
		return
	}
	if b.known != nil {
		if t, _ := b.known(key); t != nil {
			return
		}
	}
	if len(b.slab) == cap(b.slab) {
		b.slab = make([]token, 0, 4096)
	}
	b.slab = b.slab[:len(b.slab)+1]
	t := &b.slab[len(b.slab)-1]
	t.text, t.units, t.freq, t.logFreq = key, countUnits(key), freq, float32(math.Log2(freq))
	b.m[key] = t
	for i := range key {
		if i == 0 {
			continue
		}
		if _, ok := b.m[key[:i]]; !ok {
			b.m[key[:i]] = nil
		}
	}
	b.total += freq
	b.maxUnits = max(b.maxUnits, t.units)
	b.added++
}

// addDictLine adds one "word freq" line of zh_s.txt as gse's loader would:
// words rarer than 2 are dropped and single characters weigh 2.
func (b *builder) addDictLine(line string) {
	text, freqText, ok := strings.Cut(line, " ")
	if !ok || text == "" || text[0] == '#' {
		return
	}
	freq, err := strconv.ParseFloat(strings.TrimSpace(freqText), 64)
	if err != nil || freq < 2 {
		return
	}
	if utf8.RuneCountInString(text) < 2 {
		freq = 2
	}
	b.add(text, freq)
}

func lowerASCII(s string) string {
	for i := 0; i < len(s); i++ {
		if 'A' <= s[i] && s[i] <= 'Z' {
			b := []byte(s)
			for j := i; j < len(b); j++ {
				if 'A' <= b[j] && b[j] <= 'Z' {
					b[j] += 'a' - 'A'
				}
			}
			return string(b)
		}
	}
	return s
}

// publish makes current the dictionary of base and added; from is the one
// it replaces (nil for the first).
func publish(from *dictionary, base, added map[string]*token, maxUnits int, total float64) {
	d := &dictionary{base: base, added: added, maxUnits: maxUnits, total: total,
		logTotal: float32(math.Log2(total)), version: versions.Add(1)}
	if from != nil {
		d.baseMaxUnits, d.baseTotal = from.baseMaxUnits, from.baseTotal
	} else {
		d.baseMaxUnits, d.baseTotal = maxUnits, total
	}
	current.Store(d)
}
