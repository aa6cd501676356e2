package cues

import (
	"fmt"
	"slices"
	"strings"

	"assist/assistant/lexfile"
	"assist/kb/fold"
)

// Scenes a category may name (the phrase scenes of the shop bundle).
var knownScenes = []string{"greeting", "product", "upsell", "urge_pay", "shipping", "after_sale", "evidence", "closing"}

// parser holds what Parse has read so far.
type parser struct {
	file    string
	lex     *Lexicon
	groups  map[string][]string // name → folded words
	groupAt map[string]int      // name → line of its header
	catLine []int               // line of each category's header
	words   []pending           // function words, expanded once groups are known
	cues    []pendingCue
	seen    map[string]int // section + "\x00" + folded entry → line
}

type pending struct {
	class class
	text  string
	line  int
}

type pendingCue struct {
	cat  int
	text string
	line int
}

// Parse reads the lexicon format (see lexicon.txt); file names the source in
// errors, which read "file:line: what is wrong".
func Parse(file string, data []byte) (*Lexicon, error) {
	p := &parser{
		file:    file,
		lex:     &Lexicon{byName: map[Kind]map[string]int{}},
		groups:  map[string][]string{},
		groupAt: map[string]int{},
		seen:    map[string]int{},
	}
	if err := p.read(data); err != nil {
		return nil, err
	}
	if err := p.finishCategories(); err != nil {
		return nil, err
	}
	if err := p.build(); err != nil {
		return nil, err
	}
	return p.lex, nil
}

func (p *parser) errorf(line int, format string, args ...any) error {
	return fmt.Errorf("%s:%d: %s", p.file, line, fmt.Sprintf(format, args...))
}

// read takes in every line: section headers, category keys, word entries.
func (p *parser) read(data []byte) error {
	cat := -1
	group := ""
	return lexfile.Each(p.file, data, func(l lexfile.Line) error {
		section, line, n := l.Section, l.Text, l.N
		if l.Header {
			var err error
			cat, group, err = p.header(section, n)
			return err
		}
		switch {
		case cat >= 0:
			return p.categoryLine(cat, section, line, n)
		case group != "":
			if strings.Contains(line, "@") {
				return p.errorf(n, "[%s]: %q: a group's words cannot name other groups", section, line)
			}
			return p.entries(section, line, n, func(w string) {
				p.groups[group] = append(p.groups[group], w)
			})
		default:
			c := functionSections[section]
			return p.entries(section, line, n, func(w string) {
				p.words = append(p.words, pending{class: c, text: w, line: n})
			})
		}
	})
}

// header opens a section: a category (kind.name), a group (group.name) or a
// function-word section.
func (p *parser) header(section string, n int) (cat int, group string, err error) {
	if _, ok := functionSections[section]; ok {
		return -1, "", nil
	}
	head, name, ok := strings.Cut(section, ".")
	if !ok || !validName(name) {
		return -1, "", p.errorf(n, "unknown section [%s]: want a function-word section, [group.NAME] or [KIND.CATEGORY]", section)
	}
	if head == "group" {
		if name == "number" {
			return -1, "", p.errorf(n, "[group.number] is built in (a run of digits or Chinese numerals) and cannot be redefined")
		}
		if prev, dup := p.groupAt[name]; dup {
			return -1, "", p.errorf(n, "[group.%s] is already defined on line %d", name, prev)
		}
		p.groupAt[name] = n
		return -1, name, nil
	}
	kind := Kind(head)
	role, known := kindRole[kind]
	if !known {
		return -1, "", p.errorf(n, "unknown kind %q in [%s]: want one of %s", head, section, kindList())
	}
	if i, dup := p.lex.byName[kind][name]; dup {
		return -1, "", p.errorf(n, "[%s] is already defined on line %d", section, p.catLine[i])
	}
	if p.lex.byName[kind] == nil {
		p.lex.byName[kind] = map[string]int{}
	}
	p.lex.byName[kind][name] = len(p.lex.cats)
	p.lex.cats = append(p.lex.cats, category{Category: Category{Kind: kind, Name: name}, role: role})
	p.catLine = append(p.catLine, n)
	return len(p.lex.cats) - 1, "", nil
}

