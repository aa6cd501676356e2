package law

import (
	"errors"
	"strings"
	"testing"
)

func TestNumeral(t *testing.T) {
	tests := []struct {
		n    int
		want string
	}{
		{1, "一"}, {9, "九"}, {10, "十"}, {11, "十一"}, {20, "二十"}, {24, "二十四"},
		{100, "一百"}, {101, "一百零一"}, {110, "一百一十"}, {119, "一百一十九"},
		{200, "二百"}, {1005, "一千零五"}, {1010, "一千零一十"}, {0, ""}, {10000, ""},
	}
	for _, tt := range tests {
		if got := Numeral(tt.n); got != tt.want {
			t.Errorf("Numeral(%d) = %q, want %q", tt.n, got, tt.want)
		}
		if tt.want == "" {
			continue
		}
		if back, ok := ParseNumber(tt.want); !ok || back != tt.n {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d", tt.want, back, ok, tt.n)
		}
	}
}

func TestParseNumber(t *testing.T) {
	tests := []struct {
		in   string
		want int
		ok   bool
	}{
		{"二十四", 24, true}, {"24", 24, true}, {"十二", 12, true}, {"两百", 200, true},
		{"一百零一", 101, true}, {"〇", 0, false}, {"0", 0, false}, {"二四", 0, false},
		{"百", 0, false}, {"", 0, false}, {"12a", 0, false}, {"99999", 0, false},
	}
	for _, tt := range tests {
		got, ok := ParseNumber(tt.in)
		if ok != tt.ok || (ok && got != tt.want) {
			t.Errorf("ParseNumber(%q) = %d, %v; want %d, %v", tt.in, got, ok, tt.want, tt.ok)
		}
	}
}

func TestParse(t *testing.T) {
	text := "\uFEFF【法律名称】中华人民共和国示例法\r\n【条款数】3\r\n\r\n==== 正文开始 ====\r\n" +
		"中华人民共和国示例法\n目　　录\n　　第一章　总　　则\n\n" +
		"第一章　总　　则\n\n　　第一条　为了示例，制定本法。\n\n" +
		"第二章　经营者\n第一节　一般规定\n　　第二条　经营者不得有下列行为：\n　　（一）虚构交易；\n　　（二）删除评价。\n" +
		"　　第二十条规定的情形除外。\n" + // quotes another article: text, not a new one
		"　　第三条　本法自公布之日起施行。\n==== 正文结束 ====\n第四条 after the end\n"
	l, err := Parse("示例法.txt", []byte(text))
	if err != nil {
		t.Fatal(err)
	}
	if l.Name != "示例法" || l.FullName != "中华人民共和国示例法" {
		t.Errorf("names = %q, %q", l.Name, l.FullName)
	}
	if len(l.Articles) != 3 {
		t.Fatalf("got %d articles, want 3", len(l.Articles))
	}
	a := l.Articles[1]
	want := "经营者不得有下列行为：\n（一）虚构交易；\n（二）删除评价。\n第二十条规定的情形除外。"
	if a.Text != want || a.Chapter != "第二章 经营者" || a.Section != "第一节 一般规定" {
		t.Errorf("第二条 = %q in %q/%q\nwant %q in 第二章 经营者/第一节 一般规定", a.Text, a.Chapter, a.Section, want)
	}
	ps := a.Paragraphs()
	if len(ps) != 2 || len(ps[0].Items) != 2 || len(ps[1].Items) != 0 {
		t.Errorf("paragraphs = %+v, want 2, the first with 2 items", ps)
	}
	if l.Articles[0].Chapter != "第一章 总则" || l.Articles[2].Text != "本法自公布之日起施行。" {
		t.Errorf("第一条 chapter %q, 第三条 %q", l.Articles[0].Chapter, l.Articles[2].Text)
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"no body marker", "【法律名称】示例法\n第一条 文本。\n", "no \"==== 正文开始 ====\""},
		{"no name", "==== 正文开始 ====\n第一条 文本。\n", "no name"},
		{"no articles", "【法律名称】示例法\n==== 正文开始 ====\n只有文字。\n", "no articles"},
		{"count differs", "【法律名称】示例法\n【条款数】3\n==== 正文开始 ====\n第一条 甲。\n第二条 乙。\n第四条 丁。\n",
			"header declares 3 articles, found 2 consecutive ones (last 第二条)"},
		{"bad count", "【法律名称】示例法\n【条款数】三\n==== 正文开始 ====\n第一条 甲。\n", "x.txt:2: 条款数 \"三\" is not a number"},
		{"empty article", "【法律名称】示例法\n==== 正文开始 ====\n第一条\n第二条 乙。\n", "第一条 has no text"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Parse("x.txt", []byte(tt.text))
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Errorf("err = %v, want it to contain %q", err, tt.want)
			}
		})
	}
}

