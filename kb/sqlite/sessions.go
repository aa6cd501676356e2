package sqlite

import (
	"cmp"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"assist/kb"
	"assist/kb/jsontext"
	"assist/kb/secret"
)

// sessionIDBytes is the entropy of a session id.
const sessionIDBytes = 32

// CreateSession logs user in for ttl and returns the session id for the
// cookie. Only its hash is stored. Expired sessions are swept on the way.
func (db *DB) CreateSession(ctx context.Context, user *kb.User, ttl time.Duration) (string, *kb.Session, error) {
	id, err := secret.Random(sessionIDBytes)
	if err != nil {
		return "", nil, err
	}
	now := db.Now().UTC()
	s := &kb.Session{User: *user, CreatedAt: now, ExpiresAt: now.Add(ttl)}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	defer tx.Rollback()
	if _, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE expires_at <= ?`, stamp(now)); err != nil {
		return "", nil, fmt.Errorf("sweep sessions: %w", err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO sessions (id_hash, user_id, created_at, expires_at) VALUES (?, ?, ?, ?)`,
		secret.Hash(id), user.ID, stamp(now), stamp(s.ExpiresAt)); err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return "", nil, fmt.Errorf("create session: %w", err)
	}
	return id, s, nil
}

// Session returns the live session with the given id; a missing or expired
// one is unauthorized. The user is read afresh, so a changed role counts at
// once.
func (db *DB) Session(ctx context.Context, id string) (*kb.Session, error) {
	if id == "" {
		return nil, kb.Errorf(kb.EUnauthorized, "not logged in")
	}
	// The session, its person and their shops in one query, shaped so that
	// SQLite plans it once: every table reached by its unique key or from
	// the session's row. A join, or a second query for the shops (by
	// user_id, not a unique key), let the plan depend on a bound value, and
	// go-sqlite3 clears a statement's bindings before each run, which
	// throws such a plan away: SQLite planned the read again at every
	// request, 35-44 µs where this takes 13-17 (docs/figures.md). The
	// shops are read with the session, so a grant or a removal counts at
	// the next request.
	var s kb.Session
	var created, expires string
	var name, userCreated sql.NullString // NULL if the person is gone
	var owner sql.NullBool
	var shops []byte
	err := db.db.QueryRowContext(ctx, `SELECT s.user_id, s.created_at, s.expires_at,
			(SELECT name FROM users WHERE id = s.user_id), (SELECT owner FROM users WHERE id = s.user_id),
			(SELECT created_at FROM users WHERE id = s.user_id),
			(SELECT json_group_array(json_array(m.shop_id, sh.name, m.role))
				FROM memberships m JOIN shops sh ON sh.id = m.shop_id WHERE m.user_id = s.user_id)
		FROM sessions s WHERE s.id_hash = ?`, secret.Hash(id)).
		Scan(&s.User.ID, &created, &expires, &name, &owner, &userCreated, &shops)
	if errors.Is(err, sql.ErrNoRows) || (err == nil && !name.Valid) {
		return nil, kb.Errorf(kb.EUnauthorized, "session expired or unknown: log in again")
	}
	if err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	s.User.Name, s.User.Owner = name.String, owner.Bool
	if s.User.Shops, err = decodeMemberships(shops); err != nil {
		return nil, fmt.Errorf("read session: %w", err)
	}
	for _, f := range []struct {
		text string
		dst  *time.Time
	}{{userCreated.String, &s.User.CreatedAt}, {created, &s.CreatedAt}, {expires, &s.ExpiresAt}} {
		if *f.dst, err = parseStamp(f.text); err != nil {
			return nil, fmt.Errorf("read session: %w", err)
		}
	}
	if !db.Now().Before(s.ExpiresAt) {
		return nil, kb.Errorf(kb.EUnauthorized, "session expired or unknown: log in again")
	}
	return &s, nil
}

// decodeMemberships reads the session query's shops, a JSON array of
// [shop id, shop name, role], into memberships in the shops' order.
//
// Every request of a logged-in person reads them, and encoding/json took
// about 2 µs a shop: a person in many shops (an outsourced team's) paid
// most of the read for it. SQLite writes the array one way; that way is
// read here by hand, and anything else (an escape in a name, a space, a
// number of another form) by encoding/json, as before.
func decodeMemberships(b []byte) ([]kb.Membership, error) {
	out, ok := plainMemberships(b)
	if !ok {
		return decodeMembershipsJSON(b)
	}
	slices.SortFunc(out, func(a, b kb.Membership) int { return cmp.Compare(a.ShopID, b.ShopID) })
	return out, nil
}

// plainMemberships reads [[id,"name","role"],...] as json_group_array
// writes it: no space, ids as plain integers, strings without an escape.
// It reports false for anything else, which encoding/json then decides.
func plainMemberships(b []byte) ([]kb.Membership, bool) {
	if len(b) < 2 || b[0] != '[' || b[len(b)-1] != ']' {
		return nil, false
	}
	out := []kb.Membership{}
	if len(b) == 2 {
		return out, true
	}
	for i := 1; ; {
		if b[i] != '[' {
			return nil, false
		}
		id, j, ok := plainInt(b, i+1)
		if !ok || b[j] != ',' {
			return nil, false
		}
		name, j, ok := plainString(b, j+1)
		if !ok || b[j] != ',' {
			return nil, false
		}
		role, j, ok := plainString(b, j+1)
		if !ok || b[j] != ']' {
			return nil, false
		}
		out = append(out, kb.Membership{ShopID: id, ShopName: name, Role: kb.Role(role)})
		switch i = j + 1; {
		case i == len(b)-1:
			return out, true
		case i == len(b) || b[i] != ',': // the array's bracket closed the row
			return nil, false
		}
		i++
	}
}

