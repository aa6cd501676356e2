// Package law is the library of statutes an agent may cite: the consumer
// protection law and its implementing regulation, the e-commerce law, the
// advertising law, the 7-day return measures and the express-delivery
// regulation, shipped inside the binary as the state's own texts
// (texts/README.md names each source). It splits each into articles, exact
// text kept, and resolves a rule's source such as
// 《消费者权益保护法》第二十四条 to the article it names.
//
// It depends on the standard library and kb/fold only, so the bundle
// reader can check sources without loading a segmenter; search lives in
// the search subpackage.
package law

import (
	"strings"
	"unicode/utf8"
)

// Law is one statute, split into its articles.
type Law struct {
	// Name is the name people cite, without 中华人民共和国:
	// 消费者权益保护法.
	Name string
	// FullName is the title as the state publishes it:
	// 中华人民共和国消费者权益保护法.
	FullName  string
	Version   string // 现行版本 or the promulgation line, as the text states it
	Effective string // 施行日期, as the text states it
	URL       string // where the text was taken from
	File      string // the embedded file it was parsed from
	Articles  []Article
}

// Article returns article n, or false when the law has no such article.
func (l *Law) Article(n int) (*Article, bool) {
	if n < 1 || n > len(l.Articles) {
		return nil, false
	}
	return &l.Articles[n-1], true
}

// Article is one article of a statute.
type Article struct {
	Law     string // the law's Name
	Number  int    // 1-based; Articles[i].Number == i+1
	Chapter string // e.g. 第三章 经营者的义务; "" when the law has no chapters
	Section string // e.g. 第二节 电子商务平台经营者; "" when the chapter has none
	// Text is the article as the state publishes it, without its label:
	// its paragraphs (款) and items (项) one a line, each line trimmed of the
	// indentation the source file used.
	Text string
}

// Label is the article's heading: 第二十四条.
func (a *Article) Label() string { return Label(a.Number) }

// Cite names the article as a source would: 《消费者权益保护法》第二十四条.
func (a *Article) Cite() string { return "《" + a.Law + "》" + a.Label() }

// Lines are the article's lines: each paragraph, and each item on its own.
func (a *Article) Lines() []string { return strings.Split(a.Text, "\n") }

// Paragraphs returns the article's paragraphs (款), each with the items (项)
// that follow it. A line opening with an item number such as （一） belongs
// to the paragraph before it.
func (a *Article) Paragraphs() []Paragraph {
	var ps []Paragraph
	for _, line := range a.Lines() {
		if _, ok := itemNumber(line); ok && len(ps) > 0 {
			last := &ps[len(ps)-1]
			last.Items = append(last.Items, line)
			continue
		}
		ps = append(ps, Paragraph{Text: line})
	}
	return ps
}

// Paragraph is one 款 of an article and its 项.
type Paragraph struct {
	Text  string
	Items []string
}

// itemNumber reads the number of an item line: （一）, (一) or （1）.
func itemNumber(line string) (int, bool) {
	open, size := utf8.DecodeRuneInString(line)
	if open != '（' && open != '(' {
		return 0, false
	}
	rest := line[size:]
	end := strings.IndexAny(rest, "）)")
	if end <= 0 {
		return 0, false
	}
	return ParseNumber(rest[:end])
}
