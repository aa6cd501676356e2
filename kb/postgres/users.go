package postgres

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"assist/kb"
	"assist/kb/secret"
)

// CreateUser adds a person who logs in with password. They belong to no
// shop until Grant gives them a role in one; owner lets them manage shops.
func (db *DB) CreateUser(ctx context.Context, name, password string, owner bool) (*kb.User, error) {
	if err := validName(name); err != nil {
		return nil, err
	}
	if n := utf8.RuneCountInString(password); n < minPasswordLen || n > maxPasswordLen {
		return nil, kb.Errorf(kb.EInvalid, "password: want %d to %d characters", minPasswordLen, maxPasswordLen)
	}
	hash, err := secret.HashPassword(password, secret.PasswordIterations)
	if err != nil {
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	now := db.now()
	var id int64
	err = db.pool.QueryRow(ctx, `INSERT INTO users (name, role, password_hash, created_at, owner)
		VALUES ($1, 'agent', $2, $3, $4) RETURNING id`, name, hash, now, owner).Scan(&id)
	if isCode(err, uniqueViolation) {
		return nil, kb.Errorf(kb.EConflict, "user %q already exists", name)
	}
	if err != nil {
		return nil, fmt.Errorf("create user %q: %w", name, err)
	}
	return &kb.User{ID: id, Name: name, Owner: owner, CreatedAt: now, Shops: []kb.Membership{}}, nil
}

// Grant gives user the role in shop, replacing the role they had there.
func (db *DB) Grant(ctx context.Context, userID, shopID int64, role kb.Role) error {
	if !role.Valid() {
		return kb.Errorf(kb.EInvalid, "role %q: want agent, admin or manager", role)
	}
	_, err := db.pool.Exec(ctx, `INSERT INTO memberships (user_id, shop_id, role) VALUES ($1, $2, $3)
		ON CONFLICT (user_id, shop_id) DO UPDATE SET role = excluded.role`, userID, shopID, string(role))
	if isCode(err, foreignKeyViolation) {
		return kb.Errorf(kb.ENotFound, "no user %d or no shop %d", userID, shopID)
	}
	if err != nil {
		return fmt.Errorf("grant %s in shop %d to user %d: %w", role, shopID, userID, err)
	}
	return nil
}

// Ungrant removes user from shop; it is not an error if they were not in it.
func (db *DB) Ungrant(ctx context.Context, userID, shopID int64) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM memberships WHERE user_id = $1 AND shop_id = $2`, userID, shopID); err != nil {
		return fmt.Errorf("remove user %d from shop %d: %w", userID, shopID, err)
	}
	return nil
}

// SetOwner makes a person a server-wide owner, or no longer one.
func (db *DB) SetOwner(ctx context.Context, userID int64, owner bool) error {
	tag, err := db.pool.Exec(ctx, `UPDATE users SET owner = $1 WHERE id = $2`, owner, userID)
	if err != nil {
		return fmt.Errorf("set owner of user %d: %w", userID, err)
	}
	if tag.RowsAffected() == 0 {
		return kb.Errorf(kb.ENotFound, "no user %d", userID)
	}
	return nil
}

// memberships reads a user's roles, in shop id order.
func (db *DB) memberships(ctx context.Context, userID int64) ([]kb.Membership, error) {
	rows, err := db.pool.Query(ctx, `SELECT m.shop_id, s.name, m.role FROM memberships m
		JOIN shops s ON s.id = m.shop_id WHERE m.user_id = $1 ORDER BY m.shop_id`, userID)
	if err != nil {
		return nil, fmt.Errorf("read memberships of user %d: %w", userID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.Membership, error) {
		var m kb.Membership
		var role string
		err := r.Scan(&m.ShopID, &m.ShopName, &role)
		m.Role = kb.Role(role)
		return m, err
	})
	if err != nil {
		return nil, fmt.Errorf("read memberships of user %d: %w", userID, err)
	}
	return out, nil
}

// Members lists the people of a shop with their roles, by name.
func (db *DB) Members(ctx context.Context, shopID int64) ([]kb.User, error) {
	rows, err := db.pool.Query(ctx, `SELECT u.id, u.name, u.owner, u.created_at, m.role FROM memberships m
		JOIN users u ON u.id = m.user_id WHERE m.shop_id = $1 ORDER BY u.name COLLATE "C"`, shopID)
	if err != nil {
		return nil, fmt.Errorf("list members of shop %d: %w", shopID, err)
	}
	out, err := pgx.CollectRows(rows, func(r pgx.CollectableRow) (kb.User, error) {
		var u kb.User
		var role string
		err := r.Scan(&u.ID, &u.Name, &u.Owner, &u.CreatedAt, &role)
		u.CreatedAt = u.CreatedAt.UTC()
		u.Shops = []kb.Membership{{ShopID: shopID, Role: kb.Role(role)}}
		return u, err
	})
	if err != nil {
		return nil, fmt.Errorf("list members of shop %d: %w", shopID, err)
	}
	return out, nil
}

// CountUsers is the number of people with an account.
func (db *DB) CountUsers(ctx context.Context) (int, error) {
	var n int
	if err := db.pool.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
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
	var hash string
	err := db.pool.QueryRow(ctx, `SELECT id, name, owner, password_hash, created_at FROM users WHERE name = $1`, name).
		Scan(&u.ID, &u.Name, &u.Owner, &hash, &u.CreatedAt)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil, "", kb.Errorf(kb.ENotFound, "no user %q", name)
	}
	if err != nil {
		return nil, "", fmt.Errorf("read user %q: %w", name, err)
	}
	u.CreatedAt = u.CreatedAt.UTC()
	if u.Shops, err = db.memberships(ctx, u.ID); err != nil {
		return nil, "", err
	}
	return &u, hash, nil
}

// CreateSession logs user in for ttl and returns the session id for the
// cookie. Only its hash is stored. Expired sessions are swept on the way.
func (db *DB) CreateSession(ctx context.Context, user *kb.User, ttl time.Duration) (string, *kb.Session, error) {
	id, err := secret.Random(sessionIDBytes)
	if err != nil {
		return "", nil, err
	}
	now := db.now()
	s := &kb.Session{User: *user, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, `DELETE FROM sessions WHERE expires_at <= $1`, now); err != nil {
			return fmt.Errorf("sweep sessions: %w", err)
		}
		_, err := tx.Exec(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)`,
			secret.Hash(id), user.ID, now, s.ExpiresAt)
		return err
	})
	if err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return id, s, nil
}

