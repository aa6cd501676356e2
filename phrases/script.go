package phrases

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"io"
	"runtime"
	"strings"
	"sync"
	"weak"

	"assist/kb"
	"assist/kb/fold"
)

// A shop writes in simplified or in traditional Chinese. Text the engine
// writes into a phrase (a shipping window, its own default wording) follows
// the shop's script, so a traditional shop never reads 24小时內出貨.

//go:embed traditional.txt
var traditionalTxt []byte

// scriptWords maps the engine's own words to their traditional forms,
// longest first; a word list, not a character map, because one simplified
// character may stand for several traditional ones (发: 發/髮).
var scriptWords = func() *strings.Replacer {
	r, err := parseScriptWords(bytes.NewReader(traditionalTxt), "phrases/traditional.txt")
	if err != nil {
		panic(err)
	}
	return r
}()

func parseScriptWords(r io.Reader, name string) (*strings.Replacer, error) {
	var pairs []string
	sc := bufio.NewScanner(r)
	for line := 1; sc.Scan(); line++ {
		text := strings.TrimSpace(sc.Text())
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		f := strings.Fields(text)
		if len(f) != 2 {
			return nil, fmt.Errorf("%s:%d: want \"simplified traditional\", got %q", name, line, text)
		}
		if len([]rune(f[0])) != len([]rune(f[1])) {
			return nil, fmt.Errorf("%s:%d: traditional %q is not %q character for character", name, line, f[1], f[0])
		}
		if fold.String(f[1]) != fold.String(f[0]) {
			return nil, fmt.Errorf("%s:%d: %q does not simplify to %q", name, line, f[1], f[0])
		}
		pairs = append(pairs, f[0], f[1])
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	// strings.Replacer tries the old strings in argument order at each
	// position: put longer words first so 发货 wins over 发.
	sortPairsLongestFirst(pairs)
	return strings.NewReplacer(pairs...), nil
}

func sortPairsLongestFirst(pairs []string) {
	for i := 2; i < len(pairs); i += 2 {
		for j := i; j >= 2 && len(pairs[j]) > len(pairs[j-2]); j -= 2 {
			pairs[j], pairs[j-2] = pairs[j-2], pairs[j]
			pairs[j+1], pairs[j-1] = pairs[j-1], pairs[j+1]
		}
	}
}

// Script is the way a text is written.
type Script int

const (
	Simplified  Script = iota // the default: mainland shops
	Traditional               // Taiwan, Hong Kong
)

// ScriptOf says which script text leans to: more traditional-only than
// simplified-only characters is Traditional. ok is false when text holds
// neither (digits, shared characters), so the caller may ask elsewhere.
func ScriptOf(text string) (Script, bool) {
	trad, simp := count(text)
	switch {
	case trad > simp:
		return Traditional, true
	case simp > trad:
		return Simplified, true
	}
	return Simplified, false
}

func count(text string) (trad, simp int) {
	for _, r := range text {
		if r < 0x2E80 {
			continue
		}
		if fold.Traditional(r) {
			trad++
		} else if fold.Simplified(r) {
			simp++
		}
	}
	return trad, simp
}

// shopScripts remembers each loaded shop's script; an entry goes when its
// shop is collected (a reload builds a new *kb.Shop).
var shopScripts sync.Map // weak.Pointer[kb.Shop] → Script

// sampleRunes bounds how much of a shop is read to tell its script.
const sampleRunes = 4000

// ShopScript is the script of the shop's own words: its name, product
// titles and phrases. A shop is read once; treat it as read-only after.
func ShopScript(s *kb.Shop) Script {
	if s == nil {
		return Simplified
	}
	key := weak.Make(s)
	if v, ok := shopScripts.Load(key); ok {
		return v.(Script)
	}
	var trad, simp, seen int
	add := func(text string) bool {
		t, si := count(text)
		trad, simp, seen = trad+t, simp+si, seen+len(text)/3
		return seen < sampleRunes
	}
	_ = add(s.Name)
	for i := range s.Phrases {
		if !add(s.Phrases[i].Title) || !add(s.Phrases[i].Text) {
			break
		}
	}
	for i := range s.Products {
		if !add(s.Products[i].Title) {
			break
		}
	}
	script := Simplified
	if trad > simp {
		script = Traditional
	}
	if _, loaded := shopScripts.LoadOrStore(key, script); !loaded {
		runtime.AddCleanup(s, func(k weak.Pointer[kb.Shop]) { shopScripts.Delete(k) }, key)
	}
	return script
}

// textScript is the script to write into text: the text's own lean, else
// the shop's.
func textScript(s *kb.Shop, text string) Script {
	if sc, ok := ScriptOf(outsidePlaceholders(text, func(t string) string { return t }, false)); ok {
		return sc
	}
	return ShopScript(s)
}

// InScript writes the engine's own words of text in script sc. Only words
// of phrases/traditional.txt change: the list holds what the engine writes.
func InScript(sc Script, text string) string {
	if sc != Traditional {
		return text
	}
	return outsidePlaceholders(text, scriptWords.Replace, true)
}

// outsidePlaceholders applies f to the text between placeholders and keeps
// each {name} as written (names are simplified whatever the shop's script),
// or drops it when keep is false.
func outsidePlaceholders(text string, f func(string) string, keep bool) string {
	var b strings.Builder
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			b.WriteString(f(text))
			return b.String()
		}
		end := strings.IndexByte(text[open:], '}')
		if end < 0 {
			b.WriteString(f(text))
			return b.String()
		}
		b.WriteString(f(text[:open]))
		if keep {
			b.WriteString(text[open : open+end+1])
		}
		text = text[open+end+1:]
	}
}

// ForShop writes the engine's own words of text the way shop s writes, e.g.
// the engine's default shipping wording before it is filled.
func ForShop(s *kb.Shop, text string) string { return InScript(ShopScript(s), text) }

// ShipTimeFor is a shipping window the way shop s writes it: 24小时 or 24小時.
func ShipTimeFor(s *kb.Shop, hours int) string { return ForShop(s, FormatHours(hours)) }
