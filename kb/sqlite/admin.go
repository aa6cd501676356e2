package sqlite

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"assist/kb"
)

// The admin's phrase base: every change of a phrase is a version (who, when,
// the whole phrase after it), so any of them can be shown as a diff and
// rolled back to. In a shop that requires approval a change is a draft until
// a second admin approves it; only then is it applied and the shop's
// version bumped, so its next turn sees it.

// AdminPhrases lists every phrase of a shop, retired ones included, in the
// shop's order, each with its live version and any draft waiting on it.
func (db *DB) AdminPhrases(ctx context.Context, shop int64) ([]kb.AdminPhrase, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT p.id, p.scene, p.title, p.text, p.tags, p.code, p.retired,
			COALESCE((SELECT MAX(n) FROM phrase_versions v WHERE v.shop_id = p.shop_id AND v.phrase_id = p.id AND v.status = 'live'), 0),
			COALESCE((SELECT MAX(n) FROM phrase_versions v WHERE v.shop_id = p.shop_id AND v.phrase_id = p.id AND v.status = 'draft'), 0)
		FROM phrases p WHERE p.shop_id = ? ORDER BY p.pos`, shop)
	if err != nil {
		return nil, fmt.Errorf("list phrases of shop %d: %w", shop, err)
	}
	defer rows.Close()
	out := []kb.AdminPhrase{}
	for rows.Next() {
		var a kb.AdminPhrase
		var scene, tags string
		if err := rows.Scan(&a.ID, &scene, &a.Title, &a.Text, &tags, &a.Code, &a.Retired, &a.Version, &a.Draft); err != nil {
			return nil, fmt.Errorf("list phrases of shop %d: %w", shop, err)
		}
		a.Scene = kb.Scene(scene)
		if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
			return nil, fmt.Errorf("phrase %q tags: %w", a.ID, err)
		}
		out = append(out, a)
	}
	return out, rows.Err()
}

// ChangePhrase records a change of a phrase as its next version. In a shop
// that requires approval the version is a draft and nothing else changes;
// otherwise the phrase is written and the shop's version bumped, in the same
// transaction.
func (db *DB) ChangePhrase(ctx context.Context, shop int64, ch kb.PhraseChange) (kb.PhraseVersion, error) {
	id, err := ch.Target()
	if err != nil {
		return kb.PhraseVersion{}, err
	}
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
	}
	defer tx.Rollback()
	v, err := db.changePhrase(ctx, tx, shop, id, ch)
	if err != nil {
		return kb.PhraseVersion{}, err
	}
	if err := db.commitEdit(tx); err != nil {
		return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
	}
	return v, nil
}

func (db *DB) changePhrase(ctx context.Context, tx *sql.Tx, shop int64, id string, ch kb.PhraseChange) (kb.PhraseVersion, error) {
	approval, err := requireApproval(ctx, tx, shop)
	if err != nil {
		return kb.PhraseVersion{}, err
	}
	cur, exists, err := readPhraseState(ctx, tx, shop, id)
	if err != nil {
		return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
	}
	if exists {
		if err := db.ensureBaseline(ctx, tx, shop, cur); err != nil {
			return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
		}
	}
	var back kb.PhraseState
	if ch.Action == kb.PhraseRollback {
		old, err := db.phraseVersion(ctx, tx, shop, id, ch.RollbackTo)
		if err != nil {
			return kb.PhraseVersion{}, err
		}
		back = old.State
	}
	next, err := ch.Next(id, cur, exists, back)
	if err != nil {
		return kb.PhraseVersion{}, err
	}
	if err := checkState(ctx, tx, shop, next); err != nil {
		return kb.PhraseVersion{}, err
	}
	last, live, err := versionNumbers(ctx, tx, shop, id)
	if err != nil {
		return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
	}
	v := kb.PhraseVersion{PhraseID: id, N: last + 1, Action: ch.Action, Status: kb.VersionLive, Author: ch.Author,
		At: db.Now(), State: next, Base: live}
	if ch.Action == kb.PhraseRollback {
		v.RollbackTo = ch.RollbackTo
	}
	if approval {
		v.Status = kb.VersionDraft
	} else if err := db.applyState(ctx, tx, shop, next); err != nil {
		return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
	}
	if err := insertVersion(ctx, tx, shop, v); err != nil {
		return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
	}
	return v, nil
}

// checkState refuses a state no phrase may be in, and a short code another
// live phrase of the shop uses.
func checkState(ctx context.Context, tx *sql.Tx, shop int64, st kb.PhraseState) error {
	if err := st.Check(); err != nil || st.Code == "" || st.Retired {
		return err
	}
	var other string
	err := tx.QueryRowContext(ctx, `SELECT id FROM phrases WHERE shop_id = ? AND code = ? AND id != ? AND retired = 0 LIMIT 1`,
		shop, st.Code, st.ID).Scan(&other)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return kb.CodeTaken(st.Code, other)
}

// ensureBaseline records a phrase written before its first change (by an
// import) as version 1, so the admin can always roll back to it.
func (db *DB) ensureBaseline(ctx context.Context, tx *sql.Tx, shop int64, cur kb.PhraseState) error {
	last, _, err := versionNumbers(ctx, tx, shop, cur.ID)
	if err != nil || last > 0 {
		return err
	}
	return insertVersion(ctx, tx, shop, kb.PhraseVersion{PhraseID: cur.ID, N: 1, Action: kb.PhraseImport,
		Status: kb.VersionLive, Author: "", At: db.Now(), State: cur})
}

// applyState writes a phrase's state and bumps the shop's version.
func (db *DB) applyState(ctx context.Context, tx *sql.Tx, shop int64, st kb.PhraseState) error {
	p := st.Phrase
	if err := upsertPhrase(ctx, tx, shop, &p); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `UPDATE phrases SET retired = ? WHERE shop_id = ? AND id = ?`, st.Retired, shop, st.ID); err != nil {
		return err
	}
	return db.bumpVersion(ctx, tx, shop)
}

func readPhraseState(ctx context.Context, tx *sql.Tx, shop int64, id string) (kb.PhraseState, bool, error) {
	var st kb.PhraseState
	var scene, tags string
	err := tx.QueryRowContext(ctx, `SELECT id, scene, title, text, tags, code, retired FROM phrases WHERE shop_id = ? AND id = ?`,
		shop, id).Scan(&st.ID, &scene, &st.Title, &st.Text, &tags, &st.Code, &st.Retired)
	if errors.Is(err, sql.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, err
	}
	st.Scene = kb.Scene(scene)
	if err := json.Unmarshal([]byte(tags), &st.Tags); err != nil {
		return st, false, fmt.Errorf("tags: %w", err)
	}
	return st, true, nil
}

// versionNumbers is a phrase's last version and its last live one.
func versionNumbers(ctx context.Context, tx *sql.Tx, shop int64, id string) (last, live int, err error) {
	err = tx.QueryRowContext(ctx, `SELECT COALESCE(MAX(n), 0), COALESCE(MAX(CASE WHEN status = 'live' THEN n END), 0)
		FROM phrase_versions WHERE shop_id = ? AND phrase_id = ?`, shop, id).Scan(&last, &live)
	return last, live, err
}

func insertVersion(ctx context.Context, tx *sql.Tx, shop int64, v kb.PhraseVersion) error {
	approvedAt := ""
	if !v.ApprovedAt.IsZero() {
		approvedAt = stamp(v.ApprovedAt)
	}
	_, err := tx.ExecContext(ctx, `INSERT INTO phrase_versions
		(shop_id, phrase_id, n, action, status, author, at, phrase, base, rollback_to, approved_by, approved_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		shop, v.PhraseID, v.N, string(v.Action), string(v.Status), v.Author, stamp(v.At), kb.EncodePhraseState(v.State),
		v.Base, v.RollbackTo, v.ApprovedBy, approvedAt)
	return err
}

