// Package bundle reads and writes a shop bundle, the JSON file a shop's
// knowledge is imported from and exported to (see FORMAT.md in the shared
// eval folder). Reading is strict: every problem is reported at once, each as
// file:line:col: field path: message, so a person can fix a hand-edited file
// in one pass.
package bundle

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"strings"
	_ "time/tzdata" // shops name IANA zones; a bare container may have no zoneinfo

	"assist/kb"
	"assist/kb/fold"
	"assist/kb/jsonpos"
)

// Bounds on what one bundle may hold, so a bad or hostile file cannot
// exhaust memory or time.
const (
	MaxFileSize  = 16 << 20
	MaxProducts  = 10000
	MaxRules     = 10000
	MaxPhrases   = 10000
	MaxShipHours = 24 * 366 // past a year is a typo, not a presale
	MaxPrice     = 1e9
)

// Defaults for fields a bundle may leave out.
const (
	// DefaultShipHours is the platform's default: a shop that states no
	// window must ship within 48 hours of payment.
	DefaultShipHours = 48
	DefaultTimezone  = "Asia/Shanghai"
)

// Field names of the format, in the order Write writes them.
var (
	topFields     = []string{"shop", "products", "rules", "phrases"}
	shopFields    = []string{"name", "ship_within_hours", "same_day_cutoff", "timezone"}
	productFields = []string{"id", "title", "aliases", "price", "ship_within_hours", "facts", "pairs_with", "bundles"}
	factFields    = []string{"name", "value"}
	bundleFields  = []string{"title", "items", "price"}
	ruleFields    = []string{"id", "title", "source", "text", "tags"}
	phraseFields  = []string{"id", "scene", "title", "text", "tags", "code"}
)

// Load reads and checks the bundle at path; messages name the path as given.
func Load(path string) (*kb.Shop, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("load bundle: %w", err)
	}
	defer f.Close()
	// Read one byte past the limit so a huge file is refused, not slurped.
	data, err := io.ReadAll(io.LimitReader(f, MaxFileSize+1))
	if err != nil {
		return nil, fmt.Errorf("load bundle %s: %w", path, err)
	}
	return Parse(path, data)
}

// Parse checks data, the contents of file, and returns the shop it describes
// with defaults filled in (ship_within_hours 48, timezone Asia/Shanghai).
// Its error is a Problems listing everything wrong.
func Parse(file string, data []byte) (*kb.Shop, error) {
	if len(data) > MaxFileSize {
		return nil, Problems{{File: file, Msg: fmt.Sprintf("larger than %d MiB: not a shop bundle", MaxFileSize>>20)}}
	}
	if len(bytes.TrimSpace(data)) == 0 {
		return nil, Problems{{File: file, Msg: "empty file: want a JSON object with shop, products, rules and phrases"}}
	}
	root, err := jsonpos.Parse(data)
	if err != nil {
		return nil, syntaxProblem(file, 0, err)
	}
	r := &reader{Checker: Checker{File: file}, ids: map[string]idAt{}, codes: map[string]*jsonpos.Value{}, data: data}
	shop := r.bundle(root)
	if shop != nil {
		r.crossCheck(shop)
	}
	if err := r.Err(); err != nil {
		return nil, err
	}
	return shop, nil
}

// syntaxProblem turns a jsonpos error into a Problems at the file's line.
func syntaxProblem(file string, lineOffset int, err error) Problems {
	se, ok := err.(*jsonpos.SyntaxError)
	if !ok {
		return Problems{{File: file, Msg: err.Error()}}
	}
	return Problems{{File: file, Line: se.Line + lineOffset, Col: se.Col, Msg: se.Msg}}
}

// reader decodes one bundle, remembering what the cross-checks need.
type reader struct {
	Checker
	ids   map[string]idAt           // every product, rule and phrase id, first use
	codes map[string]*jsonpos.Value // phrase short codes, folded, first use
	refs  []ref                     // product ids named by pairs_with and bundle items
	texts []textAt                  // phrase texts, for the placeholder check
	data  []byte                    // the file, for columns inside a string
}

type idAt struct {
	kind string // product, rule, phrase
	path string
	v    *jsonpos.Value
}

type ref struct {
	id   string
	path string
	v    *jsonpos.Value
}

