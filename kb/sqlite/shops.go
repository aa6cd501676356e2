package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"

	"assist/kb"
)

// ImportShop loads shop into the store, replacing everything the store held
// for a shop of the same name, in one transaction: a failure changes nothing.
func (db *DB) ImportShop(ctx context.Context, shop *kb.Shop) error {
	if shop == nil || shop.Name == "" {
		return kb.Errorf(kb.EInvalid, "import: the shop has no name")
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("import shop %q: %w", shop.Name, err)
	}
	defer tx.Rollback()
	if err := db.replaceShop(ctx, tx, shop); err != nil {
		return fmt.Errorf("import shop %q: %w", shop.Name, err)
	}
	if err := tx.Commit(); err != nil {
		return fmt.Errorf("import shop %q: %w", shop.Name, err)
	}
	return nil
}

func (db *DB) replaceShop(ctx context.Context, tx *sql.Tx, shop *kb.Shop) error {
	if _, err := tx.ExecContext(ctx, `DELETE FROM shops WHERE name = ?`, shop.Name); err != nil {
		return err
	}
	res, err := tx.ExecContext(ctx, `INSERT INTO shops (name, ship_within_hours, same_day_cutoff, timezone, updated_at)
		VALUES (?, ?, ?, ?, ?)`, shop.Name, shop.ShipWithinHours, shop.SameDayCutoff, shop.Timezone, db.now())
	if err != nil {
		return err
	}
	shopID, err := res.LastInsertId()
	if err != nil {
		return err
	}
	for i := range shop.Products {
		if err := insertProduct(ctx, tx, shopID, i, &shop.Products[i]); err != nil {
			return err
		}
	}
	for i := range shop.Rules {
		if err := insertRule(ctx, tx, shopID, i, &shop.Rules[i]); err != nil {
			return err
		}
	}
	for i := range shop.Phrases {
		if err := insertPhrase(ctx, tx, shopID, i, &shop.Phrases[i]); err != nil {
			return err
		}
	}
	return nil
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
	_, err := tx.ExecContext(ctx, `INSERT INTO phrases (shop_id, id, pos, scene, title, text, tags)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, shopID, p.ID, pos, string(p.Scene), p.Title, p.Text, jsonText(p.Tags))
	if err != nil {
		return fmt.Errorf("phrase %q: %w", p.ID, err)
	}
	return nil
}

// Shops lists the names of the shops in the store, oldest first.
func (db *DB) Shops(ctx context.Context) ([]string, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT name FROM shops ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("list shops: %w", err)
	}
	defer rows.Close()
	var names []string
	for rows.Next() {
		var n string
		if err := rows.Scan(&n); err != nil {
			return nil, err
		}
		names = append(names, n)
	}
	return names, rows.Err()
}

// Shop reads a whole shop back, in the order it was imported.
func (db *DB) Shop(ctx context.Context, name string) (*kb.Shop, error) {
	tx, err := db.db.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	shop := &kb.Shop{Name: name}
	var id int64
	err = tx.QueryRowContext(ctx, `SELECT id, ship_within_hours, same_day_cutoff, timezone FROM shops WHERE name = ?`, name).
		Scan(&id, &shop.ShipWithinHours, &shop.SameDayCutoff, &shop.Timezone)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, kb.Errorf(kb.ENotFound, "no shop %q in the store", name)
	}
	if err != nil {
		return nil, fmt.Errorf("read shop %q: %w", name, err)
	}
	if shop.Products, err = readProducts(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("read shop %q: %w", name, err)
	}
	if shop.Rules, err = readRules(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("read shop %q: %w", name, err)
	}
	if shop.Phrases, err = readPhrases(ctx, tx, id); err != nil {
		return nil, fmt.Errorf("read shop %q: %w", name, err)
	}
	return shop, nil
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
	rows, err := tx.QueryContext(ctx, `SELECT id, scene, title, text, tags FROM phrases WHERE shop_id = ? ORDER BY pos`, shopID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []kb.Phrase
	for rows.Next() {
		var p kb.Phrase
		var scene, tags string
		if err := rows.Scan(&p.ID, &scene, &p.Title, &p.Text, &tags); err != nil {
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