const versionColumns = `phrase_id, n, action, status, author, at, phrase, base, rollback_to, approved_by, approved_at`

type scanner interface{ Scan(...any) error }

func scanVersion(row scanner) (kb.PhraseVersion, error) {
	var v kb.PhraseVersion
	var action, status, at, state, approvedAt string
	if err := row.Scan(&v.PhraseID, &v.N, &action, &status, &v.Author, &at, &state, &v.Base, &v.RollbackTo,
		&v.ApprovedBy, &approvedAt); err != nil {
		return v, err
	}
	v.Action, v.Status = kb.PhraseAction(action), kb.VersionStatus(status)
	var err error
	if v.At, err = parseStamp(at); err != nil {
		return v, err
	}
	if approvedAt != "" {
		if v.ApprovedAt, err = parseStamp(approvedAt); err != nil {
			return v, err
		}
	}
	if v.State, err = kb.DecodePhraseState(state); err != nil {
		return v, fmt.Errorf("version %d of %q: %w", v.N, v.PhraseID, err)
	}
	return v, nil
}

func (db *DB) phraseVersion(ctx context.Context, tx *sql.Tx, shop int64, id string, n int) (kb.PhraseVersion, error) {
	v, err := scanVersion(tx.QueryRowContext(ctx, `SELECT `+versionColumns+` FROM phrase_versions
		WHERE shop_id = ? AND phrase_id = ? AND n = ?`, shop, id, n))
	if errors.Is(err, sql.ErrNoRows) {
		return v, kb.Errorf(kb.ENotFound, "话术 %q 没有第 %d 版 (phrase %q has no version %d)", id, n, id, n)
	}
	if err != nil {
		return v, fmt.Errorf("read version %d of %q: %w", n, id, err)
	}
	return v, nil
}

