package segment

import (
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/go-ego/gse"

	"assist/kb/fold"
)

// gseSegmenter is gse loaded the way this package loaded it before it cut
// text itself: words.txt first, then gse's own zh_s dictionary.
func gseSegmenter(t *testing.T) *gse.Segmenter {
	t.Helper()
	var seg gse.Segmenter
	seg.SkipLog = true
	seg.NotLoadHMM = true
	seg.Dict = gse.NewDict()
	seg.Init()
	words, err := parseWords(embeddedWords, "words.txt")
	if err != nil {
		t.Fatal(err)
	}
	for _, w := range words {
		if err := seg.AddToken(w.text, w.freq); err != nil {
			t.Fatal(err)
		}
	}
	if err := seg.LoadDictEmbed("zh_s"); err != nil {
		t.Fatal(err)
	}
	return &seg
}

// gseAddWords is how AddWords taught gse words.
func gseAddWords(seg *gse.Segmenter, words []string) {
	added := 0
	for _, s := range words {
		for _, piece := range strings.FieldsFunc(fold.String(s), notWordRune) {
			if !hasHan(piece) || utf8.RuneCountInString(piece) > maxWordRunes {
				continue
			}
			if _, _, known := seg.Find(piece); known {
				continue
			}
			if seg.AddToken(piece, DefaultFreq) == nil {
				added++
			}
		}
	}
	if added > 0 {
		seg.CalcToken()
	}
}

// gseTokens is Tokens as it was over gse.
func gseTokens(seg *gse.Segmenter, text string) []Token {
	folded := fold.String(text)
	if folded == "" {
		return nil
	}
	var toks []Token
	pos := 0
	var sub func(tok *gse.Token, base int)
	sub = func(tok *gse.Token, base int) {
		if tok == nil {
			return
		}
		for _, s := range tok.Segments() {
			start, end := base+s.Start(), base+s.End()
			term := folded[start:end]
			if utf8.RuneCountInString(term) < 2 || !hasWord(term) || stop[term] {
				continue
			}
			toks = append(toks, Token{Term: term, Start: start, End: end, Position: pos})
			sub(s.Token(), start)
		}
	}
	for _, sg := range seg.Segment([]byte(folded)) {
		term := folded[sg.Start():sg.End()]
		if !hasWord(term) {
			continue
		}
		pos++
		if stop[term] {
			continue
		}
		toks = append(toks, Token{Term: term, Start: sg.Start(), End: sg.End(), Position: pos})
		sub(sg.Token(), sg.Start())
	}
	return toks
}

// corpus is every string of the repository's shops and cases, and the real
// buyer lines of the shared folder when it is there.
func corpus(t *testing.T) []string {
	t.Helper()
	var files []string
	for _, pattern := range []string{"../../testdata/shops/*/*.json*", "../../assistant/testdata/*.json",
		"../../assistant/eval/testdata/*.json*", "../../../shared/eval/*.json*"} {
		m, _ := filepath.Glob(pattern)
		files = append(files, m...)
	}
	var lines []string
	var walk func(v any)
	walk = func(v any) {
		switch v := v.(type) {
		case string:
			lines = append(lines, v)
		case []any:
			for _, x := range v {
				walk(x)
			}
		case map[string]any:
			for _, x := range v {
				walk(x)
			}
		}
	}
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, doc := range strings.Split(string(b), "\n") {
			var v any
			if json.Unmarshal([]byte(doc), &v) == nil {
				walk(v)
			}
		}
		var v any
		if json.Unmarshal(b, &v) == nil {
			walk(v)
		}
	}
	if b, err := os.ReadFile("../../../shared/eval/real-buyer-messages.txt"); err == nil {
		lines = append(lines, strings.Split(string(b), "\n")...)
	}
	lines = append(lines, "iPhone15手机壳AA制4S店", "ＡＢＣ全角Ｔｙｐｅ－Ｃ接口", "ひらがなカタカナ混在", "\xff\xfe坏字节", "")
	if len(lines) < 500 {
		t.Fatalf("corpus of %d lines: the test shops did not load", len(lines))
	}
	return lines
}

// TestCutMatchesGse pins the cut to gse's, word for word and sub-word for
// sub-word, on every line of the test shops and cases, before and after a
// shop's words are added.
func TestCutMatchesGse(t *testing.T) {
	if testing.Short() || raceEnabled {
		t.Skip("loads gse's dictionary and compares single-threaded: nothing for -race to find")
	}
	lines := corpus(t)
	seg := gseSegmenter(t)
	// Start from the dictionary as loaded, as gse does, and leave the
	// words this test adds behind.
	saved := dict()
	publish(saved, saved.base, nil, saved.baseMaxUnits, saved.baseTotal)
	defer publish(saved, saved.base, saved.added, saved.maxUnits, saved.total)
	compare := func(stage string) {
		t.Helper()
		bad := 0
		for _, line := range lines {
			if got, want := Tokens(line), gseTokens(seg, line); !slices.Equal(got, want) {
				bad++
				if bad <= 5 {
					t.Errorf("%s: Tokens(%q)\n got %v\nwant %v", stage, line, got, want)
				}
			}
		}
		if bad > 0 {
			t.Errorf("%s: %d of %d lines cut unlike gse", stage, bad, len(lines))
		}
	}
	compareAfter := func(stage string, vocab []string) {
		AddWords(vocab)
		gseAddWords(seg, vocab)
		compare(stage)
	}
	compareAfter("dictionary as loaded", nil)
	var vocab []string
	for _, line := range lines {
		if n := utf8.RuneCountInString(line); n >= 2 && n <= 6 {
			vocab = append(vocab, line) // short strings: names, tags and facts
		}
	}
	compareAfter("after a shop's words", vocab)
	compareAfter("after more words", []string{"云朵鞋垫", "轻羽跑鞋 奶油风收纳", "亚麻短"})
}

// BenchmarkDictionaryLoad loads the dictionary as gse did (its trie, then
// every word's sub-words) beside this package's map.
//
//	go test ./kb/segment -run X -bench DictionaryLoad -benchtime 3x -count 3
func BenchmarkDictionaryLoad(b *testing.B) {
	b.Run("gse", func(b *testing.B) {
		for b.Loop() {
			var seg gse.Segmenter
			seg.SkipLog, seg.NotLoadHMM = true, true
			seg.Dict = gse.NewDict()
			seg.Init()
			if err := seg.LoadDictEmbed("zh_s"); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("map", func(b *testing.B) {
		for b.Loop() {
			bd := builder{m: make(map[string]*token, 800_000)}
			for rest := embeddedDict; rest != ""; {
				line, next, _ := strings.Cut(rest, "\n")
				bd.addDictLine(line)
				rest = next
			}
		}
	})
}
