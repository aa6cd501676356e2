package bundle

import (
	"bytes"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"strings"
	"testing"

	"assist/kb"
)

func teaShop(t *testing.T) *kb.Shop {
	t.Helper()
	shop, err := Load(filepath.Join("testdata", "tea-shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	return shop
}

// TestPhrasesCSVRoundTrip: a sheet exported, opened and saved unchanged,
// imports to the very phrases it came from, awkward cells included.
func TestPhrasesCSVRoundTrip(t *testing.T) {
	shop := teaShop(t)
	shop.Phrases = append(shop.Phrases,
		kb.Phrase{ID: "ph-quote", Scene: kb.SceneAfterSale, Title: "退换, \"说明\"", Text: "亲,第一行\n第二行 \"引号\", 逗号", Tags: []string{"退货", "换货", "七天"}},
		kb.Phrase{ID: "ph-formula", Scene: kb.SceneClosing, Title: "=SUM(A1)", Text: "-感谢光临{店铺}", Code: "bye"},
		kb.Phrase{ID: "ph-space", Scene: kb.SceneGreeting, Title: " 前后空格 ", Text: "您好 "},
	)
	var buf bytes.Buffer
	if err := WritePhrasesCSV(&buf, shop.Phrases); err != nil {
		t.Fatal(err)
	}
	out := buf.String()
	if !strings.HasPrefix(out, "\uFEFF编号 id,场景 scene,标题 title,话术 text,标签 tags,快捷码 code\r\n") {
		t.Errorf("sheet does not open with a BOM and the header row:\n%q", out[:min(len(out), 120)])
	}
	if strings.Count(out, "\r\n") < len(shop.Phrases)+1 {
		t.Errorf("rows do not end in CRLF:\n%q", out)
	}
	if !strings.Contains(out, "'=SUM(A1)") || !strings.Contains(out, "'-感谢光临") {
		t.Errorf("cells Excel would run as formulas are not quoted:\n%s", out)
	}
	again, err := ReadPhrasesCSV("phrases.csv", buf.Bytes(), shop, ReplacePhrases)
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(again.Phrases, shop.Phrases) {
		t.Errorf("round trip changed the phrases:\n got  %+v\n want %+v", again.Phrases, shop.Phrases)
	}
}

// TestPhrasesCSVShops: the phrases of every shop in testdata survive the trip.
func TestPhrasesCSVShops(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "shops", "*", "shop.json"))
	for _, f := range files {
		shop, err := Load(f)
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		if err := WritePhrasesCSV(&buf, shop.Phrases); err != nil {
			t.Fatal(err)
		}
		again, err := ReadPhrasesCSV("phrases.csv", buf.Bytes(), shop, ReplacePhrases)
		if err != nil {
			t.Fatalf("%s: %v", f, err)
		}
		if !reflect.DeepEqual(again.Phrases, shop.Phrases) {
			t.Errorf("%s: round trip changed the phrases", f)
		}
	}
}

// TestPhrasesCSVHeaders: a sheet a person made by hand is read whatever
// language its header speaks, in any column order, optional columns absent.
func TestPhrasesCSVHeaders(t *testing.T) {
	sheets := map[string]string{
		"english":      "scene,title,text\r\ngreeting,问候,您好\r\n",
		"chinese":      "话术,标题,场景\n您好,问候,问候\n",
		"traditional":  "話術,標題,場景\n您好,问候,ＧＲＥＥＴＩＮＧ\n",
		"both, spaced": " 场景（scene） , Title ,话术 text\ngreeting,问候,您好\n",
		"blank rows":   "scene,title,text\ngreeting,问候,您好\n,,\n\n",
	}
	for name, sheet := range sheets {
		t.Run(name, func(t *testing.T) {
			shop, err := ReadPhrasesCSV("p.csv", []byte(sheet), teaShop(t), ReplacePhrases)
			if err != nil {
				t.Fatal(err)
			}
			want := []kb.Phrase{{ID: "ph-1", Scene: kb.SceneGreeting, Title: "问候", Text: "您好"}}
			if !reflect.DeepEqual(shop.Phrases, want) {
				t.Errorf("got %+v, want %+v", shop.Phrases, want)
			}
		})
	}
}