// PhraseHistory lists a phrase's versions, oldest first. A phrase no edit
// has touched yet has one: the state it was imported in.
func (db *DB) PhraseHistory(ctx context.Context, shop int64, id string) ([]kb.PhraseVersion, error) {
	out, err := db.versionsWhere(ctx, `shop_id = ? AND phrase_id = ? ORDER BY n`, shop, id)
	if err != nil || len(out) > 0 {
		return out, err
	}
	tx, err := db.readTx(ctx)
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	cur, exists, err := readPhraseState(ctx, tx, shop, id)
	if err != nil {
		return nil, fmt.Errorf("history of %q: %w", id, err)
	}
	if !exists {
		return nil, kb.Errorf(kb.ENotFound, "没有编号为 %q 的话术 (no phrase %q)", id, id)
	}
	var updated string
	if err := tx.QueryRowContext(ctx, `SELECT updated_at FROM shops WHERE id = ?`, shop).Scan(&updated); err != nil {
		return nil, err
	}
	at, _ := time.Parse(time.RFC3339Nano, updated)
	return []kb.PhraseVersion{{PhraseID: id, N: 1, Action: kb.PhraseImport, Status: kb.VersionLive, At: at, State: cur}}, nil
}

// PhraseDrafts lists the drafts waiting for a second admin, oldest first.
func (db *DB) PhraseDrafts(ctx context.Context, shop int64) ([]kb.PhraseVersion, error) {
	return db.versionsWhere(ctx, `shop_id = ? AND status = 'draft' ORDER BY at, phrase_id, n`, shop)
}

