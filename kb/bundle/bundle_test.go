package bundle

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"assist/kb"
)

func TestLoadValid(t *testing.T) {
	got, err := Load(filepath.Join("testdata", "tea-shop.json"))
	if err != nil {
		t.Fatal(err)
	}
	want := &kb.Shop{
		Name:            "山间茶舍",
		ShipWithinHours: DefaultShipHours, // absent in the file
		SameDayCutoff:   "15:30",
		Timezone:        DefaultTimezone, // absent in the file
		Products: []kb.Product{
			{ID: "oolong-250", Title: "安溪铁观音 250克罐装", Aliases: []string{"铁观音", "乌龙"}, Price: 168, ShipWithinHours: 24,
				Facts:     []kb.Fact{{Name: "产地", Value: "福建安溪"}, {Name: "保质期", Value: "18个月,密封避光"}},
				PairsWith: []string{"gaiwan-white"},
				Bundles:   []kb.Bundle{{Title: "铁观音+白瓷盖碗礼盒", Items: []string{"oolong-250", "gaiwan-white"}, Price: 228}}},
			{ID: "gaiwan-white", Title: "德化白瓷盖碗 150毫升", Price: 69.9, Facts: []kb.Fact{{Name: "材质", Value: "德化白瓷"}}},
		},
		Rules: []kb.Rule{{ID: "rule-tea-return", Title: "食品拆封不退", Source: "《店铺售后规则》第3条",
			Text: "茶叶属食品,拆封后非质量问题不支持七天无理由退货。", Tags: []string{"退货"}}},
		Phrases: []kb.Phrase{
			{ID: "ph-origin", Scene: kb.SceneProduct, Title: "介绍产地", Text: "亲,这款茶产自{产地},{发货时效}内发出哦。"},
			{ID: "ph-gift", Scene: kb.SceneUpsell, Title: "推荐礼盒", Text: "送人的话推荐{套餐},搭配{搭配商品}更划算。", Tags: []string{"送礼"}, Code: "lh"},
		},
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got  %+v\nwant %+v", got, want)
	}
}

// bundleOf writes a small bundle with one section per line, so positions in
// the table below are easy to check by eye: products on line 2, rules on
// line 3, phrases on line 4; the first entry of each starts at column 15,
// 12 and 14.
func bundleOf(products, rules, phrases string) string {
	return "{\"shop\": {\"name\": \"步履鞋铺\"},\n" +
		" \"products\": [" + products + "],\n" +
		" \"rules\": [" + rules + "],\n" +
		" \"phrases\": [" + phrases + "]}\n"
}

const (
	sneaker = `{"id": "run-42", "title": "轻跑鞋", "price": 299}`
	insole  = `{"id": "insole", "title": "鞋垫", "price": 19}`
)

