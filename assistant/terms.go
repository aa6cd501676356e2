package assistant

import (
	_ "embed"
	"os"
	"strings"

	"assist/assistant/lexfile"
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
	// Premises are groups of words a phrase's title or tags may take for
	// granted about its product (see [premise] in terms.txt).
	Premises [][]string
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
	err := lexfile.Each(file, data, func(l lexfile.Line) error {
		if l.Header {
			return nil
		}
		word := fold.String(l.Text)
		switch l.Section {
		case "presale":
			t.PreSale = append(t.PreSale, word)
		case "made_to_order":
			t.MadeToOrder = append(t.MadeToOrder, word)
		case "query.shipping_promise":
			t.PromiseQuery = append(t.PromiseQuery, word)
		case "query.presale":
			t.PreSaleQuery = append(t.PreSaleQuery, word)
		case "prefer":
			k, v, ok := strings.Cut(l.Text, "=")
			if !ok || strings.TrimSpace(k) == "" || strings.TrimSpace(v) == "" {
				return lexfile.Errorf(file, l.N, "[prefer]: want category = placeholder")
			}
			t.Prefer[strings.TrimSpace(k)] = strings.TrimSpace(v)
		case "premise":
			var group []string
			for _, w := range strings.Fields(l.Text) {
				group = append(group, fold.String(w))
			}
			t.Premises = append(t.Premises, group)
		case "safe_shipping":
			t.SafeShipping = l.Text
		default:
			return lexfile.Errorf(file, l.N, "unknown section [%s]", l.Section)
		}
		return nil
	})
	if err != nil {
		return nil, err
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
