package web

import (
	"bytes"
	"context"
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"assist/kb"
)

// Agents, managers and the shop's platform token may read their shop but
// never change, or even open, its phrase base: every admin route of their
// own shop answers 403.
func TestOnlyAdminsReachTheWorkspace(t *testing.T) {
	e := newEnv(t)
	for name, who := range map[string]auth{
		"agent":   cookie(e.login(kb.RoleAgent)),
		"manager": cookie(e.login(kb.RoleManager)),
		"token":   bearer(e.token),
	} {
		for _, r := range shopRoutes {
			if !strings.HasPrefix(r.path, "/admin/") {
				continue
			}
			path := strings.NewReplacer("ph-tea", "ph-ship", "/same", "/gan65").Replace(r.path)
			if status, body := e.do(r.method, shopPath(path), who, r.body); status != http.StatusForbidden {
				t.Errorf("%s %s %s: %d %s, want 403", name, r.method, path, status, body)
			}
		}
	}
	shop, _ := e.store.Shop(context.Background(), chargerShop().Name)
	if p, _ := shop.Phrase("ph-ship"); p.Text != "亲,这款{发货时效}内发货" {
		t.Errorf("a refused caller changed ph-ship: %+v", p)
	}
}

type adminList struct {
	Phrases         []adminPhraseLine `json:"phrases"`
	RequireApproval bool              `json:"require_approval"`
	Drafts          []versionLine     `json:"drafts"`
}

func (e *env) adminList(t *testing.T, admin auth, query string) adminList {
	t.Helper()
	status, body := e.do("GET", shopPath("/admin/phrases"+query), admin, "")
	if status != 200 {
		t.Fatalf("list %s: %d %s", query, status, body)
	}
	var l adminList
	if err := json.Unmarshal(body, &l); err != nil {
		t.Fatal(err)
	}
	return l
}

func ids(l adminList) string {
	var out []string
	for _, p := range l.Phrases {
		out = append(out, p.ID)
	}
	return strings.Join(out, ",")
}

func TestAdminSearchesPhrases(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	if status, body := e.do("PUT", shopPath("/admin/phrases/ph-ship"), admin,
		`{"scene":"shipping","title":"發貨時效","text":"亲,这款{发货时效}内发货","tags":["发货"],"code":"fh"}`); status != 200 {
		t.Fatalf("edit: %d %s", status, body)
	}
	for _, c := range []struct{ name, query, want string }{
		{"everything", "", "ph-bundle,ph-ship,ph-hello"},
		{"simplified finds traditional", "?q=发货时效", "ph-ship"},
		{"traditional finds simplified", "?q=" + "歡迎", "ph-hello"},
		{"a short code, with its slash", "?q=/fh", "ph-ship"},
		{"a tag", "?q=议价", "ph-bundle"},
		{"text", "?q=划算", "ph-bundle"},
		{"a scene", "?scene=greeting", "ph-hello"},
		{"nothing", "?q=退款", ""},
	} {
		if got := ids(e.adminList(t, admin, c.query)); got != c.want {
			t.Errorf("%s (%s): %s, want %s", c.name, c.query, got, c.want)
		}
	}
}

