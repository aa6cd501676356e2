package web

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gorilla/websocket"

	"assist/kb"
)

// tokenSocket opens a socket as a platform integration.
func (e *env) tokenSocket(conv, token string) *websocket.Conn {
	e.t.Helper()
	h := http.Header{}
	h.Set("Authorization", "Bearer "+token)
	conn, status, err := e.dial(conv, h)
	if err != nil {
		e.t.Fatalf("dial %s: %d %v", conv, status, err)
	}
	e.t.Cleanup(func() { conn.Close() })
	return conn
}

// tokenID is the id of a token's secret.
func (e *env) tokenID(secret string) int64 {
	e.t.Helper()
	tok, err := e.store.TokenBySecret(context.Background(), secret)
	if err != nil {
		e.t.Fatal(err)
	}
	return tok.ID
}

// closedWith reads until the socket ends and reports how, failing if it
// is still open after d. acks are the turns acknowledged on the way.
func closedWith(t *testing.T, conn *websocket.Conn, d time.Duration) (code int, acks []frame) {
	t.Helper()
	end := time.Now().Add(d)
	for {
		f, err := read(t, conn, time.Until(end))
		var ce *websocket.CloseError
		switch {
		case errors.As(err, &ce):
			return ce.Code, acks
		case err != nil:
			t.Fatalf("socket not closed within %v: %v", d, err)
		case f.Type == "ack":
			acks = append(acks, f)
		}
	}
}

// A token revoked while its socket is open posts nothing more: its next
// turn frame is refused and the socket closed with 1008.
func TestARevokedTokensSocketPostsNoMoreTurns(t *testing.T) {
	e := newEnv(t) // pings every 30 s: only the frame itself can notice
	conn := e.tokenSocket("c1", e.token)
	send(t, conn, map[string]any{"type": "turn", "ref": "before", "role": "buyer", "text": "充电器支持快充吗"})
	// The first turn loads the shop (its index, the segmenter): give it time.
	for {
		f, err := read(t, conn, time.Minute)
		if err != nil || f.Type == "error" {
			t.Fatalf("a turn before the revocation: %+v %v", f, err)
		}
		if f.Type == "ack" {
			break
		}
	}
	if _, err := e.store.RevokeToken(context.Background(), e.tokenID(e.token)); err != nil {
		t.Fatal(err)
	}
	send(t, conn, map[string]any{"type": "turn", "ref": "after", "role": "buyer", "text": "能便宜点吗"})
	code, acks := closedWith(t, conn, 5*time.Second)
	if code != websocket.ClosePolicyViolation || len(acks) > 0 {
		t.Errorf("after the revocation: close %d, acks %+v; want close 1008 and no ack", code, acks)
	}
	if turns, err := e.store.Turns(context.Background(), chargerID, "c1"); err != nil || len(turns) != 1 {
		t.Errorf("stored turns = %d, %v; want only the one posted before the revocation", len(turns), err)
	}
}

// A socket that only listens is closed within a ping of the revocation,
// even when another process (assist token revoke) revoked it.
func TestARevokedTokensListeningSocketClosesWithinAPing(t *testing.T) {
	ping := 100 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.PingInterval = ping })
	conn := e.tokenSocket("c1", e.token)
	if _, err := e.store.RevokeToken(context.Background(), e.tokenID(e.token)); err != nil {
		t.Fatal(err)
	}
	start := time.Now()
	if code, _ := closedWith(t, conn, 10*ping); code != websocket.ClosePolicyViolation {
		t.Errorf("close %d, want 1008", code)
	}
	t.Logf("closed %v after the revocation (ping every %v)", time.Since(start).Round(time.Millisecond), ping)
}

// A person removed from the shop keeps no socket open there.
func TestAPersonRemovedFromTheShopLosesTheirSocket(t *testing.T) {
	ping := 100 * time.Millisecond
	e := newEnv(t, func(c *Config) { c.PingInterval = ping })
	conn := e.panel("c1", kb.RoleAgent)
	u, err := e.store.User(context.Background(), "the-agent")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.store.Ungrant(context.Background(), u.ID, chargerID); err != nil {
		t.Fatal(err)
	}
	if code, _ := closedWith(t, conn, 10*ping); code != websocket.ClosePolicyViolation {
		t.Errorf("close %d, want 1008", code)
	}
}

