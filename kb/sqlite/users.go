package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/secret"
)

const (
	maxNameLen        = 64
	minPasswordLen    = 8
	maxPasswordLen    = 256
	duplicateKeyError = "UNIQUE constraint failed"
)

// dummyHash is checked against when a login names nobody, so a wrong name
// takes as long as a wrong password and does not reveal who has an account.
// Computed on first use: it costs as much as a login.
var dummyHash = sync.OnceValue(func() string {
	h, _ := secret.HashPassword("no such user", secret.PasswordIterations)
	return h
})

// ValidName reports why name cannot name a user or token, or nil: 1 to 64
// letters, digits or _ . @ -.
func ValidName(name string) error {
	n := utf8.RuneCountInString(name)
	if n == 0 || n > maxNameLen {
		return kb.Errorf(kb.EInvalid, "name %q: want 1 to %d characters", name, maxNameLen)
	}
	for _, r := range name {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) && !strings.ContainsRune("_.@-", r) {
			return kb.Errorf(kb.EInvalid, "name %q: only letters, digits and _ . @ - are allowed", name)
		}
	}
	return nil
}

// CreateUser adds a person who logs in with password. They belong to no
// shop until Grant gives them a role in one; owner lets them manage shops.
func (db *DB) CreateUser(ctx context.Context, name, password string, owner bool) (*kb.User, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(password); n < minPasswordLen || n > maxPasswordLen {
		return nil, kb.Errorf(kb.EInvalid, "password: want %d to %d characters", minPasswordLen, maxPasswordLen)
	}
	hash, err := secret.HashPassword(password, secret.PasswordIterations)
	if err != nil {
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	now := db.Now()
	// users.role predates shops; it is kept only as a record.
	res, err := db.db.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at, owner) VALUES (?, 'agent', ?, ?, ?)`,
		name, hash, stamp(now), owner)
	if err != nil {
		if strings.Contains(err.Error(), duplicateKeyError) {
			return nil, kb.Errorf(kb.EConflict, "user %q already exists", name)
		}
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	return &kb.User{ID: id, Name: name, Owner: owner, CreatedAt: now.UTC(), Shops: []kb.Membership{}}, nil
}

// Grant gives user the role in shop, replacing the role they had there.
func (db *DB) Grant(ctx context.Context, userID, shopID int64, role kb.Role) error {
	if !role.Valid() {
		return kb.Errorf(kb.EInvalid, "role %q: want agent, admin or manager", role)
	}
	_, err := db.db.ExecContext(ctx, `INSERT INTO memberships (user_id, shop_id, role) VALUES (?, ?, ?)
		ON CONFLICT (user_id, shop_id) DO UPDATE SET role = excluded.role`, userID, shopID, string(role))
	if err != nil {
		if strings.Contains(err.Error(), "FOREIGN KEY") {
			return kb.Errorf(kb.ENotFound, "no user %d or no shop %d", userID, shopID)
		}
		return fmt.Errorf("grant %s in shop %d to user %d: %w", role, shopID, userID, err)
	}
	return nil
}

// Ungrant removes user from shop; it is not an error if they were not in it.
func (db *DB) Ungrant(ctx context.Context, userID, shopID int64) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM memberships WHERE user_id = ? AND shop_id = ?`, userID, shopID); err != nil {
		return fmt.Errorf("remove user %d from shop %d: %w", userID, shopID, err)
	}
	return nil
}

// SetOwner makes a person a server-wide owner, or no longer one.
func (db *DB) SetOwner(ctx context.Context, userID int64, owner bool) error {
	res, err := db.db.ExecContext(ctx, `UPDATE users SET owner = ? WHERE id = ?`, owner, userID)
	if err != nil {
		return fmt.Errorf("set owner of user %d: %w", userID, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kb.Errorf(kb.ENotFound, "no user %d", userID)
	}
	return nil
}

// memberships reads a user's roles, in shop id order.
func (db *DB) memberships(ctx context.Context, userID int64) ([]kb.Membership, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT m.shop_id, s.name, m.role FROM memberships m
		JOIN shops s ON s.id = m.shop_id WHERE m.user_id = +? ORDER BY m.shop_id`, userID) // +?: see unmarked
	if err != nil {
		return nil, fmt.Errorf("read memberships of user %d: %w", userID, err)
	}
	defer rows.Close()
	out := []kb.Membership{}
	for rows.Next() {
		var m kb.Membership
		var role string
		if err := rows.Scan(&m.ShopID, &m.ShopName, &role); err != nil {
			return nil, fmt.Errorf("read memberships of user %d: %w", userID, err)
		}
		m.Role = kb.Role(role)
		out = append(out, m)
	}
	return out, rows.Err()
}

// Members lists the people of a shop with their roles, by name.
func (db *DB) Members(ctx context.Context, shopID int64) ([]kb.User, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT u.id, u.name, u.owner, u.created_at, m.role FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.shop_id = ? ORDER BY u.name`, shopID)
	if err != nil {
		return nil, fmt.Errorf("list members of shop %d: %w", shopID, err)
	}
	defer rows.Close()
	out := []kb.User{}
	for rows.Next() {
		var u kb.User
		var created, role string
		if err := rows.Scan(&u.ID, &u.Name, &u.Owner, &created, &role); err != nil {
			return nil, fmt.Errorf("list members of shop %d: %w", shopID, err)
		}
		if u.CreatedAt, err = parseStamp(created); err != nil {
			return nil, fmt.Errorf("list members of shop %d: %w", shopID, err)
		}
		u.Shops = []kb.Membership{{ShopID: shopID, Role: kb.Role(role)}}
		out = append(out, u)
	}
	return out, rows.Err()
}

// CountUsers is the number of people with an account.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.db.QueryRowContext(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return 0, fmt.Errorf("count users: %w", err)
	}
	return n, nil
}

// User returns the person called name.
func (db *DB) User(ctx context.Context, name string) (*kb.User, error) {
	u, _, err := db.userWithHash(ctx, name)
	return u, err
}

// Authenticate returns the user if name and password match, else an
// unauthorized error that does not say which of the two was wrong.
func (db *DB) Authenticate(ctx context.Context, name, password string) (*kb.User, error) {
	u, hash, err := db.userWithHash(ctx, name)
	if kb.ErrorCode(err) == kb.ENotFound {
		secret.CheckPassword(dummyHash(), password)
		return nil, kb.Errorf(kb.EUnauthorized, "wrong name or password")
	}
	if err != nil {
		return nil, err
	}
	if !secret.CheckPassword(hash, password) {
		return nil, kb.Errorf(kb.EUnauthorized, "wrong name or password")
	}
	return u, nil
}

func (db *DB) userWithHash(ctx context.Context, name string) (*kb.User, string, error) {
	var u kb.User
	var hash, created string
	err := db.db.QueryRowContext(ctx, `SELECT id, name, owner, password_hash, created_at FROM users WHERE name = ?`, name).
		Scan(&u.ID, &u.Name, &u.Owner, &hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", kb.Errorf(kb.ENotFound, "no user %q", name)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read user %q: %w", name, err)
	}
	if u.CreatedAt, err = parseStamp(created); err != nil {
		return nil, "", fmt.Errorf("read user %q: created_at: %w", name, err)
	}
	if u.Shops, err = db.memberships(ctx, u.ID); err != nil {
		return nil, "", err
	}
	return &u, hash, nil
}
