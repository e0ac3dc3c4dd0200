package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

const liveColumns = `id, org_id, app_id, kind, user_id, device_id, session_id, conversation_id,
	verified, workspace_ref, label, payload, created_at`

func scanLive(row scanner) (*kith.LiveEvent, error) {
	var e kith.LiveEvent
	var kind string
	var payload []byte
	var created int64
	err := row.Scan(&e.ID, &e.OrgID, &e.AppID, &kind, &e.UserID, &e.DeviceID, &e.SessionID, &e.ConversationID,
		&e.Verified, &e.WorkspaceRef, &e.Label, &payload, &created)
	if err != nil {
		return nil, err
	}
	e.Kind, e.Payload, e.CreatedAt = kith.LiveEventKind(kind), payload, fromUS(created)
	return &e, nil
}

func (r reads) LatestLiveEventID(ctx context.Context, orgID string) (int64, error) {
	var id sql.NullInt64
	if err := r.q.QueryRowContext(ctx, `SELECT MAX(id) FROM live_events WHERE org_id = $1`, orgID).Scan(&id); err != nil {
		return 0, classify(err)
	}
	return id.Int64, nil
}

func (r reads) LiveEvents(ctx context.Context, orgID string, after int64, f kith.LiveEventFilter, limit int) ([]*kith.LiveEvent, error) {
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	if f.Org {
		rows, err := r.q.QueryContext(ctx, `SELECT `+liveColumns+` FROM live_events WHERE org_id = $1 AND id > $2
			ORDER BY id LIMIT `+itoa(limit), orgID, after)
		return list(rows, err, scanLive)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+liveColumns+` FROM live_events
		WHERE org_id = $1 AND id > $2 AND (user_id = $3 OR device_id = $4 OR session_id = $5)
		ORDER BY id LIMIT `+itoa(limit), orgID, after, orEmpty(f.UserID), orEmpty(f.DeviceID), orEmpty(f.SessionID))
	return list(rows, err, scanLive)
}

// orEmpty keeps an empty filter field from matching the empty column of
// events that are not about a user, a device or a session: "-" is no id.
func orEmpty(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func (t *txn) AppendLiveEvent(ctx context.Context, e *kith.LiveEvent) error {
	if t.postgres {
		// Numbers come from a sequence, handed out at insert but visible at
		// commit: two transactions could commit out of order, and a widget
		// resuming after the later number would miss the earlier one. One
		// lock per organization makes its events commit in number order.
		if _, err := t.q.ExecContext(ctx, `SELECT pg_advisory_xact_lock(hashtextextended($1, 0))`, "live:"+e.OrgID); err != nil {
			return classify(err)
		}
	}
	err := t.q.QueryRowContext(ctx, `INSERT INTO live_events (org_id, app_id, kind, user_id, device_id,
		session_id, conversation_id, verified, workspace_ref, label, payload, created_at)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id`,
		e.OrgID, e.AppID, string(e.Kind), e.UserID, e.DeviceID, e.SessionID, e.ConversationID,
		e.Verified, e.WorkspaceRef, e.Label, string(e.Payload), us(e.CreatedAt)).Scan(&e.ID)
	return classify(err)
}

// ExpireAnonymous implements kith.Store, in one transaction.
func (s *Store) ExpireAnonymous(ctx context.Context, appID string, cutoff, eventsBefore time.Time) (int, error) {
	var expired int
	err := s.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		q := tx.(*txn).q
		rows, err := q.QueryContext(ctx, `SELECT d.anonymous_user_id FROM devices d JOIN users u ON u.id = d.anonymous_user_id
			WHERE d.app_id = $1 AND u.trust = 'anonymous' AND COALESCE(u.last_seen_at, u.created_at) < $2`, appID, us(cutoff))
		if err != nil {
			return err
		}
		var users []string
		for rows.Next() {
			var id string
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			users = append(users, id)
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, id := range users {
			if _, err := q.ExecContext(ctx, `UPDATE devices SET anonymous_user_id = NULL WHERE anonymous_user_id = $1`, id); err != nil {
				return err
			}
			if _, err := q.ExecContext(ctx, `DELETE FROM widget_sessions WHERE user_id = $1`, id); err != nil {
				return err
			}
		}
		expired = len(users)
		for _, stmt := range []struct {
			sql  string
			args []any
		}{
			{`DELETE FROM widget_sessions WHERE app_id = $1 AND trust = 'anonymous' AND last_seen_at < $2`,
				[]any{appID, us(cutoff)}},
			{`DELETE FROM devices WHERE app_id = $1 AND last_seen_at < $2 AND anonymous_user_id IS NULL
				AND NOT EXISTS (SELECT 1 FROM widget_sessions s WHERE s.device_id = devices.id)`, []any{appID, us(cutoff)}},
			{`DELETE FROM live_events WHERE app_id = $1 AND created_at < $2`, []any{appID, us(eventsBefore)}},
			{`DELETE FROM redeemed_session_tokens WHERE app_id = $1 AND expires_at < $2`, []any{appID, us(eventsBefore)}},
		} {
			if _, err := q.ExecContext(ctx, stmt.sql, stmt.args...); err != nil {
				return err
			}
		}
		return nil
	})
	return expired, err
}
