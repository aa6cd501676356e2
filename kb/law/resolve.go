package law

import (
	"fmt"
	"strings"
	"unicode"
	"unicode/utf8"

	"assist/kb/fold"
)

// Resolve reads a rule's source and returns what it cites, in order:
//
//	《消费者权益保护法》第二十五条;《网络购买商品七日无理由退货暂行办法》第八条、第九条第(一)项
//	消费者权益保护法第24条 · 电子商务法 第二十条 · 消法第二十四条 · 广告法第9条第(三)项
//	《淘宝平台争议处理规则》第三十六条 (a platform rule: cited, not checked)
//
// Names may be in 《》 or bare, full (中华人民共和国…), short or an alias
// (names.txt), simplified or traditional; numbers Chinese or Arabic; several
// articles joined by 、 or a range with 至. Citations that resolve are
// returned even when others do not; the error is a ResolveErrors then.
func (lib *Library) Resolve(source string) ([]Citation, error) {
	s := newScanner(lib, source)
	s.run()
	if len(s.errs) > 0 {
		return s.cites, s.errs
	}
	return s.cites, nil
}

// scanner walks a source rune by rune, over the folded text, keeping byte
// offsets into the source as written.
type scanner struct {
	lib   *Library
	src   string
	runes []rune // folded
	off   []int  // off[i] is the byte offset of runes[i]; off[len] = len(src)
	cites []Citation
	errs  ResolveErrors

	cur      *named // the name the articles that follow belong to
	text     int    // start of bare text not yet read as a name, or -1
	listOpen bool   // after an article and separators only: 九条 may omit 第
}

type named struct {
	name       string
	start, end int // byte offsets
	bracketed  bool
	cited      bool // an article of it was cited
}

func newScanner(lib *Library, src string) *scanner {
	s := &scanner{lib: lib, src: src, text: -1}
	for i, r := range src {
		s.runes = append(s.runes, fold.Rune(r))
		s.off = append(s.off, i)
	}
	s.off = append(s.off, len(src))
	return s
}

var closing = map[rune]rune{'《': '》', '〈': '〉', '<': '>', '「': '」', '“': '”'}

// isListSep ends a name: what follows is another citation.
func isListSep(r rune) bool { return strings.ContainsRune(";、,/|\n。", r) }

func (s *scanner) run() {
	rs := s.runes
	for i := 0; i < len(rs); {
		r := rs[i]
		if end, ok := closing[r]; ok {
			if j := s.find(i+1, end); j > 0 {
				s.endText(i)
				s.endName()
				s.cur = &named{name: strings.TrimSpace(s.src[s.off[i+1]:s.off[j]]), start: s.off[i], end: s.off[j+1], bracketed: true}
				s.listOpen = false
				i = j + 1
				continue
			}
		}
		if (r == '(' || r == '[') && s.pendingText(i) == "" && s.cur != nil {
			// A note after a name, 《淘宝平台评价规范》(不当评价), is not a name.
			if j := s.find(i+1, map[rune]rune{'(': ')', '[': ']'}[r]); j > 0 {
				i = j + 1
				continue
			}
		}
		if ref, ok := s.article(i); ok {
			s.cite(i, ref)
			i = ref.end
			s.listOpen = true
			continue
		}
		switch {
		case isListSep(r):
			s.endText(i)
		case unicode.IsSpace(r):
			// a space may sit between a name and its article
		default:
			if s.text < 0 {
				s.text = i
			}
			s.listOpen = false
		}
		i++
	}
	s.endText(len(rs))
	s.endName()
}

// find returns the index of the first end at or after i, or -1.
func (s *scanner) find(i int, end rune) int {
	for j := i; j < len(s.runes); j++ {
		if s.runes[j] == end {
			return j
		}
	}
	return -1
}

// pendingText is the bare text read since the last citation, up to i.
func (s *scanner) pendingText(i int) string {
	if s.text < 0 {
		return ""
	}
	return strings.TrimSpace(s.src[s.off[s.text]:s.off[i]])
}