func TestPhraseLifeThroughTheAPI(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	admin := cookie(e.login(kb.RoleAdmin))

	// Create, without an id: one is made up.
	status, body := e.do("POST", shopPath("/admin/phrases"), admin,
		`{"scene":"closing","title":"道别","text":"亲,感谢光临{店铺},祝您生活愉快","tags":["再见"],"code":"bye"}`)
	if status != 200 {
		t.Fatalf("create: %d %s", status, body)
	}
	var created versionLine
	json.Unmarshal(body, &created)
	id := created.ID
	if id == "" || created.N != 1 || created.Action != kb.PhraseCreate || created.Author != "the-admin" {
		t.Fatalf("created %+v", created)
	}
	if k, _ := e.desk.Knowledge(ctx, chargerID); len(k.Phrases) != 4 {
		t.Errorf("the engine has %d phrases after a create, want 4", len(k.Phrases))
	}
	edit := func(text string) {
		t.Helper()
		if status, body := e.do("PUT", shopPath("/admin/phrases/"+id), admin,
			`{"scene":"closing","title":"道别","text":"`+text+`","tags":["再见"],"code":"bye"}`); status != 200 {
			t.Fatalf("edit: %d %s", status, body)
		}
	}
	edit("亲,感谢光临{店铺},期待再次为您服务")
	// Retired: gone from the engine and the default list, kept with ?retired=1.
	if status, body := e.do("POST", shopPath("/admin/phrases/"+id+"/retire"), admin, ""); status != 200 {
		t.Fatalf("retire: %d %s", status, body)
	}
	if k, _ := e.desk.Knowledge(ctx, chargerID); len(k.Phrases) != 3 {
		t.Errorf("a retired phrase is still in the engine")
	}
	if l := e.adminList(t, admin, "?q=道别"); len(l.Phrases) != 0 {
		t.Errorf("the default list shows a retired phrase: %+v", l.Phrases)
	}
	if l := e.adminList(t, admin, "?q=道别&retired=1"); len(l.Phrases) != 1 || !l.Phrases[0].Retired {
		t.Errorf("with retired=1: %+v", l.Phrases)
	}
	if status, _ := e.do("POST", shopPath("/admin/phrases/"+id+"/restore"), admin, ""); status != 200 {
		t.Fatalf("restore: %d", status)
	}
	// History, newest first, with a character diff of the edit.
	status, body = e.do("GET", shopPath("/admin/phrases/"+id+"/history"), admin, "")
	var hist struct {
		Versions []versionLine `json:"versions"`
	}
	json.Unmarshal(body, &hist)
	if status != 200 || len(hist.Versions) != 4 {
		t.Fatalf("history: %d %s", status, body)
	}
	var actions []string
	for _, v := range hist.Versions {
		actions = append(actions, string(v.Action))
	}
	if got := strings.Join(actions, ","); got != "restore,retire,edit,create" {
		t.Errorf("history = %s", got)
	}
	// The diff reads back to both texts, and marks what the edit added.
	var oldText, newText, added string
	for _, d := range hist.Versions[2].TextDiff {
		switch d.Op {
		case "=":
			oldText += d.Text
			newText += d.Text
		case "+":
			newText += d.Text
			added += d.Text
		case "-":
			oldText += d.Text
		}
	}
	if oldText != "亲,感谢光临{店铺},祝您生活愉快" || newText != "亲,感谢光临{店铺},期待再次为您服务" || !strings.Contains(added, "期待") {
		t.Errorf("edit diff %+v", hist.Versions[2].TextDiff)
	}
	// Roll back to version 1: its text is live again.
	if status, body := e.do("POST", shopPath("/admin/phrases/"+id+"/rollback"), admin, `{"version":1}`); status != 200 {
		t.Fatalf("rollback: %d %s", status, body)
	}
	k, _ := e.desk.Knowledge(ctx, chargerID)
	if p, ok := k.Phrase(id); !ok || p.Text != "亲,感谢光临{店铺},祝您生活愉快" {
		t.Errorf("after rollback the engine has %+v", p)
	}
	if status, _ := e.do("POST", shopPath("/admin/phrases/"+id+"/rollback"), admin, `{"version":42}`); status != 404 {
		t.Errorf("rollback to a missing version: %d, want 404", status)
	}
}

func TestValidateWhileTyping(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	for _, c := range []struct {
		name, body string
		want       []string // field:kind
	}{
		{"clean", `{"scene":"product","title":"接口","text":"亲,这款充电器是{接口}的"}`, nil},
		{"no scene, no title", `{"scene":"","title":"","text":"亲,在的"}`, []string{"scene:scene", "title:required"}},
		{"an absolute word", `{"scene":"product","title":"卖点","text":"亲,这是全网最好的充电器"}`, []string{"text:wording"}},
		{"a placeholder nobody fills", `{"scene":"product","title":"保修","text":"亲,保修期是{保修期}"}`, []string{"text:unfillable"}},
		{"the same text as another", `{"scene":"greeting","title":"又一个","text":"您好，欢迎光临{店铺}！"}`, []string{"text:duplicate"}},
		{"nearly the same", `{"scene":"upsell","title":"相似","text":"亲,单买不如选{套餐},价格更划算呢"}`, []string{"text:near_duplicate"}},
		{"its own text is no duplicate", `{"id":"ph-hello","scene":"greeting","title":"欢迎","text":"您好,欢迎光临{店铺}"}`, nil},
		{"a taken code", `{"scene":"greeting","title":"x","text":"亲,在吗","code":"hi"}`, []string{"code:code_taken"}},
		{"a promise two products break, each its way", `{"scene":"shipping","title":"快发","text":"亲,今天下单明天一定发货"}`, []string{"text:shipping_promise", "text:shipping_promise"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			if c.name == "a taken code" {
				e.do("PUT", shopPath("/admin/phrases/ph-hello"), admin, `{"scene":"greeting","title":"欢迎","text":"您好,欢迎光临{店铺}","code":"hi"}`)
			}
			status, body := e.do("POST", shopPath("/admin/phrases/validate"), admin, c.body)
			var res struct {
				OK       bool          `json:"ok"`
				Problems []problemLine `json:"problems"`
			}
			if status != 200 || json.Unmarshal(body, &res) != nil {
				t.Fatalf("%d %s", status, body)
			}
			var got []string
			for _, p := range res.Problems {
				got = append(got, p.Field+":"+p.Kind)
				if p.Message == "" {
					t.Errorf("a problem without a message: %+v", p)
				}
			}
			if strings.Join(got, " ") != strings.Join(c.want, " ") || res.OK != (len(c.want) == 0) {
				t.Errorf("problems = %s, want %v", body, c.want)
			}
		})
	}
}

