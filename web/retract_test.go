package web

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"assist/kb"
)

// A turn's set reaches the panels before the turn is stored; when the store
// then refuses the turn, the panels are told to take the set back, the
// poster hears the failure, and the agent's show of it is not recorded.
func TestARefusedTurnIsRetracted(t *testing.T) {
	e := newEnv(t, func(c *Config) { c.EventFlush = time.Hour }) // shows written by hand below
	agent := e.panel("c1", kb.RoleAgent)
	e.postTurn("c1", "buyer", "你好")
	if f := mustRead(t, agent); f.Type != "suggestions" || f.Turn != 0 {
		t.Fatalf("first frame %+v, want the set of turn 0", f)
	}
	if _, err := e.store.SQL().Exec(`CREATE TRIGGER refuse BEFORE INSERT ON turns WHEN NEW.idx = 1
		BEGIN SELECT RAISE(ABORT, 'disk full'); END`); err != nil {
		t.Fatal(err)
	}
	body, _ := json.Marshal(map[string]string{"role": "buyer", "text": "充电宝坏了"})
	if status, b := e.do("POST", shopPath("/conversations/c1/turns"), bearer(e.token), string(body)); status != http.StatusInternalServerError {
		t.Fatalf("a refused turn answered %d %s, want 500", status, b)
	}
	if f := mustRead(t, agent); f.Type != "suggestions" || f.Turn != 1 || f.Text != "充电宝坏了" {
		t.Fatalf("second frame %+v, want the set of turn 1", f)
	}
	f := mustRead(t, agent)
	if f.Type != "retracted" || f.Conversation != "c1" || f.Turn != 1 || f.Reason == "" {
		t.Fatalf("third frame %+v, want turn 1 retracted with a reason", f)
	}
	if _, err := e.store.Turn(context.Background(), chargerID, "c1", 1); kb.ErrorCode(err) != kb.ENotFound {
		t.Fatalf("the refused turn: %v, want not found", err)
	}

	// The next turn takes its number and is shown as any other.
	if _, err := e.store.SQL().Exec(`DROP TRIGGER refuse`); err != nil {
		t.Fatal(err)
	}
	before := time.Now()
	if s := e.postTurn("c1", "buyer", "充电器和数据线一起买能便宜吗"); s.Turn != 1 || len(suggestionsOf(s)) == 0 {
		t.Fatalf("the turn after the refused one is %d with %d suggestions, want 1 with some", s.Turn, len(suggestionsOf(s)))
	}
	if f := mustRead(t, agent); f.Type != "suggestions" || f.Turn != 1 || f.Text != "充电器和数据线一起买能便宜吗" {
		t.Fatalf("fourth frame %+v, want the set of the new turn 1", f)
	}
	// The panel's writer records a show just after it sends the set; the
	// new turn's show comes after the retraction of the old one.
	newShow := func() bool {
		e.srv.events.mu.Lock()
		defer e.srv.events.mu.Unlock()
		buf := e.srv.events.buf
		return len(buf) > 0 && buf[len(buf)-1].Turn == 1 && !buf[len(buf)-1].At.Before(before)
	}
	for deadline := time.Now().Add(5 * time.Second); !newShow(); time.Sleep(time.Millisecond) {
		if time.Now().After(deadline) {
			e.srv.events.mu.Lock()
			defer e.srv.events.mu.Unlock()
			t.Fatalf("the new turn's show was not recorded within 5 s: %+v", e.srv.events.buf)
		}
	}
	if err := e.srv.events.flush(context.Background()); err != nil {
		t.Fatal(err)
	}
	shows, err := e.store.ConversationShows(context.Background(), chargerID, "c1")
	if err != nil {
		t.Fatal(err)
	}
	if len(shows) != 2 || shows[0].Turn != 0 || shows[1].Turn != 1 || shows[1].At.Before(before) {
		t.Fatalf("shows %+v, want turn 0 and the stored turn 1 only", shows)
	}
}
