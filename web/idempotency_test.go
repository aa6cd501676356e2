package web

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"assist/kb"
)

// doKeyed sends a request with an Idempotency-Key.
func (e *env) doKeyed(method, path string, a auth, key, body string) (int, []byte) {
	e.t.Helper()
	return e.do(method, path, func(r *http.Request) {
		a(r)
		r.Header.Set("Idempotency-Key", key)
	}, body)
}

// The platform posts a turn, times out before the answer arrives (the
// server committed it) and retries with the same key: one turn is stored,
// pushed once, and the retry gets the first answer.
func TestARetriedTurnIsStoredOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	panel := e.panel("c1", kb.RoleAgent)
	turnPath := shopPath("/conversations/c1/turns")
	body := `{"role":"buyer","text":"充电器和数据线一起买能便宜吗"}`

	// The first try: committed, but the client gave up before reading the
	// answer (it went to a connection nobody reads any more).
	req, _ := http.NewRequest("POST", e.ts.URL+turnPath, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+e.token)
	req.Header.Set("Idempotency-Key", "msg-20261130-0001")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	first, _ := io.ReadAll(res.Body)
	res.Body.Close()
	if res.StatusCode != 200 {
		t.Fatalf("first try: %d %s", res.StatusCode, first)
	}
	if f := mustRead(t, panel); f.Type != "suggestions" || f.Turn != 0 {
		t.Fatalf("push of the first try: %+v", f)
	}

	status, again := e.doKeyed("POST", turnPath, bearer(e.token), "msg-20261130-0001", body)
	if status != 200 || !bytes.Equal(again, first) {
		t.Errorf("retry: %d %s\nwant 200 and the first answer %s", status, again, first)
	}
	if turns, err := e.store.Turns(ctx, chargerID, "c1"); err != nil || len(turns) != 1 {
		t.Errorf("stored turns after the retry = %d, %v; want 1", len(turns), err)
	}
	if f, err := read(t, panel, 300*time.Millisecond); err == nil {
		t.Errorf("the retry was pushed again: %+v", f)
	}
	// The conversation goes on at the next index.
	if next := e.postTurn("c1", "buyer", "那就要套装"); next.Turn != 1 {
		t.Errorf("the next turn is %d, want 1", next.Turn)
	}

	// The same key with another turn is refused with a reason, and
	// nothing is stored.
	status, b := e.doKeyed("POST", turnPath, bearer(e.token), "msg-20261130-0001", `{"role":"buyer","text":"发什么快递"}`)
	if status != http.StatusConflict || !strings.Contains(errorOfBody(t, b).Reason, "Idempotency-Key") {
		t.Errorf("the key with another text: %d %s, want 409 with a reason", status, b)
	}
	status, b = e.doKeyed("POST", shopPath("/conversations/c2/turns"), bearer(e.token), "msg-20261130-0001", body)
	if status != http.StatusConflict {
		t.Errorf("the key in another conversation: %d %s, want 409", status, b)
	}
	if turns, _ := e.store.Turns(ctx, chargerID, "c1"); len(turns) != 2 {
		t.Errorf("stored turns = %d, want 2", len(turns))
	}
	if _, err := e.store.Turns(ctx, chargerID, "c2"); kb.ErrorCode(err) != kb.ENotFound {
		t.Errorf("conversation c2: %v, want none stored", err)
	}

	for _, bad := range []string{strings.Repeat("k", 129), "两个字", "a b"} {
		if status, b := e.doKeyed("POST", turnPath, bearer(e.token), bad, body); status != 400 {
			t.Errorf("key %q: %d %s, want 400", bad, status, b)
		}
	}
}

// Keys belong to a shop: another shop may use the same one.
func TestIdempotencyKeysArePerShop(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	teaToken, _, err := e.store.CreateToken(ctx, teaID, "tea-platform")
	if err != nil {
		t.Fatal(err)
	}
	if status, b := e.doKeyed("POST", shopPath("/conversations/same/turns"), bearer(e.token), "k-1", `{"role":"buyer","text":"能便宜点吗"}`); status != 200 {
		t.Fatalf("charger turn: %d %s", status, b)
	}
	status, b := e.doKeyed("POST", "/api/v1/shops/2/conversations/same/turns", bearer(teaToken), "k-1", `{"role":"buyer","text":"乌龙能便宜点吗"}`)
	if status != 200 || !strings.Contains(string(b), "乌龙能便宜点吗") {
		t.Errorf("the tea shop with the charger shop's key: %d %s, want its own new turn", status, b)
	}
	if turns, err := e.store.Turns(ctx, teaID, "same"); err != nil || len(turns) != 1 {
		t.Errorf("tea turns = %d, %v; want 1", len(turns), err)
	}
}

// A turn frame resent after a lost ack is acknowledged with the same turn.
func TestARetriedTurnFrameIsAcknowledgedOnce(t *testing.T) {
	e := newEnv(t)
	conn := e.tokenSocket("c1", e.token)
	frame := map[string]any{"type": "turn", "role": "buyer", "text": "什么时候发货", "idempotency_key": "wx-77"}
	var acks []int
	for _, ref := range []string{"try", "retry"} {
		frame["ref"] = ref
		send(t, conn, frame)
		for {
			f, err := read(t, conn, time.Minute)
			if err != nil {
				t.Fatal(err)
			}
			if f.Type == "error" {
				t.Fatalf("%s: %+v", ref, f)
			}
			if f.Type == "ack" {
				acks = append(acks, f.Turn)
				break
			}
		}
	}
	if acks[0] != 0 || acks[1] != 0 {
		t.Errorf("acks = %v, want turn 0 twice", acks)
	}
	if turns, _ := e.store.Turns(context.Background(), chargerID, "c1"); len(turns) != 1 {
		t.Errorf("stored turns = %d, want 1", len(turns))
	}
}

// An event retried with its key is recorded once.
func TestARetriedEventIsRecordedOnce(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	sugg := e.postTurn("c1", "buyer", "充电器和数据线一起买能便宜吗")
	if len(sugg.Phrases) == 0 {
		t.Fatal("no phrase suggested to use")
	}
	agent := cookie(e.login(kb.RoleAgent))
	used := `{"conversation":"c1","turn":0,"suggestion_id":"` + sugg.Phrases[0].ID + `","kind":"phrase","action":"used"}`
	for i := 0; i < 2; i++ {
		if status, b := e.doKeyed("POST", shopPath("/events"), agent, "ev-1", used); status != 204 {
			t.Fatalf("try %d: %d %s", i, status, b)
		}
	}
	dismissed := strings.Replace(used, `"used"`, `"dismissed"`, 1)
	if status, b := e.doKeyed("POST", shopPath("/events"), agent, "ev-1", dismissed); status != http.StatusConflict {
		t.Errorf("the key with another event: %d %s, want 409", status, b)
	}
	e.srv.FlushEvents(ctx)
	events, err := e.store.Events(ctx, chargerID, "c1")
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, ev := range events {
		if ev.Action != kb.ActionShown {
			n++
		}
	}
	if n != 1 {
		t.Errorf("used/dismissed events = %d, want 1: %+v", n, events)
	}
}
