package postgres

import (
	"context"
	"fmt"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// PersonalPhrases lists the phrases user keeps in shop, the latest edited
// first.
func (db *DB) PersonalPhrases(ctx context.Context, shop, user int64) ([]kb.PersonalPhrase, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, shop_id, user_id, title, text, code, updated_at
		FROM personal_phrases WHERE shop_id = $1 AND user_id = $2 ORDER BY updated_at DESC, id DESC`, shop, user)
	if err != nil {
		return nil, fmt.Errorf("list personal phrases: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.PersonalPhrase, error) {
		var p kb.PersonalPhrase
		err := r.Scan(&p.ID, &p.Shop, &p.User, &p.Title, &p.Text, &p.Code, &p.UpdatedAt)
		p.UpdatedAt = p.UpdatedAt.UTC()
		return p, err
	})
	if err != nil {
		return nil, fmt.Errorf("list personal phrases: %w", err)
	}
	return out, nil
}

// AddPersonalPhrase stores a new phrase of p.User in p.Shop and sets p.ID.
func (db *DB) AddPersonalPhrase(ctx context.Context, p *kb.PersonalPhrase) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := db.now()
	err := db.pool.QueryRow(ctx, `INSERT INTO personal_phrases (shop_id, user_id, title, text, code, created_at, updated_at)
		VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id`, p.Shop, p.User, p.Title, p.Text, p.Code, now).Scan(&p.ID)
	if err != nil {
		return fmt.Errorf("add personal phrase: %w", err)
	}
	p.UpdatedAt = now
	return nil
}

// UpdatePersonalPhrase replaces the title, text and code of p.User's phrase
// p.ID in p.Shop; another person's phrase is not_found, as if absent.
func (db *DB) UpdatePersonalPhrase(ctx context.Context, p *kb.PersonalPhrase) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := db.now()
	tag, err := db.pool.Exec(ctx, `UPDATE personal_phrases SET title = $1, text = $2, code = $3, updated_at = $4
		WHERE id = $5 AND shop_id = $6 AND user_id = $7`, p.Title, p.Text, p.Code, now, p.ID, p.Shop, p.User)
	if err != nil {
		return fmt.Errorf("update personal phrase %d: %w", p.ID, err)
	}
	if tag.RowsAffected() == 0 {
		return kb.Errorf(kb.ENotFound, "没有这条个人话术 (no personal phrase %d)", p.ID)
	}
	p.UpdatedAt = now
	return nil
}

// DeletePersonalPhrase removes user's phrase id in shop.
func (db *DB) DeletePersonalPhrase(ctx context.Context, shop, user, id int64) error {
	tag, err := db.pool.Exec(ctx, `DELETE FROM personal_phrases WHERE id = $1 AND shop_id = $2 AND user_id = $3`, id, shop, user)
	if err != nil {
		return fmt.Errorf("delete personal phrase %d: %w", id, err)
	}
	if tag.RowsAffected() == 0 {
		return kb.Errorf(kb.ENotFound, "没有这条个人话术 (no personal phrase %d)", id)
	}
	return nil
}
