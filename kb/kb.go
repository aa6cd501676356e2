// Package kb holds the domain of a shop's knowledge: its products, the rules
// agents cite and the phrases (话术) they send. It imports nothing beyond the
// standard library; storage (kb/sqlite), search (kb/index) and file formats
// (kb/bundle) adapt to these types.
package kb

import (
	"fmt"
	"runtime"
	"strings"
	"sync"
	"time"
	"unicode"
	"weak"
)

// Shop is everything one shop knows: its shipping terms and its knowledge.
type Shop struct {
	Name            string
	ShipWithinHours int    // default shipping window for products without their own
	SameDayCutoff   string // "HH:MM" local time; orders paid before it ship the same day
	Timezone        string // IANA name, e.g. Asia/Shanghai
	Products        []Product
	Rules           []Rule
	Phrases         []Phrase
	Lessons         Lessons // what the shop's admins accepted from agents' flags; not part of a bundle
}

// Product is one item the shop sells.
type Product struct {
	ID              string
	Title           string
	Aliases         []string
	Price           float64
	ShipWithinHours int // 0: the shop's window applies
	Facts           []Fact
	PairsWith       []string // product ids
	Bundles         []Bundle
}

// Fact is one named property of a product (材质, 尺码, 发货 …).
type Fact struct {
	Name  string
	Value string
}

// Bundle is a set of products sold together at one price (套餐).
type Bundle struct {
	Title string
	Items []string // product ids
	Price float64
}

// Rule is a law, platform rule or shop policy an agent may cite.
type Rule struct {
	ID     string
	Title  string
	Source string
	Text   string
	Tags   []string
}

// Phrase is a recommended reply, possibly holding {placeholders}.
type Phrase struct {
	ID    string
	Scene Scene
	Title string
	Text  string
	Tags  []string
	Code  string // short code an agent types to call the phrase up (/退货); "" if none
}

// MaxCode bounds a phrase's short code, in characters: it is typed, not read.
const MaxCode = 16

// CheckCode says why code cannot be a phrase's short code, or "" when it
// can: a few characters, no spaces, no /.
func CheckCode(code string) string {
	switch {
	case len([]rune(code)) > MaxCode:
		return fmt.Sprintf("%d characters, at most %d", len([]rune(code)), MaxCode)
	case strings.ContainsFunc(code, unicode.IsSpace):
		return "has a space; an agent types it after / in one go"
	case strings.Contains(code, "/"):
		return "has a /, which an agent types before the code"
	}
	return ""
}

// Scene is the moment of a conversation a phrase is written for.
type Scene string

const (
	SceneGreeting  Scene = "greeting"
	SceneProduct   Scene = "product"
	SceneUpsell    Scene = "upsell"
	SceneUrgePay   Scene = "urge_pay"
	SceneShipping  Scene = "shipping"
	SceneAfterSale Scene = "after_sale"
	SceneEvidence  Scene = "evidence"
	SceneClosing   Scene = "closing"
)

// Scenes lists every valid scene in the order the bundle format gives them.
var Scenes = []Scene{SceneGreeting, SceneProduct, SceneUpsell, SceneUrgePay,
	SceneShipping, SceneAfterSale, SceneEvidence, SceneClosing}

// Valid reports whether s is one of Scenes.
func (s Scene) Valid() bool {
	for _, v := range Scenes {
		if s == v {
			return true
		}
	}
	return false
}

// Product returns the product with the given id.
func (s *Shop) Product(id string) (*Product, bool) {
	if i, ok := s.lookup().products[id]; ok && i < len(s.Products) && s.Products[i].ID == id {
		return &s.Products[i], true
	}
	for i := range s.Products {
		if s.Products[i].ID == id {
			s.reindex()
			return &s.Products[i], true
		}
	}
	return nil, false
}

// Rule returns the rule with the given id.
func (s *Shop) Rule(id string) (*Rule, bool) {
	if i, ok := s.lookup().rules[id]; ok && i < len(s.Rules) && s.Rules[i].ID == id {
		return &s.Rules[i], true
	}
	for i := range s.Rules {
		if s.Rules[i].ID == id {
			s.reindex()
			return &s.Rules[i], true
		}
	}
	return nil, false
}

// Phrase returns the phrase with the given id.
func (s *Shop) Phrase(id string) (*Phrase, bool) {
	if i, ok := s.lookup().phrases[id]; ok && i < len(s.Phrases) && s.Phrases[i].ID == id {
		return &s.Phrases[i], true
	}
	for i := range s.Phrases {
		if s.Phrases[i].ID == id {
			s.reindex()
			return &s.Phrases[i], true
		}
	}
	return nil, false
}

// ids maps each id to its position in the shop's lists; the first of
// duplicate ids wins, as in a scan.
type ids struct {
	products, rules, phrases map[string]int
}

// byID holds each shop's id maps, built on its first lookup by id, beside
// the shop rather than in it: a Shop stays a plain value that can be copied
// and compared, and a shop no longer used takes its maps with it.
var byID sync.Map // weak.Pointer[Shop] → *ids

// lookup returns the shop's id maps, building them on first use. A shop
// edited after its maps were built is caught by the lookups, which check
// what a map points at and fall back to a scan (rebuilding the maps) when it
// is stale.
func (s *Shop) lookup() *ids {
	if m, ok := byID.Load(weak.Make(s)); ok {
		return m.(*ids)
	}
	return s.reindex()
}

func (s *Shop) reindex() *ids {
	m := &ids{
		products: make(map[string]int, len(s.Products)),
		rules:    make(map[string]int, len(s.Rules)),
		phrases:  make(map[string]int, len(s.Phrases)),
	}
	for i := len(s.Products) - 1; i >= 0; i-- {
		m.products[s.Products[i].ID] = i
	}
	for i := len(s.Rules) - 1; i >= 0; i-- {
		m.rules[s.Rules[i].ID] = i
	}
	for i := len(s.Phrases) - 1; i >= 0; i-- {
		m.phrases[s.Phrases[i].ID] = i
	}
	key := weak.Make(s)
	if _, loaded := byID.Swap(key, m); !loaded {
		runtime.AddCleanup(s, func(key weak.Pointer[Shop]) { byID.Delete(key) }, key)
	}
	return m
}

// ShipHours is the product's shipping window in hours: its own, else the shop's.
func (s *Shop) ShipHours(p *Product) int {
	if p != nil && p.ShipWithinHours > 0 {
		return p.ShipWithinHours
	}
	return s.ShipWithinHours
}

// Location loads the shop's timezone; an empty name means Asia/Shanghai, the
// platform's home.
func (s *Shop) Location() (*time.Location, error) {
	name := s.Timezone
	if name == "" {
		name = "Asia/Shanghai"
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("shop %q: timezone %q: %w", s.Name, name, err)
	}
	return loc, nil
}

// Cutoff parses SameDayCutoff into hour and minute; ok is false when the shop
// has no cutoff or it is malformed.
func (s *Shop) Cutoff() (hour, minute int, ok bool) {
	return ParseClock(s.SameDayCutoff)
}

// ParseClock parses "HH:MM" (24-hour).
func ParseClock(v string) (hour, minute int, ok bool) {
	if len(v) != 5 || v[2] != ':' {
		return 0, 0, false
	}
	for _, i := range []int{0, 1, 3, 4} {
		if v[i] < '0' || v[i] > '9' {
			return 0, 0, false
		}
	}
	hour = int(v[0]-'0')*10 + int(v[1]-'0')
	minute = int(v[3]-'0')*10 + int(v[4]-'0')
	if hour > 23 || minute > 59 {
		return 0, 0, false
	}
	return hour, minute, true
}