func TestParseMalformed(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string // the whole error, as a person reads it
	}{
		{"empty file", "", "shoes.json: empty file: want a JSON object with shop, products, rules and phrases"},
		{"blank file", "\n \n", "shoes.json: empty file: want a JSON object with shop, products, rules and phrases"},
		{"truncated file says where it ended",
			"{\"shop\": {\"name\": \"步履鞋铺\"},\n \"products\": [\n  {\"id\": \"run-42\", \"title\": \"轻跑",
			`shoes.json:3:32: unexpected end of file: the string that starts at 3:29 is not closed`},
		{"trailing garbage", bundleOf("", "", "") + "}\n",
			`shoes.json:5:1: unexpected '}' after the end of the top-level value`},
		{"duplicate key", "{\"shop\": {\"name\": \"a\", \"name\": \"b\"}}",
			`shoes.json:1:24: duplicate key "name" (first at 1:11)`},
		{"top level is an array", "[]", "shoes.json:1:1: want an object with shop, products, rules and phrases, got array"},
		{"missing sections", `{"shop": {"name": "步履鞋铺"}}`,
			"shoes.json:1:1: products: missing: a bundle has shop, products, rules and phrases\n" +
				"shoes.json:1:1: rules: missing: a bundle has shop, products, rules and phrases\n" +
				"shoes.json:1:1: phrases: missing: a bundle has shop, products, rules and phrases"},
		{"unknown field suggests the right one",
			bundleOf(`{"id": "run-42", "titel": "轻跑鞋", "price": 299}`, "", ""),
			"shoes.json:2:15: products[0].title: missing\n" +
				`shoes.json:2:32: products[0].titel: unknown field (did you mean "title"?); known fields: id, title, aliases, price, ship_within_hours, facts, pairs_with, bundles`},
		{"camel case field", `{"shop": {"name": "步履鞋铺", "shipWithinHours": 24}, "products": [], "rules": [], "phrases": []}`,
			`shoes.json:1:27: shop.shipWithinHours: unknown field (did you mean "ship_within_hours"?); known fields: name, ship_within_hours, same_day_cutoff, timezone`},
		{"wrong types", bundleOf(`{"id": 42, "title": "轻跑鞋", "price": "299", "aliases": "跑鞋"}`, "", ""),
			"shoes.json:2:22: products[0].id: want a string, got number 42\n" +
				"shoes.json:2:51: products[0].price: want a number, got string \"299\"\n" +
				`shoes.json:2:69: products[0].aliases: want an array, got string "跑鞋"`},
		{"shipping hours must be a whole number, not negative",
			`{"shop": {"name": "步履鞋铺", "ship_within_hours": 1.5}, "products": [{"id": "a", "title": "袜", "price": 9, "ship_within_hours": -24}], "rules": [], "phrases": []}`,
			"shoes.json:1:48: shop.ship_within_hours: want a whole number, got number 1.5\n" +
				"shoes.json:1:126: products[0].ship_within_hours: want at least 0, got number -24"},
		{"negative price", bundleOf(`{"id": "run-42", "title": "轻跑鞋", "price": -1}`, "", ""),
			"shoes.json:2:57: products[0].price: want at least 0, got number -1"},
		{"empty name and missing title",
			"{\"shop\": {\"name\": \" \"},\n \"products\": [{\"id\": \"run-42\", \"price\": 299}], \"rules\": [], \"phrases\": []}",
			"shoes.json:1:19: shop.name: empty\nshoes.json:2:15: products[0].title: missing"},
		{"cutoff and timezone",
			`{"shop": {"name": "步履鞋铺", "same_day_cutoff": "4pm", "timezone": "Asia/Beijing"}, "products": [], "rules": [], "phrases": []}`,
			"shoes.json:1:46: shop.same_day_cutoff: want a 24-hour time HH:MM such as 16:00, got \"4pm\"\n" +
				`shoes.json:1:65: shop.timezone: unknown time zone "Asia/Beijing"; want an IANA name such as Asia/Shanghai`},
		{"duplicate ids, also across kinds",
			bundleOf(sneaker+", "+sneaker, `{"id": "insole", "title": "退换", "text": "七天无理由"}`, `{"id": "run-42", "scene": "greeting", "title": "问候", "text": "您好"}`),
			"shoes.json:2:70: products[1].id: duplicate product id \"run-42\" (first at 2:22)\n" +
				`shoes.json:4:21: phrases[0].id: id "run-42" is already the id of products[0] at 2:22; product, rule and phrase ids must all differ`},
		{"pairs_with names no product",
			bundleOf(`{"id": "run-42", "title": "轻跑鞋", "price": 299, "pairs_with": ["insloe", "run-42", "care"]}`,
				`{"id": "care", "title": "保养", "text": "勿暴晒"}`, ""),
			"shoes.json:2:77: products[0].pairs_with[0]: no product \"insloe\"\n" +
				"shoes.json:2:87: products[0].pairs_with[1]: a product cannot pair with itself\n" +
				`shoes.json:2:97: products[0].pairs_with[2]: "care" is a rule (rules[0]), not a product`},
		{"a typo in a reference is suggested",
			bundleOf(sneaker+", "+insole+`, {"id": "socks", "title": "袜", "price": 9, "pairs_with": ["insloe"]}`, "", ""),
			`shoes.json:2:166: products[2].pairs_with[0]: no product "insloe" (did you mean "insole"?)`},
		{"bundle items",
			bundleOf(insole+`, {"id": "run-42", "title": "轻跑鞋", "price": 299, "bundles": [`+
				`{"title": "跑鞋套装", "items": ["run-42", "sock"], "price": 309}, `+
				`{"title": "鞋垫两双", "items": ["insole", "insole"], "price": 30}, `+
				`{"title": "空", "items": [], "price": 1}]}`, "", ""),
			"shoes.json:2:158: products[1].bundles[0].items[1]: no product \"sock\"\n" +
				"shoes.json:2:209: products[1].bundles[1].items: does not include \"run-42\", the product it is listed under\n" +
				"shoes.json:2:269: products[1].bundles[2].items: empty: a bundle sells products together"},
		{"unknown scene lists the valid ones",
			bundleOf("", "", `{"id": "hi", "scene": "welcome", "title": "问候", "text": "您好"}`),
			`shoes.json:4:36: phrases[0].scene: unknown scene "welcome"; want one of greeting, product, upsell, urge_pay, shipping, after_sale, evidence, closing`},
		{"placeholders no product can fill",
			bundleOf(`{"id": "run-42", "title": "轻跑鞋", "price": 299, "facts": [{"name": "鞋面", "value": "飞织"}]}, `+
				`{"id": "insole", "title": "鞋垫", "price": 19, "facts": [{"name": "尺码", "value": "35-45"}]}`, "",
				`{"id": "p1", "scene": "product", "title": "材质", "text": "鞋面是{鞋面},{套餐}更划算"}, `+
					`{"id": "p2", "scene": "product", "title": "尺码", "text": "{鞋面},尺码{尺码}"}`),
			"shoes.json:4:70: phrases[0].text: no product can fill {套餐}: no product has a bundle\n" +
				"shoes.json:4:146: phrases[1].text: no one product can fill all of {鞋面}, {尺码} at once"},
		{"duplicate fact",
			bundleOf(`{"id": "run-42", "title": "轻跑鞋", "price": 299, "facts": [{"name": "鞋面", "value": "飞织"}, {"name": "鞋面", "value": "网布"}]}`, "", ""),
			`shoes.json:2:112: products[0].facts[1].name: duplicate fact "鞋面" (first at 2:81)`},
		{"string too long", bundleOf(`{"id": "run-42", "title": "`+strings.Repeat("鞋", 3000)+`", "price": 299}`, "", ""),
			"shoes.json:2:41: products[0].title: too long: 9000 bytes, at most 8192"},
		{"too many products", bundleOf(strings.Repeat("{},", MaxProducts)+"{}", "", ""),
			"shoes.json:2:14: products: 10001 entries, at most 10000"},
		{"source cites an article the statute does not have",
			bundleOf("", `{"id": "r1", "title": "退换", "text": "七天", "source": "《消费者权益保护法》第二十五条;《消费者权益保护法》第九十条"}, `+
				`{"id": "r2", "title": "用语", "text": "勿用", "source": "广告法第9条第(十二)项"}`, ""),
			"shoes.json:3:91: rules[0].source: 《消费者权益保护法》 has no 第九十条: its articles run 第一条 to 第六十三条\n" +
				"shoes.json:3:155: rules[1].source: 《广告法》第九条 has no 第（十二）项: it lists 11 item(s)"},
		{"source misspells a statute",
			bundleOf("", `{"id": "r1", "title": "退换", "text": "七天", "source": "\u300a电子商物法》第二十条"}`, ""),
			"shoes.json:3:65: rules[0].source: 《电子商物法》 is not a statute in the library (did you mean 《电子商务法》?)"},
		{"source misspells a statute, column of the name",
			bundleOf("", `{"id": "r1", "title": "退换", "text": "七天", "source": "《广告法》第九条、消费者权益保户法第24条"}`, ""),
			"shoes.json:3:74: rules[0].source: 《消费者权益保户法》 is not a statute in the library (did you mean 《消费者权益保护法》?)"},
		{"short codes",
			bundleOf("", "", `{"id": "p1", "scene": "greeting", "title": "问候", "text": "您好", "code": "hi"}, `+
				`{"id": "p2", "scene": "greeting", "title": "问候", "text": "您好", "code": "ＨＩ"}, `+
				`{"id": "p3", "scene": "greeting", "title": "问候", "text": "您好", "code": "h i"}`),
			"shoes.json:4:163: phrases[1].code: duplicate short code \"ＨＩ\" (first at 4:85)\n" +
				"shoes.json:4:241: phrases[2].code: \"h i\" has a space; an agent types it after / in one go"},
		{"entry of the wrong kind", bundleOf(`"run-42", null`, "", ""),
			`shoes.json:2:15: products[0]: want an object, got string "run-42"` + "\n" +
				"shoes.json:2:25: products[1]: want an object, got null"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			shop, err := Parse("shoes.json", []byte(tt.data))
			if err == nil {
				t.Fatalf("no error, want:\n%s", tt.want)
			}
			if shop != nil {
				t.Error("a shop came back with the error")
			}
			if err.Error() != tt.want {
				t.Errorf("got:\n%s\nwant:\n%s", err, tt.want)
			}
			if kb.ErrorCode(err) != kb.EInvalid {
				t.Errorf("error code %q, want %q", kb.ErrorCode(err), kb.EInvalid)
			}
		})
	}
}

