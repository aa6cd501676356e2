package web

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"assist/kb"
)

func TestEditAPhrase(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	tests := []struct {
		name   string
		id     string
		body   string
		status int
		reason string
	}{
		{name: "edit a phrase", id: "ph-hello", body: `{"scene":"greeting","title":"欢迎","text":"您好,{店铺}为您服务","tags":["你好"]}`, status: 200},
		{name: "add a phrase", id: "ph-cable", body: `{"scene":"product","title":"线材","text":"这款数据线是{材质}的,耐折","tags":["材质"]}`, status: 200},
		{name: "an unknown scene", id: "ph-x", body: `{"scene":"party","title":"x","text":"y","tags":[]}`, status: 400, reason: `scene "party"`},
		{name: "a placeholder no product fills", id: "ph-x", body: `{"scene":"product","title":"x","text":"这款的{保修期}是多久","tags":[]}`, status: 400, reason: "{保修期}"},
		{name: "no title", id: "ph-x", body: `{"scene":"product","title":" ","text":"y","tags":[]}`, status: 400, reason: "title"},
		{name: "an unknown field", id: "ph-x", body: `{"scene":"product","title":"x","text":"y","score":1}`, status: 400, reason: `unknown field "score"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("PUT", "/api/v1/shops/1/admin/phrases/"+tt.id, admin, tt.body)
			if status != tt.status {
				t.Fatalf("status %d %s, want %d", status, body, tt.status)
			}
			if tt.reason != "" && !strings.Contains(errorOfBody(t, body).Reason, tt.reason) {
				t.Errorf("reason %s: want %q", body, tt.reason)
			}
		})
	}
	// The store and the engine both have the edits.
	shop, err := e.store.Shop(context.Background(), chargerShop().Name)
	if err != nil {
		t.Fatal(err)
	}
	if p, ok := shop.Phrase("ph-hello"); !ok || p.Text != "您好,{店铺}为您服务" {
		t.Errorf("stored ph-hello = %+v", p)
	}
	if k, err := e.desk.Knowledge(context.Background(), chargerID); err != nil {
		t.Fatal(err)
	} else if _, ok := k.Phrase("ph-cable"); !ok {
		t.Error("the engine was not reloaded: it does not know ph-cable")
	}
	status, body := e.do("GET", "/api/v1/shops/1/admin/phrases", admin, "")
	if status != 200 || !strings.Contains(string(body), `"id":"ph-cable"`) {
		t.Errorf("phrase list: %d %s", status, body)
	}
}

func TestAdminAddsAMemberWhoCanLogIn(t *testing.T) {
	e := newEnv(t)
	admin := cookie(e.login(kb.RoleAdmin))
	status, body := e.do("PUT", "/api/v1/shops/1/members/xiaozhang", admin, `{"role":"agent"}`)
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	var added memberResponse
	if err := json.Unmarshal(body, &added); err != nil || len(added.Password) < 16 {
		t.Fatalf("answer %s: want a generated password", body)
	}
	status, body = e.do("POST", "/api/v1/login", anonymous, `{"name":"xiaozhang","password":"`+added.Password+`"}`)
	if status != 200 || !strings.Contains(string(body), `"shops":[{"id":1,"name":"闪充数码","role":"agent"}]`) {
		t.Errorf("login with the new password: %d %s", status, body)
	}
	// The same name again changes the role; no new password.
	status, body = e.do("PUT", "/api/v1/shops/1/members/xiaozhang", admin, `{"role":"manager"}`)
	if status != 200 || strings.Contains(string(body), "password") {
		t.Errorf("the same name again: %d %s, want 200 without a password", status, body)
	}
	if status, _ := e.do("PUT", "/api/v1/shops/1/members/xz2", admin, `{"role":"owner"}`); status != 400 {
		t.Errorf("an unknown role: %d, want 400", status)
	}
	// The admin of shop 1 is nobody in shop 2.
	if status, _ := e.do("PUT", "/api/v1/shops/2/members/xiaozhang", admin, `{"role":"agent"}`); status != 403 {
		t.Errorf("admin of shop 1 adds to shop 2: %d, want 403", status)
	}
	status, body = e.do("GET", "/api/v1/shops/1/members", admin, "")
	if status != 200 || !strings.Contains(string(body), `{"name":"xiaozhang","role":"manager"}`) {
		t.Errorf("members: %d %s", status, body)
	}
	if status, _ := e.do("DELETE", "/api/v1/shops/1/members/xiaozhang", admin, ""); status != 204 {
		t.Errorf("remove: %d", status)
	}
}

func TestProductsForThePicker(t *testing.T) {
	e := newEnv(t)
	status, body := e.do("GET", "/api/v1/shops/1/products", cookie(e.login(kb.RoleAgent)), "")
	if status != 200 || !strings.Contains(string(body), `{"id":"gan65","title":"氮化镓快充充电器 65W"}`) {
		t.Errorf("products: %d %s", status, body)
	}
}
