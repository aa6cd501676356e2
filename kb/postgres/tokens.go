package postgres

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"assist/kb"
	"assist/kb/secret"
)

// CreateToken issues an API token for an integration called name in shop.
// The secret is returned this once; only its SHA-256 is stored.
func (db *DB) CreateToken(ctx context.Context, shop int64, name string) (string, *kb.APIToken, error) {
	if err := validName(name); err != nil {
		return "", nil, err
	}
	raw, err := secret.Random(tokenBytes)
	if err != nil {
		return "", nil, err
	}
	plain := tokenPrefix + raw
	t := &kb.APIToken{Shop: shop, Name: name, CreatedAt: db.now()}
	err = db.pool.QueryRow(ctx, `INSERT INTO api_tokens (shop_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4) RETURNING id`,
		shop, name, secret.Hash(plain), t.CreatedAt).Scan(&t.ID)
	if isCode(err, foreignKeyViolation) {
		return "", nil, kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	if err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	return plain, t, nil
}

// TokenBySecret returns the token whose secret this is, else unauthorized.
// It is read on every request, so a revocation through any instance holds
// on all of them at once.
func (db *DB) TokenBySecret(ctx context.Context, plain string) (*kb.APIToken, error) {
	if !strings.HasPrefix(plain, tokenPrefix) || len(plain) > 128 {
		return nil, kb.Errorf(kb.EUnauthorized, "bad API token")
	}
	want := secret.Hash(plain)
	var t kb.APIToken
	var hash []byte
	err := db.pool.QueryRow(ctx, `SELECT id, shop_id, name, token_hash, created_at FROM api_tokens WHERE token_hash = $1`, want).
		Scan(&t.ID, &t.Shop, &t.Name, &hash, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, kb.Errorf(kb.EUnauthorized, "bad API token")
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	if subtle.ConstantTimeCompare(hash, want) != 1 {
		return nil, kb.Errorf(kb.EUnauthorized, "bad API token")
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}

// Tokens lists the issued tokens, oldest first; secrets are never kept, so
// none is shown.
func (db *DB) Tokens(ctx context.Context) ([]kb.APIToken, error) {
	return db.listTokens(ctx, `SELECT id, shop_id, name, created_at FROM api_tokens ORDER BY id`)
}

// ShopTokens lists one shop's tokens, oldest first, without secrets.
func (db *DB) ShopTokens(ctx context.Context, shop int64) ([]kb.APIToken, error) {
	return db.listTokens(ctx, `SELECT id, shop_id, name, created_at FROM api_tokens WHERE shop_id = $1 ORDER BY id`, shop)
}

func (db *DB) listTokens(ctx context.Context, query string, args ...any) ([]kb.APIToken, error) {
	rows, err := db.pool.Query(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.APIToken, error) {
		var t kb.APIToken
		err := r.Scan(&t.ID, &t.Shop, &t.Name, &t.CreatedAt)
		t.CreatedAt = t.CreatedAt.UTC()
		return t, err
	})
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	return out, nil
}

// RevokeToken deletes the token with this id; requests carrying it are
// refused from then on, by every instance. Not found if there is no such
// token.
func (db *DB) RevokeToken(ctx context.Context, id int64) (*kb.APIToken, error) {
	return db.revokeToken(ctx, `DELETE FROM api_tokens WHERE id = $1 RETURNING id, shop_id, name, created_at`, id)
}

// RevokeShopToken is RevokeToken for a token of shop only: another shop's
// token is not found.
func (db *DB) RevokeShopToken(ctx context.Context, shop, id int64) (*kb.APIToken, error) {
	return db.revokeToken(ctx, `DELETE FROM api_tokens WHERE id = $1 AND shop_id = $2 RETURNING id, shop_id, name, created_at`, id, shop)
}

func (db *DB) revokeToken(ctx context.Context, query string, id int64, args ...any) (*kb.APIToken, error) {
	var t kb.APIToken
	err := db.pool.QueryRow(ctx, query, append([]any{id}, args...)...).Scan(&t.ID, &t.Shop, &t.Name, &t.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "没有编号为 %d 的 API 令牌 (no API token with id %d)", id, id)
	}
	if err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	t.CreatedAt = t.CreatedAt.UTC()
	return &t, nil
}
