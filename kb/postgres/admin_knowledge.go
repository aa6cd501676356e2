package postgres

import (
	"context"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// PutProduct replaces the product with p's id in a shop, or adds it after
// the others, and bumps the shop's version. That its pairings and bundles
// name products of the shop is the caller's check: it needs the whole shop.
func (db *DB) PutProduct(ctx context.Context, shop int64, p kb.Product) error {
	if p.ID == "" || p.Title == "" {
		return kb.Errorf(kb.EInvalid, "商品需要编号和名称 (product: id and title are required)")
	}
	return db.editKnowledge(ctx, shop, "put product "+p.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO products (shop_id, id, pos, title, aliases, price, ship_within_hours, facts, pairs_with, bundles)
			VALUES ($1, $2, (SELECT COALESCE(MAX(pos), -1) + 1 FROM products WHERE shop_id = $1), $3, $4, $5, $6, $7, $8, $9)
			ON CONFLICT (shop_id, id) DO UPDATE SET title = excluded.title, aliases = excluded.aliases, price = excluded.price,
				ship_within_hours = excluded.ship_within_hours, facts = excluded.facts, pairs_with = excluded.pairs_with,
				bundles = excluded.bundles`,
			shop, p.ID, p.Title, jsonText(p.Aliases), p.Price, p.ShipWithinHours, jsonText(p.Facts), jsonText(p.PairsWith),
			jsonText(p.Bundles))
		return err
	})
}

// PutRule replaces the rule with r's id in a shop, or adds it after the
// others, and bumps the shop's version.
func (db *DB) PutRule(ctx context.Context, shop int64, r kb.Rule) error {
	if r.ID == "" || r.Title == "" || r.Text == "" {
		return kb.Errorf(kb.EInvalid, "规则需要编号、标题和内容 (rule: id, title and text are required)")
	}
	return db.editKnowledge(ctx, shop, "put rule "+r.ID, func(tx pgx.Tx) error {
		_, err := tx.Exec(ctx, `INSERT INTO rules (shop_id, id, pos, title, source, text, tags)
			VALUES ($1, $2, (SELECT COALESCE(MAX(pos), -1) + 1 FROM rules WHERE shop_id = $1), $3, $4, $5, $6)
			ON CONFLICT (shop_id, id) DO UPDATE SET title = excluded.title, source = excluded.source,
				text = excluded.text, tags = excluded.tags`,
			shop, r.ID, r.Title, r.Source, r.Text, jsonText(r.Tags))
		return err
	})
}

// editKnowledge runs edit and bumps the shop's version in one transaction,
// holding the shop's row so that two instances adding at once do not take
// the same position.
func (db *DB) editKnowledge(ctx context.Context, shop int64, what string, edit func(pgx.Tx) error) error {
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := lockShop(ctx, tx, shop); err != nil {
			return err
		}
		if err := edit(tx); err != nil {
			return err
		}
		return db.bumpVersion(ctx, tx, shop)
	})
	if err != nil && kb.ErrorCode(err) == kb.EInternal {
		return fmt.Errorf("%s: %w", what, err)
	}
	return err
}

// ReplaceKnowledge replaces a shop's knowledge with an uploaded bundle or
// sheet, as ImportShop does, and records each phrase it adds or changes as
// a version by author. Retired phrases the upload does not name stay
// retired, with their history; a retired phrase it names is suggested
// again. Uploads skip approval: the file is the reviewed unit.
func (db *DB) ReplaceKnowledge(ctx context.Context, shopID int64, shop *kb.Shop, author string) (kb.ShopInfo, error) {
	var info kb.ShopInfo
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var name string
		err := tx.QueryRow(ctx, `SELECT name FROM shops WHERE id = $1 FOR UPDATE`, shopID).Scan(&name)
		if errors.Is(err, pgx.ErrNoRows) {
			return kb.Errorf(kb.ENotFound, "no shop %d in the store", shopID)
		}
		if err != nil {
			return err
		}
		if name != shop.Name {
			return kb.Errorf(kb.EInvalid, "这个文件是店铺 %q 的,不是 %q (the upload names shop %q, not %q)", shop.Name, name, shop.Name, name)
		}
		before, order, err := db.phraseStates(ctx, tx, shopID)
		if err != nil {
			return err
		}
		if info, err = db.replaceShop(ctx, tx, shop); err != nil {
			return fmt.Errorf("replace shop %q: %w", shop.Name, err)
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
				return err
			}
		}
		for _, id := range order {
			if old := before[id]; !named[id] && old.Retired {
				if err := insertPhrase(ctx, tx, shopID, old); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		return kb.ShopInfo{}, err
	}
	return info, nil
}

// phraseStates reads every phrase of a shop, in its order, and records the
// ones no change has touched yet as their first version, so an upload's
// changes can be rolled back.
func (db *DB) phraseStates(ctx context.Context, tx pgx.Tx, shopID int64) (map[string]kb.PhraseState, []string, error) {
	rows, err := tx.Query(ctx, `SELECT id FROM phrases WHERE shop_id = $1 ORDER BY pos`, shopID)
	if err != nil {
		return nil, nil, err
	}
	order, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil {
		return nil, nil, err
	}
	before := map[string]kb.PhraseState{}
	for _, id := range order {
		st, _, err := readPhraseState(ctx, tx, shopID, id)
		if err != nil {
			return nil, nil, err
		}
		before[id] = st
		if err := db.ensureBaseline(ctx, tx, shopID, st); err != nil {
			return nil, nil, err
		}
	}
	return before, order, nil
}

func (db *DB) recordImport(ctx context.Context, tx pgx.Tx, shop int64, st kb.PhraseState, author string) error {
	last, live, err := versionNumbers(ctx, tx, shop, st.ID)
	if err != nil {
		return err
	}
	return insertVersion(ctx, tx, shop, kb.PhraseVersion{PhraseID: st.ID, N: last + 1, Action: kb.PhraseImport,
		Status: kb.VersionLive, Author: author, At: db.now(), State: st, Base: live})
}
