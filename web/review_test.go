package web

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

func TestPostOutcome(t *testing.T) {
	e := newEnv(t)
	paid := `{"id":"pay-1","conversation":"c1","kind":"order_paid","at":"2026-11-30T10:00:00+08:00","order":"o1","amount":"119.00","items":[{"product":"gan65","quantity":1}]}`
	tests := []struct {
		name   string
		who    auth
		body   string
		status int
		reason string // a word the reason must hold
	}{
		{"first post", bearer(e.token), paid, http.StatusCreated, ""},
		{"a retry is not counted twice", bearer(e.token), paid, http.StatusOK, ""},
		{"an admin may post", cookie(e.login(kb.RoleAdmin)), paid, http.StatusOK, ""},
		{"another body under the same id", bearer(e.token), strings.Replace(paid, "119.00", "99.00", 1), http.StatusConflict, "pay-1"},
		{"unknown kind", bearer(e.token), strings.Replace(paid, "order_paid", "paid", 1), http.StatusBadRequest, "kind"},
		{"three decimals", bearer(e.token), strings.Replace(paid, "119.00", "119.001", 1), http.StatusBadRequest, "两位小数"},
		{"no items", bearer(e.token), strings.Replace(paid, `,"items":[{"product":"gan65","quantity":1}]`, "", 1), http.StatusBadRequest, "items"},
		{"unknown field", bearer(e.token), strings.Replace(paid, `"order"`, `"orderid"`, 1), http.StatusBadRequest, "orderid"},
		{"an agent may not", cookie(e.login(kb.RoleAgent)), paid, http.StatusForbidden, ""},
		{"a manager may not", cookie(e.login(kb.RoleManager)), paid, http.StatusForbidden, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", shopPath("/outcomes"), tt.who, tt.body)
			if status != tt.status || !strings.Contains(string(body), tt.reason) {
				t.Errorf("%d %s, want %d with %q", status, body, tt.status, tt.reason)
			}
		})
	}
	got, err := e.store.Outcomes(context.Background(), chargerID, "c1")
	if err != nil || len(got) != 1 || got[0].Amount != 11900 {
		t.Errorf("stored outcomes = %+v, %v; want the one order of 119.00", got, err)
	}
}

// An agent who types a shown phrase with an edit has used it (typed,
// edited); the manager watching the same conversation is not an agent, so
// what their panel showed does not count.
func TestTypedPhraseAndManagerViewer(t *testing.T) {
	e := newEnv(t)
	agent := e.panel("c1", kb.RoleAgent)
	manager := e.panel("c1", kb.RoleManager)
	sugg := e.postTurn("c1", "buyer", "充电器能便宜点吗")
	var phrase string
	for _, p := range sugg.Phrases {
		if p.ID == "ph-bundle" {
			phrase = p.Text
		}
	}
	if phrase == "" {
		t.Fatalf("the bargain did not offer ph-bundle: %+v", sugg.Phrases)
	}
	if f := mustRead(t, agent); f.Type != "suggestions" {
		t.Fatalf("agent got %+v", f)
	}
	if f := mustRead(t, manager); f.Type != "suggestions" {
		t.Fatalf("manager got %+v", f)
	}
	// The agent types the phrase with a word changed, instead of clicking.
	typed := strings.Replace(phrase, "价格更划算哦", "价格划算多了", 1)
	send(t, agent, map[string]any{"type": "turn", "ref": "r1", "role": "agent", "text": typed})
	for acked, pushed := false, false; !acked || !pushed; {
		f := mustRead(t, agent)
		acked = acked || f.Type == "ack"
		pushed = pushed || f.Type == "suggestions" && f.Turn == 1
	}
	// Shown counts the turns whose set, pushed to the agent, held the phrase.
	turns, err := e.store.Turns(context.Background(), chargerID, "c1")
	if err != nil {
		t.Fatal(err)
	}
	wantShown := 0
	for _, tr := range turns {
		if strings.Contains(string(tr.Suggestions), `"id":"ph-bundle"`) {
			wantShown++
		}
	}

	var got reviewSuggestionLine
	for deadline := time.Now().Add(3 * time.Second); ; {
		if err := e.srv.FlushEvents(context.Background()); err != nil {
			t.Fatal(err)
		}
		status, body := e.do("GET", shopPath("/review/suggestions"), cookie(e.login(kb.RoleManager)), "")
		if status != http.StatusOK {
			t.Fatalf("review: %d %s", status, body)
		}
		var res struct {
			Suggestions []reviewSuggestionLine `json:"suggestions"`
		}
		if err := json.Unmarshal(body, &res); err != nil {
			t.Fatal(err)
		}
		for _, s := range res.Suggestions {
			if s.ID == "ph-bundle" {
				got = s
			}
		}
		if got.Shown == wantShown || time.Now().After(deadline) {
			break
		}
		time.Sleep(20 * time.Millisecond)
	}
	if got.Shown != wantShown || got.Used != 1 || got.Typed != 1 || got.Edited != 1 {
		t.Errorf("ph-bundle = shown %d used %d typed %d edited %d; want %d 1 1 1 (the manager's panel is not counted)",
			got.Shown, got.Used, got.Typed, got.Edited, wantShown)
	}
	events, err := e.store.Events(context.Background(), chargerID, "c1")
	if err != nil {
		t.Fatal(err)
	}
	for _, ev := range events {
		if ev.Agent == "the-manager" {
			t.Errorf("a manager's panel recorded %+v", ev)
		}
	}
}

