package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"assist/kb"
)

// AddFlag stores an agent's flag on a turn, open for an admin.
func (db *DB) AddFlag(ctx context.Context, f *kb.Flag) (int64, error) {
	res, err := db.db.ExecContext(ctx, `INSERT INTO flags (shop_id, conversation, turn, kind, category, role, text, flagged_by, at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, f.Shop, f.Conversation, f.Turn, string(f.Kind), f.Category, f.Role, f.Text,
		f.FlaggedBy, stamp(db.Now()))
	if err != nil {
		return 0, fmt.Errorf("add flag: %w", err)
	}
	return res.LastInsertId()
}

const flagColumns = `SELECT id, shop_id, conversation, turn, kind, category, role, text, flagged_by, at, status, decided_by, learned_as FROM flags`

func scanFlag(row interface{ Scan(...any) error }) (*kb.Flag, error) {
	var f kb.Flag
	var kind, at string
	if err := row.Scan(&f.ID, &f.Shop, &f.Conversation, &f.Turn, &kind, &f.Category, &f.Role, &f.Text, &f.FlaggedBy, &at,
		&f.Status, &f.DecidedBy, &f.LearnedAs); err != nil {
		return nil, err
	}
	f.Kind = kb.FlagKind(kind)
	var err error
	if f.At, err = parseStamp(at); err != nil {
		return nil, fmt.Errorf("flag %d: at: %w", f.ID, err)
	}
	return &f, nil
}

// Flags lists a shop's flags with the status ("" for all), newest first.
func (db *DB) Flags(ctx context.Context, shop int64, status string, limit int) ([]kb.Flag, error) {
	rows, err := db.db.QueryContext(ctx, flagColumns+` WHERE shop_id = ? AND (? = '' OR status = ?) ORDER BY id DESC LIMIT ?`,
		shop, status, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list flags: %w", err)
	}
	defer rows.Close()
	out := []kb.Flag{}
	for rows.Next() {
		f, err := scanFlag(rows)
		if err != nil {
			return nil, fmt.Errorf("list flags: %w", err)
		}
		out = append(out, *f)
	}
	return out, rows.Err()
}

// DecideFlag accepts or rejects an open flag of shop, in one transaction. An
// accepted flag becomes a shop example (a missed flag a positive one, a
// wrong flag a negative one) or a shop cue word (a missed flag adds the word
// to the category, a wrong flag turns it off); the shop's version goes up,
// so its next turn uses the lesson.
func (db *DB) DecideFlag(ctx context.Context, shop, id int64, d kb.FlagDecision) (*kb.Flag, error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("decide flag %d: %w", id, err)
	}
	defer tx.Rollback()
	f, err := scanFlag(tx.QueryRowContext(ctx, flagColumns+` WHERE id = ? AND shop_id = ?`, id, shop))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "没有编号 %d 的标记 (no flag %d in this shop)", id, id)
	}
	if err != nil {
		return nil, fmt.Errorf("decide flag %d: %w", id, err)
	}
	if f.Status != kb.FlagOpen {
		return nil, kb.Errorf(kb.EConflict, "标记 %d 已处理过 (flag %d is %s already)", id, id, f.Status)
	}
	status, as := kb.FlagRejected, ""
	if d.Accept {
		status, as = kb.FlagAccepted, d.As
		if err := db.learn(ctx, tx, f, d); err != nil {
			return nil, err
		}
		if err := db.bumpVersion(ctx, tx, shop); err != nil {
			return nil, fmt.Errorf("decide flag %d: %w", id, err)
		}
	}
	if _, err := tx.ExecContext(ctx, `UPDATE flags SET status = ?, decided_by = ?, decided_at = ?, learned_as = ? WHERE id = ?`,
		status, d.By, stamp(db.Now()), as, id); err != nil {
		return nil, fmt.Errorf("decide flag %d: %w", id, err)
	}
	if err := db.commitEdit(tx); err != nil {
		return nil, fmt.Errorf("decide flag %d: %w", id, err)
	}
	f.Status, f.DecidedBy, f.LearnedAs = status, d.By, as
	return f, nil
}

func (db *DB) learn(ctx context.Context, tx *sql.Tx, f *kb.Flag, d kb.FlagDecision) error {
	switch d.As {
	case "example":
		_, err := tx.ExecContext(ctx, `INSERT INTO shop_examples (shop_id, category, role, text, positive, flag_id, added_by, at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, f.Shop, f.Category, f.Role, f.Text, f.Kind == kb.FlagMissed, f.ID, d.By, stamp(db.Now()))
		return err
	case "cue":
		word := strings.TrimSpace(d.Word)
		if word == "" || !strings.Contains(f.Text, word) {
			return kb.Errorf(kb.EInvalid, "提示词 %q 必须是这句话里的一段 (word: want a part of %q)", word, f.Text)
		}
		return putShopCue(ctx, tx, f.Shop, kb.ShopCue{Word: word, Category: f.Category, Enabled: f.Kind == kb.FlagMissed}, d.By, db.Now())
	}
	return kb.Errorf(kb.EInvalid, "as %q: want example or cue", d.As)
}

