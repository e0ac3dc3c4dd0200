package store

import (
	"context"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

const appColumns = `id, org_id, name, session_secret, verification_required, email_unique,
	anonymous_expiry_us, on_login, allowed_origins, session_token_max_lifetime_us, created_at`

func scanApp(row scanner) (*kith.App, error) {
	var a kith.App
	var anonExpiry, maxLifetime, created int64
	var onLogin string
	err := row.Scan(&a.ID, &a.OrgID, &a.Name, &a.SessionSecret, &a.Settings.VerificationRequired,
		&a.Settings.EmailUnique, &anonExpiry, &onLogin, jsonColumn{&a.Settings.AllowedOrigins},
		&maxLifetime, &created)
	if err != nil {
		return nil, err
	}
	a.Settings.AnonymousExpiry = time.Duration(anonExpiry) * time.Microsecond
	a.Settings.SessionTokenMaxLifetime = time.Duration(maxLifetime) * time.Microsecond
	a.Settings.OnLogin = kith.OnLogin(onLogin)
	a.CreatedAt = fromUS(created)
	return &a, nil
}

func (r reads) App(ctx context.Context, id string) (*kith.App, error) {
	a, err := scanApp(r.q.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps WHERE id = $1`, id))
	return one(a, err, "app")
}

func (r reads) Apps(ctx context.Context, orgID string) ([]*kith.App, error) {
	if orgID == "" {
		rows, err := r.q.QueryContext(ctx, `SELECT `+appColumns+` FROM apps ORDER BY id`)
		return list(rows, err, scanApp)
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+appColumns+` FROM apps WHERE org_id = $1 ORDER BY id`, orgID)
	return list(rows, err, scanApp)
}

func (t *txn) CreateApp(ctx context.Context, a *kith.App) error {
	if a.ID == "" {
		a.ID = newID(prefixApp)
	}
	s := a.Settings
	_, err := t.q.ExecContext(ctx, `INSERT INTO apps (`+appColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		a.ID, a.OrgID, a.Name, a.SessionSecret, s.VerificationRequired, s.EmailUnique,
		s.AnonymousExpiry.Microseconds(), string(s.OnLogin), jsonText(s.AllowedOrigins),
		s.SessionTokenMaxLifetime.Microseconds(), us(a.CreatedAt))
	return classify(err)
}

func (t *txn) UpdateAppSessionSecret(ctx context.Context, appID string, secret []byte) error {
	res, err := t.q.ExecContext(ctx, `UPDATE apps SET session_secret = $2 WHERE id = $1`, appID, secret)
	return affected(res, err, "app")
}

func (t *txn) UpdateAppSettings(ctx context.Context, appID string, s kith.AppSettings) error {
	res, err := t.q.ExecContext(ctx, `UPDATE apps SET verification_required = $2, email_unique = $3,
		anonymous_expiry_us = $4, on_login = $5, allowed_origins = $6, session_token_max_lifetime_us = $7
		WHERE id = $1`,
		appID, s.VerificationRequired, s.EmailUnique, s.AnonymousExpiry.Microseconds(), string(s.OnLogin),
		jsonText(s.AllowedOrigins), s.SessionTokenMaxLifetime.Microseconds())
	return affected(res, err, "app")
}
