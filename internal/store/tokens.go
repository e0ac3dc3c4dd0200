package store

import (
	"context"
	"database/sql"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

const tokenColumns = `id, app_id, org_id, hash, scopes, created_at, expires_at, revoked_at, last_used_at`

func scanToken(row scanner) (*kith.AccessToken, error) {
	var t kith.AccessToken
	var scopes string
	var created int64
	var expires, revoked, used sql.NullInt64
	if err := row.Scan(&t.ID, &t.AppID, &t.OrgID, &t.Hash, &scopes, &created, &expires, &revoked, &used); err != nil {
		return nil, err
	}
	for s := range strings.SplitSeq(scopes, ",") {
		if s != "" {
			t.Scopes = append(t.Scopes, kith.Scope(s))
		}
	}
	t.CreatedAt = fromUS(created)
	t.ExpiresAt, t.RevokedAt, t.LastUsedAt = fromNullUS(expires), fromNullUS(revoked), fromNullUS(used)
	return &t, nil
}

func (r reads) AccessToken(ctx context.Context, id string) (*kith.AccessToken, error) {
	t, err := scanToken(r.q.QueryRowContext(ctx, `SELECT `+tokenColumns+` FROM access_tokens WHERE id = $1`, id))
	return one(t, err, "access token")
}

func (r reads) AccessTokens(ctx context.Context, appID string) ([]*kith.AccessToken, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+tokenColumns+` FROM access_tokens WHERE app_id = $1 ORDER BY id`, appID)
	return list(rows, err, scanToken)
}

func (t *txn) CreateAccessToken(ctx context.Context, tok *kith.AccessToken) error {
	if tok.ID == "" {
		tok.ID = newID(prefixToken)
	}
	scopes := make([]string, len(tok.Scopes))
	for i, s := range tok.Scopes {
		scopes[i] = string(s)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO access_tokens (`+tokenColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		tok.ID, tok.AppID, tok.OrgID, tok.Hash, strings.Join(scopes, ","), us(tok.CreatedAt),
		nullUS(tok.ExpiresAt), nullUS(tok.RevokedAt), nullUS(tok.LastUsedAt))
	return classify(err)
}

func (t *txn) RevokeAccessToken(ctx context.Context, id string, at time.Time) error {
	res, err := t.q.ExecContext(ctx,
		`UPDATE access_tokens SET revoked_at = COALESCE(revoked_at, $2) WHERE id = $1`, id, us(at))
	return affected(res, err, "access token")
}

// affected turns an UPDATE that matched no row into a not-found error.
func affected(res sql.Result, err error, what string) error {
	if err != nil {
		return classify(err)
	}
	n, err := res.RowsAffected()
	if err != nil {
		return err
	}
	if n == 0 {
		return kith.NotFound(what)
	}
	return nil
}