func TestPreviewForTwoProducts(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	text := `亲,{商品}{发货时效}内发货,搭配{搭配商品}更好用`
	for _, c := range []struct {
		product, want string
		shown         bool
	}{
		{"gan65", "亲,氮化镓快充充电器 65W24小时内发货,搭配编织快充数据线 2米更好用", true},
		{"cable2m", "亲,编织快充数据线 2米48小时内发货,搭配{搭配商品}更好用", false},
	} {
		status, body := e.do("POST", shopPath("/admin/phrases/preview"), admin, `{"text":"`+text+`","product":"`+c.product+`"}`)
		var res struct {
			Text    string   `json:"text"`
			Missing []string `json:"missing"`
			Shown   bool     `json:"shown"`
		}
		if status != 200 || json.Unmarshal(body, &res) != nil || res.Text != c.want || res.Shown != c.shown {
			t.Errorf("preview for %s: %d %s, want %q shown=%v", c.product, status, body, c.want, c.shown)
		}
	}
	if status, _ := e.do("POST", shopPath("/admin/phrases/preview"), admin, `{"text":"x","product":"nope"}`); status != 404 {
		t.Errorf("preview for a missing product: %d, want 404", status)
	}
}

func TestTwoAdminApproval(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	ann := cookie(e.person("ann", false, map[int64]kb.Role{chargerID: kb.RoleAdmin}))
	bob := cookie(e.person("bob", false, map[int64]kb.Role{chargerID: kb.RoleAdmin}))
	if status, _ := e.do("PUT", shopPath("/admin/settings"), ann, `{"require_approval":true}`); status != 200 {
		t.Fatal(status)
	}
	status, body := e.do("PUT", shopPath("/admin/phrases/ph-hello"), ann, `{"scene":"greeting","title":"欢迎","text":"您好,{店铺}客服小安为您服务"}`)
	if status != 202 {
		t.Fatalf("a change in an approving shop: %d %s, want 202 (a draft)", status, body)
	}
	var draft versionLine
	json.Unmarshal(body, &draft)
	if k, _ := e.desk.Knowledge(ctx, chargerID); strings.Contains(k.Phrases[2].Text, "小安") {
		t.Error("a draft reached the engine")
	}
	if l := e.adminList(t, bob, ""); len(l.Drafts) != 1 || !l.RequireApproval || l.Phrases[2].Draft != draft.N {
		t.Errorf("bob's list: %+v", l)
	}
	n := `{"version":` + strconv.Itoa(draft.N) + `}`
	if status, _ := e.do("POST", shopPath("/admin/phrases/ph-hello/approve"), ann, n); status != 403 {
		t.Errorf("ann approves her own draft: %d, want 403", status)
	}
	if status, body := e.do("POST", shopPath("/admin/phrases/ph-hello/approve"), bob, n); status != 200 {
		t.Fatalf("bob approves: %d %s", status, body)
	}
	if k, _ := e.desk.Knowledge(ctx, chargerID); !strings.Contains(k.Phrases[2].Text, "小安") {
		t.Error("the approved change is not live")
	}
}

