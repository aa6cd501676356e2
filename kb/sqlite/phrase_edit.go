package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"assist/kb"
)

// PutPhrase replaces the phrase with p's id in the named shop, or adds it
// after the others, in one transaction. Checking that its placeholders can be
// filled is the caller's business: it needs the whole shop.
func (db *DB) PutPhrase(ctx context.Context, shopID int64, p kb.Phrase) error {
	if p.ID == "" || p.Title == "" || p.Text == "" {
		return kb.Errorf(kb.EInvalid, "phrase: id, title and text are required")
	}
	if !p.Scene.Valid() {
		return kb.Errorf(kb.EInvalid, "phrase %q: scene %q is not one of the known scenes", p.ID, p.Scene)
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("put phrase %q: %w", p.ID, err)
	}
	defer tx.Rollback()
	if err := upsertPhrase(ctx, tx, shopID, &p); err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return kb.Errorf(kb.ENotFound, "no shop %d in the store", shopID)
		}
		return fmt.Errorf("put phrase %q: %w", p.ID, err)
	}
	if err := db.bumpVersion(ctx, tx, shopID); err != nil {
		return fmt.Errorf("put phrase %q: %w", p.ID, err)
	}
	if err := db.commitEdit(tx); err != nil {
		return fmt.Errorf("put phrase %q: %w", p.ID, err)
	}
	return nil
}

func upsertPhrase(ctx context.Context, tx *sql.Tx, shopID int64, p *kb.Phrase) error {
	res, err := tx.ExecContext(ctx, `UPDATE phrases SET scene = ?, title = ?, text = ?, tags = ?, code = ?
		WHERE shop_id = ? AND id = ?`, string(p.Scene), p.Title, p.Text, jsonText(p.Tags), p.Code, shopID, p.ID)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil || n > 0 {
		return err
	}
	var next int
	if err := tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(pos), -1) + 1 FROM phrases WHERE shop_id = ?`, shopID).
		Scan(&next); err != nil {
		return err
	}
	return insertPhrase(ctx, tx, shopID, next, p)
}