// takeText turns pending bare text into the current name, cutting the
// verbs that introduce a citation (根据, 依据 …) and skipping words that
// name nothing (names.txt: ignore).
func (s *scanner) takeText(i int) bool {
	start, end := s.trimSpace(s.text, i)
	s.text = -1
	folded := string(s.runes[start:end])
	for _, lead := range []string{"根据", "依据", "依照", "按照", "参照", "详见", "见", "及", "和", "与", "以及"} {
		if strings.HasPrefix(folded, lead) {
			start, end = s.trimSpace(start+utf8.RuneCountInString(lead), end)
			folded = string(s.runes[start:end])
			break
		}
	}
	if start == end || s.lib.names.ignore[folded] {
		return false
	}
	s.endName()
	s.cur = &named{name: s.src[s.off[start]:s.off[end]], start: s.off[start], end: s.off[end]}
	return true
}

// trimSpace narrows the runes [start, end) to leave out spaces at both ends.
func (s *scanner) trimSpace(start, end int) (int, int) {
	for start < end && unicode.IsSpace(s.runes[start]) {
		start++
	}
	for end > start && unicode.IsSpace(s.runes[end-1]) {
		end--
	}
	return start, end
}

// endText ends bare text at i: a name cited alone, such as 店铺售后规范.
func (s *scanner) endText(i int) {
	if s.text >= 0 && s.takeText(i) {
		s.endName()
	}
	s.text = -1
}

// endName emits the current name as a citation of its own when no article
// of it was cited.
func (s *scanner) endName() {
	n := s.cur
	s.cur = nil
	if n == nil || n.cited {
		return
	}
	c := Citation{Name: n.name, Start: n.start, End: n.end}
	if l, ok := s.lib.Law(n.name); ok {
		c.Kind, c.Law = Statute, l
		s.cites = append(s.cites, c)
		return
	}
	c.Kind = s.lib.names.kindOf(nameKey(n.name))
	if c.Kind == Statute && !n.bracketed {
		c.Kind = Named // bare words ending in 规定 are not a statute's title
	}
	s.cites = append(s.cites, c)
	if c.Kind == Statute {
		s.unknownLaw(c)
	}
}

func (s *scanner) unknownLaw(c Citation) {
	e := &ResolveError{Citation: c, Err: ErrUnknownLaw, Suggest: s.lib.nearMiss(c.Name)}
	e.Msg = fmt.Sprintf("%s is not a statute in the library%s", quoteName(c.Name), s.lib.didYouMean(c.Name))
	s.errs = append(s.errs, e)
}

// articleRef is one article reference: 第九条第(一)项, 第八条至第十条.
type articleRef struct {
	from, to        int // article numbers; equal unless a range
	paragraph, item int
	end             int // rune index after the reference
}

// cite records the articles of ref, found at rune i, under the current name.
func (s *scanner) cite(i int, ref articleRef) {
	if s.text >= 0 {
		s.takeText(i)
	}
	c := Citation{Start: s.off[i], End: s.off[ref.end], Paragraph: ref.paragraph, Item: ref.item}
	n := s.cur
	if n == nil {
		c.Kind, c.Number = Statute, ref.from
		s.cites = append(s.cites, c)
		s.errs = append(s.errs, &ResolveError{Citation: c, Err: ErrNoLaw,
			Msg: fmt.Sprintf("%s names no law: write the law before it, as in 《消费者权益保护法》%s", s.src[c.Start:c.End], Label(max(ref.from, 1)))})
		return
	}
	n.cited = true
	c.Name = n.name
	l, known := s.lib.Law(n.name)
	if known {
		c.Kind, c.Law = Statute, l
	} else {
		c.Kind = s.lib.names.kindOf(nameKey(n.name))
	}
	for num := ref.from; num <= ref.to; num++ {
		c := c
		c.Number = num
		s.cites = append(s.cites, c)
		last := &s.cites[len(s.cites)-1]
		switch {
		case !known && c.Kind == Statute:
			if num == ref.from {
				at := c
				at.Start, at.End = n.start, n.end // the name is what is wrong
				s.unknownLaw(at)
			}
		case !known:
		default:
			a, ok := l.Article(num)
			if !ok {
				s.errs = append(s.errs, &ResolveError{Citation: c, Err: ErrNoArticle, Msg: noArticle(l, num)})
				continue
			}
			last.Article = a
			if msg := clauseProblem(a, ref.paragraph, ref.item); msg != "" {
				s.errs = append(s.errs, &ResolveError{Citation: *last, Err: ErrNoClause, Msg: msg})
			}
		}
	}
}

