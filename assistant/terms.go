package assistant

import (
	"bufio"
	"bytes"
	_ "embed"
	"fmt"
	"os"
	"strings"

	"assist/kb/fold"
)

//go:embed terms.txt
var defaultTerms []byte

// Terms are the engine's own word lists (see terms.txt).
type Terms struct {
	PreSale      []string
	MadeToOrder  []string
	PromiseQuery []string
	PreSaleQuery []string
	Prefer       map[string]string // upsell category → placeholder
	SafeShipping string
}

// DefaultTerms parses the embedded terms.txt.
func DefaultTerms() *Terms {
	t, err := ParseTerms("terms.txt", defaultTerms)
	if err != nil {
		panic("assistant: embedded terms.txt: " + err.Error())
	}
	return t
}

// LoadTerms reads an admin's edited terms file.
func LoadTerms(path string) (*Terms, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	return ParseTerms(path, data)
}

// ParseTerms parses the terms format; errors name file:line.
func ParseTerms(file string, data []byte) (*Terms, error) {
	t := &Terms{Prefer: map[string]string{}}
	section := ""
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if i := strings.Index(line, "#"); i >= 0 {
			line = strings.TrimSpace(line[:i])
		}
		if line == "" {
			continue
		}
		if strings.HasPrefix(line, "[") {
			if !strings.HasSuffix(line, "]") {
				return nil, fmt.Errorf("%s:%d: section header %q has no closing ]", file, n, line)
			}
			section = line[1 : len(line)-1]
			continue
		}
		word := fold.String(line)
		switch section {
		case "presale":
			t.PreSale = append(t.PreSale, word)
		case "made_to_order":
			t.MadeToOrder = append(t.MadeToOrder, word)
		case "query.shipping_promise":
			t.PromiseQuery = append(t.PromiseQuery, word)
		case "query.presale":
			t.PreSaleQuery = append(t.PreSaleQuery, word)
		case "prefer":
			k, v, ok := strings.Cut(line, "=")
			if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
				return nil, fmt.Errorf("%s:%d: [prefer]: want category = placeholder", file, n)
			}
			t.Prefer[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case "safe_shipping":
			t.SafeShipping = line
		case "":
			return nil, fmt.Errorf("%s:%d: %q comes before any [section]", file, n, line)
		default:
			return nil, fmt.Errorf("%s:%d: unknown section [%s]", file, n, section)
		}
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return t, nil
}

// containsAny reports whether folded text holds any of words.
func containsAny(text string, words []string) bool {
	for _, w := range words {
		if w != "" && strings.Contains(text, w) {
			return true
		}
	}
	return false
}
