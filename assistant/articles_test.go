package assistant

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestRuleCarriesArticleText: an agent shown a rule that cites a statute
// reads the article itself, word for word, beside the shop's explanation.
func TestRuleCarriesArticleText(t *testing.T) {
	e := newTestEngine(t)
	s := turn(t, e, "c1", Buyer, "收到了不喜欢,可以七天无理由退货吗", "", at(10, 0))
	var hit *RuleHit
	for i := range s.Rules {
		if s.Rules[i].ID == "r-return" {
			hit = &s.Rules[i]
		}
	}
	if hit == nil {
		t.Fatalf("rules %v, want r-return", ruleIDs(s))
	}
	if len(hit.Articles) != 1 || hit.Articles[0].Label != "第二十五条" || hit.Articles[0].Law != "消费者权益保护法" ||
		!strings.HasPrefix(hit.Articles[0].Text, "经营者采用网络、电视、电话、邮购等方式销售商品，消费者有权自收到商品之日起七日内退货") {
		t.Errorf("r-return articles = %+v, want 消费者权益保护法 第二十五条 word for word", hit.Articles)
	}
	for _, r := range s.Rules {
		if r.ID == "r-proof" && len(r.Articles) != 0 {
			t.Errorf("the shop's own policy got statute text: %+v", r.Articles)
		}
	}
	data, _ := json.Marshal(hit)
	if !strings.Contains(string(data), `"articles":[{"law":"消费者权益保护法","number":25,"label":"第二十五条","text":"经营者`) {
		t.Errorf("JSON %s", data)
	}
}

func TestArticlesOf(t *testing.T) {
	tests := []struct {
		name   string
		source string
		want   []string // law label clause
	}{
		{"one", "《广告法》第九条", []string{"广告法 第九条 "}},
		{"clause", "《消费者权益保护法》第二十五条第一款第(一)项", []string{"消费者权益保护法 第二十五条 第一款第（一）项"}},
		{"item only", "《广告法》第九条第(三)项", []string{"广告法 第九条 第（三）项"}},
		{"platform and shop skipped", "《淘宝平台争议处理规则》第八条;《电子商务法》第二十条;店铺说明", []string{"电子商务法 第二十条 "}},
		{"same article once", "《广告法》第九条第(三)项、第九条第(四)项", []string{"广告法 第九条 第（三）项"}},
		{"wrong article shows nothing", "《广告法》第九十九条", nil},
		{"no source", "", nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, a := range articlesOf(tt.source) {
				if a.Text == "" {
					t.Errorf("%s %s has no text", a.Law, a.Label)
				}
				got = append(got, a.Law+" "+a.Label+" "+a.Clause)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("articlesOf(%q) = %q, want %q", tt.source, got, tt.want)
			}
		})
	}
}