// TestPhrasesCSVMerge: merging updates rows by id, adds rows without one
// under a fresh id and keeps the phrases the sheet leaves out.
func TestPhrasesCSVMerge(t *testing.T) {
	shop := teaShop(t)
	sheet := "编号 id,场景 scene,标题 title,话术 text,标签 tags,快捷码 code\n" +
		"ph-origin,商品咨询,产地,这款茶产自{产地}。,产地；茶,cd\n" +
		",closing,再见,欢迎再来,,\n"
	got, err := ReadPhrasesCSV("p.csv", []byte(sheet), shop, MergePhrases)
	if err != nil {
		t.Fatal(err)
	}
	want := []kb.Phrase{
		{ID: "ph-origin", Scene: kb.SceneProduct, Title: "产地", Text: "这款茶产自{产地}。", Tags: []string{"产地", "茶"}, Code: "cd"},
		shop.Phrases[1],
		{ID: "ph-1", Scene: kb.SceneClosing, Title: "再见", Text: "欢迎再来"},
	}
	if !reflect.DeepEqual(got.Phrases, want) {
		t.Errorf("got  %+v\nwant %+v", got.Phrases, want)
	}
	if shop.Phrases[0].Title != "介绍产地" {
		t.Error("the shop passed in was changed")
	}
}

func TestPhrasesCSVProblems(t *testing.T) {
	const head = "编号 id,场景 scene,标题 title,话术 text,标签 tags,快捷码 code\r\n"
	tests := []struct {
		name  string
		sheet string
		mode  PhrasesCSVMode
		want  string
	}{
		{"misspelt scene", head + "a,greeting,问候,您好,,\r\nb,upsel,推荐,推荐{套餐},,\r\n", ReplacePhrases,
			`phrases.csv:3: scene: "upsel" is not a scene (did you mean "upsell"?); want one of greeting, product, upsell, urge_pay, shipping, after_sale, evidence, closing`},
		{"every problem at once, by line and column",
			head + "a,问候,,您好,,\r\na,售后服,退货,\"第一行\n第二行{颜色}\",,x y\r\noolong-250,closing,再见,再见,,\r\n", ReplacePhrases,
			"phrases.csv:2: title: empty\n" +
				"phrases.csv:3: id: duplicate id \"a\" (first on line 2)\n" +
				"phrases.csv:3: scene: \"售后服\" is not a scene (did you mean \"售后\"?); want one of greeting, product, upsell, urge_pay, shipping, after_sale, evidence, closing\n" +
				"phrases.csv:3: text: no product can fill {颜色}: no product has a fact named \"颜色\"\n" +
				"phrases.csv:3: code: \"x y\" has a space; an agent types it after / in one go\n" +
				"phrases.csv:5: id: \"oolong-250\" is the id of a product; phrase ids must differ from product and rule ids (row 4 of the sheet)"},
		{"code taken by a phrase kept by the merge", head + ",greeting,问候,您好,,LH\r\n", MergePhrases,
			`phrases.csv:2: code: short code "LH" is already phrase ph-gift's`},
		{"unknown and missing columns", "场景,标题,内容\r\ngreeting,问候,您好\r\n", ReplacePhrases,
			"phrases.csv:1: unknown column \"内容\"; want 编号 id, 场景 scene, 标题 title, 话术 text, 标签 tags, 快捷码 code\n" +
				"phrases.csv:1: no 话术 text column"},
		{"typo in a column", "scene,titel,text\r\n", ReplacePhrases,
			`phrases.csv:1: unknown column "titel" (did you mean "title"?); want 编号 id, 场景 scene, 标题 title, 话术 text, 标签 tags, 快捷码 code` + "\n" +
				"phrases.csv:1: no 标题 title column"},
		{"column twice", "scene,title,text,场景\r\n", ReplacePhrases, "phrases.csv:1: columns 1 and 4 are both scene"},
		{"too many cells", "scene,title,text\r\ngreeting,问候,您好,多余\r\n", ReplacePhrases,
			"phrases.csv:2: 4 cells, the header names 3 columns"},
		{"bare quote", "scene,title,text\r\ngreeting,问候,您\"好\r\n", ReplacePhrases,
			`phrases.csv:2: bare " in non-quoted-field: a cell holding " must be in quotes, with the " doubled`},
		{"GBK", "scene,title,text\r\ngreeting,\xce\xca\xba\xf2,hi\r\n", ReplacePhrases,
			`phrases.csv:2: not UTF-8 (GBK?): save the sheet as "CSV UTF-8 (逗号分隔)"`},
		{"UTF-16", "\xff\xfes\x00", ReplacePhrases,
			`phrases.csv: UTF-16 text (Excel's "Unicode text"): save the sheet as "CSV UTF-8 (逗号分隔)" instead`},
		{"header only", head + ",,,,,\r\n", ReplacePhrases, "phrases.csv: no phrases below the header row"},
		{"empty", "\uFEFF\r\n", ReplacePhrases,
			"phrases.csv: empty file: want a header row (场景 scene, 标题 title, 话术 text …) and one phrase a row"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop := teaShop(t)
			before := teaShop(t)
			got, err := ReadPhrasesCSV("phrases.csv", []byte(tt.sheet), shop, tt.mode)
			if err == nil {
				t.Fatalf("no error, want:\n%s", tt.want)
			}
			if got != nil {
				t.Error("a shop came back with the error")
			}
			if err.Error() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tt.want)
			}
			if kb.ErrorCode(err) != kb.EInvalid {
				t.Errorf("code %q, want invalid", kb.ErrorCode(err))
			}
			if !reflect.DeepEqual(shop, before) {
				t.Error("a rejected sheet changed the shop")
			}
		})
	}
}

