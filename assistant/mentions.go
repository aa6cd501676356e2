package assistant

import (
	"sort"
	"strings"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/fold"
)

// names finds a shop's product names (titles and aliases, folded, 的
// dropped) in a turn's text with one Aho-Corasick automaton over runes, so a
// turn costs the same whatever the number of products. It is built once per
// knowledge and read-only after.
type names struct {
	patterns []namePattern    // by rank: longest name first, then shop order
	next     map[uint64]int32 // node<<32 | rune → child node
	fail     []int32          // longest proper suffix of a node that is also a node
	out      []int32          // the pattern ending at a node, or -1
	link     []int32          // nearest node on the fail chain with a pattern, or -1
}

type namePattern struct {
	name    string
	product string
}

// newNames builds the automaton over the shop's product names.
func newNames(shop *kb.Shop) *names {
	type mention struct {
		name    string
		product string
	}
	var all []mention
	for i := range shop.Products {
		p := &shop.Products[i]
		for _, name := range append([]string{p.Title}, p.Aliases...) {
			if n := withoutDe(fold.String(strings.TrimSpace(name))); n != "" {
				all = append(all, mention{n, p.ID})
			}
		}
	}
	sort.SliceStable(all, func(i, j int) bool { return len(all[i].name) > len(all[j].name) })

	m := &names{next: map[uint64]int32{}, fail: []int32{0}, out: []int32{-1}}
	var children [][]int32 // build only: each node's children, for the breadth-first pass
	children = append(children, nil)
	seen := map[string]bool{}
	for _, mn := range all {
		// A name given twice counts once, for the product first in rank:
		// the later one's every match would overlap the earlier one's.
		if seen[mn.name] {
			continue
		}
		seen[mn.name] = true
		node := int32(0)
		for _, r := range mn.name {
			key := uint64(node)<<32 | uint64(r)
			child, ok := m.next[key]
			if !ok {
				child = int32(len(m.out))
				m.next[key] = child
				m.fail = append(m.fail, 0)
				m.out = append(m.out, -1)
				children = append(children, nil)
				children[node] = append(children[node], child)
			}
			node = child
		}
		m.out[node] = int32(len(m.patterns))
		m.patterns = append(m.patterns, namePattern{mn.name, mn.product})
	}

	// Fail links breadth first: a node's suffix is always shallower.
	m.link = make([]int32, len(m.out))
	m.link[0] = -1
	runeOf := make([]rune, len(m.out))
	for key, child := range m.next {
		runeOf[child] = rune(key & 0xffffffff)
	}
	queue := append([]int32(nil), children[0]...)
	for _, c := range queue {
		m.link[c] = -1
	}
	for len(queue) > 0 {
		u := queue[0]
		queue = queue[1:]
		for _, v := range children[u] {
			r := runeOf[v]
			f := m.fail[u]
			for {
				if w, ok := m.next[uint64(f)<<32|uint64(r)]; ok && w != v {
					m.fail[v] = w
					break
				}
				if f == 0 {
					m.fail[v] = 0
					break
				}
				f = m.fail[f]
			}
			if fv := m.fail[v]; m.out[fv] >= 0 {
				m.link[v] = fv
			} else {
				m.link[v] = m.link[fv]
			}
			queue = append(queue, v)
		}
	}
	return m
}

// occurrence is a pattern found at bytes [start, end) of a text.
type occurrence struct {
	rank, start, end int
}

// find lists every occurrence of every pattern in text.
func (m *names) find(text string) []occurrence {
	var found []occurrence
	node := int32(0)
	for i, r := range text {
		for {
			if child, ok := m.next[uint64(node)<<32|uint64(r)]; ok {
				node = child
				break
			}
			if node == 0 {
				break
			}
			node = m.fail[node]
		}
		end := i + utf8.RuneLen(r)
		n := node
		if m.out[n] < 0 {
			n = m.link[n]
		}
		for ; n >= 0; n = m.link[n] {
			rank := int(m.out[n])
			found = append(found, occurrence{rank, end - len(m.patterns[rank].name), end})
		}
	}
	return found
}

// mentioned returns the products named in folded text, most specific name
// first, each once. A name inside a longer name already matched (短裤 inside
// 亚麻短裤) does not count again; two names of one length go in shop order.
func (k *knowledge) mentioned(folded string) []string {
	found := k.names.find(withoutDe(folded))
	if len(found) == 0 {
		return nil
	}
	sort.Slice(found, func(i, j int) bool {
		if found[i].rank != found[j].rank {
			return found[i].rank < found[j].rank
		}
		return found[i].start < found[j].start
	})
	var ids []string
	var taken [][2]int
	chainEnd, rank := 0, -1
	for _, o := range found {
		if o.rank != rank {
			rank, chainEnd = o.rank, 0
		}
		// Each name is looked for left to right, going on after the end of
		// its last match, as strings.Index would find it.
		if o.start < chainEnd {
			continue
		}
		chainEnd = o.end
		span := [2]int{o.start, o.end}
		if overlaps(taken, span) {
			continue
		}
		taken = append(taken, span)
		if p := k.names.patterns[o.rank].product; !contains(ids, p) {
			ids = append(ids, p)
		}
	}
	return ids
}