// clauseProblem says why an article has no paragraph p or item it, or "".
// An item without a paragraph may be in any paragraph.
func clauseProblem(a *Article, p, it int) string {
	ps := a.Paragraphs()
	if p > len(ps) {
		return fmt.Sprintf("%s has no 第%s款: it has %d paragraph(s)", a.Cite(), Numeral(p), len(ps))
	}
	if it == 0 {
		return ""
	}
	items := 0
	if p > 0 {
		items = len(ps[p-1].Items)
	} else {
		for _, x := range ps {
			items = max(items, len(x.Items))
		}
	}
	if it <= items {
		return ""
	}
	where := a.Cite()
	if p > 0 {
		where += "第" + Numeral(p) + "款"
	}
	if items == 0 {
		return fmt.Sprintf("%s has no 第（%s）项: it lists no items", where, Numeral(it))
	}
	return fmt.Sprintf("%s has no 第（%s）项: it lists %d item(s)", where, Numeral(it), items)
}

// article reads an article reference at rune i: 第二十四条, 第24条, 24条,
// 九条 after another article, optionally 第一款 and 第(一)项, optionally a
// range 至第十条.
func (s *scanner) article(i int) (articleRef, bool) {
	n, j, ok := s.number(i, '条', s.listOpen)
	if !ok {
		return articleRef{}, false
	}
	ref := articleRef{from: n, to: n}
	if p, k, ok := s.number(j, '款', false); ok {
		ref.paragraph, j = p, k
	}
	if it, k, ok := s.itemNumber(j); ok {
		ref.item, j = it, k
	}
	// A range: 第八条至第十条.
	k := s.skipSpace(j)
	if k < len(s.runes) && strings.ContainsRune("至到-~—", s.runes[k]) {
		if to, end, ok := s.number(s.skipSpace(k+1), '条', true); ok && to > n && to-n <= 100 {
			ref.to, j = to, end
		}
	}
	ref.end = j
	return ref, true
}

// number reads 第 + numeral + unit at rune i. Without 第 it takes Arabic
// digits (24条), or Chinese numerals when bare is set (九条 in a list).
func (s *scanner) number(i int, unit rune, bare bool) (int, int, bool) {
	rs := s.runes
	j := i
	di := j < len(rs) && rs[j] == '第'
	if di {
		j++
	}
	start := j
	for j < len(rs) && isNumeralRune(rs[j]) {
		j++
	}
	if j == start || j >= len(rs) || rs[j] != unit {
		return 0, 0, false
	}
	digits := string(rs[start:j])
	arabic := strings.Trim(digits, "0123456789") == ""
	if !di && !arabic && !bare {
		return 0, 0, false
	}
	if arabic {
		n, _ := parseArabic(digits)
		return n, j + 1, true // 0 or a huge number is cited, then reported
	}
	n, ok := ParseNumber(digits)
	return n, j + 1, ok
}

// itemNumber reads 第(一)项, 第（一）项, 第一项 or (一)项 at rune i.
func (s *scanner) itemNumber(i int) (int, int, bool) {
	rs := s.runes
	j := i
	di := j < len(rs) && rs[j] == '第'
	if di {
		j++
	}
	paren := j < len(rs) && rs[j] == '('
	if paren {
		j++
	}
	start := j
	for j < len(rs) && isNumeralRune(rs[j]) {
		j++
	}
	num := string(rs[start:j])
	if paren {
		if j >= len(rs) || rs[j] != ')' {
			return 0, 0, false
		}
		j++
	}
	if j >= len(rs) || rs[j] != '项' || !(di || paren) {
		return 0, 0, false
	}
	n, ok := ParseNumber(num)
	return n, j + 1, ok
}

func (s *scanner) skipSpace(i int) int {
	for i < len(s.runes) && unicode.IsSpace(s.runes[i]) {
		i++
	}
	return i
}
