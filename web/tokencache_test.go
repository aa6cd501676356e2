package web

import (
	"context"
	"testing"
	"time"

	"assist/kb"
)

// A token found in the store is trusted for tokenFresh, then asked again;
// a secret the store refuses is never kept, and a refusal drops the token.
func TestTokenCacheTrustsAFoundTokenForAMomentOnly(t *testing.T) {
	c := newTokenCache()
	now := time.Unix(1e9, 0)
	c.now = func() time.Time { return now }
	asked := 0
	valid := true
	find := func(_ context.Context, secret string) (*kb.APIToken, error) {
		asked++
		if secret != "ast_good" || !valid {
			return nil, kb.Errorf(kb.EUnauthorized, "bad API token")
		}
		return &kb.APIToken{ID: 7, Shop: 1, Name: "qianniu"}, nil
	}
	ctx := context.Background()
	lookup := func(secret string) (*kb.APIToken, error) { return c.lookup(ctx, secret, find) }

	if tok, err := lookup("ast_good"); err != nil || tok.ID != 7 || asked != 1 {
		t.Fatalf("first lookup: %+v %v, asked %d; want token 7 from the store", tok, err, asked)
	}
	now = now.Add(tokenFresh - time.Millisecond)
	if tok, err := lookup("ast_good"); err != nil || tok.ID != 7 || asked != 1 {
		t.Errorf("within tokenFresh: %+v %v, asked %d; want token 7 from the cache", tok, err, asked)
	}
	for range 3 {
		if _, err := lookup("ast_bad"); kb.ErrorCode(err) != kb.EUnauthorized {
			t.Errorf("a bad secret: %v, want unauthorized", err)
		}
	}
	if asked != 4 || len(c.m) != 1 {
		t.Errorf("three bad secrets: asked %d times, %d cached; want each asked, none kept", asked-1, len(c.m))
	}
	valid = false // revoked where this server did not hear of it
	now = now.Add(time.Millisecond)
	if _, err := lookup("ast_good"); kb.ErrorCode(err) != kb.EUnauthorized {
		t.Errorf("after tokenFresh, revoked in the store: %v, want unauthorized", err)
	}
	if len(c.m) != 0 {
		t.Errorf("%d tokens cached after the refusal, want 0", len(c.m))
	}
}

// A revocation heard of while a lookup is at the store keeps what that
// lookup found out of the cache: it may be the token just revoked.
func TestTokenCacheKeepsNothingFoundAcrossARevocation(t *testing.T) {
	c := newTokenCache()
	asked := 0
	find := func(context.Context, string) (*kb.APIToken, error) {
		asked++
		if asked == 1 {
			c.forget(7) // revoked while the store answered
		}
		return &kb.APIToken{ID: 7, Shop: 1}, nil
	}
	ctx := context.Background()
	c.lookup(ctx, "ast_good", find)
	c.lookup(ctx, "ast_good", find)
	if asked != 2 {
		t.Errorf("store asked %d times, want 2: the first answer crossed a revocation", asked)
	}
}

// Revoked in the store by another process (assist token revoke), a token
// that posted a moment ago is refused within tokenFresh; announced (as
// another instance's revocation is, through the hub), it is refused at once.
func TestATokenRevokedElsewhereIsRefusedWithinAMoment(t *testing.T) {
	e := newEnv(t)
	ctx := context.Background()
	fresh := 300 * time.Millisecond
	e.srv.hub.tokens.fresh = fresh
	post := func(token string) int {
		status, _ := e.do("POST", shopPath("/conversations/c1/turns"), bearer(token), `{"role":"buyer","text":"在吗"}`)
		return status
	}
	if status := post(e.token); status != 200 {
		t.Fatalf("a turn with the token: %d", status)
	}
	if _, err := e.store.RevokeToken(ctx, e.tokenID(e.token)); err != nil {
		t.Fatal(err)
	}
	revoked := time.Now()
	for post(e.token) != 401 {
		if time.Since(revoked) > 10*fresh {
			t.Fatalf("still accepted %v after the revocation, want refused within %v", time.Since(revoked), fresh)
		}
		time.Sleep(10 * time.Millisecond)
	}
	if d := time.Since(revoked); d > 2*fresh {
		t.Errorf("refused %v after the revocation, want within %v", d, fresh)
	}

	other, tok, err := e.store.CreateToken(ctx, chargerID, "erp")
	if err != nil {
		t.Fatal(err)
	}
	e.srv.hub.tokens.fresh = time.Hour
	if status := post(other); status != 200 {
		t.Fatalf("a turn with the second token: %d", status)
	}
	if _, err := e.store.RevokeToken(ctx, tok.ID); err != nil {
		t.Fatal(err)
	}
	e.srv.hub.CloseSockets(kb.SocketClosing{Token: tok.ID, Reason: "API token revoked"})
	if status := post(other); status != 401 {
		t.Errorf("a turn right after an announced revocation: %d, want 401", status)
	}
}
