package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/jackc/pgx/v5"

	"assist/kb"
)

// The admin's phrase base, as kb/sqlite keeps it: every change of a phrase
// is a version (who, when, the whole phrase after it), so any of them can
// be shown as a diff and rolled back to. In a shop that requires approval a
// change is a draft until a second admin approves it; only then is it
// applied and the shop's version bumped, so every instance's next turn of
// the shop sees it.
//
// Each write locks the shop's row first (lockShop): versions are numbered
// per phrase from the highest so far, and two instances numbering at once
// would otherwise both take the same number.

// AdminPhrases lists every phrase of a shop, retired ones included, in the
// shop's order, each with its live version and any draft waiting on it.
func (db *DB) AdminPhrases(ctx context.Context, shop int64) ([]kb.AdminPhrase, error) {
	rows, err := db.pool.Query(ctx, `SELECT p.id, p.scene, p.title, p.text, p.tags::text, p.code, p.retired <> 0,
			COALESCE((SELECT MAX(n) FROM phrase_versions v WHERE v.shop_id = p.shop_id AND v.phrase_id = p.id AND v.status = 'live'), 0),
			COALESCE((SELECT MAX(n) FROM phrase_versions v WHERE v.shop_id = p.shop_id AND v.phrase_id = p.id AND v.status = 'draft'), 0)
		FROM phrases p WHERE p.shop_id = $1 ORDER BY p.pos`, shop)
	if err != nil {
		return nil, fmt.Errorf("list phrases of shop %d: %w", shop, err)
	}
	out, err := pgx.AppendRows([]kb.AdminPhrase{}, rows, func(r pgx.CollectableRow) (kb.AdminPhrase, error) {
		var a kb.AdminPhrase
		var scene, tags string
		if err := r.Scan(&a.ID, &scene, &a.Title, &a.Text, &tags, &a.Code, &a.Retired, &a.Version, &a.Draft); err != nil {
			return a, err
		}
		a.Scene = kb.Scene(scene)
		if err := json.Unmarshal([]byte(tags), &a.Tags); err != nil {
			return a, fmt.Errorf("phrase %q tags: %w", a.ID, err)
		}
		return a, nil
	})
	if err != nil {
		return nil, fmt.Errorf("list phrases of shop %d: %w", shop, err)
	}
	return out, nil
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
	var v kb.PhraseVersion
	err = db.inTx(ctx, func(tx pgx.Tx) error {
		var err error
		v, err = db.changePhrase(ctx, tx, shop, id, ch)
		return err
	})
	if err != nil && kb.ErrorCode(err) == kb.EInternal {
		return kb.PhraseVersion{}, fmt.Errorf("change phrase %q: %w", id, err)
	}
	return v, err
}

func (db *DB) changePhrase(ctx context.Context, tx pgx.Tx, shop int64, id string, ch kb.PhraseChange) (kb.PhraseVersion, error) {
	approval, err := lockShop(ctx, tx, shop)
	if err != nil {
		return kb.PhraseVersion{}, err
	}
	cur, exists, err := readPhraseState(ctx, tx, shop, id)
	if err != nil {
		return kb.PhraseVersion{}, err
	}
	if exists {
		if err := db.ensureBaseline(ctx, tx, shop, cur); err != nil {
			return kb.PhraseVersion{}, err
		}
	}
	var back kb.PhraseState
	if ch.Action == kb.PhraseRollback {
		old, err := phraseVersion(ctx, tx, shop, id, ch.RollbackTo)
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
		return kb.PhraseVersion{}, err
	}
	v := kb.PhraseVersion{PhraseID: id, N: last + 1, Action: ch.Action, Status: kb.VersionLive, Author: ch.Author,
		At: db.now(), State: next, Base: live}
	if ch.Action == kb.PhraseRollback {
		v.RollbackTo = ch.RollbackTo
	}
	if approval {
		v.Status = kb.VersionDraft
	} else if err := db.applyState(ctx, tx, shop, next); err != nil {
		return kb.PhraseVersion{}, err
	}
	return v, insertVersion(ctx, tx, shop, v)
}

// lockShop locks a shop's row for the rest of tx, so the shop's admin
// writes take turns across instances, and says whether the shop requires
// approval.
func lockShop(ctx context.Context, tx pgx.Tx, shop int64) (approval bool, err error) {
	err = tx.QueryRow(ctx, `SELECT require_approval <> 0 FROM shops WHERE id = $1 FOR UPDATE`, shop).Scan(&approval)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	return approval, err
}

