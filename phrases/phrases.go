// Package phrases fills the {placeholders} of phrase templates (话术) from the
// product in context, so an agent can send a phrase with one click.
package phrases

import (
	"strconv"
	"strings"

	"assist/kb"
)

// Placeholders the format names; any other {name} is filled from the product
// fact of that name (so {材质} needs a fact called 材质).
const (
	Bundle     = "套餐"   // the title of the product's first bundle
	Pairing    = "搭配商品" // the title of the first product it pairs with
	ShipTime   = "发货时效" // the product's shipping window, e.g. 24小时, 15天
	Title      = "商品"   // the product's title
	Price      = "价格"   // the product's price
	ShopName   = "店铺"   // the shop's name
	maxNameLen = 32
)

// Placeholders returns the names inside {…} in text, in order, repeats kept.
// Braces that hold nothing, nest or never close are not placeholders.
func Placeholders(text string) []string {
	var names []string
	for {
		open := strings.IndexByte(text, '{')
		if open < 0 {
			return names
		}
		rest := text[open+1:]
		end := strings.IndexAny(rest, "{}")
		if end < 0 {
			return names
		}
		if rest[end] == '}' && end > 0 && len(rest[:end]) <= maxNameLen {
			names = append(names, rest[:end])
			text = rest[end+1:]
			continue
		}
		text = rest[end:]
	}
}

// Value returns what the named placeholder stands for with product p of shop s,
// and false when p cannot fill it.
func Value(s *kb.Shop, p *kb.Product, name string) (string, bool) {
	if p == nil {
		if name == ShopName && s != nil && s.Name != "" {
			return s.Name, true
		}
		return "", false
	}
	switch name {
	case Bundle:
		for _, b := range p.Bundles {
			if b.Title != "" {
				return b.Title, true
			}
		}
		return "", false
	case Pairing:
		if s == nil {
			return "", false
		}
		for _, id := range p.PairsWith {
			if q, ok := s.Product(id); ok && q.Title != "" {
				return q.Title, true
			}
		}
		return "", false
	case ShipTime:
		hours := p.ShipWithinHours
		if s != nil {
			hours = s.ShipHours(p)
		}
		if hours <= 0 {
			return "", false
		}
		return FormatHours(hours), true
	case Title:
		return p.Title, p.Title != ""
	case Price:
		if p.Price <= 0 {
			return "", false
		}
		return strconv.FormatFloat(p.Price, 'f', -1, 64) + "元", true
	case ShopName:
		return s.Name, s != nil && s.Name != ""
	}
	for _, f := range p.Facts {
		if f.Name == name && f.Value != "" {
			return f.Value, true
		}
	}
	return "", false
}

// FormatHours writes a shipping window the way agents say it: up to 48 hours in
// hours, whole days beyond that.
func FormatHours(h int) string {
	if h > 48 && h%24 == 0 {
		return strconv.Itoa(h/24) + "天"
	}
	return strconv.Itoa(h) + "小时"
}

// Fill replaces every placeholder in text with its value for product p. It
// returns the filled text and the names it could not fill; when missing is not
// empty the text still holds those raw {…} and must not be shown as is.
// A placeholder may carry a fallback after a bar, {买家|亲}: the fallback
// stands in when the value is unknown, so it is never missing.
func Fill(s *kb.Shop, p *kb.Product, text string) (filled string, missing []string) {
	return FillFor(s, p, People{}, text)
}

// FillFor is Fill with the people of the conversation known: {买家} and
// {客服} take their names. Words the engine writes (a shipping window)
// follow the script of the phrase, else of the shop.
func FillFor(s *kb.Shop, p *kb.Product, people People, text string) (filled string, missing []string) {
	if strings.IndexByte(text, '{') < 0 {
		return text, nil
	}
	// One pass over text, the placeholders found as Placeholders finds
	// them; a strings.Replacer per call cost 2.5 KB and 9 allocations.
	var b strings.Builder
	b.Grow(len(text) + 16)
	var values map[string]string // name → value; "" with ok=false is in missing
	rest := text
	for {
		open := strings.IndexByte(rest, '{')
		if open < 0 {
			break
		}
		after := rest[open+1:]
		end := strings.IndexAny(after, "{}")
		if end < 0 {
			break
		}
		if after[end] != '}' || end == 0 || end > maxNameLen {
			b.WriteString(rest[:open+1+end])
			rest = after[end:]
			continue
		}
		name := after[:end]
		v, ok := values[name]
		if !ok && !contains(missing, name) {
			if v, ok = fillOne(s, p, people, text, name); ok {
				if values == nil {
					values = map[string]string{}
				}
				values[name] = v
			} else {
				missing = append(missing, name)
			}
		}
		b.WriteString(rest[:open])
		if ok {
			b.WriteString(v)
		} else {
			b.WriteString(rest[open : open+end+2])
		}
		rest = after[end+1:]
	}
	if values == nil {
		return text, missing // nothing filled: text is as it was
	}
	b.WriteString(rest)
	return b.String(), missing
}

// fillOne is the value of one placeholder, its fallback when unknown.
func fillOne(s *kb.Shop, p *kb.Product, people People, text, name string) (string, bool) {
	key, fallback, hasFallback := strings.Cut(name, "|")
	v, ok := people.value(key)
	if !ok {
		v, ok = Value(s, p, key)
		if ok && (key == ShipTime || key == Price) {
			v = InScript(textScript(s, text), v)
		}
	}
	if !ok && hasFallback {
		return fallback, true
	}
	return v, ok
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// Fillable reports whether some product of s can fill every placeholder of
// text (the shop name alone needs no product).
func Fillable(s *kb.Shop, text string) (bool, []string) {
	names := Placeholders(text)
	if len(names) == 0 {
		return true, nil
	}
	if _, missing := Fill(s, nil, text); len(missing) == 0 {
		return true, nil
	}
	var best []string
	for i := range s.Products {
		_, missing := Fill(s, &s.Products[i], text)
		if len(missing) == 0 {
			return true, nil
		}
		if best == nil || len(missing) < len(best) {
			best = missing
		}
	}
	if best == nil {
		_, best = Fill(s, nil, text)
	}
	return false, best
}
