package segment

import (
	"slices"
	"testing"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis"
)

func TestAnalyzer(t *testing.T) {
	im := bleve.NewIndexMapping()
	a := im.AnalyzerNamed(AnalyzerName)
	if a == nil {
		t.Fatalf("analyzer %q not registered", AnalyzerName)
	}
	tests := []struct {
		name string
		in   string
		want analysis.TokenStream
	}{
		{"traditional folded, function word dropped in its place", "給差評", analysis.TokenStream{
			{Term: []byte("差评"), Start: 3, End: 9, Position: 2, Type: analysis.Ideographic},
		}},
		{"latin is alphanumeric and lower case", "USB數據線", analysis.TokenStream{
			{Term: []byte("usb"), Start: 0, End: 3, Position: 1, Type: analysis.AlphaNumeric},
			{Term: []byte("数据线"), Start: 3, End: 12, Position: 2, Type: analysis.Ideographic},
			{Term: []byte("数据"), Start: 3, End: 9, Position: 2, Type: analysis.Ideographic},
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := a.Analyze([]byte(tt.in))
			if !slices.EqualFunc(got, tt.want, func(a, b *analysis.Token) bool {
				return string(a.Term) == string(b.Term) && a.Start == b.Start && a.End == b.End &&
					a.Position == b.Position && a.Type == b.Type
			}) {
				t.Errorf("Analyze(%q)\n got %v\nwant %v", tt.in, got, tt.want)
			}
		})
	}
}

func TestIndexFindsTraditionalQuery(t *testing.T) {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = AnalyzerName
	idx, err := bleve.NewMemOnly(im)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	docs := map[string]map[string]string{
		"tea":     {"title": "高山乌龙茶礼盒", "body": "今年春茶，发货前真空包装，七天无理由退货，退货运费由买家承担"},
		"charger": {"title": "氮化镓快充充电器", "body": "支持20W快充，质保一年，收到货有破损可以补发"},
	}
	for id, d := range docs {
		if err := idx.Index(id, d); err != nil {
			t.Fatal(err)
		}
	}
	tests := []struct {
		name  string
		query string
		want  string
	}{
		{"traditional question about tea", "烏龍茶退貨運費誰出", "tea"},
		{"traditional question about charger", "充電器有保固嗎，破損能補發嗎", "charger"},
		{"sub-word finds the whole word", "乌龙", "tea"},
		{"full-width model number", "２０Ｗ快充", "charger"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			q := bleve.NewMatchQuery(tt.query)
			res, err := idx.Search(bleve.NewSearchRequest(q))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) == 0 || res.Hits[0].ID != tt.want {
				t.Errorf("query %q: hits %v, want %q first", tt.query, res.Hits, tt.want)
			}
		})
	}
}

func TestMatchPhraseAcrossSubwords(t *testing.T) {
	im := bleve.NewIndexMapping()
	im.DefaultAnalyzer = AnalyzerName
	idx, err := bleve.NewMemOnly(im)
	if err != nil {
		t.Fatal(err)
	}
	defer idx.Close()
	if err := idx.Index("doc", map[string]string{"body": "这款面霜保质期三年"}); err != nil {
		t.Fatal(err)
	}
	// 保质 is indexed at the position of 保质期, so a phrase may use either
	// in that slot; words that are not next to each other still do not match.
	tests := []struct {
		name   string
		phrase string
		hits   int
	}{
		{"sub-word then next word", "保质期三年", 1},
		{"sub-word alone", "面霜保质", 1},
		{"words not next to each other", "面霜三年", 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			res, err := idx.Search(bleve.NewSearchRequest(bleve.NewMatchPhraseQuery(tt.phrase)))
			if err != nil {
				t.Fatal(err)
			}
			if len(res.Hits) != tt.hits {
				t.Errorf("phrase %q: %d hits, want %d", tt.phrase, len(res.Hits), tt.hits)
			}
		})
	}
}