func (db *DB) versionsWhere(ctx context.Context, where string, args ...any) ([]kb.PhraseVersion, error) {
	rows, err := db.db.QueryContext(ctx, `SELECT `+versionColumns+` FROM phrase_versions WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read phrase versions: %w", err)
	}
	defer rows.Close()
	out := []kb.PhraseVersion{}
	for rows.Next() {
		v, err := scanVersion(rows)
		if err != nil {
			return nil, fmt.Errorf("read phrase versions: %w", err)
		}
		out = append(out, v)
	}
	return out, rows.Err()
}

// ApprovePhrase makes a draft live: a second admin, not its author,
// approves it, and it is applied at once. A draft written over a version
// that is no longer the live one is refused: approving it would undo a
// change its author never saw.
func (db *DB) ApprovePhrase(ctx context.Context, shop int64, id string, n int, approver string) (kb.PhraseVersion, error) {
	return db.decide(ctx, shop, id, n, approver, true)
}

// RejectPhrase closes a draft without applying it; its author may reject
// their own draft.
func (db *DB) RejectPhrase(ctx context.Context, shop int64, id string, n int, who string) (kb.PhraseVersion, error) {
	return db.decide(ctx, shop, id, n, who, false)
}

func (db *DB) decide(ctx context.Context, shop int64, id string, n int, who string, approve bool) (kb.PhraseVersion, error) {
	tx, err := db.db.BeginTx(ctx, nil)
	if err != nil {
		return kb.PhraseVersion{}, err
	}
	defer tx.Rollback()
	v, err := db.phraseVersion(ctx, tx, shop, id, n)
	if err != nil {
		return v, err
	}
	if err := v.Decidable(); err != nil {
		return v, err
	}
	if approve {
		_, live, err := versionNumbers(ctx, tx, shop, id)
		if err != nil {
			return v, err
		}
		if err := v.Approvable(who, live); err != nil {
			return v, err
		}
		if err := checkState(ctx, tx, shop, v.State); err != nil {
			return v, err
		}
		if err := db.applyState(ctx, tx, shop, v.State); err != nil {
			return v, fmt.Errorf("approve %q version %d: %w", id, n, err)
		}
		v.Status = kb.VersionLive
	} else {
		v.Status = kb.VersionRejected
	}
	v.ApprovedBy, v.ApprovedAt = who, db.Now()
	if _, err := tx.ExecContext(ctx, `UPDATE phrase_versions SET status = ?, approved_by = ?, approved_at = ?
		WHERE shop_id = ? AND phrase_id = ? AND n = ?`, string(v.Status), who, stamp(v.ApprovedAt), shop, id, n); err != nil {
		return v, err
	}
	if err := db.commitEdit(tx); err != nil {
		return v, err
	}
	return v, nil
}

func requireApproval(ctx context.Context, tx *sql.Tx, shop int64) (bool, error) {
	var on bool
	err := tx.QueryRowContext(ctx, `SELECT require_approval FROM shops WHERE id = ?`, shop).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	return on, err
}

// RequireApproval says whether a shop's phrase changes wait for a second
// admin.
func (db *DB) RequireApproval(ctx context.Context, shop int64) (bool, error) {
	var on bool
	err := db.db.QueryRowContext(ctx, `SELECT require_approval FROM shops WHERE id = ?`, shop).Scan(&on)
	if errors.Is(err, sql.ErrNoRows) {
		return false, kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	return on, err
}

// SetRequireApproval turns the two-admin rule on or off. Drafts written
// while it was on stay drafts.
func (db *DB) SetRequireApproval(ctx context.Context, shop int64, on bool) error {
	res, err := db.db.ExecContext(ctx, `UPDATE shops SET require_approval = ? WHERE id = ?`, on, shop)
	if err != nil {
		return fmt.Errorf("set approval of shop %d: %w", shop, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	return nil
}

// PhraseUsage counts, per phrase of a shop, how often it was shown, used and
// dismissed over the last 7 and 30 days (by the store's clock): shown
// events recorded before migration 013 with the others, shows since from
// their hourly counts.
func (db *DB) PhraseUsage(ctx context.Context, shop int64) (map[string]kb.PhraseUsage, error) {
	now := db.Now()
	week, month := stamp(now.Add(-7*24*time.Hour)), stamp(now.Add(-30*24*time.Hour))
	rows, err := db.db.QueryContext(ctx, `SELECT suggestion_id,
			SUM(action = 'shown' AND at >= ?), SUM(action = 'used' AND at >= ?), SUM(action = 'dismissed' AND at >= ?),
			SUM(action = 'shown'), SUM(action = 'used'), SUM(action = 'dismissed')
		FROM events WHERE shop_id = ? AND kind = ? AND at >= ? GROUP BY suggestion_id`,
		week, week, week, shop, kb.SuggestionPhrase, month)
	if err != nil {
		return nil, fmt.Errorf("phrase usage of shop %d: %w", shop, err)
	}
	defer rows.Close()
	out := map[string]kb.PhraseUsage{}
	for rows.Next() {
		var id string
		var u kb.PhraseUsage
		if err := rows.Scan(&id, &u.Shown7, &u.Used7, &u.Dismissed7, &u.Shown30, &u.Used30, &u.Dismissed30); err != nil {
			return nil, fmt.Errorf("phrase usage of shop %d: %w", shop, err)
		}
		out[id] = u
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("phrase usage of shop %d: %w", shop, err)
	}
	shown7, err := db.shownSince(ctx, shop, kb.SuggestionPhrase, now.Add(-7*24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("phrase usage of shop %d: %w", shop, err)
	}
	shown30, err := db.shownSince(ctx, shop, kb.SuggestionPhrase, now.Add(-30*24*time.Hour))
	if err != nil {
		return nil, fmt.Errorf("phrase usage of shop %d: %w", shop, err)
	}
	kb.AddShownUsage(out, shown7, shown30)
	return out, nil
}
