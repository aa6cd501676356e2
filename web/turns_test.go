package web

import (
	"assist/assistant"
	"assist/kb/index"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"

	"assist/kb"
)

func TestBadTurnsAreRefusedWithAReason(t *testing.T) {
	e := newEnv(t)
	long := strings.Repeat("充", maxTextRunes+1)
	tests := []struct {
		name   string
		conv   string
		body   string
		reason string // a part of the reason the caller reads
	}{
		{name: "malformed JSON", conv: "c1", body: `{"role":"buyer","text":`, reason: "malformed JSON"},
		{name: "not an object", conv: "c1", body: `["buyer","在吗"]`, reason: "want a JSON object"},
		{name: "an unknown field", conv: "c1", body: `{"role":"buyer","text":"在吗","agent":"boss"}`, reason: `unknown field "agent"`},
		{name: "a field of the wrong type", conv: "c1", body: `{"role":"buyer","text":42}`, reason: `field "text"`},
		{name: "two objects", conv: "c1", body: `{"role":"buyer","text":"在吗"}{}`, reason: "data after the object"},
		{name: "an empty body", conv: "c1", body: ``, reason: "empty body"},
		{name: "a bad role", conv: "c1", body: `{"role":"seller","text":"在吗"}`, reason: `role "seller"`},
		{name: "no text", conv: "c1", body: `{"role":"buyer","text":"  "}`, reason: "text is empty"},
		{name: "text too long", conv: "c1", body: `{"role":"buyer","text":"` + long + `"}`, reason: "at most 2000"},
		{name: "an oversize body", conv: "c1", body: `{"role":"buyer","text":"在吗","product":"` + strings.Repeat("x", maxBodyBytes) + `"}`, reason: "larger than 16 KiB"},
		{name: "an unknown product", conv: "c1", body: `{"role":"buyer","text":"在吗","product":"no-such"}`, reason: `product "no-such"`},
		{name: "a bad time", conv: "c1", body: `{"role":"buyer","text":"在吗","at":"yesterday"}`, reason: "RFC 3339"},
		{name: "a conversation id with a slash", conv: "c1%2Fetc", body: `{"role":"buyer","text":"在吗"}`, reason: "conversation id"},
		{name: "a conversation id with spaces", conv: "c%201", body: `{"role":"buyer","text":"在吗"}`, reason: "conversation id"},
		{name: "a conversation id too long", conv: strings.Repeat("c", 65), body: `{"role":"buyer","text":"在吗"}`, reason: "conversation id"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			status, body := e.do("POST", "/api/v1/shops/1/conversations/"+tt.conv+"/turns", bearer(e.token), tt.body)
			if status != http.StatusBadRequest {
				t.Fatalf("status %d %s, want 400", status, body)
			}
			eb := errorOfBody(t, body)
			if eb.Error != kb.EInvalid || !strings.Contains(eb.Reason, tt.reason) {
				t.Errorf("error %+v: want invalid with a reason holding %q", eb, tt.reason)
			}
		})
	}
	// Nothing of the refused turns was stored.
	if _, err := e.store.Turns(context.Background(), chargerID, "c1"); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("conversation c1 after refused turns: %v, want none", err)
	}
}