// Session returns the live session with the given id; a missing or expired
// one is unauthorized. The user and their roles are read afresh, so a
// change made through any instance counts at the next request.
func (db *DB) Session(ctx context.Context, id string) (*kb.Session, error) {
	if id == "" {
		return nil, kb.Errorf(kb.EUnauthorized, "not logged in")
	}
	// The session, its person and their shops in one round trip (as
	// kb/sqlite's): the shops are read with the session, so a grant or a
	// removal counts at the next request.
	rows, err := db.pool.Query(ctx, `SELECT u.id, u.name, u.owner, u.created_at, s.created_at, s.expires_at,
			m.shop_id, sh.name, m.role
		FROM sessions s JOIN users u ON u.id = s.user_id
		LEFT JOIN (memberships m JOIN shops sh ON sh.id = m.shop_id) ON m.user_id = u.id
		WHERE s.id_hash = $1 ORDER BY m.shop_id`, secret.Hash(id))
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	defer rows.Close()
	var s kb.Session
	found := false
	s.User.Shops = []kb.Membership{}
	for rows.Next() {
		var shop *int64
		var name, role *string
		if err := rows.Scan(&s.User.ID, &s.User.Name, &s.User.Owner, &s.User.CreatedAt, &s.CreatedAt, &s.ExpiresAt,
			&shop, &name, &role); err != nil {
			return nil, fmt.Errorf("read session: %w", err)
		}
		found = true
		if shop != nil && name != nil && role != nil {
			s.User.Shops = append(s.User.Shops, kb.Membership{ShopID: *shop, ShopName: *name, Role: kb.Role(*role)})
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	if !found {
		return nil, kb.Errorf(kb.EUnauthorized, "session expired or unknown: log in again")
	}
	s.User.CreatedAt, s.CreatedAt, s.ExpiresAt = s.User.CreatedAt.UTC(), s.CreatedAt.UTC(), s.ExpiresAt.UTC()
	if !db.Now().Before(s.ExpiresAt) {
		return nil, kb.Errorf(kb.EUnauthorized, "session expired or unknown: log in again")
	}
	return &s, nil
}

// SessionRoles answers, for each pair, the role the session's person holds in
// the shop: "" when the session is unknown, logged out or expired, or the
// person has no role there. One query reads them all: an open socket's
// caller is checked again at every ping.
func (db *DB) SessionRoles(ctx context.Context, asks []kb.SessionShop) ([]kb.Role, error) {
	out := make([]kb.Role, len(asks))
	if len(asks) == 0 {
		return out, nil
	}
	hashes := make([][]byte, len(asks))
	shops := make([]int64, len(asks))
	for i, a := range asks {
		hashes[i], shops[i] = secret.Hash(a.Session), a.Shop
	}
	rows, err := db.pool.Query(ctx, `SELECT ask.i::int, (SELECT m.role FROM memberships m JOIN shops sh ON sh.id = m.shop_id
			WHERE m.user_id = s.user_id AND m.shop_id = ask.shop)
		FROM unnest($1::bytea[], $2::bigint[]) WITH ORDINALITY AS ask(hash, shop, i)
		JOIN sessions s ON s.id_hash = ask.hash AND s.expires_at > $3`, hashes, shops, db.Now())
	if err != nil {
		return nil, fmt.Errorf("read sessions' roles: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var i int
		var role *string
		if err := rows.Scan(&i, &role); err != nil {
			return nil, fmt.Errorf("read sessions' roles: %w", err)
		}
		if i >= 1 && i <= len(asks) && role != nil {
			out[i-1] = kb.Role(*role)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read sessions' roles: %w", err)
	}
	return out, nil
}

// DeleteSession logs a session out; deleting an unknown id is not an error.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	if _, err := db.pool.Exec(ctx, `DELETE FROM sessions WHERE id_hash = $1`, secret.Hash(id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}
