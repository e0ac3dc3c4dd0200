package store

import (
	"context"
	"database/sql"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

const agentColumns = `id, org_id, email, name, role, password_hash, created_at, disabled_at, last_login_at`

func scanAgent(row scanner) (*kith.Agent, error) {
	var a kith.Agent
	var role string
	var created int64
	var disabled, login sql.NullInt64
	if err := row.Scan(&a.ID, &a.OrgID, &a.Email, &a.Name, &role, &a.PasswordHash, &created, &disabled, &login); err != nil {
		return nil, err
	}
	a.Role = kith.Role(role)
	a.CreatedAt, a.DisabledAt, a.LastLoginAt = fromUS(created), fromNullUS(disabled), fromNullUS(login)
	return &a, nil
}

func (r reads) Agent(ctx context.Context, orgID, id string) (*kith.Agent, error) {
	a, err := scanAgent(r.q.QueryRowContext(ctx, `SELECT `+agentColumns+` FROM agents WHERE id = $1 AND org_id = $2`, id, orgID))
	return one(a, err, "agent")
}

func (r reads) AgentByEmail(ctx context.Context, email string) (*kith.Agent, error) {
	a, err := scanAgent(r.q.QueryRowContext(ctx, `SELECT `+agentColumns+` FROM agents WHERE email = $1`, email))
	return one(a, err, "agent")
}

func (r reads) Agents(ctx context.Context, orgID string) ([]*kith.Agent, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+agentColumns+` FROM agents WHERE org_id = $1 ORDER BY id`, orgID)
	return list(rows, err, scanAgent)
}

func (t *txn) CreateAgent(ctx context.Context, a *kith.Agent) error {
	if a.ID == "" {
		a.ID = newID(prefixAgent)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO agents (`+agentColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, a.OrgID, a.Email, a.Name, string(a.Role), a.PasswordHash, us(a.CreatedAt), nullUS(a.DisabledAt), nullUS(a.LastLoginAt))
	return classify(err)
}

func (t *txn) UpdateAgent(ctx context.Context, a *kith.Agent) error {
	res, err := t.q.ExecContext(ctx, `UPDATE agents SET name = $3, role = $4, password_hash = $5, disabled_at = $6,
		last_login_at = $7 WHERE id = $1 AND org_id = $2`,
		a.ID, a.OrgID, a.Name, string(a.Role), a.PasswordHash, nullUS(a.DisabledAt), nullUS(a.LastLoginAt))
	return affected(res, err, "agent")
}

const agentSessionColumns = `id, org_id, agent_id, token_hash, created_at, last_seen_at, expires_at, revoked_at, user_agent, address`

func scanAgentSession(row scanner) (*kith.AgentSession, error) {
	var s kith.AgentSession
	var created, seen, expires int64
	var revoked sql.NullInt64
	if err := row.Scan(&s.ID, &s.OrgID, &s.AgentID, &s.TokenHash, &created, &seen, &expires, &revoked, &s.UserAgent, &s.Address); err != nil {
		return nil, err
	}
	s.CreatedAt, s.LastSeenAt, s.ExpiresAt, s.RevokedAt = fromUS(created), fromUS(seen), fromUS(expires), fromNullUS(revoked)
	return &s, nil
}

func (r reads) AgentSession(ctx context.Context, id string) (*kith.AgentSession, error) {
	s, err := scanAgentSession(r.q.QueryRowContext(ctx, `SELECT `+agentSessionColumns+` FROM agent_sessions WHERE id = $1`, id))
	return one(s, err, "agent session")
}

func (r reads) AgentSessions(ctx context.Context, orgID, agentID string) ([]*kith.AgentSession, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+agentSessionColumns+` FROM agent_sessions
		WHERE agent_id = $1 AND org_id = $2 ORDER BY id DESC`, agentID, orgID)
	return list(rows, err, scanAgentSession)
}

func (t *txn) CreateAgentSession(ctx context.Context, s *kith.AgentSession) error {
	if s.ID == "" {
		s.ID = newID(prefixAgentSess)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO agent_sessions (`+agentSessionColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)`,
		s.ID, s.OrgID, s.AgentID, s.TokenHash, us(s.CreatedAt), us(s.LastSeenAt), us(s.ExpiresAt), nullUS(s.RevokedAt),
		s.UserAgent, s.Address)
	return classify(err)
}

func (t *txn) RevokeAgentSessions(ctx context.Context, orgID, agentID, sessionID string, at time.Time) ([]*kith.AgentSession, error) {
	q := `UPDATE agent_sessions SET revoked_at = $3 WHERE org_id = $1 AND agent_id = $2 AND revoked_at IS NULL`
	args := []any{orgID, agentID, us(at)}
	if sessionID != "" {
		q += ` AND id = $4`
		args = append(args, sessionID)
	}
	rows, err := t.q.QueryContext(ctx, q+` RETURNING `+agentSessionColumns, args...)
	return list(rows, err, scanAgentSession)
}

func (s *Store) TouchAgentSession(ctx context.Context, id string, at time.Time) error {
	_, err := s.write.ExecContext(ctx, `UPDATE agent_sessions SET last_seen_at = $2 WHERE id = $1 AND last_seen_at < $3`,
		id, us(at), us(at.Add(-time.Minute)))
	return classify(err)
}

func (s *Store) CountLoginAttempt(ctx context.Context, key string, at time.Time, window time.Duration) (int, time.Time, error) {
	// One statement: attempts made at once each add one, none is lost.
	var n, start int64
	err := s.write.QueryRowContext(ctx, `INSERT INTO login_failures (key, failures, window_start) VALUES ($1, 1, $2)
		ON CONFLICT (key) DO UPDATE SET
			failures = CASE WHEN login_failures.window_start <= $3 THEN 1 ELSE login_failures.failures + 1 END,
			window_start = CASE WHEN login_failures.window_start <= $3 THEN $2 ELSE login_failures.window_start END
		RETURNING failures, window_start`, key, us(at), us(at.Add(-window))).Scan(&n, &start)
	if err != nil {
		return 0, time.Time{}, classify(err)
	}
	return int(n), fromUS(start), nil
}

func (s *Store) ForgiveLoginAttempt(ctx context.Context, key string, all bool) error {
	var err error
	if all {
		_, err = s.write.ExecContext(ctx, `DELETE FROM login_failures WHERE key = $1`, key)
	} else {
		_, err = s.write.ExecContext(ctx, `UPDATE login_failures SET failures = failures - 1 WHERE key = $1 AND failures > 0`, key)
	}
	return classify(err)
}
