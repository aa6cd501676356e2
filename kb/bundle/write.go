package bundle

import (
	"encoding/json"
	"io"

	"assist/kb"
)

// The format as Write emits it: every field, empty lists as [], in the order
// FORMAT.md gives, so an export reads like the bundles people write.
type (
	bundleJSON struct {
		Shop     shopJSON      `json:"shop"`
		Products []productJSON `json:"products"`
		Rules    []ruleJSON    `json:"rules"`
		Phrases  []phraseJSON  `json:"phrases"`
	}
	shopJSON struct {
		Name            string `json:"name"`
		ShipWithinHours int    `json:"ship_within_hours"`
		SameDayCutoff   string `json:"same_day_cutoff"`
		Timezone        string `json:"timezone"`
	}
	productJSON struct {
		ID              string       `json:"id"`
		Title           string       `json:"title"`
		Aliases         []string     `json:"aliases"`
		Price           float64      `json:"price"`
		ShipWithinHours int          `json:"ship_within_hours"`
		Facts           []factJSON   `json:"facts"`
		PairsWith       []string     `json:"pairs_with"`
		Bundles         []bundleItem `json:"bundles"`
	}
	factJSON struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	bundleItem struct {
		Title string   `json:"title"`
		Items []string `json:"items"`
		Price float64  `json:"price"`
	}
	ruleJSON struct {
		ID     string   `json:"id"`
		Title  string   `json:"title"`
		Source string   `json:"source"`
		Text   string   `json:"text"`
		Tags   []string `json:"tags"`
	}
	phraseJSON struct {
		ID    string   `json:"id"`
		Scene string   `json:"scene"`
		Title string   `json:"title"`
		Text  string   `json:"text"`
		Tags  []string `json:"tags"`
		Code  string   `json:"code"`
	}
)

// Write writes s as a bundle that Parse reads back to an equal shop: 2-space
// indent, Chinese as is (no \u escapes), HTML characters unescaped. An empty
// timezone is written as the default it stands for.
func Write(w io.Writer, s *kb.Shop) error {
	out := bundleJSON{
		Shop: shopJSON{Name: s.Name, ShipWithinHours: s.ShipWithinHours,
			SameDayCutoff: s.SameDayCutoff, Timezone: s.Timezone},
		Products: make([]productJSON, 0, len(s.Products)),
		Rules:    make([]ruleJSON, 0, len(s.Rules)),
		Phrases:  make([]phraseJSON, 0, len(s.Phrases)),
	}
	if out.Shop.Timezone == "" {
		out.Shop.Timezone = DefaultTimezone
	}
	for _, p := range s.Products {
		pj := productJSON{ID: p.ID, Title: p.Title, Aliases: list(p.Aliases), Price: p.Price,
			ShipWithinHours: p.ShipWithinHours, Facts: []factJSON{}, PairsWith: list(p.PairsWith),
			Bundles: []bundleItem{}}
		for _, f := range p.Facts {
			pj.Facts = append(pj.Facts, factJSON(f))
		}
		for _, b := range p.Bundles {
			pj.Bundles = append(pj.Bundles, bundleItem{Title: b.Title, Items: list(b.Items), Price: b.Price})
		}
		out.Products = append(out.Products, pj)
	}
	for _, x := range s.Rules {
		out.Rules = append(out.Rules, ruleJSON{ID: x.ID, Title: x.Title, Source: x.Source, Text: x.Text, Tags: list(x.Tags)})
	}
	for _, x := range s.Phrases {
		out.Phrases = append(out.Phrases, phraseJSON{ID: x.ID, Scene: string(x.Scene), Title: x.Title, Text: x.Text, Tags: list(x.Tags), Code: x.Code})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}

// list writes a nil list as [] rather than null.
func list(s []string) []string {
	if s == nil {
		return []string{}
	}
	return s
}
