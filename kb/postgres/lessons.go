package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// AddFlag stores an agent's flag on a turn, open for an admin.
func (db *DB) AddFlag(ctx context.Context, f *kb.Flag) (int64, error) {
	var id int64
	err := db.pool.QueryRow(ctx, `INSERT INTO flags (shop_id, conversation, turn, kind, category, role, text, flagged_by, at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9) RETURNING id`, f.Shop, f.Conversation, f.Turn, string(f.Kind), f.Category,
		f.Role, f.Text, f.FlaggedBy, db.now()).Scan(&id)
	if err != nil {
		return 0, fmt.Errorf("add flag: %w", err)
	}
	return id, nil
}

const flagColumns = `SELECT id, shop_id, conversation, turn, kind, category, role, text, flagged_by, at, status, decided_by, learned_as FROM flags`

func scanFlag(r pgx.CollectableRow) (kb.Flag, error) {
	var f kb.Flag
	var kind string
	err := r.Scan(&f.ID, &f.Shop, &f.Conversation, &f.Turn, &kind, &f.Category, &f.Role, &f.Text, &f.FlaggedBy, &f.At,
		&f.Status, &f.DecidedBy, &f.LearnedAs)
	f.Kind, f.At = kb.FlagKind(kind), f.At.UTC()
	return f, err
}

// Flags lists a shop's flags with the status ("" for all), newest first.
func (db *DB) Flags(ctx context.Context, shop int64, status string, limit int) ([]kb.Flag, error) {
	rows, err := db.pool.Query(ctx, flagColumns+` WHERE shop_id = $1 AND ($2 = '' OR status = $2) ORDER BY id DESC LIMIT $3`,
		shop, status, limit)
	if err != nil {
		return nil, fmt.Errorf("list flags: %w", err)
	}
	out, err := pgx.CollectRows(rows, scanFlag)
	if err != nil {
		return nil, fmt.Errorf("list flags: %w", err)
	}
	return out, nil
}

