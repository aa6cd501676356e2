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
	h, _ := hashPassword("no such user", passwordIterations)
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

// CreateUser adds a person with the given role; only a hash of the password
// is stored.
func (db *DB) CreateUser(ctx context.Context, name string, role kb.Role, password string) (*kb.User, error) {
	if err := ValidName(name); err != nil {
		return nil, err
	}
	if !role.Valid() {
		return nil, kb.Errorf(kb.EInvalid, "role %q: want agent, admin or manager", role)
	}
	if n := utf8.RuneCountInString(password); n < minPasswordLen || n > maxPasswordLen {
		return nil, kb.Errorf(kb.EInvalid, "password: want %d to %d characters", minPasswordLen, maxPasswordLen)
	}
	hash, err := hashPassword(password, passwordIterations)
	if err != nil {
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	now := db.Now()
	res, err := db.db.ExecContext(ctx, `INSERT INTO users (name, role, password_hash, created_at) VALUES (?, ?, ?, ?)`,
		name, string(role), hash, stamp(now))
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
	return &kb.User{ID: id, Name: name, Role: role, CreatedAt: now.UTC()}, nil
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
		checkPassword(dummyHash(), password)
		return nil, kb.Errorf(kb.EUnauthorized, "wrong name or password")
	}
	if err != nil {
		return nil, err
	}
	if !checkPassword(hash, password) {
		return nil, kb.Errorf(kb.EUnauthorized, "wrong name or password")
	}
	return u, nil
}

func (db *DB) userWithHash(ctx context.Context, name string) (*kb.User, string, error) {
	var u kb.User
	var role, hash, created string
	err := db.db.QueryRowContext(ctx, `SELECT id, name, role, password_hash, created_at FROM users WHERE name = ?`, name).
		Scan(&u.ID, &u.Name, &role, &hash, &created)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, "", kb.Errorf(kb.ENotFound, "no user %q", name)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read user %q: %w", name, err)
	}
	u.Role = kb.Role(role)
	if u.CreatedAt, err = parseStamp(created); err != nil {
		return nil, "", fmt.Errorf("read user %q: created_at: %w", name, err)
	}
	return &u, hash, nil
}
