package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"assist/kb"
)

// PersonalPhrases lists the phrases user keeps in shop, the latest edited
// first.
func (db *DB) PersonalPhrases(ctx context.Context, shop, user int64) ([]kb.PersonalPhrase, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, shop_id, user_id, title, text, code, updated_at
		FROM personal_phrases WHERE shop_id = ? AND user_id = ? ORDER BY updated_at DESC, id DESC`, shop, user)
	if err != nil {
		return nil, fmt.Errorf("list personal phrases: %w", err)
	}
	defer rows.Close()
	out := []kb.PersonalPhrase{}
	for rows.Next() {
		p, err := scanPersonal(rows)
		if err != nil {
			return nil, fmt.Errorf("list personal phrases: %w", err)
		}
		out = append(out, *p)
	}
	return out, rows.Err()
}

// AddPersonalPhrase stores a new phrase of p.User in p.Shop and sets p.ID.
func (db *DB) AddPersonalPhrase(ctx context.Context, p *kb.PersonalPhrase) error {
	if err := p.Validate(); err != nil {
		return err
	}
	now := db.Now()
	res, err := db.db.ExecContext(ctx, `INSERT INTO personal_phrases (shop_id, user_id, title, text, code, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, p.Shop, p.User, p.Title, p.Text, p.Code, stamp(now), stamp(now))
	if err != nil {
		return fmt.Errorf("add personal phrase: %w", err)
	}
	if p.ID, err = res.LastInsertId(); err != nil {
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
	now := db.Now()
	res, err := db.db.ExecContext(ctx, `UPDATE personal_phrases SET title = ?, text = ?, code = ?, updated_at = ?
		WHERE id = ? AND shop_id = ? AND user_id = ?`, p.Title, p.Text, p.Code, stamp(now), p.ID, p.Shop, p.User)
	if err != nil {
		return fmt.Errorf("update personal phrase %d: %w", p.ID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kb.Errorf(kb.ENotFound, "没有这条个人话术 (no personal phrase %d)", p.ID)
	}
	p.UpdatedAt = now
	return nil
}

// DeletePersonalPhrase removes user's phrase id in shop.
func (db *DB) DeletePersonalPhrase(ctx context.Context, shop, user, id int64) error {
	res, err := db.db.ExecContext(ctx, `DELETE FROM personal_phrases WHERE id = ? AND shop_id = ? AND user_id = ?`, id, shop, user)
	if err != nil {
		return fmt.Errorf("delete personal phrase %d: %w", id, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kb.Errorf(kb.ENotFound, "没有这条个人话术 (no personal phrase %d)", id)
	}
	return nil
}

func scanPersonal(row interface{ Scan(...any) error }) (*kb.PersonalPhrase, error) {
	var p kb.PersonalPhrase
	var updated string
	err := row.Scan(&p.ID, &p.Shop, &p.User, &p.Title, &p.Text, &p.Code, &updated)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "没有这条个人话术 (no personal phrase)")
	}
	if err != nil {
		return nil, err
	}
	if p.UpdatedAt, err = parseStamp(updated); err != nil {
		return nil, fmt.Errorf("personal phrase %d: updated_at: %w", p.ID, err)
	}
	return &p, nil
}
