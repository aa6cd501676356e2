package search

import (
	"strings"
	"sync"
	"testing"
	"time"

	"assist/kb/law"
	"assist/kb/segment"
)

var (
	once  sync.Once
	index *Index
	built time.Duration
)

// shared builds the index once for all tests: the segmenter's dictionary
// load dominates and is paid once per process in the product too.
func shared(t testing.TB) *Index {
	once.Do(func() {
		segment.Segmenter()
		start := time.Now()
		index = New(law.Default())
		built = time.Since(start)
	})
	t.Logf("index of %d articles built in %v (dictionary load %v, not counted)", index.Len(), built, segment.LoadTime())
	return index
}

func TestSearch(t *testing.T) {
	tests := []struct {
		name  string
		query string
		want  string // the article a person looking it up expects in the top 3
	}{
		{"7-day return", "收到商品之日起七日内退货", "《消费者权益保护法》第二十五条"},
		{"traditional", "收到商品之日起七日內退貨", "《消费者权益保护法》第二十五条"},
		{"return shipping", "退货运费由谁承担", "《网络购买商品七日无理由退货暂行办法》第十八条"},
		{"within one law", "电商法 押金", "《电子商务法》第二十一条"},
		{"superlatives", "国家级 最高级 最佳", "《广告法》第九条"},
		{"delivery time", "承诺 时限 交付商品", "《电子商务法》第二十条"},
		{"goods not delivered to the address", "快件 投递 收件地址", "《快递暂行条例》第二十五条"},
		{"quality return", "不符合质量要求 退货 更换 修理", "《消费者权益保护法》第二十四条"},
		{"cited outright", "消法第18条", "《消费者权益保护法》第十八条"},
	}
	x := shared(t)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hits := x.Search(tt.query, 3)
			var got []string
			for _, h := range hits {
				got = append(got, h.Article.Cite())
				if h.Article.Cite() == tt.want {
					return
				}
			}
			t.Errorf("Search(%q) top 3 = %v, want %s among them", tt.query, got, tt.want)
		})
	}
}

func TestSearchCitedFirst(t *testing.T) {
	hits := shared(t).Search("广告法第九条 绝对化用语", 5)
	if len(hits) == 0 || !hits[0].Cited || hits[0].Article.Cite() != "《广告法》第九条" {
		t.Fatalf("first hit %+v, want 《广告法》第九条 cited", hits)
	}
	for _, h := range hits[1:] {
		if h.Article == hits[0].Article {
			t.Errorf("the cited article is listed twice")
		}
	}
}

// TestSearchWithinLaw: a law named alone keeps the search inside it.
func TestSearchWithinLaw(t *testing.T) {
	for _, q := range []string{"广告法 虚假", "消费者权益保护法实施条例 虚假"} {
		hits := shared(t).Search(q, 10)
		want, _ := law.Default().Law(strings.Fields(q)[0])
		if len(hits) == 0 {
			t.Errorf("Search(%q) found nothing", q)
		}
		for _, h := range hits {
			if h.Article.Law != want.Name {
				t.Errorf("Search(%q) found %s, outside %s", q, h.Article.Cite(), want.Name)
			}
		}
	}
}

func TestSearchNothing(t *testing.T) {
	x := shared(t)
	if hits := x.Search("zzqx", 5); len(hits) != 0 {
		t.Errorf("nonsense query found %d articles", len(hits))
	}
	if hits := x.Search("退货", 0); hits != nil {
		t.Errorf("limit 0 returned %d", len(hits))
	}
	if hits := x.Search("退货", 4); len(hits) != 4 {
		t.Errorf("limit 4 returned %d", len(hits))
	}
}

func BenchmarkSearch(b *testing.B) {
	x := shared(b)
	queries := []string{"七日无理由退货", "快件 投递 收件地址", "国家级 最高级 最佳", "消法第18条"}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		x.Search(queries[i%len(queries)], 10)
	}
}

func BenchmarkNew(b *testing.B) {
	shared(b)
	lib := law.Default()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		New(lib)
	}
}
