package classify

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
)

// None is the label of a line that calls for no nudge.
const None = "none"

// Example is one labelled line of the corpus.
type Example struct {
	Role     string // "buyer" or "agent"
	Category string // "kind.category" as in the cue lexicon (evidence.missing), or None
	Trade    string // the shop's trade (food, shoes …); "mixed" when unknown
	Source   string // where the line comes from: real-buyer-messages:N, team-written, hard-negative
	Text     string
	File     string // corpus file and line, for messages
	Line     int
}

// Kind is the nudge kind of the example's category ("evidence"), or None.
func (e Example) Kind() string { return KindOf(e.Category) }

// KindOf is the kind part of a "kind.category" label.
func KindOf(category string) string {
	if i := strings.IndexByte(category, '.'); i > 0 {
		return category[:i]
	}
	return category
}

// ParseCorpus reads a corpus file: tab-separated lines of role, category,
// trade, source and text; # starts a comment line. Errors name the file,
// the line and the field.
func ParseCorpus(name string, r io.Reader) ([]Example, error) {
	var out []Example
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 0, 64*1024), 1<<20)
	n := 0
	for sc.Scan() {
		n++
		line := strings.TrimRight(sc.Text(), "\r")
		if strings.TrimSpace(line) == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 5 {
			return nil, fmt.Errorf("%s:%d: want 5 tab-separated fields (role, category, trade, source, text), got %d", name, n, len(f))
		}
		e := Example{Role: f[0], Category: f[1], Trade: f[2], Source: f[3], Text: strings.TrimSpace(f[4]), File: name, Line: n}
		switch {
		case e.Role != "buyer" && e.Role != "agent":
			return nil, fmt.Errorf("%s:%d: role %q: want buyer or agent", name, n, e.Role)
		case e.Category != None && !validCategory(e.Category):
			return nil, fmt.Errorf("%s:%d: category %q: want kind.category (evidence.missing) or none", name, n, e.Category)
		case e.Trade == "":
			return nil, fmt.Errorf("%s:%d: trade is empty", name, n)
		case e.Source == "":
			return nil, fmt.Errorf("%s:%d: source is empty", name, n)
		case e.Text == "":
			return nil, fmt.Errorf("%s:%d: text is empty", name, n)
		}
		out = append(out, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	return out, nil
}

// LoadCorpus reads a corpus file from disk.
func LoadCorpus(path string) ([]Example, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("load corpus: %w", err)
	}
	return ParseCorpus(path, bytes.NewReader(data))
}

func validCategory(c string) bool {
	i := strings.IndexByte(c, '.')
	if i <= 0 || i == len(c)-1 {
		return false
	}
	for _, r := range c {
		if !(r >= 'a' && r <= 'z' || r == '_' || r == '.') {
			return false
		}
	}
	return true
}
