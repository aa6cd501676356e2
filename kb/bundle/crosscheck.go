package bundle

import (
	"fmt"
	"sort"
	"strings"
	"time"

	"assist/kb"
	"assist/phrases"
)

// crossCheck checks what no single entry can: that referenced products exist
// and that every phrase can be filled in by some product.
func (r *reader) crossCheck(shop *kb.Shop) {
	var productIDs []string
	for id, at := range r.ids {
		if at.kind == "product" {
			productIDs = append(productIDs, id)
		}
	}
	sort.Strings(productIDs) // Closest must not depend on map order
	for _, ref := range r.refs {
		at, ok := r.ids[ref.id]
		switch {
		case ok && at.kind == "product":
		case ok:
			r.Report(ref.v, ref.path, "%q is a %s (%s), not a product", ref.id, at.kind, strings.TrimSuffix(at.path, ".id"))
		default:
			r.Report(ref.v, ref.path, "no product %q%s", ref.id, DidYouMean(ref.id, productIDs))
		}
	}
	r.checkPlaceholders(shop)
}

// checkPlaceholders reports phrase texts whose {placeholders} no product can
// fill: the assistant would never be able to offer them. Fillability depends
// only on the set of names, so each set is tried once, however many phrases
// share it.
func (r *reader) checkPlaceholders(shop *kb.Shop) {
	verdicts := map[string]*fillVerdict{}
	for _, t := range r.texts {
		names := unique(phrases.Placeholders(t.text))
		if len(names) == 0 {
			continue
		}
		key := nameSet(names)
		v, done := verdicts[key]
		if !done {
			v = judge(shop, key)
			verdicts[key] = v
		}
		if v != nil {
			r.Report(t.v, t.path, "%s", v.message(names))
		}
	}
}

// unique keeps the first of each name, in text order.
func unique(names []string) []string {
	var out []string
	for _, n := range names {
		if !contains(out, n) {
			out = append(out, n)
		}
	}
	return out
}

// nameSet writes placeholder names as one text, sorted, so two phrases with
// the same names share a verdict.
func nameSet(names []string) string {
	sorted := append([]string(nil), names...)
	sort.Strings(sorted)
	return "{" + strings.Join(sorted, "}{") + "}"
}

// fillVerdict says why no product can fill a set of placeholders: never are
// the names no product fills at all; if there are none, each name is filled
// by some product but no one product fills them all.
type fillVerdict struct{ never map[string]bool }

// judge tries text, a name set, against every product; nil when one fills it.
func judge(shop *kb.Shop, text string) *fillVerdict {
	ok, missing := phrases.Fillable(shop, text)
	if ok {
		return nil
	}
	v := &fillVerdict{never: map[string]bool{}}
	for _, n := range missing {
		if alone, _ := phrases.Fillable(shop, "{"+n+"}"); !alone {
			v.never[n] = true
		}
	}
	return v
}

// message words the verdict for a phrase whose names, in its own order, are names.
func (v *fillVerdict) message(names []string) string {
	if len(v.never) == 0 {
		return fmt.Sprintf("no one product can fill all of %s at once", braced(names))
	}
	var never, reasons []string
	for _, n := range names {
		if v.never[n] {
			never = append(never, n)
			reasons = append(reasons, whyUnfilled(n))
		}
	}
	return fmt.Sprintf("no product can fill %s: %s", braced(never), strings.Join(reasons, "; "))
}

func braced(names []string) string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "{" + n + "}"
	}
	return strings.Join(out, ", ")
}

func whyUnfilled(name string) string {
	switch name {
	case phrases.Bundle:
		return "no product has a bundle"
	case phrases.Pairing:
		return "no product pairs_with another"
	case phrases.ShipTime:
		return "no product has a shipping time"
	case phrases.Title:
		return "no product has a title"
	case phrases.Price:
		return "no product has a price above 0"
	case phrases.ShopName:
		return "the shop has no name"
	}
	return fmt.Sprintf("no product has a fact named %q", name)
}

// checkZone accepts IANA zone names only: "Local" would make a shop's
// cutoff depend on the server it runs on.
func checkZone(name string) error {
	if name == "Local" {
		return fmt.Errorf("want an IANA time zone such as %s, not Local", DefaultTimezone)
	}
	if _, err := time.LoadLocation(name); err != nil {
		return fmt.Errorf("unknown time zone %q; want an IANA name such as %s", name, DefaultTimezone)
	}
	return nil
}
