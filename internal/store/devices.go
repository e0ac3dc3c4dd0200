package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

const deviceColumns = `id, org_id, app_id, token_hash, anonymous_user_id, anonymous_name, created_at, last_seen_at`

func scanDevice(row scanner) (*kith.Device, error) {
	var d kith.Device
	var anon sql.NullString
	var created, seen int64
	if err := row.Scan(&d.ID, &d.OrgID, &d.AppID, &d.TokenHash, &anon, &d.AnonymousName, &created, &seen); err != nil {
		return nil, err
	}
	d.AnonymousUserID, d.CreatedAt, d.LastSeenAt = anon.String, fromUS(created), fromUS(seen)
	return &d, nil
}

func (r reads) Device(ctx context.Context, orgID, id string) (*kith.Device, error) {
	d, err := scanDevice(r.q.QueryRowContext(ctx,
		`SELECT `+deviceColumns+` FROM devices WHERE org_id = $1 AND id = $2`, orgID, id))
	return one(d, err, "device")
}

func (t *txn) CreateDevice(ctx context.Context, d *kith.Device) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO devices (`+deviceColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		d.ID, d.OrgID, d.AppID, d.TokenHash, nullStr(d.AnonymousUserID), d.AnonymousName, us(d.CreatedAt), us(d.LastSeenAt))
	return classify(err)
}

func (t *txn) UpdateDevice(ctx context.Context, d *kith.Device) error {
	res, err := t.q.ExecContext(ctx, `UPDATE devices SET anonymous_user_id = $3, anonymous_name = $4, last_seen_at = $5
		WHERE org_id = $1 AND id = $2`, d.OrgID, d.ID, nullStr(d.AnonymousUserID), d.AnonymousName, us(d.LastSeenAt))
	return affected(res, err, "device")
}

const sessionColumns = `id, org_id, app_id, device_id, user_id, trust, workspace_ref, label, method, token_hash,
	created_at, expires_at, revoked_at, last_seen_at, proof`

func scanSession(row scanner) (*kith.Session, error) {
	var s kith.Session
	var user sql.NullString
	var trust, method string
	var created, expires, seen int64
	var revoked sql.NullInt64
	err := row.Scan(&s.ID, &s.OrgID, &s.AppID, &s.DeviceID, &user, &trust, &s.WorkspaceRef, &s.Label, &method, &s.TokenHash,
		&created, &expires, &revoked, &seen, &s.Proof)
	if err != nil {
		return nil, err
	}
	s.UserID, s.Trust, s.Method = user.String, kith.Trust(trust), kith.Method(method)
	s.CreatedAt, s.ExpiresAt, s.RevokedAt, s.LastSeenAt = fromUS(created), fromUS(expires), fromNullUS(revoked), fromUS(seen)
	return &s, nil
}

func (r reads) Session(ctx context.Context, id string) (*kith.Session, error) {
	s, err := scanSession(r.q.QueryRowContext(ctx, `SELECT `+sessionColumns+` FROM widget_sessions WHERE id = $1`, id))
	return one(s, err, "session")
}

func (r reads) Sessions(ctx context.Context, orgID, userID string) ([]*kith.Session, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+sessionColumns+` FROM widget_sessions
		WHERE org_id = $1 AND user_id = $2 ORDER BY created_at DESC, id DESC LIMIT 1000`, orgID, userID)
	return list(rows, err, scanSession)
}

func (t *txn) CreateSession(ctx context.Context, s *kith.Session) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO widget_sessions (`+sessionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		s.ID, s.OrgID, s.AppID, s.DeviceID, nullStr(s.UserID), string(s.Trust), s.WorkspaceRef, s.Label, string(s.Method),
		s.TokenHash, us(s.CreatedAt), us(s.ExpiresAt), nullUS(s.RevokedAt), us(s.LastSeenAt), s.Proof)
	return classify(err)
}

func (t *txn) UpdateSession(ctx context.Context, s *kith.Session) error {
	res, err := t.q.ExecContext(ctx, `UPDATE widget_sessions SET user_id = $3, expires_at = $4, revoked_at = $5,
		last_seen_at = $6 WHERE org_id = $1 AND id = $2`,
		s.OrgID, s.ID, nullStr(s.UserID), us(s.ExpiresAt), nullUS(s.RevokedAt), us(s.LastSeenAt))
	return affected(res, err, "session")
}

func (t *txn) RevokeSessions(ctx context.Context, orgID string, sel kith.SessionSelector, at time.Time) ([]*kith.Session, error) {
	if sel.UserID == "" && sel.SessionID == "" {
		return nil, nil // a caller's bug must not revoke the whole organization
	}
	var w where
	w.add("org_id = ?", orgID)
	if sel.UserID != "" {
		w.add("user_id = ?", sel.UserID)
	}
	if sel.SessionID != "" {
		w.add("id = ?", sel.SessionID)
	}
	if sel.AppID != "" {
		w.add("app_id = ?", sel.AppID)
	}
	w.conds = append(w.conds, "revoked_at IS NULL")
	w.add("expires_at > ?", us(at))
	rows, err := t.q.QueryContext(ctx, `SELECT `+sessionColumns+` FROM widget_sessions`+w.String(), w.args...)
	sessions, err := list(rows, err, scanSession)
	if err != nil {
		return nil, classify(err)
	}
	for _, s := range sessions {
		s.RevokedAt = at
		if _, err := t.q.ExecContext(ctx, `UPDATE widget_sessions SET revoked_at = $2 WHERE id = $1`, s.ID, us(at)); err != nil {
			return nil, classify(err)
		}
	}
	return sessions, nil
}

func (r reads) Redemption(ctx context.Context, appID, jti string) (string, error) {
	var device string
	err := r.q.QueryRowContext(ctx, `SELECT device_id FROM redeemed_session_tokens WHERE app_id = $1 AND jti = $2`,
		appID, jti).Scan(&device)
	if err == sql.ErrNoRows {
		return "", kith.NotFound("redemption")
	}
	return device, classify(err)
}

func (t *txn) Redeem(ctx context.Context, appID, jti, deviceID string, expires time.Time) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO redeemed_session_tokens (jti, app_id, device_id, expires_at)
		VALUES ($1, $2, $3, $4)`, jti, appID, deviceID, us(expires))
	return classify(err)
}

// TouchSession implements kith.Store.
func (s *Store) TouchSession(ctx context.Context, id string, at, expires time.Time) error {
	_, err := s.write.ExecContext(ctx, `UPDATE widget_sessions SET last_seen_at = $2,
		expires_at = CASE WHEN expires_at < $4 THEN $4 ELSE expires_at END
		WHERE id = $1 AND last_seen_at < $3`, id, us(at), us(at.Add(-time.Minute)), us(expires))
	return classify(err)
}

// TouchUser implements kith.Store.
func (s *Store) TouchUser(ctx context.Context, id string, at time.Time) error {
	_, err := s.write.ExecContext(ctx, `UPDATE users SET last_seen_at = $2
		WHERE id = $1 AND (last_seen_at IS NULL OR last_seen_at < $3)`, id, us(at), us(at.Add(-time.Minute)))
	return classify(err)
}