// checkState refuses a state no phrase may be in, and a short code another
// live phrase of the shop uses.
func checkState(ctx context.Context, tx pgx.Tx, shop int64, st kb.PhraseState) error {
	if err := st.Check(); err != nil || st.Code == "" || st.Retired {
		return err
	}
	var other string
	err := tx.QueryRow(ctx, `SELECT id FROM phrases WHERE shop_id = $1 AND code = $2 AND id <> $3 AND retired = 0 LIMIT 1`,
		shop, st.Code, st.ID).Scan(&other)
	if errors.Is(err, pgx.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return kb.CodeTaken(st.Code, other)
}

// ensureBaseline records a phrase written before its first change (by an
// import) as version 1, so the admin can always roll back to it.
func (db *DB) ensureBaseline(ctx context.Context, tx pgx.Tx, shop int64, cur kb.PhraseState) error {
	last, _, err := versionNumbers(ctx, tx, shop, cur.ID)
	if err != nil || last > 0 {
		return err
	}
	return insertVersion(ctx, tx, shop, kb.PhraseVersion{PhraseID: cur.ID, N: 1, Action: kb.PhraseImport,
		Status: kb.VersionLive, At: db.now(), State: cur})
}

// applyState writes a phrase's state, after the others if it is new, and
// bumps the shop's version.
func (db *DB) applyState(ctx context.Context, tx pgx.Tx, shop int64, st kb.PhraseState) error {
	retired := 0
	if st.Retired {
		retired = 1
	}
	tag, err := tx.Exec(ctx, `UPDATE phrases SET scene = $1, title = $2, text = $3, tags = $4, code = $5, retired = $6
		WHERE shop_id = $7 AND id = $8`, string(st.Scene), st.Title, st.Text, jsonText(st.Tags), st.Code, retired, shop, st.ID)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		if err := insertPhrase(ctx, tx, shop, st); err != nil {
			return err
		}
	}
	return db.bumpVersion(ctx, tx, shop)
}

// insertPhrase adds a phrase after the shop's others.
func insertPhrase(ctx context.Context, tx pgx.Tx, shop int64, st kb.PhraseState) error {
	retired := 0
	if st.Retired {
		retired = 1
	}
	_, err := tx.Exec(ctx, `INSERT INTO phrases (shop_id, id, pos, scene, title, text, tags, code, retired)
		VALUES ($1, $2, (SELECT COALESCE(MAX(pos), -1) + 1 FROM phrases WHERE shop_id = $1), $3, $4, $5, $6, $7, $8)`,
		shop, st.ID, string(st.Scene), st.Title, st.Text, jsonText(st.Tags), st.Code, retired)
	return err
}

func readPhraseState(ctx context.Context, tx pgx.Tx, shop int64, id string) (kb.PhraseState, bool, error) {
	var st kb.PhraseState
	var scene, tags string
	err := tx.QueryRow(ctx, `SELECT id, scene, title, text, tags::text, code, retired <> 0 FROM phrases WHERE shop_id = $1 AND id = $2`,
		shop, id).Scan(&st.ID, &scene, &st.Title, &st.Text, &tags, &st.Code, &st.Retired)
	if errors.Is(err, pgx.ErrNoRows) {
		return st, false, nil
	}
	if err != nil {
		return st, false, fmt.Errorf("read phrase %q: %w", id, err)
	}
	st.Scene = kb.Scene(scene)
	if err := json.Unmarshal([]byte(tags), &st.Tags); err != nil {
		return st, false, fmt.Errorf("phrase %q tags: %w", id, err)
	}
	return st, true, nil
}

// versionNumbers is a phrase's last version and its last live one.
func versionNumbers(ctx context.Context, tx pgx.Tx, shop int64, id string) (last, live int, err error) {
	err = tx.QueryRow(ctx, `SELECT COALESCE(MAX(n), 0), COALESCE(MAX(n) FILTER (WHERE status = 'live'), 0)
		FROM phrase_versions WHERE shop_id = $1 AND phrase_id = $2`, shop, id).Scan(&last, &live)
	return last, live, err
}

// approvedStamp is approved_at as kept: text, like kb/sqlite's, so that
// assist migrate copies it as it is; "" until a draft is decided.
func approvedStamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05.000000000Z")
}