// TestEmbeddedLaws checks every statute shipped: consecutive articles from
// 第一条, as many as the text's header declares (or, for the one text
// without a header count, as many as its last article says), each with
// text, the last one the statute's entry into force.
func TestEmbeddedLaws(t *testing.T) {
	want := map[string]int{
		"消费者权益保护法":     63,
		"消费者权益保护法实施条例": 53,
		"电子商务法":        89,
		"广告法":          74,
		"网络购买商品七日无理由退货暂行办法": 38,
		"快递暂行条例": 48,
	}
	laws := Default().Laws()
	if len(laws) != len(want) {
		t.Errorf("%d laws, want %d", len(laws), len(want))
	}
	for _, l := range laws {
		if got := len(l.Articles); got != want[l.Name] {
			t.Errorf("%s: %d articles, want %d", l.Name, got, want[l.Name])
		}
		for i, a := range l.Articles {
			if a.Number != i+1 || a.Law != l.Name || a.Text == "" || a.Chapter == "" {
				t.Errorf("%s article %d: number %d, law %q, chapter %q, %d bytes of text", l.Name, i+1, a.Number, a.Law, a.Chapter, len(a.Text))
			}
			for _, line := range a.Lines() {
				if _, _, ok := articleHead(line); ok && strings.Contains(line, "　") {
					t.Errorf("%s: a line looks like an article head: %q", a.Cite(), line)
				}
			}
		}
		last := l.Articles[len(l.Articles)-1].Text
		if !strings.Contains(last, "施行") {
			t.Errorf("%s: last article %q does not bring the law into force", l.Name, last)
		}
		if l.URL == "" && !strings.HasSuffix(l.File, ".md") {
			t.Errorf("%s: no source URL", l.Name)
		}
	}
}

// TestArticleText pins a few articles agents cite most, word for word.
func TestArticleText(t *testing.T) {
	tests := []struct {
		law     string
		n       int
		prefix  string
		chapter string
	}{
		{"消费者权益保护法", 24, "经营者提供的商品或者服务不符合质量要求的，消费者可以依照国家规定、当事人约定退货", "第三章 经营者的义务"},
		{"消费者权益保护法", 25, "经营者采用网络、电视、电话、邮购等方式销售商品，消费者有权自收到商品之日起七日内退货", "第三章 经营者的义务"},
		{"广告法", 9, "广告不得有下列情形：\n（一）使用或者变相使用中华人民共和国的国旗", "第二章 广告内容准则"},
		{"电子商务法", 20, "电子商务经营者应当按照承诺或者与消费者约定的方式、时限向消费者交付商品或者服务", "第二章 电子商务经营者"},
		{"快递暂行条例", 25, "经营快递业务的企业应当将快件投递到约定的收件地址、收件人或者收件人指定的代收人", "第四章 快递服务"},
	}
	lib := Default()
	for _, tt := range tests {
		a, err := lib.Article(tt.law, tt.n)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(a.Text, tt.prefix) || a.Chapter != tt.chapter {
			t.Errorf("%s: %q in %q\nwant it to start %q in %q", a.Cite(), a.Text, a.Chapter, tt.prefix, tt.chapter)
		}
	}
}

