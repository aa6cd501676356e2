package cues

// numeralMark stands for @number inside an expanded word: the matcher lets
// it consume a whole run of numerals, so 少2件, 少两件 and 少12件 all match
// 少@number@unit. It is a private-use rune, never produced by folding.
const numeralMark = '\uE000'

// isNumeral reports the runes a @number run is made of.
func isNumeral(r rune) bool {
	if '0' <= r && r <= '9' {
		return true
	}
	switch r {
	case '零', '〇', '一', '二', '两', '俩', '三', '四', '五', '六', '七', '八', '九', '十', '百', '千', '几':
		return true
	}
	return false
}

// matcher is a trie over folded runes that finds every listed word at every
// position of a text in one pass; cue lexicons are a few thousand short
// words, so a map per node stays small and lookups stay cheap.
type matcher struct {
	nodes []node
}

type node struct {
	next  map[rune]int32
	num   int32   // child reached by a run of numerals; 0: none (the root is never a child)
	elems []int32 // elements whose word ends here
}

func newMatcher() matcher {
	return matcher{nodes: []node{{}}}
}

func (m *matcher) add(word string, elem int32) {
	n := int32(0)
	for _, r := range word {
		n = m.child(n, r)
	}
	for _, e := range m.nodes[n].elems {
		if e == elem {
			return
		}
	}
	m.nodes[n].elems = append(m.nodes[n].elems, elem)
}

func (m *matcher) child(n int32, r rune) int32 {
	if r == numeralMark {
		if m.nodes[n].num == 0 {
			m.nodes[n].num = int32(len(m.nodes))
			m.nodes = append(m.nodes, node{})
		}
		return m.nodes[n].num
	}
	if c, ok := m.nodes[n].next[r]; ok {
		return c
	}
	if m.nodes[n].next == nil {
		m.nodes[n].next = map[rune]int32{}
	}
	c := int32(len(m.nodes))
	m.nodes[n].next[r] = c
	m.nodes = append(m.nodes, node{})
	return c
}

// scan reports every match in text as (element, start, end) in runes.
func (m *matcher) scan(text []rune, emit func(elem int32, start, end int)) {
	for i := range text {
		m.walk(0, text, i, i, emit)
	}
}

func (m *matcher) walk(n int32, text []rune, start, pos int, emit func(int32, int, int)) {
	nd := &m.nodes[n]
	if pos > start {
		for _, e := range nd.elems {
			emit(e, start, pos)
		}
	}
	if pos >= len(text) {
		return
	}
	if c, ok := nd.next[text[pos]]; ok {
		m.walk(c, text, start, pos+1, emit)
	}
	// A numeral run is taken whole, and never from its middle.
	if nd.num != 0 && isNumeral(text[pos]) && (pos > start || start == 0 || !isNumeral(text[start-1])) {
		end := pos
		for end < len(text) && isNumeral(text[end]) {
			end++
		}
		m.walk(nd.num, text, start, end, emit)
	}
}