func insertVersion(ctx context.Context, tx pgx.Tx, shop int64, v kb.PhraseVersion) error {
	_, err := tx.Exec(ctx, `INSERT INTO phrase_versions
		(shop_id, phrase_id, n, action, status, author, at, phrase, base, rollback_to, approved_by, approved_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12)`,
		shop, v.PhraseID, v.N, string(v.Action), string(v.Status), v.Author, v.At, kb.EncodePhraseState(v.State),
		v.Base, v.RollbackTo, v.ApprovedBy, approvedStamp(v.ApprovedAt))
	if err != nil {
		return fmt.Errorf("record version %d of %q: %w", v.N, v.PhraseID, err)
	}
	return nil
}

const versionColumns = `phrase_id, n, action, status, author, at, phrase, base, rollback_to, approved_by, approved_at`

func scanVersion(row pgx.Row) (kb.PhraseVersion, error) {
	var v kb.PhraseVersion
	var action, status, state, approvedAt string
	if err := row.Scan(&v.PhraseID, &v.N, &action, &status, &v.Author, &v.At, &state, &v.Base, &v.RollbackTo,
		&v.ApprovedBy, &approvedAt); err != nil {
		return v, err
	}
	v.Action, v.Status, v.At = kb.PhraseAction(action), kb.VersionStatus(status), v.At.UTC()
	var err error
	if approvedAt != "" {
		if v.ApprovedAt, err = time.Parse(time.RFC3339Nano, approvedAt); err != nil {
			return v, fmt.Errorf("version %d of %q: approved_at: %w", v.N, v.PhraseID, err)
		}
	}
	if v.State, err = kb.DecodePhraseState(state); err != nil {
		return v, fmt.Errorf("version %d of %q: %w", v.N, v.PhraseID, err)
	}
	return v, nil
}

