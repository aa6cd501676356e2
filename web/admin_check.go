package web

import (
	"net/http"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"assist/assistant"
	"assist/kb"
	"assist/kb/fold"
	"assist/phrases"
)

// What the phrase editor checks while the admin types: the sizes and the
// scene, the short code, placeholders no product fills, duplicates of
// another phrase, and the engine's own wording and promise checks.

// problemLine is one thing wrong with a draft phrase, at the field the
// editor shows it under.
type problemLine struct {
	Field    string   `json:"field"`              // scene, title, text, tags, code
	Kind     string   `json:"kind"`               // e.g. required, unfillable, duplicate, wording, shipping_promise
	Message  string   `json:"message"`            // one line of Chinese, with the English after it where a log reads it
	Words    []string `json:"words,omitempty"`    // the words at fault, to mark
	Phrase   string   `json:"phrase,omitempty"`   // the other phrase, for a duplicate or a taken code
	Products []string `json:"products,omitempty"` // the products a promise fails for
}

// nearDuplicate is the share of character pairs two phrase texts must have
// in common to be called near-duplicates (Dice coefficient of bigrams).
const nearDuplicate = 0.85

// phraseProblems are the problems a phrase cannot be saved with.
func phraseProblems(shop *kb.Shop, p *kb.Phrase) []problemLine {
	var out []problemLine
	add := func(field, kind, msg string, args ...any) {
		out = append(out, problemLine{Field: field, Kind: kind, Message: kb.Errorf(kb.EInvalid, msg, args...).Error()})
	}
	if !p.Scene.Valid() {
		add("scene", "scene", "场景 %q 不存在 (scene %q: want one of %v)", clip(string(p.Scene)), clip(string(p.Scene)), kb.Scenes)
	}
	if n := utf8.RuneCountInString(p.Title); n == 0 || n > maxTitleRunes {
		add("title", "required", "标题须为 1 到 %d 个字 (title: want 1 to %d characters)", maxTitleRunes, maxTitleRunes)
	}
	if err := validText(p.Text); err != nil {
		out = append(out, problemLine{Field: "text", Kind: "required", Message: err.Error()})
	}
	if len(p.Tags) > maxTags {
		add("tags", "tags", "标签最多 %d 个 (tags: at most %d)", maxTags, maxTags)
	}
	for _, t := range p.Tags {
		if n := utf8.RuneCountInString(t); n == 0 || n > maxTagRunes {
			add("tags", "tags", "标签 %q 须为 1 到 %d 个字 (tag %q: want 1 to %d characters)", clip(t), maxTagRunes, clip(t), maxTagRunes)
		}
	}
	if why := kb.CheckCode(p.Code); p.Code != "" && why != "" {
		add("code", "code", "快捷码 %q 不可用 (code %q: %s)", clip(p.Code), clip(p.Code), why)
	}
	if p.Text != "" {
		if ok, missing := phrases.Fillable(shop, p.Text); !ok {
			out = append(out, problemLine{Field: "text", Kind: "unfillable", Words: braces(missing),
				Message: kb.Errorf(kb.EInvalid, "占位符 %s 没有任何商品能填,客服永远看不到这条话术 (placeholders %s: no product of the shop can fill them)",
					strings.Join(braces(missing), ""), strings.Join(braces(missing), " ")).Error()})
		}
	}
	return out
}

func braces(names []string) []string {
	out := make([]string, len(names))
	for i, n := range names {
		out[i] = "{" + n + "}"
	}
	return out
}

