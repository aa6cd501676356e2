package web

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"assist/assistant"
)

// postTurnWith posts a turn with a product in view and decodes the answer.
func (e *env) postTurnWith(conv, role, text, product string) (int, *assistant.Suggestions) {
	e.t.Helper()
	body, _ := json.Marshal(map[string]string{"role": role, "text": text, "product": product})
	status, b := e.do("POST", "/api/v1/conversations/"+conv+"/turns", bearer(e.token), string(body))
	if status != http.StatusOK {
		return status, nil
	}
	var s assistant.Suggestions
	if err := json.Unmarshal(b, &s); err != nil {
		e.t.Fatal(err)
	}
	return status, &s
}

func TestIdleConversationsAreForgottenAndReplayed(t *testing.T) {
	e := newEnv(t)
	now := time.Date(2026, 11, 23, 9, 0, 0, 0, time.UTC)
	e.srv.convs.now = func() time.Time { return now }
	e.srv.convs.max = 2
	held := func() int { return e.engine.(*assistant.Engine).Conversations() }

	if _, s := e.postTurnWith("c1", "buyer", "这个多少钱", "gan65"); s == nil || s.Product != "gan65" {
		t.Fatalf("first turn: %+v", s)
	}
	e.postTurn("c2", "buyer", "你好")
	e.postTurn("c3", "buyer", "在吗")
	if held() != 3 {
		t.Fatalf("engine holds %d conversations, want 3", held())
	}
	now = now.Add(idleAfter + time.Minute)
	e.postTurn("c4", "buyer", "你好")
	if held() != 1 {
		t.Errorf("after the idle ones were swept the engine holds %d conversations, want 1 (c4)", held())
	}
	// c1 comes back: replayed from the store, it still has its product in
	// view and counts on from its stored turns.
	s := e.postTurn("c1", "buyer", "能便宜点吗")
	if s.Product != "gan65" || s.Turn != 1 {
		t.Errorf("c1 after it was forgotten: product %q, turn %d; want gan65, 1", s.Product, s.Turn)
	}
}

func TestAFailedWriteLeavesEngineAndStoreAgreed(t *testing.T) {
	e := newEnv(t)
	e.postTurn("c1", "buyer", "你好")
	// The store refuses this one turn after the engine has answered it.
	if _, err := e.store.SQL().Exec(`CREATE TRIGGER refuse BEFORE INSERT ON turns WHEN NEW.text = '写不进去'
		BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	if status, _ := e.postTurnWith("c1", "buyer", "写不进去", ""); status != http.StatusInternalServerError {
		t.Fatalf("refused write: %d, want 500", status)
	}
	s := e.postTurn("c1", "buyer", "还在吗")
	if s.Turn != 1 {
		t.Errorf("turn after a failed write is numbered %d, want 1: the engine counted a turn the store does not have", s.Turn)
	}
}