type textAt struct {
	text string
	path string
	v    *jsonpos.Value
}

func (r *reader) bundle(root *jsonpos.Value) *kb.Shop {
	if root.Kind != jsonpos.Object {
		r.Report(root, "", "want an object with shop, products, rules and phrases, got %s", root.Describe())
		return nil
	}
	top := r.Object(root, "", topFields...)
	for _, key := range topFields {
		if top.Value(key) == nil {
			r.Report(root, key, "missing: a bundle has shop, products, rules and phrases")
		}
	}
	shop := r.shop(top.Value("shop"))
	for i, v := range r.list(top, "products", MaxProducts) {
		shop.Products = append(shop.Products, r.product(v, Index("products", i)))
	}
	for i, v := range r.list(top, "rules", MaxRules) {
		shop.Rules = append(shop.Rules, r.rule(v, Index("rules", i)))
	}
	for i, v := range r.list(top, "phrases", MaxPhrases) {
		shop.Phrases = append(shop.Phrases, r.phrase(v, Index("phrases", i)))
	}
	return shop
}

// list reads a top-level array, refusing more than max entries.
func (r *reader) list(top Object, key string, max int) []*jsonpos.Value {
	vs := top.Array(key, false)
	if len(vs) > max {
		r.Report(top.Value(key), key, "%d entries, at most %d", len(vs), max)
		return nil
	}
	return vs
}

func (r *reader) shop(v *jsonpos.Value) *kb.Shop {
	o := r.Object(v, "shop", shopFields...)
	s := &kb.Shop{
		Name:            o.String("name", o.OK()),
		ShipWithinHours: o.Int("ship_within_hours", false, 0, MaxShipHours, DefaultShipHours),
		SameDayCutoff:   o.String("same_day_cutoff", false),
		Timezone:        o.String("timezone", false),
	}
	if c := o.Value("same_day_cutoff"); c != nil && s.SameDayCutoff != "" {
		if _, _, ok := kb.ParseClock(s.SameDayCutoff); !ok {
			r.Report(c, "shop.same_day_cutoff", "want a 24-hour time HH:MM such as 16:00, got %q", s.SameDayCutoff)
		}
	}
	if s.Timezone == "" {
		s.Timezone = DefaultTimezone
	} else if err := checkZone(s.Timezone); err != nil {
		r.Report(o.Value("timezone"), "shop.timezone", "%v", err)
	}
	return s
}

func (r *reader) product(v *jsonpos.Value, path string) kb.Product {
	o := r.Object(v, path, productFields...)
	p := kb.Product{
		ID:              r.id(o, "product"),
		Title:           o.String("title", o.OK()),
		Price:           o.Number("price", o.OK(), 0, MaxPrice),
		ShipWithinHours: o.Int("ship_within_hours", false, 0, MaxShipHours, 0),
	}
	p.Aliases, _ = o.Strings("aliases", false)
	facts := map[string]*jsonpos.Value{}
	for i, fv := range o.Array("facts", false) {
		fo := r.Object(fv, Index(o.Path("facts"), i), factFields...)
		f := kb.Fact{Name: fo.String("name", fo.OK()), Value: fo.String("value", fo.OK())}
		if first, dup := facts[f.Name]; dup && f.Name != "" {
			// Placeholders take the first; a second is a slip that would never show.
			r.Report(fo.Value("name"), fo.Path("name"), "duplicate fact %q (first at %d:%d)", f.Name, first.Line, first.Col)
		} else {
			facts[f.Name] = fo.Value("name")
		}
		p.Facts = append(p.Facts, f)
	}
	pairs, at := o.Strings("pairs_with", false)
	for i, id := range pairs {
		path := Index(o.Path("pairs_with"), i)
		if id == p.ID {
			r.Report(at[i], path, "a product cannot pair with itself")
			continue
		}
		r.refs = append(r.refs, ref{id: id, path: path, v: at[i]})
	}
	p.PairsWith = pairs
	for i, bv := range o.Array("bundles", false) {
		p.Bundles = append(p.Bundles, r.bundleOf(bv, Index(o.Path("bundles"), i), p.ID))
	}
	return p
}

