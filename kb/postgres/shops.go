package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// ImportShop loads shop into the store, replacing the knowledge the store
// held for a shop of the same name, in one transaction: a failure changes
// nothing. The shop keeps its id; its version goes up, so every instance
// reloads it before its next turn.
func (db *DB) ImportShop(ctx context.Context, shop *kb.Shop) (kb.ShopInfo, error) {
	if shop == nil || shop.Name == "" {
		return kb.ShopInfo{}, kb.Errorf(kb.EInvalid, "import: the shop has no name")
	}
	var info kb.ShopInfo
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		info, err = db.replaceShop(ctx, tx, shop)
		return err
	})
	if err != nil {
		return kb.ShopInfo{}, fmt.Errorf("import shop %q: %w", shop.Name, err)
	}
	return info, nil
}

func (db *DB) replaceShop(ctx context.Context, tx pgx.Tx, shop *kb.Shop) (kb.ShopInfo, error) {
	info := kb.ShopInfo{Name: shop.Name}
	err := tx.QueryRow(ctx, `INSERT INTO shops (name, ship_within_hours, same_day_cutoff, timezone, updated_at, version)
		VALUES ($1, $2, $3, $4, $5, 1)
		ON CONFLICT (name) DO UPDATE SET ship_within_hours = excluded.ship_within_hours,
			same_day_cutoff = excluded.same_day_cutoff, timezone = excluded.timezone,
			updated_at = excluded.updated_at, version = shops.version + 1
		RETURNING id, version`, shop.Name, shop.ShipWithinHours, shop.SameDayCutoff, shop.Timezone, db.now()).
		Scan(&info.ID, &info.Version)
	if err != nil {
		return info, err
	}
	for _, table := range []string{"products", "rules", "phrases"} {
		if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE shop_id = $1`, info.ID); err != nil {
			return info, err
		}
	}
	// One batch for the whole shop: a round trip per row would make a
	// thousand-product import wait on the network a thousand times.
	b := &pgx.Batch{}
	for i := range shop.Products {
		p := &shop.Products[i]
		b.Queue(`INSERT INTO products (shop_id, id, pos, title, aliases, price, ship_within_hours, facts, pairs_with, bundles)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
			info.ID, p.ID, i, p.Title, jsonText(p.Aliases), p.Price, p.ShipWithinHours,
			jsonText(p.Facts), jsonText(p.PairsWith), jsonText(p.Bundles))
	}
	for i := range shop.Rules {
		r := &shop.Rules[i]
		b.Queue(`INSERT INTO rules (shop_id, id, pos, title, source, text, tags) VALUES ($1, $2, $3, $4, $5, $6, $7)`,
			info.ID, r.ID, i, r.Title, r.Source, r.Text, jsonText(r.Tags))
	}
	for i := range shop.Phrases {
		p := &shop.Phrases[i]
		b.Queue(`INSERT INTO phrases (shop_id, id, pos, scene, title, text, tags, code) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			info.ID, p.ID, i, string(p.Scene), p.Title, p.Text, jsonText(p.Tags), p.Code)
	}
	res := tx.SendBatch(ctx, b)
	for i := 0; i < b.Len(); i++ {
		if _, err := res.Exec(); err != nil {
			res.Close()
			return info, fmt.Errorf("%s: %w", batchItem(shop, i), err)
		}
	}
	return info, res.Close()
}

// batchItem names the i-th row of an import batch, for its error.
func batchItem(shop *kb.Shop, i int) string {
	if i < len(shop.Products) {
		return fmt.Sprintf("product %q", shop.Products[i].ID)
	}
	if i -= len(shop.Products); i < len(shop.Rules) {
		return fmt.Sprintf("rule %q", shop.Rules[i].ID)
	}
	return fmt.Sprintf("phrase %q", shop.Phrases[i-len(shop.Rules)].ID)
}

// bumpVersion marks a shop's knowledge changed by an edit inside tx.
func (db *DB) bumpVersion(ctx context.Context, tx pgx.Tx, shopID int64) error {
	_, err := tx.Exec(ctx, `UPDATE shops SET version = version + 1, updated_at = $1 WHERE id = $2`, db.now(), shopID)
	return err
}

// PutPhrase replaces the phrase with p's id in the shop, or adds it after the
// others, in one transaction that also bumps the shop's version.
func (db *DB) PutPhrase(ctx context.Context, shopID int64, p kb.Phrase) error {
	if p.ID == "" || p.Title == "" || p.Text == "" {
		return kb.Errorf(kb.EInvalid, "phrase: id, title and text are required")
	}
	if !p.Scene.Valid() {
		return kb.Errorf(kb.EInvalid, "phrase %q: scene %q is not one of the known scenes", p.ID, p.Scene)
	}
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		// Lock the shop row first: two edits adding phrases at once would
		// otherwise both take the same next position.
		var exists bool
		if err := tx.QueryRow(ctx, `SELECT true FROM shops WHERE id = $1 FOR UPDATE`, shopID).Scan(&exists); err != nil {
			if errors.Is(err, pgx.ErrNoRows) {
				return kb.Errorf(kb.ENotFound, "no shop %d in the store", shopID)
			}
			return err
		}
		tag, err := tx.Exec(ctx, `UPDATE phrases SET scene = $1, title = $2, text = $3, tags = $4, code = $5
			WHERE shop_id = $6 AND id = $7`, string(p.Scene), p.Title, p.Text, jsonText(p.Tags), p.Code, shopID, p.ID)
		if err != nil {
			return err
		}
		if tag.RowsAffected() == 0 {
			_, err = tx.Exec(ctx, `INSERT INTO phrases (shop_id, id, pos, scene, title, text, tags, code)
				VALUES ($1, $2, (SELECT COALESCE(MAX(pos), -1) + 1 FROM phrases WHERE shop_id = $1), $3, $4, $5, $6, $7)`,
				shopID, p.ID, string(p.Scene), p.Title, p.Text, jsonText(p.Tags), p.Code)
			if err != nil {
				return err
			}
		}
		return db.bumpVersion(ctx, tx, shopID)
	})
	if err != nil && kb.ErrorCode(err) == kb.EInternal {
		return fmt.Errorf("put phrase %q: %w", p.ID, err)
	}
	return err
}

// Shops lists the shops in the store, oldest first.
func (db *DB) Shops(ctx context.Context) ([]kb.ShopInfo, error) {
	rows, err := db.pool.Query(ctx, `SELECT id, name, version FROM shops ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list shops: %w", err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.ShopInfo, error) {
		var s kb.ShopInfo
		return s, r.Scan(&s.ID, &s.Name, &s.Version)
	})
	if err != nil {
		return nil, fmt.Errorf("list shops: %w", err)
	}
	if out == nil {
		out = []kb.ShopInfo{}
	}
	return out, nil
}