func TestWritePhrasesCSVRefusesSplittingTag(t *testing.T) {
	err := WritePhrasesCSV(&bytes.Buffer{}, []kb.Phrase{{ID: "p", Scene: kb.SceneGreeting, Title: "t", Text: "x", Tags: []string{"退货、换货"}}})
	if err == nil || !strings.Contains(err.Error(), `phrase p: tag "退货、换货"`) {
		t.Errorf("got %v", err)
	}
}

// TestSceneLabelsMatchPanel keeps the Chinese scene names a sheet may use
// the same as those the panel shows.
func TestSceneLabelsMatchPanel(t *testing.T) {
	js, err := os.ReadFile(filepath.Join("..", "..", "web", "static", "labels.js"))
	if err != nil {
		t.Skipf("no panel labels: %v", err)
	}
	block := regexp.MustCompile(`(?s)export const SCENES = \{(.*?)\};`).FindSubmatch(js)
	if block == nil {
		t.Fatal("labels.js has no SCENES")
	}
	panel := map[kb.Scene]string{}
	for _, m := range regexp.MustCompile(`(\w+): '([^']+)'`).FindAllSubmatch(block[1], -1) {
		panel[kb.Scene(m[1])] = string(m[2])
	}
	if !reflect.DeepEqual(panel, SceneLabels) {
		t.Errorf("panel %v\nsheet %v", panel, SceneLabels)
	}
	for _, s := range kb.Scenes {
		if SceneLabels[s] == "" {
			t.Errorf("scene %s has no Chinese name", s)
		}
	}
}

// FuzzReadPhrasesCSV: no sheet panics, and a sheet either imports or
// leaves the shop as it was.
func FuzzReadPhrasesCSV(f *testing.F) {
	f.Add("scene,title,text\r\ngreeting,问候,您好\r\n")
	f.Add("\uFEFF编号 id,场景 scene,标题 title,话术 text,标签 tags,快捷码 code\r\n,upsel,\"a\nb\",{套餐},x、y,'=1\r\n")
	shop, err := Load(filepath.Join("testdata", "tea-shop.json"))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, sheet string) {
		n := len(shop.Phrases)
		got, err := ReadPhrasesCSV("p.csv", []byte(sheet), shop, MergePhrases)
		if (got == nil) == (err == nil) {
			t.Fatalf("shop %v with error %v", got != nil, err)
		}
		if len(shop.Phrases) != n {
			t.Fatal("the shop passed in changed")
		}
	})
}