// PutShopCue adds a cue word to one of the shop's categories, or (Enabled
// false) turns a built-in one off for the shop.
func (db *DB) PutShopCue(ctx context.Context, shop int64, c kb.ShopCue, by string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if err := putShopCue(ctx, tx, shop, c, by, db.Now()); err != nil {
		return err
	}
	if err := db.bumpVersion(ctx, tx, shop); err != nil {
		return err
	}
	return db.commitEdit(tx)
}

func putShopCue(ctx context.Context, tx *sql.Tx, shop int64, c kb.ShopCue, by string, now time.Time) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO shop_cues (shop_id, word, category, enabled, added_by, at) VALUES (?, ?, ?, ?, ?, ?)
		ON CONFLICT (shop_id, word, category) DO UPDATE SET enabled = excluded.enabled, added_by = excluded.added_by, at = excluded.at`,
		shop, c.Word, c.Category, c.Enabled, by, stamp(now))
	if err != nil {
		return fmt.Errorf("put cue %q: %w", c.Word, err)
	}
	return nil
}

// DeleteShopCue takes a shop's cue entry away: an added word is gone, a
// turned-off built-in word is on again.
func (db *DB) DeleteShopCue(ctx context.Context, shop int64, word, category string) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	res, err := tx.ExecContext(ctx, `DELETE FROM shop_cues WHERE shop_id = ? AND word = ? AND category = ?`, shop, word, category)
	if err != nil {
		return fmt.Errorf("delete cue %q: %w", word, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kb.Errorf(kb.ENotFound, "没有这个提示词 (no cue %q in %s)", word, category)
	}
	if err := db.bumpVersion(ctx, tx, shop); err != nil {
		return err
	}
	return db.commitEdit(tx)
}

// readLessons reads what a shop has taught, inside the shop's read.
func readLessons(ctx context.Context, tx *sql.Tx, shop int64) (kb.Lessons, error) {
	var l kb.Lessons
	rows, err := tx.QueryContext(ctx, `SELECT category, role, text, positive FROM shop_examples WHERE shop_id = ? ORDER BY id`, shop)
	if err != nil {
		return l, err
	}
	for rows.Next() {
		var e kb.Example
		if err := rows.Scan(&e.Category, &e.Role, &e.Text, &e.Positive); err != nil {
			rows.Close()
			return l, err
		}
		l.Examples = append(l.Examples, e)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return l, err
	}
	rows, err = tx.QueryContext(ctx, `SELECT word, category, enabled FROM shop_cues WHERE shop_id = ? ORDER BY category, word`, shop)
	if err != nil {
		return l, err
	}
	defer rows.Close()
	for rows.Next() {
		var c kb.ShopCue
		if err := rows.Scan(&c.Word, &c.Category, &c.Enabled); err != nil {
			return l, err
		}
		l.Cues = append(l.Cues, c)
	}
	return l, rows.Err()
}