// An admin lists the shop's tokens (never a secret) and revokes one: its
// sockets close at once, the shop's other integrations keep theirs, and a
// token of another shop cannot be revoked from here.
func TestAnAdminRevokesATokenAndItsSocketsCloseAtOnce(t *testing.T) {
	e := newEnv(t) // pings every 30 s: the close must not wait for one
	ctx := context.Background()
	other, _, err := e.store.CreateToken(ctx, chargerID, "erp")
	if err != nil {
		t.Fatal(err)
	}
	teaToken, _, err := e.store.CreateToken(ctx, teaID, "tea-platform")
	if err != nil {
		t.Fatal(err)
	}
	admin := cookie(e.login(kb.RoleAdmin))

	status, body := e.do("GET", shopPath("/tokens"), admin, "")
	var list struct {
		Tokens []tokenLine `json:"tokens"`
	}
	if err := json.Unmarshal(body, &list); err != nil || status != 200 {
		t.Fatalf("list tokens: %d %s", status, body)
	}
	if len(list.Tokens) != 2 || list.Tokens[0].Name != "qianniu" || list.Tokens[1].Name != "erp" ||
		list.Tokens[0].CreatedAt.IsZero() || strings.Contains(string(body), "ast_") || strings.Contains(string(body), "tea-platform") {
		t.Errorf("list tokens: %s; want qianniu and erp with their dates, no secret, nothing of the tea shop", body)
	}

	doomed := e.tokenSocket("c1", e.token)
	kept := e.tokenSocket("c1", other)
	id := strconv.FormatInt(e.tokenID(e.token), 10)
	if status, body := e.do("DELETE", shopPath("/tokens/"+id), cookie(e.login(kb.RoleAgent)), ""); status != 403 {
		t.Errorf("an agent revokes a token: %d %s, want 403", status, body)
	}
	start := time.Now()
	if status, body := e.do("DELETE", shopPath("/tokens/"+id), admin, ""); status != 200 || !strings.Contains(string(body), "qianniu") {
		t.Fatalf("revoke: %d %s", status, body)
	}
	if code, _ := closedWith(t, doomed, 2*time.Second); code != websocket.ClosePolicyViolation {
		t.Errorf("the revoked token's socket: close %d, want 1008", code)
	}
	t.Logf("the revoked token's socket closed %v after the DELETE", time.Since(start).Round(time.Millisecond))
	if status, _ := e.do("POST", shopPath("/conversations/c1/turns"), bearer(e.token), `{"role":"buyer","text":"在吗"}`); status != 401 {
		t.Errorf("a turn with the revoked token: %d, want 401", status)
	}
	if status, body := e.do("POST", shopPath("/conversations/c1/turns"), bearer(other), `{"role":"buyer","text":"在吗"}`); status != 200 {
		t.Fatalf("a turn with the shop's other token: %d %s", status, body)
	}
	if f := mustRead(t, kept); f.Type != "suggestions" {
		t.Errorf("the other token's socket got %+v, want the turn pushed", f)
	}
	if status, body := e.do("DELETE", shopPath("/tokens/"+id), admin, ""); status != 404 {
		t.Errorf("revoke twice: %d %s, want 404", status, body)
	}
	teaID := strconv.FormatInt(e.tokenID(teaToken), 10)
	if status, body := e.do("DELETE", shopPath("/tokens/"+teaID), admin, ""); status != 404 {
		t.Errorf("revoke the tea shop's token from the charger shop: %d %s, want 404", status, body)
	}
	if status, body := e.do("DELETE", shopPath("/tokens/x1"), admin, ""); status != 400 {
		t.Errorf("revoke token x1: %d %s, want 400", status, body)
	}
	if _, err := e.store.TokenBySecret(ctx, teaToken); err != nil {
		t.Errorf("the tea shop's token: %v, want it still valid", err)
	}
}