func TestArticleErrors(t *testing.T) {
	lib := Default()
	if _, err := lib.Article("广告法", 80); err == nil || err.Error() != "《广告法》 has no 第八十条: its articles run 第一条 to 第七十四条" {
		t.Errorf("广告法 80: %v", err)
	}
	if _, err := lib.Article("《消费者权益保户法》", 1); err == nil ||
		err.Error() != "《消费者权益保户法》 is not a statute in the library (did you mean 《消费者权益保护法》?)" {
		t.Errorf("misspelt law: %v", err)
	}
	if a, err := lib.Article("中华人民共和國電子商務法", 1); err != nil || a.Law != "电子商务法" {
		t.Errorf("traditional full name: %v, %v", a, err)
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		name   string
		source string
		want   []string // Citation.String() + " " + Kind, and "+" when the article text is found
		err    error
		msg    string
	}{
		{"bracketed", "《消费者权益保护法》第二十四条", []string{"《消费者权益保护法》第二十四条 statute+"}, nil, ""},
		{"bare, arabic", "消费者权益保护法第24条", []string{"《消费者权益保护法》第二十四条 statute+"}, nil, ""},
		{"space", "电子商务法 第二十条", []string{"《电子商务法》第二十条 statute+"}, nil, ""},
		{"short name", "消法第二十五条", []string{"《消费者权益保护法》第二十五条 statute+"}, nil, ""},
		{"alias, no 第", "电商法20条", []string{"《电子商务法》第二十条 statute+"}, nil, ""},
		{"full name", "《中华人民共和国广告法》第九条", []string{"《广告法》第九条 statute+"}, nil, ""},
		{"traditional", "《消費者權益保護法》第二十五條", []string{"《消费者权益保护法》第二十五条 statute+"}, nil, ""},
		{"full-width digits", "《广告法》第９条", []string{"《广告法》第九条 statute+"}, nil, ""},
		{"several", "《消费者权益保护法》第二十五条;《网络购买商品七日无理由退货暂行办法》第八条、第九条第(一)项",
			[]string{"《消费者权益保护法》第二十五条 statute+", "《网络购买商品七日无理由退货暂行办法》第八条 statute+",
				"《网络购买商品七日无理由退货暂行办法》第九条第（一）项 statute+"}, nil, ""},
		{"paragraph and item", "《消费者权益保护法》第二十五条第一款第（一）项", []string{"《消费者权益保护法》第二十五条第一款第（一）项 statute+"}, nil, ""},
		{"list without 第", "广告法第四条、九条", []string{"《广告法》第四条 statute+", "《广告法》第九条 statute+"}, nil, ""},
		{"range", "《电子商务法》第十九条至第二十一条",
			[]string{"《电子商务法》第十九条 statute+", "《电子商务法》第二十条 statute+", "《电子商务法》第二十一条 statute+"}, nil, ""},
		{"law alone", "《广告法》", []string{"《广告法》 statute"}, nil, ""},
		{"platform rule", "《淘宝平台争议处理规则》第三十六条、第三十八条",
			[]string{"《淘宝平台争议处理规则》第三十六条 platform", "《淘宝平台争议处理规则》第三十八条 platform"}, nil, ""},
		{"platform with note", "《淘宝平台评价规范》(不当评价)", []string{"《淘宝平台评价规范》 platform"}, nil, ""},
		{"platform, bare", "平台发货管理规则", []string{"《平台发货管理规则》 platform"}, nil, ""},
		{"shop's own", "《消费者权益保护法》第二十五条;店铺说明", []string{"《消费者权益保护法》第二十五条 statute+", "店铺说明 shop"}, nil, ""},
		{"introduced", "根据《消费者权益保护法》第二十四条", []string{"《消费者权益保护法》第二十四条 statute+"}, nil, ""},
		{"introduced, traditional", "依據消費者權益保護法第二十四條之規定", []string{"《消费者权益保护法》第二十四条 statute+"}, nil, ""},
		{"trailing words", "依照《电子商务法》第二十条规定", []string{"《电子商务法》第二十条 statute+"}, nil, ""},
		{"joined by 和", "消法第二十四条和第二十五条的规定", []string{"《消费者权益保护法》第二十四条 statute+", "《消费者权益保护法》第二十五条 statute+"}, nil, ""},
		{"no such article", "消法第九十条", []string{"《消费者权益保护法》第九十条 statute"}, ErrNoArticle,
			"《消费者权益保护法》 has no 第九十条: its articles run 第一条 to 第六十三条"},
		{"article zero", "《广告法》第0条", []string{"《广告法》 statute"}, ErrNoArticle, "《广告法》 has no article 0: its articles run 第一条 to 第七十四条"},
		{"no such paragraph", "《广告法》第九条第三款", []string{"《广告法》第九条第三款 statute+"}, ErrNoClause,
			"《广告法》第九条 has no 第三款: it has 1 paragraph(s)"},
		{"no such item", "《广告法》第九条第（十二）项", []string{"《广告法》第九条第（十二）项 statute+"}, ErrNoClause,
			"《广告法》第九条 has no 第（十二）项: it lists 11 item(s)"},
		{"unknown law", "《产品质量法》第四十条", []string{"《产品质量法》第四十条 statute"}, ErrUnknownLaw,
			"《产品质量法》 is not a statute in the library"},
		{"misspelt law", "《电子商物法》第二十条", []string{"《电子商物法》第二十条 statute"}, ErrUnknownLaw,
			"《电子商物法》 is not a statute in the library (did you mean 《电子商务法》?)"},
		{"article without law", "第二十条", []string{"《》第二十条 statute"}, ErrNoLaw,
			"第二十条 names no law: write the law before it, as in 《消费者权益保护法》第二十条"},
		{"good and bad", "《广告法》第九条、第九十条", []string{"《广告法》第九条 statute+", "《广告法》第九十条 statute"}, ErrNoArticle,
			"《广告法》 has no 第九十条: its articles run 第一条 to 第七十四条"},
		{"empty", "", nil, nil, ""},
	}
	lib := Default()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cs, err := lib.Resolve(tt.source)
			var got []string
			for _, c := range cs {
				s := c.String() + " " + string(c.Kind)
				if c.Article != nil {
					s += "+"
				}
				got = append(got, s)
			}
			if strings.Join(got, " | ") != strings.Join(tt.want, " | ") {
				t.Errorf("Resolve(%q) =\n  %s\nwant\n  %s", tt.source, strings.Join(got, " | "), strings.Join(tt.want, " | "))
			}
			switch {
			case tt.err == nil && err != nil:
				t.Errorf("unexpected error %v", err)
			case tt.err != nil && (!errors.Is(err, tt.err) || err.Error() != tt.msg):
				t.Errorf("error %v\nwant %q (%v)", err, tt.msg, tt.err)
			}
		})
	}
}