func phraseVersion(ctx context.Context, tx pgx.Tx, shop int64, id string, n int) (kb.PhraseVersion, error) {
	v, err := scanVersion(tx.QueryRow(ctx, `SELECT `+versionColumns+` FROM phrase_versions
		WHERE shop_id = $1 AND phrase_id = $2 AND n = $3`, shop, id, n))
	if errors.Is(err, pgx.ErrNoRows) {
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
	out, err := db.versionsWhere(ctx, `shop_id = $1 AND phrase_id = $2 ORDER BY n`, shop, id)
	if err != nil || len(out) > 0 {
		return out, err
	}
	tx, err := db.pool.BeginTx(ctx, pgx.TxOptions{IsoLevel: pgx.RepeatableRead, AccessMode: pgx.ReadOnly})
	if err != nil {
		return nil, fmt.Errorf("history of %q: %w", id, err)
	}
	defer tx.Rollback(ctx)
	cur, exists, err := readPhraseState(ctx, tx, shop, id)
	if err != nil {
		return nil, fmt.Errorf("history of %q: %w", id, err)
	}
	if !exists {
		return nil, kb.Errorf(kb.ENotFound, "没有编号为 %q 的话术 (no phrase %q)", id, id)
	}
	var at time.Time
	if err := tx.QueryRow(ctx, `SELECT updated_at FROM shops WHERE id = $1`, shop).Scan(&at); err != nil {
		return nil, fmt.Errorf("history of %q: %w", id, err)
	}
	return []kb.PhraseVersion{{PhraseID: id, N: 1, Action: kb.PhraseImport, Status: kb.VersionLive, At: at.UTC(), State: cur}}, nil
}

// PhraseDrafts lists the drafts waiting for a second admin, oldest first.
func (db *DB) PhraseDrafts(ctx context.Context, shop int64) ([]kb.PhraseVersion, error) {
	return db.versionsWhere(ctx, `shop_id = $1 AND status = 'draft' ORDER BY at, phrase_id, n`, shop)
}

func (db *DB) versionsWhere(ctx context.Context, where string, args ...any) ([]kb.PhraseVersion, error) {
	rows, err := db.pool.Query(ctx, `SELECT `+versionColumns+` FROM phrase_versions WHERE `+where, args...)
	if err != nil {
		return nil, fmt.Errorf("read phrase versions: %w", err)
	}
	out, err := pgx.AppendRows([]kb.PhraseVersion{}, rows, func(r pgx.CollectableRow) (kb.PhraseVersion, error) {
		return scanVersion(r)
	})
	if err != nil {
		return nil, fmt.Errorf("read phrase versions: %w", err)
	}
	return out, nil
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
	var v kb.PhraseVersion
	err := db.inTx(ctx, func(tx pgx.Tx) error {
		if _, err := lockShop(ctx, tx, shop); err != nil {
			return err
		}
		var err error
		if v, err = phraseVersion(ctx, tx, shop, id, n); err != nil {
			return err
		}
		if err := v.Decidable(); err != nil {
			return err
		}
		if approve {
			if err := db.approve(ctx, tx, shop, v, who); err != nil {
				return err
			}
			v.Status = kb.VersionLive
		} else {
			v.Status = kb.VersionRejected
		}
		v.ApprovedBy, v.ApprovedAt = who, db.now()
		_, err = tx.Exec(ctx, `UPDATE phrase_versions SET status = $1, approved_by = $2, approved_at = $3
			WHERE shop_id = $4 AND phrase_id = $5 AND n = $6`, string(v.Status), who, approvedStamp(v.ApprovedAt), shop, id, n)
		return err
	})
	if err != nil && kb.ErrorCode(err) == kb.EInternal {
		return v, fmt.Errorf("decide version %d of %q: %w", n, id, err)
	}
	return v, err
}

// approve applies draft v, approved by who, inside tx.
func (db *DB) approve(ctx context.Context, tx pgx.Tx, shop int64, v kb.PhraseVersion, who string) error {
	_, live, err := versionNumbers(ctx, tx, shop, v.PhraseID)
	if err != nil {
		return err
	}
	if err := v.Approvable(who, live); err != nil {
		return err
	}
	if err := checkState(ctx, tx, shop, v.State); err != nil {
		return err
	}
	return db.applyState(ctx, tx, shop, v.State)
}

// RequireApproval says whether a shop's phrase changes wait for a second
// admin.
func (db *DB) RequireApproval(ctx context.Context, shop int64) (bool, error) {
	var on bool
	err := db.pool.QueryRow(ctx, `SELECT require_approval <> 0 FROM shops WHERE id = $1`, shop).Scan(&on)
	if errors.Is(err, pgx.ErrNoRows) {
		return false, kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	if err != nil {
		return false, fmt.Errorf("read approval of shop %d: %w", shop, err)
	}
	return on, nil
}

// SetRequireApproval turns the two-admin rule on or off. Drafts written
// while it was on stay drafts.
func (db *DB) SetRequireApproval(ctx context.Context, shop int64, on bool) error {
	flag := 0
	if on {
		flag = 1
	}
	tag, err := db.pool.Exec(ctx, `UPDATE shops SET require_approval = $1 WHERE id = $2`, flag, shop)
	if err != nil {
		return fmt.Errorf("set approval of shop %d: %w", shop, err)
	}
	if tag.RowsAffected() == 0 {
		return kb.Errorf(kb.ENotFound, "no shop %d in the store", shop)
	}
	return nil
}

// PhraseUsage counts, per phrase of a shop, how often it was shown, used and
// dismissed over the last 7 and 30 days (by the store's clock): shown
// events recorded before migration 013 with the others, shows since from
// their hourly counts.
func (db *DB) PhraseUsage(ctx context.Context, shop int64) (map[string]kb.PhraseUsage, error) {
	now := db.now()
	week, month := now.Add(-7*24*time.Hour), now.Add(-30*24*time.Hour)
	rows, err := db.pool.Query(ctx, `SELECT suggestion_id,
			COUNT(*) FILTER (WHERE action = 'shown' AND at >= $1), COUNT(*) FILTER (WHERE action = 'used' AND at >= $1),
			COUNT(*) FILTER (WHERE action = 'dismissed' AND at >= $1),
			COUNT(*) FILTER (WHERE action = 'shown'), COUNT(*) FILTER (WHERE action = 'used'),
			COUNT(*) FILTER (WHERE action = 'dismissed')
		FROM events WHERE shop_id = $2 AND kind = $3 AND at >= $4 GROUP BY suggestion_id`,
		week, shop, kb.SuggestionPhrase, month)
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
	shown7, err := db.shownSince(ctx, shop, kb.SuggestionPhrase, week)
	if err != nil {
		return nil, fmt.Errorf("phrase usage of shop %d: %w", shop, err)
	}
	shown30, err := db.shownSince(ctx, shop, kb.SuggestionPhrase, month)
	if err != nil {
		return nil, fmt.Errorf("phrase usage of shop %d: %w", shop, err)
	}
	kb.AddShownUsage(out, shown7, shown30)
	return out, nil
}
