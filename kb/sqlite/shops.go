package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"assist/kb"
)

// ImportShop loads shop into the store, replacing the knowledge the store
// held for a shop of the same name, in one transaction: a failure changes
// nothing. The shop keeps its id, so its conversations, people and tokens
// stay; its version goes up, so running servers reload it before its next
// turn.
func (db *DB) ImportShop(ctx context.Context, shop *kb.Shop) (kb.ShopInfo, error) {
	if shop == nil || shop.Name == "" {
		return kb.ShopInfo{}, kb.Errorf(kb.EInvalid, "import: the shop has no name")
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return kb.ShopInfo{}, fmt.Errorf("import shop %q: %w", shop.Name, err)
	}
	defer tx.Rollback()
	info, err := db.replaceShop(ctx, tx, shop)
	if err != nil {
		return kb.ShopInfo{}, fmt.Errorf("import shop %q: %w", shop.Name, err)
	}
	if err := db.commitEdit(tx); err != nil {
		return kb.ShopInfo{}, fmt.Errorf("import shop %q: %w", shop.Name, err)
	}
	return info, nil
}

func (db *DB) replaceShop(ctx context.Context, tx *sql.Tx, shop *kb.Shop) (kb.ShopInfo, error) {
	info := kb.ShopInfo{Name: shop.Name}
	err := tx.QueryRowContext(ctx, `INSERT INTO shops (name, ship_within_hours, same_day_cutoff, timezone, updated_at, version)
		VALUES (?, ?, ?, ?, ?, 1)
		ON CONFLICT (name) DO UPDATE SET ship_within_hours = excluded.ship_within_hours,
			same_day_cutoff = excluded.same_day_cutoff, timezone = excluded.timezone,
			updated_at = excluded.updated_at, version = version + 1
		RETURNING id, version`, shop.Name, shop.ShipWithinHours, shop.SameDayCutoff, shop.Timezone, db.now()).
		Scan(&info.ID, &info.Version)
	if err != nil {
		return info, err
	}
	for _, table := range []string{"products", "rules", "phrases"} {
		if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE shop_id = ?`, info.ID); err != nil {
			return info, err
		}
	}
	for i := range shop.Products {
		if err := insertProduct(ctx, tx, info.ID, i, &shop.Products[i]); err != nil {
			return info, err
		}
	}
	for i := range shop.Rules {
		if err := insertRule(ctx, tx, info.ID, i, &shop.Rules[i]); err != nil {
			return info, err
		}
	}
	for i := range shop.Phrases {
		if err := insertPhrase(ctx, tx, info.ID, i, &shop.Phrases[i]); err != nil {
			return info, err
		}
	}
	return info, nil
}

// bumpVersion marks a shop's knowledge changed by an edit inside tx.
func (db *DB) bumpVersion(ctx context.Context, tx *sql.Tx, shopID int64) error {
	_, err := tx.ExecContext(ctx, `UPDATE shops SET version = version + 1, updated_at = ? WHERE id = ?`, db.now(), shopID)
	return err
}

func insertProduct(ctx context.Context, tx *sql.Tx, shopID int64, pos int, p *kb.Product) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO products
		(shop_id, id, pos, title, aliases, price, ship_within_hours, facts, pairs_with, bundles)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		shopID, p.ID, pos, p.Title, jsonText(p.Aliases), p.Price, p.ShipWithinHours,
		jsonText(p.Facts), jsonText(p.PairsWith), jsonText(p.Bundles))
	if err != nil {
		return fmt.Errorf("product %q: %w", p.ID, err)
	}
	return nil
}

func insertRule(ctx context.Context, tx *sql.Tx, shopID int64, pos int, r *kb.Rule) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO rules (shop_id, id, pos, title, source, text, tags)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, shopID, r.ID, pos, r.Title, r.Source, r.Text, jsonText(r.Tags))
	if err != nil {
		return fmt.Errorf("rule %q: %w", r.ID, err)
	}
	return nil
}

func insertPhrase(ctx context.Context, tx *sql.Tx, shopID int64, pos int, p *kb.Phrase) error {
	_, err := tx.ExecContext(ctx, `INSERT INTO phrases (shop_id, id, pos, scene, title, text, tags, code)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, shopID, p.ID, pos, string(p.Scene), p.Title, p.Text, jsonText(p.Tags), p.Code)
	if err != nil {
		return fmt.Errorf("phrase %q: %w", p.ID, err)
	}
	return nil
}