// duplicateProblems finds another live phrase with the same short code, the
// same text or nearly the same text.
func duplicateProblems(shop *kb.Shop, p *kb.Phrase) []problemLine {
	var out []problemLine
	mine := textKey(p.Text)
	for i := range shop.Phrases {
		o := &shop.Phrases[i]
		if o.ID == p.ID {
			continue
		}
		if p.Code != "" && o.Code == p.Code {
			out = append(out, problemLine{Field: "code", Kind: "code_taken", Phrase: o.ID,
				Message: "快捷码 /" + p.Code + " 已被话术「" + o.Title + "」使用 (code taken by " + o.ID + ")"})
		}
		if mine == "" {
			continue
		}
		other := textKey(o.Text)
		switch {
		case other == mine:
			out = append(out, problemLine{Field: "text", Kind: "duplicate", Phrase: o.ID,
				Message: "与话术「" + o.Title + "」内容相同 (same text as " + o.ID + ")"})
		case dice(mine, other) >= nearDuplicate:
			out = append(out, problemLine{Field: "text", Kind: "near_duplicate", Phrase: o.ID,
				Message: "与话术「" + o.Title + "」几乎相同,考虑合并 (nearly the same text as " + o.ID + ")"})
		}
	}
	return out
}

// textKey is a text as compared for duplicates: folded, without spaces and
// punctuation, so 亲，在的 and 亲, 在的! are one text.
func textKey(s string) string {
	return strings.Map(func(r rune) rune {
		if unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) {
			return -1
		}
		return r
	}, fold.String(s))
}

// dice is the Dice coefficient of the two texts' character bigrams.
func dice(a, b string) float64 {
	ra, rb := []rune(a), []rune(b)
	if len(ra) < 2 || len(rb) < 2 {
		return 0
	}
	pairs := map[[2]rune]int{}
	for i := 0; i+1 < len(ra); i++ {
		pairs[[2]rune{ra[i], ra[i+1]}]++
	}
	common := 0
	for i := 0; i+1 < len(rb); i++ {
		k := [2]rune{rb[i], rb[i+1]}
		if pairs[k] > 0 {
			pairs[k]--
			common++
		}
	}
	return 2 * float64(common) / float64(len(ra)-1+len(rb)-1)
}

// issueProblems turns the engine's findings into problems of the text.
func issueProblems(issues []assistant.PhraseIssue, products func(string) string) []problemLine {
	var out []problemLine
	for _, is := range issues {
		msg := is.Reason
		if len(is.Products) > 0 {
			names := make([]string, len(is.Products))
			for i, id := range is.Products {
				names[i] = products(id)
			}
			msg += "(对商品:" + strings.Join(names, "、")
			if is.More > 0 {
				msg += " 等 " + strconv.Itoa(len(is.Products)+is.More) + " 件"
			}
			msg += ")"
		}
		out = append(out, problemLine{Field: "text", Kind: is.Kind, Words: is.Words, Message: msg, Products: is.Products})
	}
	return out
}

// validatePhrase is POST .../admin/phrases/validate: every problem of a
// draft phrase, for the editor to show inline while the admin types. It
// stores nothing and answers 200 whatever it finds.
func (s *Server) validatePhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body phraseBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	ph := body.phrase(strings.TrimSpace(body.ID))
	out := phraseProblems(shop, &ph)
	out = append(out, duplicateProblems(shop, &ph)...)
	if strings.TrimSpace(ph.Text) != "" {
		issues, err := s.desk.CheckPhrase(r.Context(), p.Shop, ph.Text, "")
		if err != nil {
			return err
		}
		out = append(out, issueProblems(issues, productTitle(shop))...)
	}
	if out == nil {
		out = []problemLine{}
	}
	writeJSON(w, http.StatusOK, struct {
		OK       bool          `json:"ok"`
		Problems []problemLine `json:"problems"`
	}{len(out) == 0, out})
	return nil
}

func productTitle(shop *kb.Shop) func(string) string {
	return func(id string) string {
		if p, ok := shop.Product(id); ok {
			return p.Title
		}
		return id
	}
}

type previewBody struct {
	Text    string `json:"text"`
	Product string `json:"product"`
}

