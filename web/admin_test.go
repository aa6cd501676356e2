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
			status, body := e.do("PUT", "/api/v1/admin/phrases/"+tt.id, admin, tt.body)
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
	if _, ok := e.engine.Shop().Phrase("ph-cable"); !ok {
		t.Error("the engine was not reloaded: it does not know ph-cable")
	}
	status, body := e.do("GET", "/api/v1/admin/phrases", admin, "")
	if status != 200 || !strings.Contains(string(body), `"id":"ph-cable"`) {
		t.Errorf("phrase list: %d %s", status, body)
	}
}

func TestAdminAddsAUserWhoCanLogIn(t *testing.T) {
	e := newEnv(t)
	status, body := e.do("POST", "/api/v1/admin/users", cookie(e.login(kb.RoleAdmin)), `{"name":"xiaozhang","role":"agent"}`)
	if status != 201 {
		t.Fatalf("%d %s", status, body)
	}
	var added addUserResponse
	if err := json.Unmarshal(body, &added); err != nil || len(added.Password) < 16 {
		t.Fatalf("answer %s: want a generated password", body)
	}
	status, body = e.do("POST", "/api/v1/login", anonymous, `{"name":"xiaozhang","password":"`+added.Password+`"}`)
	if status != 200 || !strings.Contains(string(body), `"role":"agent"`) {
		t.Errorf("login with the new password: %d %s", status, body)
	}
	if status, _ := e.do("POST", "/api/v1/admin/users", cookie(e.login(kb.RoleAdmin)), `{"name":"xiaozhang","role":"agent"}`); status != 409 {
		t.Errorf("the same name again: %d, want 409", status)
	}
	if status, _ := e.do("POST", "/api/v1/admin/users", cookie(e.login(kb.RoleAdmin)), `{"name":"xz2","role":"owner"}`); status != 400 {
		t.Errorf("an unknown role: %d, want 400", status)
	}
}

func TestProductsForThePicker(t *testing.T) {
	e := newEnv(t)
	status, body := e.do("GET", "/api/v1/products", cookie(e.login(kb.RoleAgent)), "")
	if status != 200 || !strings.Contains(string(body), `{"id":"gan65","title":"氮化镓快充充电器 65W"}`) {
		t.Errorf("products: %d %s", status, body)
	}
}
