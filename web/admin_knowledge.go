package web

import (
	"errors"
	"math"
	"net/http"
	"strings"
	"unicode/utf8"

	"assist/assistant"
	"assist/kb"
	"assist/kb/law"
	"assist/kb/law/search"
	"assist/phrases"
)

// The admin's products, rules and law library. A product edit can leave a
// phrase with nothing to fill or a promise the product no longer keeps:
// the answer names those phrases, and the phrase list flags them (the
// engine never shows a phrase it cannot fill).

type factBody struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type bundleBody struct {
	Title string   `json:"title"`
	Items []string `json:"items"`
	Price float64  `json:"price"`
}

type productBody struct {
	Title           string       `json:"title"`
	Aliases         []string     `json:"aliases"`
	Price           float64      `json:"price"`
	ShipWithinHours int          `json:"ship_within_hours"`
	Facts           []factBody   `json:"facts"`
	PairsWith       []string     `json:"pairs_with"`
	Bundles         []bundleBody `json:"bundles"`
}

type productAdminLine struct {
	ID string `json:"id"`
	productBody
	ShipHours int `json:"ship_hours"` // its own window, else the shop's
}

func productLineOf(shop *kb.Shop, p *kb.Product) productAdminLine {
	l := productAdminLine{ID: p.ID, ShipHours: shop.ShipHours(p), productBody: productBody{Title: p.Title,
		Aliases: nonNil(p.Aliases), Price: p.Price, ShipWithinHours: p.ShipWithinHours, PairsWith: nonNil(p.PairsWith),
		Facts: []factBody{}, Bundles: []bundleBody{}}}
	for _, f := range p.Facts {
		l.Facts = append(l.Facts, factBody{f.Name, f.Value})
	}
	for _, b := range p.Bundles {
		l.Bundles = append(l.Bundles, bundleBody{b.Title, nonNil(b.Items), b.Price})
	}
	return l
}

// adminProducts is GET .../admin/products: every product whole.
func (s *Server) adminProducts(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]productAdminLine, len(shop.Products))
	for i := range shop.Products {
		out[i] = productLineOf(shop, &shop.Products[i])
	}
	writeJSON(w, http.StatusOK, struct {
		ShipWithinHours int                `json:"ship_within_hours"`
		Products        []productAdminLine `json:"products"`
	}{shop.ShipWithinHours, out})
	return nil
}

// flaggedPhrase is a phrase an edit left unfillable, or whose promise the
// edited product no longer keeps.
type flaggedPhrase struct {
	ID     string `json:"id"`
	Title  string `json:"title"`
	Reason string `json:"reason"`
}

// putProduct is PUT .../admin/products/{id}: a product's facts, shipping
// window, pairings and bundles (pre-sale and made-to-order are facts: 发货 =
// 预售 …). The answer lists the phrases the edit breaks.
func (s *Server) putProduct(w http.ResponseWriter, r *http.Request, p *principal) error {
	id := r.PathValue("id")
	if err := validPhraseID(id); err != nil {
		return kb.Errorf(kb.EInvalid, "商品编号 %q 不可用 (product id: want 1 to %d printable characters)", clip(id), maxPhraseIDLen)
	}
	var body productBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	ctx := r.Context()
	before, err := s.desk.Knowledge(ctx, p.Shop)
	if err != nil {
		return err
	}
	prod, err := productOf(before, id, body)
	if err != nil {
		return err
	}
	// What each phrase could do before the edit, to tell what it broke.
	fillable := map[string]bool{}
	issues := map[string]int{}
	for _, ph := range before.Phrases {
		fillable[ph.ID], _ = phrases.Fillable(before, ph.Text)
		if is, err := s.desk.CheckPhrase(ctx, p.Shop, ph.Text, id); err == nil {
			issues[ph.ID] = len(is)
		}
	}
	if err := s.admin.PutProduct(ctx, p.Shop, prod); err != nil {
		return err
	}
	after, err := s.desk.Knowledge(ctx, p.Shop)
	if err != nil {
		return err
	}
	flagged := []flaggedPhrase{}
	for _, ph := range after.Phrases {
		if ok, missing := phrases.Fillable(after, ph.Text); !ok && fillable[ph.ID] {
			flagged = append(flagged, flaggedPhrase{ph.ID, ph.Title,
				"占位符 " + strings.Join(braces(missing), "") + " 已没有商品能填,客服看不到这条话术"})
			continue
		}
		is, err := s.desk.CheckPhrase(ctx, p.Shop, ph.Text, id)
		if err == nil && len(is) > issues[ph.ID] {
			flagged = append(flagged, flaggedPhrase{ph.ID, ph.Title, "对「" + prod.Title + "」:" + is[len(is)-1].Reason})
		}
	}
	np, _ := after.Product(id)
	writeJSON(w, http.StatusOK, struct {
		Product productAdminLine `json:"product"`
		Flagged []flaggedPhrase  `json:"flagged"`
	}{productLineOf(after, np), flagged})
	return nil
}

