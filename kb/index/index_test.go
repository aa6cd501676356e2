package index

import (
	"path/filepath"
	"testing"

	"assist/kb"
	"assist/kb/segment"
)

func chargerShop() *kb.Shop {
	return &kb.Shop{
		Name: "快充数码", ShipWithinHours: 48, SameDayCutoff: "15:30", Timezone: "Asia/Shanghai",
		Products: []kb.Product{
			{ID: "c65", Title: "65W氮化镓快充充电器", Aliases: []string{"充电器", "充电头"},
				Facts: []kb.Fact{{Name: "接口", Value: "双Type-C+USB-A"}, {Name: "兼容", Value: "笔记本和手机"}}},
			{ID: "pb", Title: "20000毫安充电宝", Aliases: []string{"充电宝", "移动电源"},
				Facts: []kb.Fact{{Name: "容量", Value: "20000mAh"}, {Name: "登机", Value: "可以带上飞机"}}},
			{ID: "cable", Title: "编织数据线1.5米", Aliases: []string{"数据线"},
				Facts: []kb.Fact{{Name: "长度", Value: "1.5米"}}},
		},
		Rules: []kb.Rule{
			{ID: "return7", Title: "七天无理由退货", Text: "收到商品之日起七日内有权退货", Tags: []string{"退货", "退款"}},
			{ID: "extort", Title: "以差评要挟", Text: "以差评要挟谋取不当利益属于不当评价", Tags: []string{"差评", "要挟"}},
		},
		Phrases: []kb.Phrase{
			{ID: "hi", Scene: kb.SceneGreeting, Title: "问候", Text: "亲,您好", Tags: []string{"你好"}},
			{ID: "confirm", Scene: kb.SceneEvidence, Title: "确认诉求", Text: "您的意思是退款就不给差评吗", Tags: []string{"差评", "补偿"}},
		},
	}
}

func buildCharger(t *testing.T) *Index {
	t.Helper()
	ix, err := Build(filepath.Join(t.TempDir(), "index"), chargerShop())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { ix.Close() })
	return ix
}

func top(t *testing.T, ix *Index, kind Kind, text string) string {
	t.Helper()
	hits, err := ix.Search(kind, Terms(segment.Words(text)), 3)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) == 0 {
		return ""
	}
	return hits[0].ID
}

func TestSearchFindsByTitleAliasFactAndTags(t *testing.T) {
	ix := buildCharger(t)
	for _, tc := range []struct {
		name, text string
		kind       Kind
		want       string
	}{
		{"alias", "充电宝能带上飞机吗", Product, "pb"},
		{"fact value", "这个能给笔记本充吗", Product, "c65"},
		{"title word", "数据线多长", Product, "cable"},
		{"rule tag", "不想要了能退货吗", Rule, "return7"},
		{"rule text", "不退款我就给差评", Rule, "extort"},
		{"phrase tag", "补偿我不然差评", Phrase, "confirm"},
		{"traditional rule", "不退款我就給差評", Rule, "extort"},
		{"traditional product", "充電寶能帶上飛機嗎", Product, "pb"},
		{"full width", "ＵＳＢ-Ａ接口的充电器", Product, "c65"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if got := top(t, ix, tc.kind, tc.text); got != tc.want {
				t.Errorf("top %s for %q = %q, want %q", tc.kind, tc.text, got, tc.want)
			}
		})
	}
}

func TestSearchKeepsKindsApart(t *testing.T) {
	ix := buildCharger(t)
	hits, err := ix.Search(Phrase, Terms(segment.Words("退货 充电宝 差评")), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, h := range hits {
		if h.Kind != Phrase || h.ID != "confirm" {
			t.Errorf("phrase search returned %s %q", h.Kind, h.ID)
		}
	}
}

// A phrase's score depends on phrases only: products that repeat a word in
// every fact sheet must not make that word look common to phrase search.
func TestRarityIsCountedWithinAKind(t *testing.T) {
	shop := chargerShop()
	shop.Phrases = append(shop.Phrases, kb.Phrase{ID: "material", Scene: kb.SceneProduct, Title: "材质介绍",
		Text: "这款是{材质}", Tags: []string{"材质"}})
	terms := Terms(segment.Words("材质 差评"))
	scores := func(shop *kb.Shop) map[string]float64 {
		ix, err := Build(filepath.Join(t.TempDir(), "index"), shop)
		if err != nil {
			t.Fatal(err)
		}
		defer ix.Close()
		hits, err := ix.Search(Phrase, terms, 10)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]float64{}
		for _, h := range hits {
			m[h.ID] = h.Score
		}
		return m
	}
	before := scores(shop)
	for i := range shop.Products {
		shop.Products[i].Facts = append(shop.Products[i].Facts, kb.Fact{Name: "材质", Value: "阻燃外壳"})
	}
	after := scores(shop)
	if len(before) != 2 || before["material"] == 0 {
		t.Fatalf("phrase hits %v, want material and confirm", before)
	}
	for id, s := range before {
		if after[id] != s {
			t.Errorf("phrase %s scored %.4f, and %.4f once products name 材质 in their facts", id, s, after[id])
		}
	}
}

// A word counts once in how many of the query's words a document matches,
// whether it is in the title, the tags and the body or only in one of them:
// a document rich in a weaker word must not outrank one with the turn's own.
func TestAWordCountsOnceWhereverItIs(t *testing.T) {
	shop := chargerShop()
	shop.Phrases = []kb.Phrase{
		{ID: "photo", Scene: kb.SceneEvidence, Title: "请拍照片", Text: "麻烦拍几张照片给我", Tags: []string{"照片"}},
		{ID: "fault", Scene: kb.SceneEvidence, Title: "故障录像", Text: "麻烦录一段视频", Tags: []string{"断线"}},
	}
	ix, err := Build(filepath.Join(t.TempDir(), "index"), shop)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	hits, err := ix.Search(Phrase, []Term{{Text: "断线", Boost: 1}, {Text: "照片", Boost: 0.7}}, 2)
	if err != nil {
		t.Fatal(err)
	}
	if len(hits) != 2 || hits[0].ID != "fault" {
		t.Errorf("hits %v, want fault (the turn's word, in its tags) before photo (a weaker word, everywhere)", hits)
	}
}

func TestNoTermsNoHits(t *testing.T) {
	ix := buildCharger(t)
	hits, err := ix.Search(Product, nil, 3)
	if err != nil || len(hits) != 0 {
		t.Errorf("empty query gave %v, %v", hits, err)
	}
}

func TestRebuildReplacesTheIndex(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	ix, err := Build(dir, chargerShop())
	if err != nil {
		t.Fatal(err)
	}
	ix.Close()
	shop := chargerShop()
	shop.Products = shop.Products[:1]
	ix, err = Build(dir, shop)
	if err != nil {
		t.Fatal(err)
	}
	defer ix.Close()
	if got := top(t, ix, Product, "移动电源"); got != "" {
		t.Errorf("rebuilt index still finds removed product %q", got)
	}
}

func BenchmarkSearch(b *testing.B) {
	ix, err := Build(filepath.Join(b.TempDir(), "index"), chargerShop())
	if err != nil {
		b.Fatal(err)
	}
	defer ix.Close()
	terms := Terms(segment.Words("充电宝能带上飞机吗,不行我就退货"))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, err := ix.Search(Product, terms, 3); err != nil {
			b.Fatal(err)
		}
	}
}