func TestParseTooLarge(t *testing.T) {
	_, err := Parse("huge.json", bytes.Repeat([]byte(" "), MaxFileSize+1))
	if err == nil || err.Error() != "huge.json: larger than 16 MiB: not a shop bundle" {
		t.Errorf("got %v", err)
	}
}

// TestNullMeansAbsent: exporters that write null for an empty list or an
// unset option must not be refused.
func TestNullMeansAbsent(t *testing.T) {
	data := `{"shop": {"name": "步履鞋铺", "timezone": null, "ship_within_hours": null},
		"products": [{"id": "a", "title": "袜", "price": 9, "aliases": null, "facts": null, "bundles": null}],
		"rules": null, "phrases": []}`
	_, err := Parse("x.json", []byte(data))
	// rules: null is a missing section, the rest is fine.
	want := "x.json:1:1: rules: missing: a bundle has shop, products, rules and phrases"
	if err == nil || err.Error() != want {
		t.Errorf("got %v, want %s", err, want)
	}
}

func TestAllProblemsAtOnce(t *testing.T) {
	data := bundleOf(
		`{"id": "run-42", "title": "", "price": "free", "colour": "红", "pairs_with": ["nope"]}`,
		`{"id": "r1", "title": "退换"}`,
		`{"id": "r1", "scene": "bye", "title": "再见", "text": "{颜色}"}`)
	_, err := Parse("shoes.json", []byte(data))
	var ps Problems
	if !errors.As(err, &ps) {
		t.Fatalf("error %T is not Problems: %v", err, err)
	}
	want := []string{
		"shoes.json:2:41: products[0].title: empty",
		`shoes.json:2:54: products[0].price: want a number, got string "free"`,
		"shoes.json:2:62: products[0].colour: unknown field; known fields: id, title, aliases, price, ship_within_hours, facts, pairs_with, bundles",
		`shoes.json:2:92: products[0].pairs_with[0]: no product "nope"`,
		"shoes.json:3:12: rules[0].text: missing",
		`shoes.json:4:21: phrases[0].id: id "r1" is already the id of rules[0] at 3:19; product, rule and phrase ids must all differ`,
		`shoes.json:4:36: phrases[0].scene: unknown scene "bye"; want one of greeting, product, upsell, urge_pay, shipping, after_sale, evidence, closing`,
		`shoes.json:4:66: phrases[0].text: no product can fill {颜色}: no product has a fact named "颜色"`,
	}
	if got := strings.Split(err.Error(), "\n"); !reflect.DeepEqual(got, want) {
		t.Errorf("got:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestProblemsAreCapped(t *testing.T) {
	var entries []string
	for i := 0; i < 60; i++ {
		entries = append(entries, `{"id": "r`+strings.Repeat("x", i)+`", "title": "t"}`)
	}
	_, err := Parse("many.json", []byte(bundleOf("", strings.Join(entries, ","), "")))
	lines := strings.Split(err.Error(), "\n")
	if len(lines) != MaxShown+1 || lines[MaxShown] != "… and 10 more" {
		t.Errorf("%d lines, last %q", len(lines), lines[len(lines)-1])
	}
}

func TestLoadMissingFile(t *testing.T) {
	_, err := Load(filepath.Join(t.TempDir(), "none.json"))
	if err == nil || !strings.Contains(err.Error(), "none.json") || !errors.Is(err, os.ErrNotExist) {
		t.Errorf("got %v", err)
	}
}

// TestSourcesCitedByName: a platform's rule, the shop's own policy and a
// statute the library lacks are cited by name, never refused.
func TestSourcesCitedByName(t *testing.T) {
	rules := []string{
		`{"id": "r1", "title": "a", "text": "t", "source": "《淘宝平台争议处理规则》第九十九条"}`,
		`{"id": "r2", "title": "a", "text": "t", "source": "店铺售后规范第12条"}`,
		`{"id": "r3", "title": "a", "text": "t", "source": "《产品质量法》第四十条"}`,
		`{"id": "r4", "title": "a", "text": "t", "source": "第二十条"}`,
		`{"id": "r5", "title": "a", "text": "t", "source": "《消費者權益保護法》第二十五條第一款第（一）項"}`,
	}
	if _, err := Parse("shoes.json", []byte(bundleOf(sneaker, strings.Join(rules, ", "), ""))); err != nil {
		t.Error(err)
	}
}

// TestShopsInTestdata: every shop the repository ships still imports, its
// statute citations included.
func TestShopsInTestdata(t *testing.T) {
	files, _ := filepath.Glob(filepath.Join("..", "..", "testdata", "shops", "*", "shop.json"))
	if len(files) == 0 {
		t.Fatal("no shops in testdata/shops")
	}
	for _, f := range files {
		if _, err := Load(f); err != nil {
			t.Errorf("%s: %v", f, err)
		}
	}
}

// TestExampleShop loads the shared example bundle, when the checkout has it
// beside the repository.
func TestExampleShop(t *testing.T) {
	path := filepath.Join("..", "..", "..", "shared", "eval", "dev-shop.json")
	if _, err := os.Stat(path); err != nil {
		t.Skipf("no example bundle: %v", err)
	}
	shop, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	if len(shop.Products) == 0 || len(shop.Rules) == 0 || len(shop.Phrases) == 0 {
		t.Errorf("example shop loaded empty: %d products, %d rules, %d phrases",
			len(shop.Products), len(shop.Rules), len(shop.Phrases))
	}
}
