package web

import (
	"encoding/json"
	"strconv"
	"strings"
	"testing"

	"assist/assistant"
	"assist/kb"
)

// nudgeCategories is kind.category of every nudge of a suggestion set.
func nudgeCategories(body []byte) []string {
	var s struct {
		Nudges []struct{ Kind, Category string }
	}
	json.Unmarshal(body, &s)
	var out []string
	for _, n := range s.Nudges {
		out = append(out, n.Kind+"."+n.Category)
	}
	return out
}

func hasString(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// An agent flags a line the lexicon missed; the admin accepts it as an
// example; the same line nudges at the shop's next turn, and only in that
// shop. A flag decided twice is a conflict.
func TestAFlagAcceptedTeachesOnlyThatShop(t *testing.T) {
	e := newEnv(t)
	const line = "头子插上去一点动静都没有"
	first := e.postTurn("c1", "buyer", line)
	for _, n := range first.Nudges {
		if n.Kind == "evidence" {
			t.Fatalf("the lexicon already raises %s on %q: pick a line it misses", n.Category, line)
		}
	}
	agent, admin := cookie(e.login(kb.RoleAgent)), cookie(e.login(kb.RoleAdmin))
	status, body := e.do("POST", shopPath("/flags"), agent, `{"conversation":"c1","turn":0,"kind":"missed","category":"evidence.quality"}`)
	if status != 201 {
		t.Fatalf("flag: %d %s", status, body)
	}
	var flag struct{ ID int64 }
	json.Unmarshal(body, &flag)
	if status, body := e.do("POST", shopPath("/flags"), agent, `{"conversation":"c1","turn":0,"kind":"wrong","category":"evidence.quality"}`); status != 400 {
		t.Errorf("a wrong-flag on a nudge the turn did not raise: %d %s, want 400", status, body)
	}
	if status, _ := e.do("POST", shopPath("/flags"), agent, `{"conversation":"c1","turn":0,"kind":"missed","category":"wording.absolute"}`); status != 400 {
		t.Errorf("an agent-side category on a buyer's turn: %d, want 400", status)
	}

	status, body = e.do("GET", shopPath("/admin/flags"), admin, "")
	if status != 200 || !strings.Contains(string(body), line) || !strings.Contains(string(body), `"flagged_by":"the-agent"`) {
		t.Fatalf("queue: %d %s", status, body)
	}
	path := shopPath("/admin/flags/" + itoaTest(flag.ID))
	if status, body := e.do("POST", path, admin, `{"decision":"accept","as":"example"}`); status != 200 {
		t.Fatalf("accept: %d %s", status, body)
	}
	if status, _ := e.do("POST", path, admin, `{"decision":"reject"}`); status != 409 {
		t.Errorf("deciding twice: %d, want 409", status)
	}

	again := e.postTurn("c2", "buyer", line)
	if !hasString(categoriesOf(again.Nudges), "evidence.quality") {
		t.Errorf("after the lesson the line raises %v, want evidence.quality", categoriesOf(again.Nudges))
	}
	teaToken, _, _ := e.store.CreateToken(t.Context(), teaID, "tea")
	_, teaBody := e.do("POST", "/api/v1/shops/2/conversations/t1/turns", bearer(teaToken), `{"role":"buyer","text":"`+line+`"}`)
	if hasString(nudgeCategories(teaBody), "evidence.quality") {
		t.Errorf("the charger shop's lesson nudged in the tea shop: %s", teaBody)
	}
}

// A shop turns a built-in cue word off and adds one of its own; the tester
// says which lesson changed the answer; taking the entry away restores it.
func TestShopCueWords(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	try := func(text string) ([]string, string) {
		t.Helper()
		status, body := e.do("POST", shopPath("/admin/try"), admin, `{"role":"buyer","text":"`+text+`"}`)
		if status != 200 {
			t.Fatalf("try: %d %s", status, body)
		}
		return nudgeCategories(body), string(body)
	}
	if got, _ := try("能便宜点吗"); !hasString(got, "upsell.bargain") {
		t.Fatalf("built-in: %v, want upsell.bargain", got)
	}
	if status, body := e.do("PUT", shopPath("/admin/cues"), admin, `{"word":"便宜点","category":"upsell.bargain","enabled":false}`); status != 200 {
		t.Fatalf("turn off: %d %s", status, body)
	}
	got, body := try("能便宜点吗")
	if hasString(got, "upsell.bargain") || !strings.Contains(body, `"effect":"removed"`) {
		t.Errorf("with 便宜点 off: %v %s", got, body)
	}
	if status, _ := e.do("DELETE", shopPath("/admin/cues?word=%E4%BE%BF%E5%AE%9C%E7%82%B9&category=upsell.bargain"), admin, ""); status != 204 {
		t.Errorf("restore: %d", status)
	}
	if got, _ := try("能便宜点吗"); !hasString(got, "upsell.bargain") {
		t.Errorf("after restoring: %v", got)
	}
	if status, _ := e.do("PUT", shopPath("/admin/cues"), admin, `{"word":"砍一刀","category":"upsell.bargain","enabled":true}`); status != 200 {
		t.Fatal("add")
	}
	if got, body := try("老板砍一刀呗"); !hasString(got, "upsell.bargain") || !strings.Contains(body, `"by":"砍一刀"`) {
		t.Errorf("with 砍一刀 added: %v %s", got, body)
	}
	if status, _ := e.do("PUT", shopPath("/admin/cues"), admin, `{"word":"砍一刀","category":"upsell.haggle","enabled":true}`); status != 400 {
		t.Errorf("an unknown category: %d, want 400", status)
	}
	// The agent cannot edit cue words.
	if status, _ := e.do("PUT", shopPath("/admin/cues"), cookie(e.login(kb.RoleAgent)), `{"word":"x","category":"upsell.bargain","enabled":true}`); status != 403 {
		t.Errorf("agent edits cues: %d, want 403", status)
	}
}

func categoriesOf(ns []assistant.Nudge) []string {
	var out []string
	for _, n := range ns {
		out = append(out, n.Kind+"."+n.Category)
	}
	return out
}

func itoaTest(n int64) string { return strconv.FormatInt(n, 10) }