// Shops lists the shops in the store, oldest first.
func (db *DB) Shops(ctx context.Context) ([]kb.ShopInfo, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT id, name, version FROM shops ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list shops: %w", err)
	}
	defer rows.Close()
	out := []kb.ShopInfo{}
	for rows.Next() {
		var s kb.ShopInfo
		if err := rows.Scan(&s.ID, &s.Name, &s.Version); err != nil {
			return nil, fmt.Errorf("list shops: %w", err)
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// ShopNamed looks a shop up by name.
func (db *DB) ShopNamed(ctx context.Context, name string) (kb.ShopInfo, error) {
	info := kb.ShopInfo{Name: name}
	err := db.db.QueryRowContext(ctx, `SELECT id, version FROM shops WHERE name = ?`, name).Scan(&info.ID, &info.Version)
	if errors.Is(err, sql.ErrNoRows) {
		return info, kb.Errorf(kb.ENotFound, "no shop %q in the store", name)
	}
	if err != nil {
		return info, fmt.Errorf("read shop %q: %w", name, err)
	}
	return info, nil
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

// ShopByID reads a whole shop and the version it is at, in one read
// transaction, so the two agree.
func (db *DB) ShopByID(ctx context.Context, id int64) (*kb.Shop, kb.ShopInfo, error) {
	tx, err := db.readTx(ctx)
	if err != nil {
		return nil, kb.ShopInfo{}, err
	}
	defer tx.Rollback()
	shop := &kb.Shop{}
	info := kb.ShopInfo{ID: id}
	err = tx.QueryRowContext(ctx, `SELECT name, version, ship_within_hours, same_day_cutoff, timezone FROM shops WHERE id = ?`, id).
		Scan(&info.Name, &info.Version, &shop.ShipWithinHours, &shop.SameDayCutoff, &shop.Timezone)
	if errors.Is(err, sql.ErrNoRows) {
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

func readProducts(ctx context.Context, tx *sql.Tx, shopID int64) ([]kb.Product, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, title, aliases, price, ship_within_hours, facts, pairs_with, bundles
		FROM products WHERE shop_id = ? ORDER BY pos`, shopID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Product
	for rows.Next() {
		var p kb.Product
		var aliases, facts, pairs, bundles string
		if err := rows.Scan(&p.ID, &p.Title, &aliases, &p.Price, &p.ShipWithinHours, &facts, &pairs, &bundles); err != nil {
			return nil, err
		}
		if err := fromJSON(aliases, &p.Aliases, &facts, &p.Facts, &pairs, &p.PairsWith, &bundles, &p.Bundles); err != nil {
			return nil, fmt.Errorf("product %q: %w", p.ID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

func readRules(ctx context.Context, tx *sql.Tx, shopID int64) ([]kb.Rule, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, title, source, text, tags FROM rules WHERE shop_id = ? ORDER BY pos`, shopID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Rule
	for rows.Next() {
		var r kb.Rule
		var tags string
		if err := rows.Scan(&r.ID, &r.Title, &r.Source, &r.Text, &tags); err != nil {
			return nil, err
		}
		if err := json.Unmarshal([]byte(tags), &r.Tags); err != nil {
			return nil, fmt.Errorf("rule %q tags: %w", r.ID, err)
		}
		out = append(out, r)
	}
	return out, rows.Err()
}

func readPhrases(ctx context.Context, tx *sql.Tx, shopID int64) ([]kb.Phrase, error) {
	// Retired phrases stay in the table for their history and reports, but
	// the shop the engine sees has none of them.
	rows, err := tx.QueryContext(ctx, `SELECT id, scene, title, text, tags, code FROM phrases
		WHERE shop_id = ? AND retired = 0 ORDER BY pos`, shopID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Phrase
	for rows.Next() {
		var p kb.Phrase
		var scene, tags string
		if err := rows.Scan(&p.ID, &scene, &p.Title, &p.Text, &tags, &p.Code); err != nil {
			return nil, err
		}
		p.Scene = kb.Scene(scene)
		if err := json.Unmarshal([]byte(tags), &p.Tags); err != nil {
			return nil, fmt.Errorf("phrase %q tags: %w", p.ID, err)
		}
		out = append(out, p)
	}
	return out, rows.Err()
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
		var text string
		switch t := pairs[i].(type) {
		case string:
			text = t
		case *string:
			text = *t
		}
		if err := json.Unmarshal([]byte(text), pairs[i+1]); err != nil {
			return err
		}
	}
	return nil
}
