package promise

import (
	_ "embed"
	"fmt"
	"os"
	"strconv"
	"strings"

	"assist/assistant/lexfile"
	"assist/kb/fold"
)

//go:embed lexicon.txt
var defaultLexicon []byte

// Lexicon is the checker's word lists, read from lexicon.txt or an admin's
// edited copy of it.
type Lexicon struct {
	entries []entry
}

// entry is one folded word and what it means.
type entry struct {
	word string
	cat  cat
	a, b int // day: offset and daypart index (-1 none); daypart: from, to; soon: minutes
	line int
}

// daypart is a named part of the day, in hours.
type daypart struct{ from, to int }

var sections = map[string]cat{
	"ship":          cShip,
	"deliver":       cDeliver,
	"pay":           cPay,
	"hedge":         cHedge,
	"hedge_deliver": cHedgeDeliver,
	"guarantee":     cGuarantee,
	"negation":      cNegation,
	"question":      cQuestion,
	"past":          cPast,
	"lapsed":        cLapsed,
	"ignore":        cIgnore,
	"day":           cDay,
	"daypart":       cDaypart,
	"soon":          cSoon,
	"week":          cWeek,
}

// DefaultLexicon parses the embedded lexicon.txt.
func DefaultLexicon() *Lexicon {
	lex, err := ParseLexicon("lexicon.txt", defaultLexicon)
	if err != nil {
		panic("promise: embedded lexicon.txt: " + err.Error())
	}
	return lex
}

// LoadLexicon reads an admin's lexicon file; errors name file:line.
func LoadLexicon(path string) (*Lexicon, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load promise lexicon: %w", err)
	}
	return ParseLexicon(path, data)
}

// ParseLexicon parses the lexicon format; file names the source in errors.
func ParseLexicon(file string, data []byte) (*Lexicon, error) {
	lex := &Lexicon{}
	seen := map[string]int{}  // folded word → line, to catch duplicates
	parts := map[string]int{} // daypart word → its index in entries
	type dayRef struct {
		entry int
		part  string
		line  int
	}
	var refs []dayRef
	err := lexfile.Each(file, data, func(l lexfile.Line) error {
		section, n := l.Section, l.N
		if l.Header {
			if _, ok := sections[section]; !ok {
				return lexfile.Errorf(file, n, "unknown section [%s]", section)
			}
			return nil
		}
		word, value, hasValue := strings.Cut(l.Text, "=")
		word = fold.String(strings.TrimSpace(word))
		value = strings.TrimSpace(value)
		if word == "" {
			return lexfile.Errorf(file, n, "[%s]: empty word", section)
		}
		if prev, dup := seen[word]; dup {
			return lexfile.Errorf(file, n, "[%s]: %q is already listed on line %d", section, word, prev)
		}
		seen[word] = n
		e := entry{word: word, cat: sections[section], b: -1, line: n}
		var err error
		switch e.cat {
		case cDay:
			var part string
			e.a, part, err = parseDay(value, hasValue)
			if part != "" {
				refs = append(refs, dayRef{entry: len(lex.entries), part: part, line: n})
			}
		case cDaypart:
			e.a, e.b, err = parseHours(value, hasValue)
			parts[word] = len(lex.entries)
		case cSoon:
			e.a, err = parseMinutes(value, hasValue)
		default:
			if hasValue {
				err = fmt.Errorf("takes no value, found %q", "="+value)
			}
		}
		if err != nil {
			return lexfile.Errorf(file, n, "[%s] %s: %v", section, word, err)
		}
		lex.entries = append(lex.entries, e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	for _, r := range refs {
		i, ok := parts[fold.String(r.part)]
		if !ok {
			return nil, fmt.Errorf("%s:%d: [day] %s: part of day %q is not listed under [daypart]",
				file, r.line, lex.entries[r.entry].word, r.part)
		}
		lex.entries[r.entry].b = i
	}
	return lex, nil
}

// parseDay reads "1" or "1 晚上".
func parseDay(v string, ok bool) (offset int, part string, err error) {
	if !ok || v == "" {
		return 0, "", fmt.Errorf("want word = days [part of day], e.g. 明晚 = 1 晚上")
	}
	f := strings.Fields(v)
	if len(f) > 2 {
		return 0, "", fmt.Errorf("want word = days [part of day], found %q", v)
	}
	offset, err = strconv.Atoi(f[0])
	if err != nil || offset < -7 || offset > 31 {
		return 0, "", fmt.Errorf("days %q is not a whole number from -7 to 31", f[0])
	}
	if len(f) == 2 {
		part = f[1]
	}
	return offset, part, nil
}

// parseHours reads "12-18".
func parseHours(v string, ok bool) (from, to int, err error) {
	a, b, dash := strings.Cut(v, "-")
	if !ok || !dash {
		return 0, 0, fmt.Errorf("want word = from-to hours, e.g. 下午 = 12-18")
	}
	from, err1 := strconv.Atoi(strings.TrimSpace(a))
	to, err2 := strconv.Atoi(strings.TrimSpace(b))
	if err1 != nil || err2 != nil || from < 0 || to > 24 || from > to {
		return 0, 0, fmt.Errorf("hours %q are not from-to within 0-24", v)
	}
	return from, to, nil
}

// parseMinutes reads "60".
func parseMinutes(v string, ok bool) (int, error) {
	m, err := strconv.Atoi(v)
	if !ok || err != nil || m <= 0 || m > 24*60 {
		return 0, fmt.Errorf("want word = minutes (1-1440), e.g. 马上 = 60")
	}
	return m, nil
}