// plainInt reads the integer at b[i], written as JSON writes one (no
// leading zero, no sign, fraction or exponent), and where it ends; b's
// last byte is not part of it.
func plainInt(b []byte, i int) (int64, int, bool) {
	j := i
	for j < len(b)-1 && '0' <= b[j] && b[j] <= '9' {
		j++
	}
	if j == i || j-i > 1 && b[i] == '0' {
		return 0, 0, false
	}
	n, err := strconv.ParseInt(string(b[i:j]), 10, 64)
	return n, j, err == nil
}

// plainString reads the string at b[i] when it needs no decoding, and where
// it ends. b ends with a bracket, so a string's end is inside it.
func plainString(b []byte, i int) (string, int, bool) {
	s, j, ok := jsontext.PlainString(b, i)
	if !ok || !utf8.Valid(s) {
		return "", 0, false
	}
	return string(s), j, true
}

// decodeMembershipsJSON is decodeMemberships through encoding/json.
func decodeMembershipsJSON(b []byte) ([]kb.Membership, error) {
	var rows [][3]json.RawMessage
	if err := json.Unmarshal(b, &rows); err != nil {
		return nil, fmt.Errorf("shops: %w", err)
	}
	out := make([]kb.Membership, len(rows))
	for i, r := range rows {
		var role string
		if err := errors.Join(json.Unmarshal(r[0], &out[i].ShopID), json.Unmarshal(r[1], &out[i].ShopName),
			json.Unmarshal(r[2], &role)); err != nil {
			return nil, fmt.Errorf("shops: %w", err)
		}
		out[i].Role = kb.Role(role)
	}
	slices.SortFunc(out, func(a, b kb.Membership) int { return cmp.Compare(a.ShopID, b.ShopID) })
	return out, nil
}

// DeleteSession logs a session out; deleting an unknown id is not an error.
func (db *DB) DeleteSession(ctx context.Context, id string) error {
	if _, err := db.db.ExecContext(ctx, `DELETE FROM sessions WHERE id_hash = ?`, secret.Hash(id)); err != nil {
		return fmt.Errorf("delete session: %w", err)
	}
	return nil
}

// sessionRoleRows are the sizes of SessionRoles' queries: a batch is padded
// to the next, so a few statements serve every batch (each size is its own
// statement in the connection's cache of 64, which the turns' need too).
// The largest bounds one query (three variables a pair, well inside
// SQLite's limit).
var sessionRoleRows = []int{1, 4, 16, 64, 256, 500}

// SessionRoles answers, for each pair, the role the session's person holds in
// the shop: "" when the session is unknown, logged out or expired, or the
// person has no role there. The pairs are read together, a few hundred a
// query: an open socket's caller is checked again at every ping, and one
// query per socket cost a server of 10,000 panels a tenth of its CPU
// (docs/figures.md), most of it reading the same pages again, since SQLite
// empties a reading connection's page cache whenever a turn has committed.
func (db *DB) SessionRoles(ctx context.Context, asks []kb.SessionShop) ([]kb.Role, error) {
	out := make([]kb.Role, len(asks))
	now := db.Now()
	most := sessionRoleRows[len(sessionRoleRows)-1]
	for start := 0; start < len(asks); start += most {
		part := asks[start:min(len(asks), start+most)]
		n := sessionRoleRows[slices.IndexFunc(sessionRoleRows, func(n int) bool { return n >= len(part) })]
		args := make([]any, 0, 3*n)
		for i, a := range part {
			args = append(args, i, secret.Hash(a.Session), a.Shop)
		}
		for range n - len(part) { // padding: no session has a NULL hash
			args = append(args, -1, nil, 0)
		}
		rows, err := db.db.QueryContext(ctx, `WITH ask(i, hash, shop) AS (VALUES (?, ?, ?)`+strings.Repeat(", (?, ?, ?)", n-1)+`)
			SELECT ask.i, s.expires_at, (SELECT m.role FROM memberships m JOIN shops sh ON sh.id = m.shop_id
				WHERE m.user_id = s.user_id AND m.shop_id = ask.shop)
			FROM ask JOIN sessions s ON s.id_hash = ask.hash`, args...)
		if err != nil {
			return nil, fmt.Errorf("read sessions' roles: %w", err)
		}
		for rows.Next() {
			var i int
			var expires string
			var role sql.NullString
			if err := rows.Scan(&i, &expires, &role); err != nil {
				rows.Close()
				return nil, fmt.Errorf("read sessions' roles: %w", err)
			}
			// An expiry that does not read is no live session: its socket
			// closes, as Session refuses it.
			at, err := parseStamp(expires)
			if err == nil && i >= 0 && i < len(part) && now.Before(at) {
				out[start+i] = kb.Role(role.String)
			}
		}
		rows.Close()
		if err := rows.Err(); err != nil {
			return nil, fmt.Errorf("read sessions' roles: %w", err)
		}
	}
	return out, nil
}
