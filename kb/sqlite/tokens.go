package sqlite

import (
	"context"
	"crypto/subtle"
	"database/sql"
	"errors"
	"fmt"
	"strings"

	"assist/kb"
	"assist/kb/secret"
)

// tokenPrefix marks assist API tokens, so a leaked one is recognisable in
// logs and by secret scanners.
const (
	tokenPrefix = "ast_"
	tokenBytes  = 32
)

// CreateToken issues an API token for an integration called name. The
// secret is returned this once; only its SHA-256 is stored.
func (db *DB) CreateToken(ctx context.Context, shop int64, name string) (string, *kb.APIToken, error) {
	if err := ValidName(name); err != nil {
		return "", nil, err
	}
	raw, err := secret.Random(tokenBytes)
	if err != nil {
		return "", nil, err
	}
	plain := tokenPrefix + raw
	now := db.Now().UTC()
	res, err := db.db.ExecContext(ctx, `INSERT INTO api_tokens (shop_id, name, token_hash, created_at) VALUES (?, ?, ?, ?)`,
		shop, name, secret.Hash(plain), stamp(now))
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return "", nil, kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
		}
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return "", nil, fmt.Errorf("create token %q: %w", name, err)
	}
	return plain, &kb.APIToken{ID: id, Shop: shop, Name: name, CreatedAt: now}, nil
}

// TokenBySecret returns the token whose secret this is, else unauthorized.
func (db *DB) TokenBySecret(ctx context.Context, plain string) (*kb.APIToken, error) {
	if !strings.HasPrefix(plain, tokenPrefix) || len(plain) > 128 {
		return nil, kb.Errorf(kb.EUnauthorized, "bad API token")
	}
	want := secret.Hash(plain)
	var t kb.APIToken
	var hash []byte
	var created string
	err := db.db.QueryRowContext(ctx, `SELECT id, shop_id, name, token_hash, created_at FROM api_tokens WHERE token_hash = ?`, want).
		Scan(&t.ID, &t.Shop, &t.Name, &hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.EUnauthorized, "bad API token")
	}
	if err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	// The lookup already matched; comparing again in constant time keeps
	// the check itself from depending on how much of the hash matched.
	if subtle.ConstantTimeCompare(hash, want) != 1 {
		return nil, kb.Errorf(kb.EUnauthorized, "bad API token")
	}
	if t.CreatedAt, err = parseStamp(created); err != nil {
		return nil, fmt.Errorf("read token: %w", err)
	}
	return &t, nil
}

// Tokens lists the issued tokens, oldest first; secrets are never kept, so
// none is shown.
func (db *DB) Tokens(ctx context.Context) ([]kb.APIToken, error) {
	return db.listTokens(ctx, `SELECT id, shop_id, name, created_at FROM api_tokens ORDER BY id`)
}

// ShopTokens lists one shop's tokens, oldest first, without secrets.
func (db *DB) ShopTokens(ctx context.Context, shop int64) ([]kb.APIToken, error) {
	return db.listTokens(ctx, `SELECT id, shop_id, name, created_at FROM api_tokens WHERE shop_id = ? ORDER BY id`, shop)
}

func (db *DB) listTokens(ctx context.Context, query string, args ...any) ([]kb.APIToken, error) {
	rows, err := db.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	defer rows.Close()
	out := []kb.APIToken{}
	for rows.Next() {
		var t kb.APIToken
		var created string
		if err := rows.Scan(&t.ID, &t.Shop, &t.Name, &created); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		if t.CreatedAt, err = parseStamp(created); err != nil {
			return nil, fmt.Errorf("list tokens: %w", err)
		}
		out = append(out, t)
	}
	return out, rows.Err()
}

// RevokeToken deletes the token with this id; requests carrying it are
// refused from then on. Not found if there is no such token.
func (db *DB) RevokeToken(ctx context.Context, id int64) (*kb.APIToken, error) {
	return db.revokeToken(ctx, `DELETE FROM api_tokens WHERE id = ? RETURNING id, shop_id, name, created_at`, id)
}

// RevokeShopToken is RevokeToken for a token of shop only: another shop's
// token is not found.
func (db *DB) RevokeShopToken(ctx context.Context, shop, id int64) (*kb.APIToken, error) {
	return db.revokeToken(ctx, `DELETE FROM api_tokens WHERE id = ? AND shop_id = ? RETURNING id, shop_id, name, created_at`, id, shop)
}

func (db *DB) revokeToken(ctx context.Context, query string, id int64, args ...any) (*kb.APIToken, error) {
	var t kb.APIToken
	var created string
	err := db.db.QueryRowContext(ctx, query, append([]any{id}, args...)...).
		Scan(&t.ID, &t.Shop, &t.Name, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "没有编号为 %d 的 API 令牌 (no API token with id %d)", id, id)
	}
	if err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	if t.CreatedAt, err = parseStamp(created); err != nil {
		return nil, fmt.Errorf("revoke token %d: %w", id, err)
	}
	return &t, nil
}