// productOf checks an edited product against its shop: sizes, a sane price
// and window, pairings and bundle items that are products of the shop.
func productOf(shop *kb.Shop, id string, b productBody) (kb.Product, error) {
	p := kb.Product{ID: id, Title: strings.TrimSpace(b.Title), Aliases: cleanTags(b.Aliases), Price: b.Price,
		ShipWithinHours: b.ShipWithinHours, PairsWith: cleanTags(b.PairsWith)}
	bad := func(format string, args ...any) (kb.Product, error) {
		return kb.Product{}, kb.Errorf(kb.EInvalid, format, args...)
	}
	if n := utf8.RuneCountInString(p.Title); n == 0 || n > maxTitleRunes {
		return bad("商品名称须为 1 到 %d 个字 (title: want 1 to %d characters)", maxTitleRunes, maxTitleRunes)
	}
	if p.Price < 0 || math.IsNaN(p.Price) || p.Price > 1e8 {
		return bad("价格须在 0 到 1 亿之间 (price: want 0 to 100000000)")
	}
	if p.ShipWithinHours < 0 || p.ShipWithinHours > 24*365 {
		return bad("发货时效须在 0 到 8760 小时之间,0 表示用店铺的 (ship_within_hours: want 0 to 8760)")
	}
	known := func(ref string) bool { _, ok := shop.Product(ref); return ok || ref == id }
	for _, ref := range p.PairsWith {
		if ref == id {
			return bad("商品不能搭配自己 (pairs_with: %q is the product itself)", clip(ref))
		}
		if !known(ref) {
			return bad("搭配的商品 %q 不存在 (pairs_with: no product %q)", clip(ref), clip(ref))
		}
	}
	for i, f := range b.Facts {
		name, value := strings.TrimSpace(f.Name), strings.TrimSpace(f.Value)
		if name == "" || value == "" || utf8.RuneCountInString(name) > maxTagRunes {
			return bad("第 %d 条属性须有名称(≤%d 字)和内容 (facts[%d]: name and value are required)", i+1, maxTagRunes, i)
		}
		p.Facts = append(p.Facts, kb.Fact{Name: name, Value: value})
	}
	for i, bu := range b.Bundles {
		title := strings.TrimSpace(bu.Title)
		if title == "" || len(bu.Items) < 2 || bu.Price < 0 {
			return bad("第 %d 个套餐须有名称、至少两件商品和价格 (bundles[%d]: title, 2+ items and a price are required)", i+1, i)
		}
		for _, it := range bu.Items {
			if !known(it) {
				return bad("套餐「%s」里的商品 %q 不存在 (bundles[%d].items: no product %q)", title, clip(it), i, clip(it))
			}
		}
		p.Bundles = append(p.Bundles, kb.Bundle{Title: title, Items: bu.Items, Price: bu.Price})
	}
	return p, nil
}

type ruleBody struct {
	Title  string   `json:"title"`
	Source string   `json:"source"`
	Text   string   `json:"text"`
	Tags   []string `json:"tags"`
}

type ruleAdminLine struct {
	ID string `json:"id"`
	ruleBody
	Articles []assistant.Article `json:"articles"`           // the statute articles the source cites, word for word
	Problems []string            `json:"problems,omitempty"` // citations of the source that do not resolve
}

func ruleLineOf(r *kb.Rule) ruleAdminLine {
	l := ruleAdminLine{ID: r.ID, ruleBody: ruleBody{r.Title, r.Source, r.Text, nonNil(r.Tags)},
		Articles: assistant.CitedArticles(r.Source)}
	if l.Articles == nil {
		l.Articles = []assistant.Article{}
	}
	l.Problems = sourceProblems(r.Source)
	return l
}

// sourceProblems are the citations of a source an agent would cite in
// vain: an article or clause the statute lacks, a misspelt statute. A
// platform rule or the shop's own policy is cited by name and passes.
func sourceProblems(source string) []string {
	_, err := law.Default().Resolve(source)
	var es law.ResolveErrors
	if !errors.As(err, &es) {
		return nil
	}
	var out []string
	for _, e := range es {
		if errors.Is(e, law.ErrNoArticle) || errors.Is(e, law.ErrNoClause) ||
			(errors.Is(e, law.ErrUnknownLaw) && e.Suggest != nil) {
			out = append(out, e.Msg)
		}
	}
	return out
}

