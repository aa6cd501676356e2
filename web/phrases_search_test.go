package web

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"assist/kb"
)

type searchAnswer struct {
	Phrases []struct {
		ID, Code, Title, Text string
		Mine                  bool
		Missing               []string
	}
}

func (e *env) search(who auth, query string) searchAnswer {
	e.t.Helper()
	status, body := e.do("GET", shopPath("/phrases?"+query), who, "")
	if status != 200 {
		e.t.Fatalf("search %s: %d %s", query, status, body)
	}
	var a searchAnswer
	if err := json.Unmarshal(body, &a); err != nil {
		e.t.Fatal(err)
	}
	return a
}

// An agent finds the shop's phrases by short code, title or text, in either
// script, filled for the product the buyer is viewing and for the buyer.
func TestSearchPhrases(t *testing.T) {
	e := newEnv(t)
	if err := e.store.PutPhrase(context.Background(), chargerID, kb.Phrase{ID: "ph-name", Scene: kb.SceneGreeting, Title: "称呼买家",
		Text: "{买家|亲},我是{客服|客服},这款{商品}{发货时效}内发货", Code: "hi"}); err != nil {
		t.Fatal(err)
	}
	if status, body := e.do("POST", shopPath("/conversations/c-9/turns"), bearer(e.token),
		`{"role":"buyer","text":"在吗","product":"gan65","buyer_name":"小雨"}`); status != 200 {
		t.Fatalf("turn: %d %s", status, body)
	}
	agent := cookie(e.login(kb.RoleAgent))
	q := func(v string) string { return "q=" + url.QueryEscape(v) + "&conversation=c-9" }

	a := e.search(agent, q("/hi"))
	if len(a.Phrases) == 0 || a.Phrases[0].ID != "ph-name" {
		t.Fatalf("/hi finds %+v, want ph-name first", a.Phrases)
	}
	if got, want := a.Phrases[0].Text, "小雨,我是the-agent,这款氮化镓快充充电器 65W24小时内发货"; got != want {
		t.Errorf("filled for the conversation: %q, want %q", got, want)
	}
	for _, tc := range []struct{ name, query, want string }{
		{"title", "推荐套装", "ph-bundle"},
		{"text", "划算", "ph-bundle"},
		{"traditional text", "劃算", "ph-bundle"},
		{"tag", "便宜", "ph-bundle"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			a := e.search(agent, q(tc.query))
			if len(a.Phrases) == 0 || a.Phrases[0].ID != tc.want {
				t.Errorf("%q finds %+v, want %s first", tc.query, a.Phrases, tc.want)
			}
		})
	}
	// The bundle phrase filled for the product in view: never a raw {…}.
	a = e.search(agent, q("套装"))
	if len(a.Phrases) == 0 || !strings.Contains(a.Phrases[0].Text, "充电器+2米编织线套装") {
		t.Errorf("套装 finds %+v, want the bundle filled in", a.Phrases)
	}
	// Without a product the bundle cannot be filled: it says what is missing.
	a = e.search(agent, "q="+url.QueryEscape("套装"))
	if len(a.Phrases) == 0 || len(a.Phrases[0].Missing) == 0 {
		t.Errorf("套装 without a product: %+v, want missing 套餐", a.Phrases)
	}
	if status, body := e.do("GET", shopPath("/phrases?q=x&product=nope"), agent, ""); status != 400 || !strings.Contains(string(body), "商品") {
		t.Errorf("unknown product: %d %s, want 400 in Chinese", status, body)
	}
	if status, _ := e.do("GET", shopPath("/phrases?q=x"), cookie(e.login(kb.RoleManager)), ""); status != 403 {
		t.Errorf("a manager searched phrases: %d, want 403", status)
	}
}

// Personal phrases are their owner's alone: found in their search with the
// mine flag, invisible to another agent of the same shop, editable and
// deletable only by them.
func TestPersonalPhrases(t *testing.T) {
	e := newEnv(t)
	li := cookie(e.person("xiaoli", false, map[int64]kb.Role{chargerID: kb.RoleAgent}))
	wang := cookie(e.person("xiaowang", false, map[int64]kb.Role{chargerID: kb.RoleAgent}))

	status, body := e.do("POST", shopPath("/phrases/mine"), li, `{"title":"稍等","text":"{买家|亲},稍等,我帮您查一下","code":"dd"}`)
	if status != 201 {
		t.Fatalf("add: %d %s", status, body)
	}
	var made struct{ ID string }
	json.Unmarshal(body, &made)

	a := e.search(li, "q=dd")
	if len(a.Phrases) == 0 || a.Phrases[0].ID != made.ID || !a.Phrases[0].Mine || a.Phrases[0].Text != "亲,稍等,我帮您查一下" {
		t.Fatalf("owner's search /dd: %+v, want their phrase filled, marked mine", a.Phrases)
	}
	for _, query := range []string{"q=dd", "q=" + url.QueryEscape("稍等")} {
		if a := e.search(wang, query); len(a.Phrases) > 0 && a.Phrases[0].Mine {
			t.Errorf("another agent's search %s shows %+v", query, a.Phrases)
		}
	}
	if status, _ := e.do("PUT", shopPath("/phrases/mine/"+made.ID), wang, `{"title":"改","text":"改掉"}`); status != 404 {
		t.Errorf("another agent edits it: %d, want 404", status)
	}
	if status, _ := e.do("DELETE", shopPath("/phrases/mine/"+made.ID), wang, ""); status != 404 {
		t.Errorf("another agent deletes it: %d, want 404", status)
	}
	if status, body := e.do("POST", shopPath("/phrases/mine"), li, `{"title":"空","text":"  "}`); status != 400 || !strings.Contains(string(body), "话术内容") {
		t.Errorf("empty text: %d %s, want 400 in Chinese", status, body)
	}
	if status, body := e.do("PUT", shopPath("/phrases/mine/"+made.ID), li, `{"title":"稍等","text":"请稍等","code":"d d"}`); status != 400 || !strings.Contains(string(body), "短码") {
		t.Errorf("code with a space: %d %s, want 400 naming 短码", status, body)
	}
	if status, body := e.do("PUT", shopPath("/phrases/mine/"+made.ID), li, `{"title":"稍等","text":"请稍等","code":"dd"}`); status != 200 {
		t.Errorf("owner edits: %d %s", status, body)
	}
	if status, body := e.do("DELETE", shopPath("/phrases/mine/"+made.ID), li, ""); status != 204 {
		t.Errorf("owner deletes: %d %s", status, body)
	}
	if a := e.search(li, "q=dd"); len(a.Phrases) > 0 && a.Phrases[0].Mine {
		t.Errorf("a deleted phrase is still found: %+v", a.Phrases)
	}
}

