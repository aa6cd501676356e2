package segment

import (
	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/registry"

	"assist/kb/fold"
)

// Names under which the analysis parts are registered in bleve.
const (
	FoldFilterName = "assist_fold"
	TokenizerName  = "assist_gse"
	AnalyzerName   = "assist_zh"
)

// FoldFilter is a bleve char filter applying fold.String. Offsets of the
// tokens that follow refer to the folded text.
type FoldFilter struct{}

func (FoldFilter) Filter(input []byte) []byte {
	s := string(input)
	if f := fold.String(s); f != s {
		return []byte(f)
	}
	return input
}

// Tokenizer is a bleve tokenizer over Tokens.
type Tokenizer struct{}

func (Tokenizer) Tokenize(input []byte) analysis.TokenStream {
	toks := Tokens(string(input))
	stream := make(analysis.TokenStream, len(toks))
	for i, t := range toks {
		typ := analysis.AlphaNumeric
		if hasHan(t.Term) {
			typ = analysis.Ideographic
		}
		stream[i] = &analysis.Token{
			Term:     []byte(t.Term),
			Start:    t.Start,
			End:      t.End,
			Position: t.Position,
			Type:     typ,
		}
	}
	return stream
}

func FoldFilterConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.CharFilter, error) {
	return FoldFilter{}, nil
}

// TokenizerConstructor loads the dictionary now, so opening an index pays
// for it rather than the first chat message.
func TokenizerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Tokenizer, error) {
	Segmenter()
	return Tokenizer{}, nil
}

func AnalyzerConstructor(config map[string]interface{}, cache *registry.Cache) (analysis.Analyzer, error) {
	cf, err := cache.CharFilterNamed(FoldFilterName)
	if err != nil {
		return nil, err
	}
	tok, err := cache.TokenizerNamed(TokenizerName)
	if err != nil {
		return nil, err
	}
	lower, err := cache.TokenFilterNamed(lowercase.Name)
	if err != nil {
		return nil, err
	}
	return &analysis.DefaultAnalyzer{
		CharFilters:  []analysis.CharFilter{cf},
		Tokenizer:    tok,
		TokenFilters: []analysis.TokenFilter{lower},
	}, nil
}

// bleve's Register functions return an error on a duplicate name; like
// bleve's own plugins we panic, since two packages fighting over a name is
// a build mistake.
func init() {
	if err := registry.RegisterCharFilter(FoldFilterName, FoldFilterConstructor); err != nil {
		panic(err)
	}
	if err := registry.RegisterTokenizer(TokenizerName, TokenizerConstructor); err != nil {
		panic(err)
	}
	if err := registry.RegisterAnalyzer(AnalyzerName, AnalyzerConstructor); err != nil {
		panic(err)
	}
}