// categoryLine reads one "key = value" line of a category.
func (p *parser) categoryLine(ci int, section, line string, n int) error {
	key, value, ok := strings.Cut(line, "=")
	key, value = strings.TrimSpace(key), strings.TrimSpace(value)
	if !ok {
		return p.errorf(n, "[%s]: want key = value, found %q", section, line)
	}
	if value == "" {
		return p.errorf(n, "[%s] %s: empty value", section, key)
	}
	c := &p.lex.cats[ci]
	once := func(set bool) error {
		if set {
			return p.errorf(n, "[%s]: %s is given twice", section, key)
		}
		return nil
	}
	switch key {
	case "label":
		if err := once(c.Label != ""); err != nil {
			return err
		}
		c.Label = value
	case "action":
		if err := once(c.Action != ""); err != nil {
			return err
		}
		c.Action = value
	case "query":
		if err := once(c.Query != nil); err != nil {
			return err
		}
		c.Query = strings.Fields(value)
	case "scenes":
		if err := once(c.Scenes != nil); err != nil {
			return err
		}
		for _, s := range strings.Fields(value) {
			if !slices.Contains(knownScenes, s) {
				return p.errorf(n, "[%s] scenes: unknown scene %q, want some of %s", section, s, strings.Join(knownScenes, " "))
			}
			c.Scenes = append(c.Scenes, s)
		}
	case "avoid":
		if err := once(c.Avoid != nil); err != nil {
			return err
		}
		for _, s := range strings.Fields(value) {
			if !slices.Contains(knownScenes, s) {
				return p.errorf(n, "[%s] avoid: unknown scene %q, want some of %s", section, s, strings.Join(knownScenes, " "))
			}
			c.Avoid = append(c.Avoid, s)
		}
	case "check":
		if err := once(c.checks != 0); err != nil {
			return err
		}
		for _, s := range strings.Fields(value) {
			ch, ok := checkNames[s]
			if !ok {
				return p.errorf(n, "[%s] check: unknown check %q, want some of negation question condition", section, s)
			}
			c.checks |= ch
		}
	case "block":
		if err := once(c.block != nil); err != nil {
			return err
		}
		for _, s := range strings.Fields(value) {
			if _, ok := kindRole[Kind(s)]; !ok {
				return p.errorf(n, "[%s] block: unknown kind %q, want some of %s", section, s, kindList())
			}
			c.block = append(c.block, Kind(s))
		}
	case "cue":
		key := section + "\x00" + fold.String(value)
		if prev, dup := p.seen[key]; dup {
			return p.errorf(n, "[%s]: cue %q is already listed on line %d", section, value, prev)
		}
		p.seen[key] = n
		p.cues = append(p.cues, pendingCue{cat: ci, text: value, line: n})
	default:
		return p.errorf(n, "[%s]: unknown key %q, want label, action, query, scenes, avoid, check, block or cue", section, key)
	}
	return nil
}

// entries reads a line of space-separated words of a group or function section.
func (p *parser) entries(section, line string, n int, add func(string)) error {
	if strings.ContainsAny(line, "=+…") || strings.Contains(line, "...") {
		return p.errorf(n, "[%s]: %q: words here are plain (only cue lines take =, + and …)", section, line)
	}
	for _, w := range strings.Fields(line) {
		w = fold.String(w)
		key := section + "\x00" + w
		if prev, dup := p.seen[key]; dup {
			return p.errorf(n, "[%s]: %q is already listed on line %d", section, w, prev)
		}
		p.seen[key] = n
		add(w)
	}
	return nil
}

// finishCategories checks that every category says what it needs to.
func (p *parser) finishCategories() error {
	has := make([]bool, len(p.lex.cats))
	for _, c := range p.cues {
		has[c.cat] = true
	}
	for i, c := range p.lex.cats {
		section := string(c.Kind) + "." + c.Name
		switch {
		case c.Label == "":
			return p.errorf(p.catLine[i], "[%s]: label is missing", section)
		case c.Action == "":
			return p.errorf(p.catLine[i], "[%s]: action is missing", section)
		case len(c.Query) == 0:
			return p.errorf(p.catLine[i], "[%s]: query is missing", section)
		case !has[i]:
			return p.errorf(p.catLine[i], "[%s]: no cue lines", section)
		}
	}
	return nil
}

// build spells out every entry and cue and puts them into one matcher.
func (p *parser) build() error {
	lex := p.lex
	lex.elems = make([]element, nClasses)
	for c := range nClasses {
		lex.elems[c] = element{class: c, rule: -1}
	}
	type word struct {
		text string
		elem int32
	}
	var words []word
	for _, w := range p.words {
		texts, err := p.expand(w.text, w.line)
		if err != nil {
			return err
		}
		for _, t := range texts {
			words = append(words, word{t, int32(w.class)})
		}
	}
	for _, c := range p.cues {
		r := rule{cat: c.cat, line: c.line}
		ri := int32(len(lex.rules))
		for _, term := range strings.Split(fold.String(c.text), "+") {
			var chain []int32
			for _, link := range splitChain(term) {
				link = strings.TrimSpace(link)
				if link == "" {
					return p.errorf(c.line, "cue %q: empty part around + or …", c.text)
				}
				texts, err := p.expand(link, c.line)
				if err != nil {
					return err
				}
				id := int32(len(lex.elems))
				lex.elems = append(lex.elems, element{class: cRule, rule: ri})
				for _, t := range texts {
					words = append(words, word{t, id})
				}
				chain = append(chain, id)
			}
			r.terms = append(r.terms, chain)
		}
		lex.rules = append(lex.rules, r)
	}
	lex.first = make([][]int32, len(lex.elems))
	for ri, r := range lex.rules {
		e := r.terms[0][0]
		lex.first[e] = append(lex.first[e], int32(ri))
	}
	lex.trie = newMatcher()
	for _, w := range words {
		lex.trie.add(w.text, w.elem)
	}
	return nil
}

func kindList() string {
	return "upsell evidence admission wording ask_shipping after_sale"
}