// The conversation list says who the buyer is and what they are looking
// at, and puts the caller's own conversations first.
func TestConversationsShowBuyerAndAssignee(t *testing.T) {
	e := newEnv(t)
	li := cookie(e.person("xiaoli", false, map[int64]kb.Role{chargerID: kb.RoleAgent}))
	post := func(conv string, who auth, body string) {
		t.Helper()
		if status, b := e.do("POST", shopPath("/conversations/"+conv+"/turns"), who, body); status != 200 {
			t.Fatalf("turn %s: %d %s", conv, status, b)
		}
	}
	post("mine", bearer(e.token), `{"role":"buyer","text":"在吗","product":"gan65","buyer_name":"小雨"}`)
	post("mine", li, `{"role":"agent","text":"在的亲"}`) // xiaoli answers: hers
	post("named", bearer(e.token), `{"role":"buyer","text":"发货了吗","buyer_name":"阿明","assignee":"xiaoli"}`)
	post("other", bearer(e.token), `{"role":"buyer","text":"有货吗","buyer_name":"老周","product":"cable2m"}`) // newest, nobody's

	status, body := e.do("GET", shopPath("/conversations"), li, "")
	if status != 200 {
		t.Fatalf("list: %d %s", status, body)
	}
	var list struct {
		Conversations []conversationLine
	}
	json.Unmarshal(body, &list)
	var order []string
	for _, c := range list.Conversations {
		order = append(order, c.ID)
	}
	if strings.Join(order, ",") != "named,mine,other" {
		t.Errorf("xiaoli's list = %v, want hers first (named, mine), then other", order)
	}
	byID := map[string]conversationLine{}
	for _, c := range list.Conversations {
		byID[c.ID] = c
	}
	if c := byID["mine"]; c.BuyerName != "小雨" || c.ProductTitle != "氮化镓快充充电器 65W" || c.Assignee != "xiaoli" || !c.Mine {
		t.Errorf("mine = %+v, want buyer 小雨, the charger, assigned to xiaoli", c)
	}
	if c := byID["other"]; c.Mine || c.BuyerName != "老周" || c.ProductTitle != "编织快充数据线 2米" {
		t.Errorf("other = %+v", c)
	}
	if status, body := e.do("POST", shopPath("/conversations/x/turns"), bearer(e.token),
		`{"role":"buyer","text":"在吗","buyer_name":"`+strings.Repeat("名", 65)+`"}`); status != 400 {
		t.Errorf("a 65-character buyer name: %d %s, want 400", status, body)
	}
}

// The top 3 of a turn greet the buyer by the name the platform gave, and
// the name survives a restart of the desk (it is replayed from the log).
func TestTopPhrasesUseTheBuyerName(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	if status, body := e.do("PUT", shopPath("/admin/phrases/ph-hello"), admin,
		`{"scene":"greeting","title":"欢迎","text":"{买家|亲},您好,欢迎光临{店铺}","tags":["你好","在吗"]}`); status != 200 {
		t.Fatalf("put phrase: %d %s", status, body)
	}
	status, body := e.do("POST", shopPath("/conversations/n-1/turns"), bearer(e.token), `{"role":"buyer","text":"你好 在吗","buyer_name":"小雨"}`)
	if status != 200 || !strings.Contains(string(body), "小雨,您好,欢迎光临闪充数码") {
		t.Fatalf("turn with a buyer name: %d %s, want the greeting to name 小雨", status, body)
	}
	status, body = e.do("POST", shopPath("/conversations/n-2/turns"), bearer(e.token), `{"role":"buyer","text":"你好 在吗"}`)
	if status != 200 || !strings.Contains(string(body), "亲,您好,欢迎光临闪充数码") {
		t.Errorf("turn without a name: %d %s, want the fallback 亲", status, body)
	}
}