func TestReviewRoutes(t *testing.T) {
	e := newEnv(t)
	e.postTurn("c1", "buyer", "充电器能便宜点吗")
	routes := []string{"/review/suggestions", "/review/agents", "/review/conversations", "/review/conversations/c1"}
	for _, r := range routes {
		t.Run(r, func(t *testing.T) {
			if status, body := e.do("GET", shopPath(r), cookie(e.login(kb.RoleAgent)), ""); status != http.StatusForbidden {
				t.Errorf("agent: %d %s, want 403", status, body)
			}
			if status, body := e.do("GET", shopPath(r), bearer(e.token), ""); status != http.StatusForbidden {
				t.Errorf("token: %d %s, want 403", status, body)
			}
			for _, role := range []kb.Role{kb.RoleManager, kb.RoleAdmin} {
				status, body := e.do("GET", shopPath(r+"?format=csv"), cookie(e.login(role)), "")
				if status != http.StatusOK || !strings.HasPrefix(string(body), "\ufeff") || !strings.Contains(string(body), ",") {
					t.Errorf("%s csv: %d %q, want 200 with a BOM and a header", role, status, body)
				}
			}
		})
	}
	for _, bad := range []string{"?from=2026-13-01", "?from=2026-12-01&to=2026-11-01", "?format=xls"} {
		if status, body := e.do("GET", shopPath("/review/agents"+bad), cookie(e.login(kb.RoleManager)), ""); status != http.StatusBadRequest {
			t.Errorf("%s: %d %s, want 400", bad, status, body)
		}
	}
	if status, _ := e.do("GET", shopPath("/review/conversations?figure=nonsense"), cookie(e.login(kb.RoleManager)), ""); status != http.StatusBadRequest {
		t.Errorf("unknown figure: %d, want 400", status)
	}
	// The conversation page shows the turn and the outcome.
	e.do("POST", shopPath("/outcomes"), bearer(e.token), `{"id":"pay-1","conversation":"c1","kind":"order_paid","at":"`+
		time.Now().Format(time.RFC3339)+`","order":"o1","amount":119,"items":[{"product":"gan65","quantity":1}]}`)
	status, body := e.do("GET", shopPath("/review/conversations/c1"), cookie(e.login(kb.RoleManager)), "")
	if status != http.StatusOK || !strings.Contains(string(body), "充电器能便宜点吗") || !strings.Contains(string(body), `"amount":119.00`) {
		t.Errorf("conversation: %d %s", status, body)
	}
}

// A page counts what its moment allows and says how many conversations it
// left to the background refresh: with a budget that ends after the first
// chunk (50 conversations in kb/sqlite), 60 new chats leave 10 after the
// first page and none after the second; the other shop has none waiting.
func TestReviewSaysWhatIsNotCounted(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.ReviewRefresh = time.Nanosecond })
	ctx := context.Background()
	for i := range 60 {
		if err := e.store.AddTurn(ctx, &kb.StoredTurn{Shop: chargerID, Conversation: fmt.Sprintf("burst-%02d", i), Role: "buyer",
			Text: "在吗", At: time.Now(), PostedBy: "token:qianniu", Suggestions: []byte(`{}`)}); err != nil {
			t.Fatal(err)
		}
	}
	manager := cookie(e.login(kb.RoleManager))
	for _, want := range []int{10, 0, 0} {
		status, body := e.do("GET", shopPath("/review/agents"), manager, "")
		var got struct {
			Agents  []json.RawMessage `json:"agents"`
			Pending *int              `json:"pending"`
		}
		if err := json.Unmarshal(body, &got); status != http.StatusOK || err != nil || got.Pending == nil || *got.Pending != want {
			t.Fatalf("agents: %d %s (%v), want pending %d", status, body, err, want)
		}
	}
	for _, route := range []string{"/review/suggestions", "/review/conversations"} {
		if status, body := e.do("GET", shopPath(route), manager, ""); status != http.StatusOK || !strings.Contains(string(body), `"pending":0`) {
			t.Errorf("%s: %d %s, want pending 0", route, status, body)
		}
	}
	if err := e.store.AddTurn(ctx, &kb.StoredTurn{Shop: teaID, Conversation: "tea-1", Role: "buyer", Text: "在吗", At: time.Now(),
		PostedBy: "token:qianniu", Suggestions: []byte(`{}`)}); err != nil {
		t.Fatal(err)
	}
	if n, err := e.store.ReviewPending(ctx, teaID); err != nil || n != 1 {
		t.Fatalf("the tea shop's pending: %d, %v; want 1", n, err)
	}
	if status, body := e.do("GET", shopPath("/review/agents"), manager, ""); status != http.StatusOK || !strings.Contains(string(body), `"pending":0`) {
		t.Errorf("the charger shop's agents after a tea shop's chat: %d %s, want pending 0", status, body)
	}
}