// DecideFlag accepts or rejects an open flag of shop, in one transaction
// that locks the flag: two admins deciding at once through two instances
// cannot both decide it. An accepted flag becomes a shop example or cue
// word and moves the shop's version, so every instance's next turn of the
// shop uses it.
func (db *DB) DecideFlag(ctx context.Context, shop, id int64, d kb.FlagDecision) (*kb.Flag, error) {
	var f kb.Flag
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, flagColumns+` WHERE id = $1 AND shop_id = $2 FOR UPDATE`, id, shop)
		if err != nil {
			return err
		}
		f, err = pgx.CollectOneRow(rows, scanFlag)
		if errors.Is(err, pgx.ErrNoRows) {
			return kb.Errorf(kb.ENotFound, "没有编号 %d 的标记 (no flag %d in this shop)", id, id)
		}
		if err != nil {
			return err
		}
		if f.Status != kb.FlagOpen {
			return kb.Errorf(kb.EConflict, "标记 %d 已处理过 (flag %d is %s already)", id, id, f.Status)
		}
		status, as := kb.FlagRejected, ""
		if d.Accept {
			status, as = kb.FlagAccepted, d.As
			if err := db.learn(ctx, tx, &f, d); err != nil {
				return err
			}
			if err := db.bumpVersion(ctx, tx, shop); err != nil {
				return err
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE flags SET status = $1, decided_by = $2, decided_at = $3, learned_as = $4 WHERE id = $5`,
			status, d.By, db.now(), as, id); err != nil {
			return err
		}
		f.Status, f.DecidedBy, f.LearnedAs = status, d.By, as
		return nil
	})
	if err != nil {
		if kb.ErrorCode(err) == kb.EInternal {
			return nil, fmt.Errorf("decide flag %d: %w", id, err)
		}
		return nil, err
	}
	return &f, nil
}

func (db *DB) learn(ctx context.Context, tx pgx.Tx, f *kb.Flag, d kb.FlagDecision) error {
	switch d.As {
	case "example":
		_, err := tx.Exec(ctx, `INSERT INTO shop_examples (shop_id, category, role, text, positive, flag_id, added_by, at)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`, f.Shop, f.Category, f.Role, f.Text, f.Kind == kb.FlagMissed, f.ID, d.By, db.now())
		return err
	case "cue":
		word := strings.TrimSpace(d.Word)
		if word == "" || !strings.Contains(f.Text, word) {
			return kb.Errorf(kb.EInvalid, "提示词 %q 必须是这句话里的一段 (word: want a part of %q)", word, f.Text)
		}
		return db.putShopCue(ctx, tx, f.Shop, kb.ShopCue{Word: word, Category: f.Category, Enabled: f.Kind == kb.FlagMissed}, d.By)
	}
	return kb.Errorf(kb.EInvalid, "as %q: want example or cue", d.As)
}

// PutShopCue adds a cue word to one of the shop's categories, or (Enabled
// false) turns a built-in one off for the shop.
func (db *DB) PutShopCue(ctx context.Context, shop int64, c kb.ShopCue, by string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		if err := db.putShopCue(ctx, tx, shop, c, by); err != nil {
			return err
		}
		return db.bumpVersion(ctx, tx, shop)
	})
}

func (db *DB) putShopCue(ctx context.Context, tx pgx.Tx, shop int64, c kb.ShopCue, by string) error {
	_, err := tx.Exec(ctx, `INSERT INTO shop_cues (shop_id, word, category, enabled, added_by, at) VALUES ($1, $2, $3, $4, $5, $6)
		ON CONFLICT (shop_id, word, category) DO UPDATE SET enabled = excluded.enabled, added_by = excluded.added_by, at = excluded.at`,
		shop, c.Word, c.Category, c.Enabled, by, db.now())
	if isCode(err, foreignKeyViolation) {
		return kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	if err != nil {
		return fmt.Errorf("put cue %q: %w", c.Word, err)
	}
	return nil
}

// DeleteShopCue takes a shop's cue entry away: an added word is gone, a
// turned-off built-in word is on again.
func (db *DB) DeleteShopCue(ctx context.Context, shop int64, word, category string) error {
	return db.inTx(ctx, func(tx pgx.Tx) error {
		tag, err := tx.Exec(ctx, `DELETE FROM shop_cues WHERE shop_id = $1 AND word = $2 AND category = $3`, shop, word, category)
		if err != nil {
			return fmt.Errorf("delete cue %q: %w", word, err)
		}
		if tag.RowsAffected() == 0 {
			return kb.Errorf(kb.ENotFound, "没有这个提示词 (no cue %q in %s)", word, category)
		}
		return db.bumpVersion(ctx, tx, shop)
	})
}

// readLessons reads what a shop has taught, inside the shop's read.
func readLessons(ctx context.Context, tx pgx.Tx, shop int64) (kb.Lessons, error) {
	var l kb.Lessons
	rows, err := tx.Query(ctx, `SELECT category, role, text, positive FROM shop_examples WHERE shop_id = $1 ORDER BY id`, shop)
	if err != nil {
		return l, err
	}
	l.Examples, err = pgx.AppendRows([]kb.Example(nil), rows, func(r pgx.CollectableRow) (kb.Example, error) {
		var e kb.Example
		return e, r.Scan(&e.Category, &e.Role, &e.Text, &e.Positive)
	})
	if err != nil {
		return l, err
	}
	rows, err = tx.Query(ctx, `SELECT word, category, enabled FROM shop_cues WHERE shop_id = $1
		ORDER BY category COLLATE "C", word COLLATE "C"`, shop)
	if err != nil {
		return l, err
	}
	l.Cues, err = pgx.AppendRows([]kb.ShopCue(nil), rows, func(r pgx.CollectableRow) (kb.ShopCue, error) {
		var c kb.ShopCue
		return c, r.Scan(&c.Word, &c.Category, &c.Enabled)
	})
	return l, err
}