func TestProductEditFlagsPhrases(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	// Without its bundle the charger leaves the {套餐} phrase with nothing
	// to fill; as a 15-day pre-sale item it breaks a 48-hour promise.
	e.do("PUT", shopPath("/admin/phrases/ph-fast"), admin, `{"scene":"shipping","title":"快发","text":"亲,{商品}付款后48小时内发货"}`)
	status, body := e.do("PUT", shopPath("/admin/products/gan65"), admin, `{"title":"氮化镓快充充电器 65W","price":99,
		"ship_within_hours":360,"facts":[{"name":"发货","value":"预售,15天内发货"}],"pairs_with":["cable2m"],"bundles":[]}`)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var res struct {
		Flagged []flaggedPhrase `json:"flagged"`
	}
	json.Unmarshal(body, &res)
	var got []string
	for _, f := range res.Flagged {
		got = append(got, f.ID)
	}
	if strings.Join(got, ",") != "ph-bundle,ph-fast" {
		t.Errorf("flagged %s, want ph-bundle (unfillable) and ph-fast (a promise broken)", body)
	}
	l := e.adminList(t, admin, "?q=推荐套装")
	if len(l.Phrases) != 1 || strings.Join(l.Phrases[0].Unfillable, "") != "套餐" {
		t.Errorf("the list does not flag ph-bundle: %+v", l.Phrases)
	}
	for _, c := range []struct{ body, reason string }{
		{`{"title":"x","pairs_with":["nope"]}`, "nope"},
		{`{"title":"x","bundles":[{"title":"套","items":["gan65","ghost"],"price":1}]}`, "ghost"},
		{`{"title":"x","price":-1}`, "价格"},
	} {
		if status, body := e.do("PUT", shopPath("/admin/products/gan65"), admin, c.body); status != 400 || !strings.Contains(string(body), c.reason) {
			t.Errorf("%s: %d %s, want 400 naming %q", c.body, status, body, c.reason)
		}
	}
}

func TestRulesShowTheArticleAndRefuseAMissingOne(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	status, body := e.do("GET", shopPath("/admin/rules"), admin, "")
	var res struct {
		Rules []ruleAdminLine `json:"rules"`
	}
	json.Unmarshal(body, &res)
	if status != 200 || len(res.Rules) != 2 || len(res.Rules[0].Articles) != 1 ||
		!strings.Contains(res.Rules[0].Articles[0].Text, "七日内退货") || res.Rules[0].Articles[0].Label != "第二十五条" {
		t.Fatalf("rules: %d %s", status, body)
	}
	status, body = e.do("PUT", shopPath("/admin/rules/rule-7day"), admin, `{"title":"七日无理由退货","source":"《消费者权益保护法》第九百条","text":"七日内可退"}`)
	if status != 400 || !strings.Contains(string(body), "第九百条") {
		t.Errorf("a source citing a missing article: %d %s", status, body)
	}
	status, body = e.do("GET", shopPath("/admin/law?q=七日无理由退货"), admin, "")
	if status != 200 || !strings.Contains(string(body), "第二十五条") {
		t.Errorf("law search: %d %s", status, body)
	}
}

func TestBundleAndSheetRoundTrip(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	status, shopJSON := e.do("GET", shopPath("/admin/bundle"), admin, "")
	if status != 200 || !bytes.Contains(shopJSON, []byte(`"闪充数码"`)) {
		t.Fatalf("download: %d %s", status, shopJSON)
	}
	if status, body := e.do("PUT", shopPath("/admin/bundle"), admin, string(shopJSON)); status != 200 {
		t.Fatalf("upload what was downloaded: %d %s", status, body)
	}
	bad := strings.Replace(string(shopJSON), `"scene": "greeting"`, `"scene": "greting"`, 1)
	status, body := e.do("PUT", shopPath("/admin/bundle"), admin, bad)
	var problems bundleProblems
	json.Unmarshal(body, &problems)
	if status != 400 || len(problems.Problems) != 1 || !strings.Contains(problems.Problems[0], "shop.json:") ||
		!strings.Contains(problems.Problems[0], "scene") {
		t.Errorf("a bad scene: %d %s, want one problem at its line", status, body)
	}

	status, sheet := e.do("GET", shopPath("/admin/phrases.csv"), admin, "")
	if status != 200 || !bytes.HasPrefix(sheet, []byte("\uFEFF")) {
		t.Fatalf("sheet: %d %q", status, sheet)
	}
	edited := strings.Replace(string(sheet), "欢迎光临{店铺}", "欢迎来到{店铺}", 1)
	if status, body := e.do("PUT", shopPath("/admin/phrases.csv"), admin, edited); status != 200 {
		t.Fatalf("sheet upload: %d %s", status, body)
	}
	if l := e.adminList(t, admin, "?q=欢迎来到"); len(l.Phrases) != 1 || l.Phrases[0].Version < 2 {
		t.Errorf("after the sheet: %+v, want ph-hello at a new version", l.Phrases)
	}
	status, body = e.do("PUT", shopPath("/admin/phrases.csv"), admin, "\uFEFF场景 scene,标题 title,话术 text\r\nparty,x,y\r\n")
	if status != 400 || !strings.Contains(string(body), "phrases.csv:2") {
		t.Errorf("a bad sheet: %d %s, want its line", status, body)
	}
}
