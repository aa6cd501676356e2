package sqlite

import (
	"context"
	"database/sql"
	"fmt"

	"assist/kb"
)

// PutProduct replaces the product with p's id in a shop, or adds it after
// the others, and bumps the shop's version. That its pairings and bundles
// name products of the shop is the caller's check: it needs the whole shop.
func (db *DB) PutProduct(ctx context.Context, shop int64, p kb.Product) error {
	if p.ID == "" || p.Title == "" {
		return kb.Errorf(kb.EInvalid, "商品需要编号和名称 (product: id and title are required)")
	}
	return db.editKnowledge(ctx, shop, "put product "+p.ID, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE products SET title = ?, aliases = ?, price = ?, ship_within_hours = ?,
			facts = ?, pairs_with = ?, bundles = ? WHERE shop_id = ? AND id = ?`,
			p.Title, jsonText(p.Aliases), p.Price, p.ShipWithinHours, jsonText(p.Facts), jsonText(p.PairsWith),
			jsonText(p.Bundles), shop, p.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		return insertProduct(ctx, tx, shop, nextPos(ctx, tx, "products", shop), &p)
	})
}

// PutRule replaces the rule with r's id in a shop, or adds it after the
// others, and bumps the shop's version.
func (db *DB) PutRule(ctx context.Context, shop int64, r kb.Rule) error {
	if r.ID == "" || r.Title == "" || r.Text == "" {
		return kb.Errorf(kb.EInvalid, "规则需要编号、标题和内容 (rule: id, title and text are required)")
	}
	return db.editKnowledge(ctx, shop, "put rule "+r.ID, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE rules SET title = ?, source = ?, text = ?, tags = ? WHERE shop_id = ? AND id = ?`,
			r.Title, r.Source, r.Text, jsonText(r.Tags), shop, r.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return nil
		}
		return insertRule(ctx, tx, shop, nextPos(ctx, tx, "rules", shop), &r)
	})
}

// editKnowledge runs edit and bumps the shop's version in one transaction.
func (db *DB) editKnowledge(ctx context.Context, shop int64, what string, edit func(*sql.Tx) error) error {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	defer tx.Rollback()
	if _, err := requireApproval(ctx, tx, shop); err != nil { // the shop exists
		return err
	}
	if err := edit(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := db.bumpVersion(ctx, tx, shop); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	if err := db.commitEdit(tx); err != nil {
		return fmt.Errorf("%s: %w", what, err)
	}
	return nil
}

func nextPos(ctx context.Context, tx *sql.Tx, table string, shop int64) int {
	var next int
	tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(pos), -1) + 1 FROM `+table+` WHERE shop_id = ?`, shop).Scan(&next)
	return next
}

// ReplaceKnowledge replaces a shop's knowledge with an uploaded bundle or
// sheet, as ImportShop does, and records each phrase it adds or changes as
// a version by author. Retired phrases the upload does not name stay
// retired, with their history; a retired phrase it names is suggested
// again. Uploads skip approval: the file is the reviewed unit.
func (db *DB) ReplaceKnowledge(ctx context.Context, shopID int64, shop *kb.Shop, author string) (kb.ShopInfo, error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return kb.ShopInfo{}, err
	}
	defer tx.Rollback()
	var name string
	if err := tx.QueryRowContext(ctx, `SELECT name FROM shops WHERE id = ?`, shopID).Scan(&name); err != nil {
		return kb.ShopInfo{}, kb.Errorf(kb.ENotFound, "no shop %d in the store", shopID)
	}
	if name != shop.Name {
		return kb.ShopInfo{}, kb.Errorf(kb.EInvalid, "这个文件是店铺 %q 的,不是 %q (the upload names shop %q, not %q)", shop.Name, name, shop.Name, name)
	}
	before := map[string]kb.PhraseState{}
	var order []string
	rows, err := tx.QueryContext(ctx, `SELECT id FROM phrases WHERE shop_id = ? ORDER BY pos`, shopID)
	if err != nil {
		return kb.ShopInfo{}, err
	}
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			rows.Close()
			return kb.ShopInfo{}, err
		}
		order = append(order, id)
	}
	rows.Close()
	for _, id := range order {
		st, _, err := readPhraseState(ctx, tx, shopID, id)
		if err != nil {
			return kb.ShopInfo{}, err
		}
		before[id] = st
		if err := db.ensureBaseline(ctx, tx, shopID, st); err != nil {
			return kb.ShopInfo{}, err
		}
	}
	info, err := db.replaceShop(ctx, tx, shop)
	if err != nil {
		return kb.ShopInfo{}, fmt.Errorf("replace shop %q: %w", shop.Name, err)
	}
	named := map[string]bool{}
	for _, p := range shop.Phrases {
		named[p.ID] = true
		now := kb.PhraseState{Phrase: p}
		now.Tags = kb.NonNilTags(now.Tags)
		if old, ok := before[p.ID]; ok && kb.EncodePhraseState(old) == kb.EncodePhraseState(now) {
			continue
		}
		if err := db.recordImport(ctx, tx, shopID, now, author); err != nil {
			return kb.ShopInfo{}, err
		}
	}
	pos := len(shop.Phrases)
	for _, id := range order {
		old := before[id]
		if named[id] || !old.Retired {
			continue
		}
		p := old.Phrase
		if err := insertPhrase(ctx, tx, shopID, pos, &p); err != nil {
			return kb.ShopInfo{}, err
		}
		pos++
		if _, err := tx.ExecContext(ctx, `UPDATE phrases SET retired = 1 WHERE shop_id = ? AND id = ?`, shopID, id); err != nil {
			return kb.ShopInfo{}, err
		}
	}
	if err := db.commitEdit(tx); err != nil {
		return kb.ShopInfo{}, err
	}
	return info, nil
}

func (db *DB) recordImport(ctx context.Context, tx *sql.Tx, shop int64, st kb.PhraseState, author string) error {
	last, live, err := versionNumbers(ctx, tx, shop, st.ID)
	if err != nil {
		return err
	}
	return insertVersion(ctx, tx, shop, kb.PhraseVersion{PhraseID: st.ID, N: last + 1, Action: kb.PhraseImport,
		Status: kb.VersionLive, Author: author, At: db.Now(), State: st, Base: live})
}
