package law

import (
	"fmt"
	"os"
	"strings"
)

// Names is the word list of names.txt: the aliases of each statute, and the
// words that mark a source as a platform's rule, the shop's own policy or a
// statute the library lacks.
type Names struct {
	file     string
	aliases  []aliasLine
	platform []string
	shop     []string
	statute  []string // suffixes
	ignore   map[string]bool
}

type aliasLine struct {
	line  int
	law   string
	names []string
}

// DefaultNames is the embedded names.txt.
func DefaultNames() *Names {
	n, err := ParseNames("names.txt", embeddedNames)
	if err != nil {
		panic(fmt.Sprintf("law: %v", err))
	}
	return n
}

// ParseNamesFile reads a names list from a file.
func ParseNamesFile(path string) (*Names, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("law names: %w", err)
	}
	return ParseNames(path, data)
}

// ParseNames reads the names.txt format; errors name the file and line.
func ParseNames(file string, data []byte) (*Names, error) {
	n := &Names{file: file, ignore: map[string]bool{}}
	for i, line := range strings.Split(string(data), "\n") {
		if c := strings.IndexByte(line, '#'); c >= 0 {
			line = line[:c]
		}
		line = strings.TrimSpace(line)
		if line == "" {
			continue
		}
		kind, rest, _ := strings.Cut(line, " ")
		bad := func(format string, args ...any) error {
			return fmt.Errorf("%s:%d: %s", file, i+1, fmt.Sprintf(format, args...))
		}
		switch kind {
		case "law":
			name, list, ok := strings.Cut(rest, "=")
			name = strings.TrimSpace(name)
			if !ok || name == "" {
				return nil, bad("want law NAME = ALIAS, ALIAS …")
			}
			words := splitList(list)
			if len(words) == 0 {
				return nil, bad("law %s: no aliases after =", name)
			}
			n.aliases = append(n.aliases, aliasLine{line: i + 1, law: name, names: words})
		case "ignore":
			words := splitList(rest)
			if len(words) == 0 {
				return nil, bad("ignore: no words")
			}
			for _, w := range words {
				n.ignore[w] = true
			}
		case "platform", "shop", "statute":
			words := splitList(rest)
			if len(words) == 0 {
				return nil, bad("%s: no words", kind)
			}
			switch kind {
			case "platform":
				n.platform = append(n.platform, words...)
			case "shop":
				n.shop = append(n.shop, words...)
			default:
				n.statute = append(n.statute, words...)
			}
		default:
			return nil, bad("unknown entry %q; want law, platform, shop, statute or ignore", kind)
		}
	}
	return n, nil
}

func splitList(s string) []string {
	var out []string
	for _, w := range strings.FieldsFunc(s, func(r rune) bool { return r == ',' || r == '，' }) {
		if w = strings.TrimSpace(w); w != "" {
			out = append(out, w)
		}
	}
	return out
}

// kindOf tells what an unknown name (already folded by nameKey) stands for.
func (n *Names) kindOf(key string) Kind {
	for _, w := range n.platform {
		if strings.Contains(key, w) {
			return Platform
		}
	}
	for _, w := range n.shop {
		if strings.Contains(key, w) {
			return Shop
		}
	}
	for _, w := range n.statute {
		if strings.HasSuffix(key, w) {
			return Statute
		}
	}
	return Named
}
