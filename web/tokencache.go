package web

import (
	"context"
	"crypto/sha256"
	"sync"
	"time"

	"assist/kb"
)

// tokenFresh is how long a token found in the store is trusted without
// asking the store again. A platform posts every turn with the same token,
// and the lookup was a tenth of a turn's CPU. Revoking a token through this
// server forgets it at once; a revocation by another process on the same
// SQLite file (`assist token revoke`) counts within this time. On a store
// shared by several instances the cache is not used (Server.tokens): the
// announcement of a revocation on another instance arrives a moment after
// the revocation, and the next request must already be refused.
const tokenFresh = time.Second

// maxCachedTokens bounds the cache; only tokens the store knows get in, so
// it is reached only by a server with that many integrations posting at once.
const maxCachedTokens = 4096

// tokenCache keeps the tokens recently found in the store, by the SHA-256 of
// their secret. Secrets not found are never kept: each bad one is asked of
// the store (and bounded by its own cost).
type tokenCache struct {
	fresh time.Duration
	now   func() time.Time

	mu sync.Mutex
	m  map[[sha256.Size]byte]cachedToken
	// gen counts forgets: a lookup that began before one does not keep
	// what it found, which may be the token just revoked.
	gen uint64
}

type cachedToken struct {
	tok   *kb.APIToken
	found time.Time
}

func newTokenCache() *tokenCache {
	return &tokenCache{fresh: tokenFresh, now: time.Now, m: map[[sha256.Size]byte]cachedToken{}}
}

// lookup returns the token whose secret this is: from the cache while
// fresh, else from the store through find.
func (c *tokenCache) lookup(ctx context.Context, secret string, find func(context.Context, string) (*kb.APIToken, error)) (*kb.APIToken, error) {
	key := sha256.Sum256([]byte(secret))
	now := c.now()
	c.mu.Lock()
	e, ok := c.m[key]
	gen := c.gen
	c.mu.Unlock()
	if ok && now.Sub(e.found) < c.fresh {
		return e.tok, nil
	}
	tok, err := find(ctx, secret)
	if err != nil {
		if kb.ErrorCode(err) == kb.EUnauthorized {
			c.mu.Lock()
			delete(c.m, key) // revoked since
			c.mu.Unlock()
		}
		return nil, err
	}
	c.mu.Lock()
	if c.gen == gen {
		if len(c.m) >= maxCachedTokens {
			clear(c.m)
		}
		c.m[key] = cachedToken{tok: tok, found: now}
	}
	c.mu.Unlock()
	return tok, nil
}

// forget drops the token with this id: it was revoked.
func (c *tokenCache) forget(id int64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.gen++
	for k, e := range c.m {
		if e.tok.ID == id {
			delete(c.m, k)
		}
	}
}
