package law

import (
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strings"
	"sync"

	"assist/kb"
	"assist/kb/fold"
)

//go:embed texts/*.txt texts/*.md
var texts embed.FS

//go:embed names.txt
var embeddedNames []byte

// Library is a set of statutes and the names they are cited by. It is
// read-only once built and safe for concurrent use.
type Library struct {
	laws   []*Law
	byName map[string]*Law // folded name, full name and aliases
	names  *Names
}

var (
	defaultOnce sync.Once
	defaultLib  *Library
)

// Default is the library of the statutes embedded in the binary, parsed on
// first use. A text that fails to parse is a broken build, so Default
// panics with the reason; TestDefault runs it.
func Default() *Library {
	defaultOnce.Do(func() {
		lib, err := loadEmbedded()
		if err != nil {
			panic(fmt.Sprintf("law: %v", err))
		}
		defaultLib = lib
	})
	return defaultLib
}

func loadEmbedded() (*Library, error) {
	names, err := ParseNames("names.txt", embeddedNames)
	if err != nil {
		return nil, err
	}
	files, err := fs.Glob(texts, "texts/*")
	if err != nil {
		return nil, err
	}
	var laws []*Law
	for _, f := range files {
		if path.Ext(f) != ".txt" && path.Ext(f) != ".md" || path.Base(f) == "README.md" {
			continue
		}
		data, err := texts.ReadFile(f)
		if err != nil {
			return nil, err
		}
		l, err := Parse(f, data)
		if err != nil {
			return nil, err
		}
		laws = append(laws, l)
	}
	return New(names, laws...)
}

// New builds a library of laws cited by the given names. Every alias must
// name one of the laws, and no name may stand for two.
func New(names *Names, laws ...*Law) (*Library, error) {
	lib := &Library{byName: map[string]*Law{}, names: names}
	claim := func(name string, l *Law) error {
		key := nameKey(name)
		if other, dup := lib.byName[key]; dup && other != l {
			return fmt.Errorf("name %q stands for both %s and %s", name, other.Name, l.Name)
		}
		lib.byName[key] = l
		return nil
	}
	for _, l := range laws {
		lib.laws = append(lib.laws, l)
		if err := claim(l.Name, l); err != nil {
			return nil, err
		}
		if err := claim(l.FullName, l); err != nil {
			return nil, err
		}
	}
	for _, a := range names.aliases {
		l, ok := lib.byName[nameKey(a.law)]
		if !ok {
			return nil, fmt.Errorf("%s:%d: law %q is not in the library", names.file, a.line, a.law)
		}
		for _, alias := range a.names {
			if err := claim(alias, l); err != nil {
				return nil, fmt.Errorf("%s:%d: %w", names.file, a.line, err)
			}
		}
	}
	sort.SliceStable(lib.laws, func(i, j int) bool { return lib.laws[i].Name < lib.laws[j].Name })
	return lib, nil
}

// Laws lists the statutes, by name.
func (lib *Library) Laws() []*Law { return lib.laws }

// Law finds a statute by its name, full name or an alias (消法), in
// simplified or traditional characters, with or without 《》.
func (lib *Library) Law(name string) (*Law, bool) {
	l, ok := lib.byName[nameKey(name)]
	return l, ok
}

// Article returns article number of the statute called name. Its error has
// code kb.ENotFound and says whether the law or the article is unknown.
func (lib *Library) Article(name string, number int) (*Article, error) {
	l, ok := lib.Law(name)
	if !ok {
		return nil, &kb.Error{Code: kb.ENotFound, Message: fmt.Sprintf("%s is not a statute in the library%s",
			quoteName(name), lib.didYouMean(name))}
	}
	a, ok := l.Article(number)
	if !ok {
		return nil, &kb.Error{Code: kb.ENotFound, Message: noArticle(l, number)}
	}
	return a, nil
}

func noArticle(l *Law, number int) string {
	what := Label(number)
	if what == "第条" {
		what = fmt.Sprintf("article %d", number)
	}
	return fmt.Sprintf("《%s》 has no %s: its articles run 第一条 to %s", l.Name, what, Label(len(l.Articles)))
}

// nameKey is the form names are compared in: folded, without 《》, spaces,
// the 中华人民共和国 prefix or a trailing note in brackets such as (2013修正).
func nameKey(name string) string {
	s := fold.String(strings.TrimSpace(name))
	s = strings.TrimPrefix(strings.TrimSuffix(s, "》"), "《")
	s = strings.TrimPrefix(s, statePrefix)
	if i := strings.IndexAny(s, "(（"); i > 0 && strings.HasSuffix(s, ")") {
		s = s[:i]
	}
	return strings.Join(strings.Fields(s), "")
}

// didYouMean suggests the statute a misspelt name most likely meant: one
// edit away, for names of five characters or more (shorter ones, 广告法 and
// 价格法, are different laws one edit apart).
func (lib *Library) didYouMean(name string) string {
	if l := lib.nearMiss(name); l != nil {
		return fmt.Sprintf(" (did you mean 《%s》?)", l.Name)
	}
	return ""
}

func (lib *Library) nearMiss(name string) *Law {
	key := []rune(nameKey(name))
	if len(key) < 5 {
		return nil
	}
	var keys []string
	for k := range lib.byName {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		if oneEdit(key, []rune(k)) {
			return lib.byName[k]
		}
	}
	return nil
}

// oneEdit reports whether a and b differ by exactly one insertion,
// deletion or substitution.
func oneEdit(a, b []rune) bool {
	if len(a) < len(b) {
		a, b = b, a
	}
	if len(a)-len(b) > 1 {
		return false
	}
	i := 0
	for i < len(b) && a[i] == b[i] {
		i++
	}
	if i == len(b) {
		return len(a) != len(b)
	}
	if len(a) == len(b) {
		return string(a[i+1:]) == string(b[i+1:])
	}
	return string(a[i+1:]) == string(b[i:])
}

func quoteName(name string) string {
	name = strings.TrimSpace(name)
	if strings.HasPrefix(name, "《") {
		return name
	}
	return "《" + name + "》"
}