// previewPhrase is POST .../admin/phrases/preview: the text as an agent
// would see it with the product in view, what it cannot fill, and what the
// panel would flag in it.
func (s *Server) previewPhrase(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body previewBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	var product *kb.Product
	if body.Product != "" {
		var ok bool
		if product, ok = shop.Product(body.Product); !ok {
			return kb.Errorf(kb.ENotFound, "店铺没有商品 %q (no product %q)", clip(body.Product), clip(body.Product))
		}
	}
	filled, missing := phrases.Fill(shop, product, body.Text)
	issues, err := s.desk.CheckPhrase(r.Context(), p.Shop, body.Text, body.Product)
	if err != nil {
		return err
	}
	if issues == nil || product == nil {
		issues = []assistant.PhraseIssue{}
	}
	writeJSON(w, http.StatusOK, struct {
		Text    string                  `json:"text"`
		Missing []string                `json:"missing"`
		Shown   bool                    `json:"shown"` // false: the panel never shows it for this product
		Issues  []assistant.PhraseIssue `json:"issues"`
	}{filled, nonNil(missing), len(missing) == 0, issues})
	return nil
}

// fieldChange is one field of a phrase that a version changed.
type fieldChange struct {
	Field  string `json:"field"`
	Before string `json:"before"`
	After  string `json:"after"`
}

// diffPiece is a run of the text kept (=), added (+) or removed (-).
type diffPiece struct {
	Op   string `json:"op"`
	Text string `json:"text"`
}

// diffStates is what changed from before to after: the fields, and the
// text character by character. A first version (before nil) shows its text.
func diffStates(before *kb.PhraseState, after kb.PhraseState) ([]fieldChange, []diffPiece) {
	if before == nil { // a first version: its text is what there is to show
		return nil, []diffPiece{{"+", after.Text}}
	}
	old := *before
	var out []fieldChange
	field := func(name, a, b string) {
		if a != b {
			out = append(out, fieldChange{name, a, b})
		}
	}
	field("scene", string(old.Scene), string(after.Scene))
	field("title", old.Title, after.Title)
	field("text", old.Text, after.Text)
	field("tags", strings.Join(old.Tags, "、"), strings.Join(after.Tags, "、"))
	field("code", old.Code, after.Code)
	state := map[bool]string{false: "在用", true: "已停用"}
	if old.Retired != after.Retired {
		out = append(out, fieldChange{"retired", state[old.Retired], state[after.Retired]})
	}
	if old.Text == after.Text {
		return out, nil
	}
	return out, diffText(old.Text, after.Text)
}

// maxDiffRunes bounds the texts diffed character by character (the table
// is their product); longer texts are shown removed and added whole.
const maxDiffRunes = 2000

// diffText is a character diff of two texts (longest common subsequence).
func diffText(a, b string) []diffPiece {
	ra, rb := []rune(a), []rune(b)
	if len(ra) > maxDiffRunes || len(rb) > maxDiffRunes {
		return []diffPiece{{"-", a}, {"+", b}}
	}
	// lcs[i][j] is the LCS length of ra[i:] and rb[j:].
	lcs := make([][]int32, len(ra)+1)
	for i := range lcs {
		lcs[i] = make([]int32, len(rb)+1)
	}
	for i := len(ra) - 1; i >= 0; i-- {
		for j := len(rb) - 1; j >= 0; j-- {
			if ra[i] == rb[j] {
				lcs[i][j] = lcs[i+1][j+1] + 1
			} else {
				lcs[i][j] = max(lcs[i+1][j], lcs[i][j+1])
			}
		}
	}
	var out []diffPiece
	emit := func(op string, r rune) {
		if n := len(out); n > 0 && out[n-1].Op == op {
			out[n-1].Text += string(r)
			return
		}
		out = append(out, diffPiece{op, string(r)})
	}
	i, j := 0, 0
	for i < len(ra) || j < len(rb) {
		switch {
		case i < len(ra) && j < len(rb) && ra[i] == rb[j]:
			emit("=", ra[i])
			i++
			j++
		case j < len(rb) && (i == len(ra) || lcs[i][j+1] >= lcs[i+1][j]):
			emit("+", rb[j])
			j++
		default:
			emit("-", ra[i])
			i++
		}
	}
	return out
}