// adminRules is GET .../admin/rules: every rule, with the articles its
// source cites beside the shop's own explanation.
func (s *Server) adminRules(w http.ResponseWriter, r *http.Request, p *principal) error {
	shop, err := s.desk.Knowledge(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	out := make([]ruleAdminLine, len(shop.Rules))
	for i := range shop.Rules {
		out[i] = ruleLineOf(&shop.Rules[i])
	}
	writeJSON(w, http.StatusOK, struct {
		Rules []ruleAdminLine `json:"rules"`
	}{out})
	return nil
}

// putRule is PUT .../admin/rules/{id}: a rule edited or added. A source
// citing an article its statute lacks is refused, with the reason.
func (s *Server) putRule(w http.ResponseWriter, r *http.Request, p *principal) error {
	id := r.PathValue("id")
	if err := validPhraseID(id); err != nil {
		return kb.Errorf(kb.EInvalid, "规则编号 %q 不可用 (rule id: want 1 to %d printable characters)", clip(id), maxPhraseIDLen)
	}
	var body ruleBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	rule := kb.Rule{ID: id, Title: strings.TrimSpace(body.Title), Source: strings.TrimSpace(body.Source), Text: body.Text,
		Tags: cleanTags(body.Tags)}
	if n := utf8.RuneCountInString(rule.Title); n == 0 || n > maxTitleRunes {
		return kb.Errorf(kb.EInvalid, "规则标题须为 1 到 %d 个字 (title: want 1 to %d characters)", maxTitleRunes, maxTitleRunes)
	}
	if err := validText(rule.Text); err != nil {
		return kb.Errorf(kb.EInvalid, "规则内容有误 (%v)", err)
	}
	if pr := sourceProblems(rule.Source); len(pr) > 0 {
		return kb.Errorf(kb.EInvalid, "出处引用不存在的条款:%s (source: %s)", strings.Join(pr, ";"), strings.Join(pr, "; "))
	}
	if err := s.admin.PutRule(r.Context(), p.Shop, rule); err != nil {
		return err
	}
	if _, err := s.desk.Knowledge(r.Context(), p.Shop); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ruleLineOf(&rule))
	return nil
}

type lawHit struct {
	Law     string `json:"law"`
	Number  int    `json:"number"`
	Label   string `json:"label"`
	Cite    string `json:"cite"`
	Chapter string `json:"chapter,omitempty"`
	Text    string `json:"text"`
	Cited   bool   `json:"cited,omitempty"` // the query named this article outright
}

// searchLaw is GET .../admin/law?q=: statute articles by their words, or by
// citation (消法第二十四条), best first.
func (s *Server) searchLaw(w http.ResponseWriter, r *http.Request, p *principal) error {
	q := strings.TrimSpace(r.URL.Query().Get("q"))
	if utf8.RuneCountInString(q) > 200 {
		return kb.Errorf(kb.EInvalid, "查询最多 200 个字 (q: at most 200 characters)")
	}
	out := []lawHit{}
	if q != "" {
		for _, h := range search.Default().Search(q, 10) {
			a := h.Article
			out = append(out, lawHit{Law: a.Law, Number: a.Number, Label: a.Label(), Cite: a.Cite(), Chapter: a.Chapter,
				Text: a.Text, Cited: h.Cited})
		}
	}
	laws := []string{}
	for _, l := range law.Default().Laws() {
		laws = append(laws, l.Name)
	}
	writeJSON(w, http.StatusOK, struct {
		Laws []string `json:"laws"`
		Hits []lawHit `json:"hits"`
	}{laws, out})
	return nil
}

type settingsBody struct {
	RequireApproval bool `json:"require_approval"`
}

// adminSettings is GET .../admin/settings.
func (s *Server) adminSettings(w http.ResponseWriter, r *http.Request, p *principal) error {
	on, err := s.admin.RequireApproval(r.Context(), p.Shop)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, settingsBody{on})
	return nil
}

// putSettings is PUT .../admin/settings: whether phrase changes wait for a
// second admin.
func (s *Server) putSettings(w http.ResponseWriter, r *http.Request, p *principal) error {
	var body settingsBody
	if err := decodeBody(w, r, &body); err != nil {
		return err
	}
	if err := s.admin.SetRequireApproval(r.Context(), p.Shop, body.RequireApproval); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, body)
	return nil
}