// bundleOf reads one 套餐 of product owner. A bundle must contain its owner:
// the assistant offers a product's bundles to the buyer viewing it as an
// upgrade of that very product, so one without it is a copy-paste slip.
func (r *reader) bundleOf(v *jsonpos.Value, path, owner string) kb.Bundle {
	o := r.Object(v, path, bundleFields...)
	b := kb.Bundle{Title: o.String("title", o.OK()), Price: o.Number("price", o.OK(), 0, MaxPrice)}
	items, at := o.Strings("items", o.OK())
	for i, id := range items {
		r.refs = append(r.refs, ref{id: id, path: Index(o.Path("items"), i), v: at[i]})
	}
	b.Items = items
	if list := o.Value("items"); list != nil && list.Kind == jsonpos.Array {
		switch {
		case len(list.Array) == 0:
			r.Report(list, o.Path("items"), "empty: a bundle sells products together")
		case owner != "" && len(items) == len(list.Array) && !contains(items, owner):
			r.Report(list, o.Path("items"), "does not include %q, the product it is listed under", owner)
		}
	}
	return b
}

func (r *reader) rule(v *jsonpos.Value, path string) kb.Rule {
	o := r.Object(v, path, ruleFields...)
	x := kb.Rule{
		ID:     r.id(o, "rule"),
		Title:  o.String("title", o.OK()),
		Source: o.String("source", false),
		Text:   o.String("text", o.OK()),
	}
	x.Tags, _ = o.Strings("tags", false)
	r.checkSource(o.Value("source"), o.Path("source"), x.Source)
	return x
}

func (r *reader) phrase(v *jsonpos.Value, path string) kb.Phrase {
	o := r.Object(v, path, phraseFields...)
	x := kb.Phrase{
		ID:    r.id(o, "phrase"),
		Scene: kb.Scene(o.String("scene", o.OK())),
		Title: o.String("title", o.OK()),
		Text:  o.String("text", o.OK()),
	}
	if x.Scene != "" && !x.Scene.Valid() {
		r.Report(o.Value("scene"), o.Path("scene"), "unknown scene %q; want one of %s", x.Scene, sceneList())
	}
	x.Tags, _ = o.Strings("tags", false)
	x.Code = r.code(o)
	if x.Text != "" {
		r.texts = append(r.texts, textAt{text: x.Text, path: o.Path("text"), v: o.Value("text")})
	}
	return x
}

// id reads an object's required id and claims it. Ids must be unique across
// products, rules and phrases: a case's expected docs name an id of any kind.
func (r *reader) id(o Object, kind string) string {
	id := o.String("id", o.OK())
	v := o.Value("id")
	if id == "" || v == nil {
		return id
	}
	if strings.TrimSpace(id) != id {
		r.Report(v, o.Path("id"), "%q has spaces at its ends, which no reference would match", id)
	}
	first, dup := r.ids[id]
	switch {
	case !dup:
		r.ids[id] = idAt{kind: kind, path: o.Path("id"), v: v}
	case first.kind == kind:
		r.Report(v, o.Path("id"), "duplicate %s id %q (first at %d:%d)", kind, id, first.v.Line, first.v.Col)
	default:
		r.Report(v, o.Path("id"), "id %q is already the id of %s at %d:%d; product, rule and phrase ids must all differ",
			id, strings.TrimSuffix(first.path, ".id"), first.v.Line, first.v.Col)
	}
	return id
}

// code reads a phrase's optional short code, which must be unique in the
// shop however it is cased or written (traditional, full width).
func (r *reader) code(o Object) string {
	code := o.String("code", false)
	v := o.Value("code")
	if code == "" || v == nil {
		return code
	}
	if why := kb.CheckCode(code); why != "" {
		r.Report(v, o.Path("code"), "%q %s", code, why)
		return code
	}
	key := fold.String(code)
	if first, dup := r.codes[key]; dup {
		r.Report(v, o.Path("code"), "duplicate short code %q (first at %d:%d)", code, first.Line, first.Col)
	} else {
		r.codes[key] = v
	}
	return code
}

func sceneList() string {
	names := make([]string, len(kb.Scenes))
	for i, s := range kb.Scenes {
		names[i] = string(s)
	}
	return strings.Join(names, ", ")
}