// ShopNamed looks a shop up by name.
func (db *DB) ShopNamed(ctx context.Context, name string) (kb.ShopInfo, error) {
	info := kb.ShopInfo{Name: name}
	err := db.pool.QueryRow(ctx, `SELECT id, version FROM shops WHERE name = $1`, name).Scan(&info.ID, &info.Version)
	if errors.Is(err, pgx.ErrNoRows) {
		return info, kb.Errorf(kb.ENotFound, "no shop %q in the store", name)
	}
	if err != nil {
		return info, fmt.Errorf("read shop %q: %w", name, err)
	}
	return info, nil
}

// ShopVersion is the version of a shop's knowledge: it is read before every
// turn, so it is one primary-key lookup.
func (db *DB) ShopVersion(ctx context.Context, shopID int64) (int64, error) {
	var v int64
	err := db.pool.QueryRow(ctx, `SELECT version FROM shops WHERE id = $1`, shopID).Scan(&v)
	if errors.Is(err, pgx.ErrNoRows) {
		return 0, kb.Errorf(kb.ENotFound, "no shop %d in the store", shopID)
	}
	if err != nil {
		return 0, fmt.Errorf("read shop %d: %w", shopID, err)
	}
	return v, nil
}

// Shop reads a whole shop back by name, in the order it was imported.
func (db *DB) Shop(ctx context.Context, name string) (*kb.Shop, error) {
	info, err := db.ShopNamed(ctx, name)
	if err != nil {
		return nil, err
	}
	shop, _, err := db.ShopByID(ctx, info.ID)
	return shop, err
}

