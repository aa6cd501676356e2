package segment

import (
	"bufio"
	"crypto/sha256"
	_ "embed"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"assist/kb/fold"
)

//go:embed words.txt
var embeddedWords string

//go:embed stopwords.txt
var embeddedStopwords string

// stop is the set of function words Tokens drops (stopwords.txt).
var stop = func() map[string]bool {
	words, err := parseWords(embeddedStopwords, "stopwords.txt")
	if err != nil {
		panic(fmt.Sprintf("segment: %v", err))
	}
	m := make(map[string]bool, len(words))
	for _, w := range words {
		m[w.text] = true
	}
	return m
}()

// DefaultFreq is the frequency of a word added without one. It is high
// against gse's counts for most multi-character words, so an added word is
// cut whole rather than split into characters, yet lower than the commonest
// single characters, so it does not swallow their neighbours.
const DefaultFreq = 1000

// maxWordRunes caps an added word: longer pieces (whole product titles)
// are left to the dictionary, which cuts them into their parts.
const maxWordRunes = 20

type word struct {
	text string
	freq float64
}

// parseWords reads "word [freq]" lines; '#' starts a comment. Words are
// folded because the text they must match is folded before it is cut.
func parseWords(text, name string) ([]word, error) {
	var words []word
	sc := bufio.NewScanner(strings.NewReader(text))
	for line := 1; sc.Scan(); line++ {
		s, _, _ := strings.Cut(sc.Text(), "#")
		fields := strings.Fields(s)
		switch len(fields) {
		case 0:
			continue
		case 1, 2:
		default:
			return nil, fmt.Errorf("%s:%d: want \"word [frequency]\", got %q", name, line, strings.TrimSpace(s))
		}
		w := word{text: fold.String(fields[0]), freq: DefaultFreq}
		if len(fields) == 2 {
			f, err := strconv.ParseFloat(fields[1], 64)
			if err != nil || f < 1 {
				return nil, fmt.Errorf("%s:%d: frequency %q is not a number ≥ 1", name, line, fields[1])
			}
			w.freq = f
		}
		words = append(words, w)
	}
	return words, sc.Err()
}

// LoadWordsFile adds the words of a file in the format of words.txt, so an
// admin can teach the segmenter words without a rebuild.
func LoadWordsFile(path string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("load words: %w", err)
	}
	words, err := parseWords(string(b), path)
	if err != nil {
		return fmt.Errorf("load words: %w", err)
	}
	addWords(words)
	return nil
}

// AddWords teaches the segmenter a shop's words (product titles, aliases,
// tags) so they are cut whole on both the index and the query side. Each
// string is folded and split at spaces and punctuation; pieces with no
// Chinese character, or longer than 20 characters, are skipped because gse
// already keeps runs of letters and digits together and cuts long titles
// into dictionary words. Words already known keep their weight.
//
// Adding words re-weighs the whole dictionary (about 6 ms once the second
// copy is loaded), so pass all of a shop's words in one call. Cutting never waits for it: the words
// go into a second copy of the segmenter, which takes over (see
// segment.go). It returns how many words were new.
func AddWords(words []string) int { return addWords(shopWords(words)) }

// shopWords is the pieces of words AddWords would teach.
func shopWords(words []string) []word {
	var add []word
	for _, s := range words {
		for _, piece := range strings.FieldsFunc(fold.String(s), notWordRune) {
			if hasHan(piece) && utf8.RuneCountInString(piece) <= maxWordRunes {
				add = append(add, word{text: piece, freq: DefaultFreq})
			}
		}
	}
	return add
}

// Preload starts loading the dictionary in the background with words (a
// server's shops' words) weighed in with the rest: their AddWords then
// finds them known, and nothing waits for a second copy or a second
// weighing. It does nothing once the dictionary is loading or loaded.
func Preload(words []string) {
	add := shopWords(words)
	addMu.Lock()
	defer addMu.Unlock()
	if loading || len(add) == 0 {
		return
	}
	preloaded = add
	go once.Do(load) // takes preloaded, even if another caller gets there first
}

// LoadStandby loads the second copy of the segmenter, with every word
// taught so far, so that the next new word (a tag an admin adds) swaps
// copies after one weighing instead of waiting for a whole load. A server
// calls it once its first shops are in: it takes a core for about a
// third of a second and 100 MiB. It does nothing if the second copy is there.
func LoadStandby() {
	once.Do(load)
	addMu.Lock()
	if standby != nil {
		addMu.Unlock()
		return
	}
	words := slices.Clone(learned)
	addMu.Unlock()
	c, _ := newCopyWith(words)
	addMu.Lock()
	defer addMu.Unlock()
	if standby == nil {
		learn(c, learned) // any taught while it loaded
		standby = c
	}
}

func addWords(words []word) int {
	// Words taught before the first cut go into the first load.
	first, n := false, 0
	once.Do(func() { first, n = true, firstLoad(words) })
	if first {
		return n
	}
	// Words the copy cutting now knows are known to both copies, or will
	// be once the other catches up: nothing to wait for (addMu is held
	// while it does).
	c := reading()
	fresh := unknown(c, words)
	c.mu.RUnlock()
	if len(fresh) == 0 {
		return 0
	}
	addMu.Lock()
	cur := active.Load()
	cur.mu.RLock()
	fresh = unknown(cur, words)
	cur.mu.RUnlock()
	if len(fresh) == 0 {
		addMu.Unlock()
		return 0
	}
	// The other copy learns the words while text is cut with this one,
	// then takes over; this one learns them once its readers are done.
	if standby == nil { // no LoadStandby: the caller waits for a whole load
		standby, _ = newCopyWith(append(slices.Clone(learned), fresh...))
	}
	learn(standby, fresh)
	active.Store(standby)
	learned = append(learned, fresh...)
	// The copy put aside catches up in the background: the caller has the
	// words already. The next addition waits for it (addMu is held).
	go func() {
		defer addMu.Unlock()
		learn(cur, fresh)
		standby = cur
	}()
	return len(fresh)
}

// learn adds words to a copy no reader is using (it waits for any who
// still are) and re-weighs its dictionary.
func learn(c *copyOf, words []word) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if words = unknown(c, words); len(words) == 0 {
		return // a copy made with them knows them already
	}
	for _, w := range words {
		c.addWord(w)
	}
	// New words have no weight until it is weighed again, and other
	// words' sub-words may now hold them.
	c.weigh()
}

// Fingerprint names the word lists text is cut with (gse's dictionary, as
// pinned by go.sum, plus this package's words and stop words): an index
// built under another fingerprint would not match the words queries are
// cut into, so it is rebuilt.
func Fingerprint() string {
	h := sha256.New()
	io.WriteString(h, gseVersion)
	io.WriteString(h, embeddedWords)
	io.WriteString(h, embeddedStopwords)
	return hex.EncodeToString(h.Sum(nil)[:16])
}

// gseVersion is the gse module whose dictionary is loaded; change it with
// go.mod's, so indexes built with the old dictionary are rebuilt.
const gseVersion = "github.com/go-ego/gse v0.80.3"

func notWordRune(r rune) bool {
	return !unicode.IsLetter(r) && !unicode.IsNumber(r)
}

func hasHan(s string) bool {
	for _, r := range s {
		if unicode.Is(unicode.Han, r) {
			return true
		}
	}
	return false
}