// TestResolveOffsets: a problem must point at the citation inside the
// source, so the bundle reader can give its column.
func TestResolveOffsets(t *testing.T) {
	src := "《淘宝平台争议处理规则》第八条；《消費者權益保護法》第九十条"
	_, err := Default().Resolve(src)
	var es ResolveErrors
	if !errors.As(err, &es) || len(es) != 1 {
		t.Fatalf("err = %v, want one ResolveError", err)
	}
	c := es[0].Citation
	if got := src[c.Start:c.End]; got != "第九十条" {
		t.Errorf("offsets give %q, want 第九十条", got)
	}
}

func TestNames(t *testing.T) {
	tests := []struct {
		name, text, want string
	}{
		{"unknown entry", "lawz 广告法 = x\n", "n.txt:1: unknown entry \"lawz\"; want law, platform, shop, statute or ignore"},
		{"no aliases", "# c\nlaw 广告法 =\n", "n.txt:2: law 广告法: no aliases after ="},
		{"no equals", "law 广告法\n", "n.txt:1: want law NAME = ALIAS, ALIAS …"},
		{"no words", "platform\n", "n.txt:1: platform: no words"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseNames("n.txt", []byte(tt.text))
			if err == nil || err.Error() != tt.want {
				t.Errorf("err = %v, want %q", err, tt.want)
			}
		})
	}
	// An alias for a law the library lacks, or one name for two laws, is refused.
	ads := &Law{Name: "广告法", FullName: "中华人民共和国广告法"}
	ecom := &Law{Name: "电子商务法", FullName: "中华人民共和国电子商务法"}
	for text, want := range map[string]string{
		"law 价格法 = 价法\n":                 "n.txt:1: law \"价格法\" is not in the library",
		"law 广告法 = 新法\nlaw 电子商务法 = 新法\n": "n.txt:2: name \"新法\" stands for both 广告法 and 电子商务法",
	} {
		names, err := ParseNames("n.txt", []byte(text))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := New(names, ads, ecom); err == nil || err.Error() != want {
			t.Errorf("New with %q: %v, want %q", text, err, want)
		}
	}
}

func BenchmarkResolve(b *testing.B) {
	lib := Default()
	src := "《消费者权益保护法》第二十五条第一款第(一)项;《网络购买商品七日无理由退货暂行办法》第六条第(一)项、第二十条"
	for i := 0; i < b.N; i++ {
		lib.Resolve(src)
	}
}

// BenchmarkLoad is the one-time cost of Default: parsing the six texts.
func BenchmarkLoad(b *testing.B) {
	for i := 0; i < b.N; i++ {
		if _, err := loadEmbedded(); err != nil {
			b.Fatal(err)
		}
	}
}

// FuzzResolve: no source, however broken, panics, and every citation's
// offsets lie within the source.
func FuzzResolve(f *testing.F) {
	for _, s := range []string{"《消费者权益保护法》第二十五条;《网络购买商品七日无理由退货暂行办法》第八条、第九条第(一)项",
		"消法24条", "第八条至第十条", "《淘宝平台评价规范》(不当评价", "依據消費者權益保護法第二十四條之規定", "《》第条", "(第1款第(2)项"} {
		f.Add(s)
	}
	lib := Default()
	f.Fuzz(func(t *testing.T, src string) {
		cs, _ := lib.Resolve(src)
		for _, c := range cs {
			if c.Start < 0 || c.End > len(src) || c.Start > c.End {
				t.Fatalf("citation %+v outside %q", c, src)
			}
		}
	})
}