// ShopByID reads a whole shop and the version it is at in one repeatable-read
// transaction, so the two agree.
func (db *DB) ShopByID(ctx context.Context, id int64) (*kb.Shop, kb.ShopInfo, error) {
	info := kb.ShopInfo{ID: id}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, info, fmt.Errorf("read shop %d: %w", id, err)
	}
	defer tx.Rollback(ctx)
	shop := &kb.Shop{}
	err = tx.QueryRow(ctx, `SELECT name, version, ship_within_hours, same_day_cutoff, timezone FROM shops WHERE id = $1`, id).
		Scan(&info.Name, &info.Version, &shop.ShipWithinHours, &shop.SameDayCutoff, &shop.Timezone)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, info, kb.Errorf(kb.ENotFound, "no shop %d in the store", id)
	}
	if err != nil {
		return nil, info, fmt.Errorf("read shop %d: %w", id, err)
	}
	shop.Name = info.Name
	if shop.Products, err = readProducts(ctx, tx, id); err != nil {
		return nil, info, fmt.Errorf("read shop %q: %w", info.Name, err)
	}
	if shop.Rules, err = readRules(ctx, tx, id); err != nil {
		return nil, info, fmt.Errorf("read shop %q: %w", info.Name, err)
	}
	if shop.Phrases, err = readPhrases(ctx, tx, id); err != nil {
		return nil, info, fmt.Errorf("read shop %q: %w", info.Name, err)
	}
	if shop.Lessons, err = readLessons(ctx, tx, id); err != nil {
		return nil, info, fmt.Errorf("read shop %q: lessons: %w", info.Name, err)
	}
	return shop, info, nil
}

func readProducts(ctx context.Context, tx pgx.Tx, shopID int64) ([]kb.Product, error) {
	rows, err := tx.Query(ctx, `SELECT id, title, aliases::text, price, ship_within_hours, facts::text, pairs_with::text, bundles::text
		FROM products WHERE shop_id = $1 ORDER BY pos`, shopID)
	if err != nil {
		return nil, err
	}
	return pgx.AppendRows([]kb.Product(nil), rows, func(r pgx.CollectableRow) (kb.Product, error) {
		var p kb.Product
		var aliases, facts, pairs, bundles string
		if err := r.Scan(&p.ID, &p.Title, &aliases, &p.Price, &p.ShipWithinHours, &facts, &pairs, &bundles); err != nil {
			return p, err
		}
		if err := fromJSON(aliases, &p.Aliases, facts, &p.Facts, pairs, &p.PairsWith, bundles, &p.Bundles); err != nil {
			return p, fmt.Errorf("product %q: %w", p.ID, err)
		}
		return p, nil
	})
}

func readRules(ctx context.Context, tx pgx.Tx, shopID int64) ([]kb.Rule, error) {
	rows, err := tx.Query(ctx, `SELECT id, title, source, text, tags::text FROM rules WHERE shop_id = $1 ORDER BY pos`, shopID)
	if err != nil {
		return nil, err
	}
	return pgx.AppendRows([]kb.Rule(nil), rows, func(row pgx.CollectableRow) (kb.Rule, error) {
		var r kb.Rule
		var tags string
		if err := row.Scan(&r.ID, &r.Title, &r.Source, &r.Text, &tags); err != nil {
			return r, err
		}
		if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
			return r, fmt.Errorf("rule %q tags: %w", r.ID, err)
		}
		return r, nil
	})
}

func readPhrases(ctx context.Context, tx pgx.Tx, shopID int64) ([]kb.Phrase, error) {
	rows, err := tx.Query(ctx, `SELECT id, scene, title, text, tags::text, code FROM phrases WHERE shop_id = $1 AND retired = 0 ORDER BY pos`, shopID)
	if err != nil {
		return nil, err
	}
	return pgx.AppendRows([]kb.Phrase(nil), rows, func(r pgx.CollectableRow) (kb.Phrase, error) {
		var p kb.Phrase
		var scene, tags string
		if err := r.Scan(&p.ID, &scene, &p.Title, &p.Text, &tags, &p.Code); err != nil {
			return p, err
		}
		p.Scene = kb.Scene(scene)
		if err := json.Unmarshal([]byte(tags), &p.Tags); err != nil {
			return p, fmt.Errorf("phrase %q tags: %w", p.ID, err)
		}
		return p, nil
	})
}

// jsonText encodes a list column. Nil lists are stored as [] so a round trip
// through the store gives back the same shape.
func jsonText(v any) string {
	b, err := json.Marshal(v)
	if err != nil || string(b) == "null" {
		return "[]"
	}
	return string(b)
}

// fromJSON decodes pairs of (text, target) list columns.
func fromJSON(pairs ...any) error {
	for i := 0; i+1 < len(pairs); i += 2 {
		if err := json.Unmarshal([]byte(pairs[i].(string)), pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