func TestATurnIsStoredWithItsSuggestions(t *testing.T) {
	e := newEnv(t)
	status, body := e.do("POST", "/api/v1/shops/1/conversations/shop-9:abc/turns", bearer(e.token),
		`{"role":"buyer","text":"这个充电器能便宜点吗","product":"gan65","at":"2026-11-23T10:00:00+08:00"}`)
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var got struct {
		Conversation string            `json:"conversation"`
		Turn         int               `json:"turn"`
		Nudges       []json.RawMessage `json:"nudges"`
		Products     []json.RawMessage `json:"products"`
		Rules        []json.RawMessage `json:"rules"`
		Phrases      []json.RawMessage `json:"phrases"`
	}
	if err := json.Unmarshal(body, &got); err != nil {
		t.Fatal(err)
	}
	if got.Conversation != "shop-9:abc" || got.Turn != 0 || got.Nudges == nil || got.Products == nil || got.Rules == nil || got.Phrases == nil {
		t.Errorf("answer %s: want the suggestion set of turn 0 with all four lists", body)
	}
	second := e.postTurn("shop-9:abc", "agent", "亲,这款今天下单明天发货")
	if second.Turn != 1 {
		t.Errorf("second turn numbered %d, want 1", second.Turn)
	}

	status, body = e.do("GET", "/api/v1/shops/1/conversations/shop-9:abc", cookie(e.login(kb.RoleAgent)), "")
	if status != 200 {
		t.Fatalf("%d %s", status, body)
	}
	var conv struct {
		ID    string `json:"id"`
		Turns []struct {
			Turn        int             `json:"turn"`
			Role        string          `json:"role"`
			Text        string          `json:"text"`
			Product     string          `json:"product"`
			Suggestions json.RawMessage `json:"suggestions"`
		} `json:"turns"`
	}
	if err := json.Unmarshal(body, &conv); err != nil {
		t.Fatal(err)
	}
	if len(conv.Turns) != 2 || conv.Turns[0].Product != "gan65" || conv.Turns[1].Role != "agent" {
		t.Fatalf("conversation %s", body)
	}
	var stored struct {
		Turn int `json:"turn"`
	}
	if err := json.Unmarshal(conv.Turns[1].Suggestions, &stored); err != nil || stored.Turn != 1 {
		t.Errorf("stored suggestion set of turn 1: %s", conv.Turns[1].Suggestions)
	}

	status, body = e.do("GET", "/api/v1/shops/1/conversations", cookie(e.login(kb.RoleAgent)), "")
	if status != 200 || !strings.Contains(string(body), `"turns":2`) || !strings.Contains(string(body), "明天发货") {
		t.Errorf("list: %d %s", status, body)
	}
	if status, _ := e.do("GET", "/api/v1/shops/1/conversations/nope", cookie(e.login(kb.RoleAgent)), ""); status != 404 {
		t.Errorf("unknown conversation: %d, want 404", status)
	}
}

func TestConcurrentTurnsAllCommit(t *testing.T) {
	e := newEnv(t)
	const writers, each = 8, 50
	var wg sync.WaitGroup
	errs := make(chan string, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			// Two writers share each conversation, so turns of one
			// conversation race too.
			conv := fmt.Sprintf("c%d", w%4)
			for range each {
				req, _ := http.NewRequest("POST", e.ts.URL+"/api/v1/shops/1/conversations/"+conv+"/turns",
					strings.NewReader(`{"role":"buyer","text":"数据线有2米的吗"}`))
				req.Header.Set("Authorization", "Bearer "+e.token)
				res, err := http.DefaultClient.Do(req)
				if err != nil {
					errs <- err.Error()
					continue
				}
				res.Body.Close()
				if res.StatusCode != 200 {
					errs <- res.Status
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for c := range 4 {
		turns, err := e.store.Turns(context.Background(), chargerID, fmt.Sprintf("c%d", c))
		if err != nil {
			t.Fatal(err)
		}
		if len(turns) != 2*each {
			t.Errorf("c%d has %d turns, want %d", c, len(turns), 2*each)
		}
		for i, tu := range turns {
			if tu.Index != i {
				t.Fatalf("c%d: turn %d stored at index %d: turns are numbered in order, without gaps", c, i, tu.Index)
			}
		}
	}
}

// After a restart the engine picks a conversation up where the store left
// it: the next turn gets the next number.
func TestAConversationContinuesAfterARestart(t *testing.T) {
	e := newEnv(t)
	e.postTurn("c1", "buyer", "充电宝可以刻字吗")
	e.postTurn("c1", "agent", "可以的亲")

	hub := NewHub()
	desk, err := assistant.NewDesk(assistant.DeskConfig{Log: e.store, Library: e.store, Publisher: hub,
		Indexer: index.Dirs{Root: t.TempDir()}})
	if err != nil {
		t.Fatal(err)
	}
	defer desk.Close()
	fresh, err := New(Config{Store: e.store, Desk: desk, Hub: hub})
	if err != nil {
		t.Fatal(err)
	}
	defer fresh.Close(context.Background())
	e.ts.Config.Handler = fresh
	if got := e.postTurn("c1", "buyer", "那多久能发货"); got.Turn != 2 {
		t.Errorf("first turn after restart numbered %d, want 2", got.Turn)
	}
}
