package store

import (
	"context"

	"github.com/kith-chat/kith/internal/kith"
)

func (r reads) AppByAlias(ctx context.Context, alias string) (*kith.App, error) {
	a, err := scanApp(r.q.QueryRowContext(ctx, `SELECT `+appColumns+` FROM apps
		WHERE id = (SELECT app_id FROM app_aliases WHERE alias = $1)`, alias))
	return one(a, err, "app")
}

func (r reads) AppAliases(ctx context.Context, appID string) ([]*kith.AppAlias, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT alias, app_id, created_at FROM app_aliases WHERE app_id = $1 ORDER BY alias`, appID)
	return list(rows, err, func(row scanner) (*kith.AppAlias, error) {
		var a kith.AppAlias
		var created int64
		err := row.Scan(&a.Alias, &a.AppID, &created)
		a.CreatedAt = fromUS(created)
		return &a, err
	})
}

func (t *txn) AddAppAlias(ctx context.Context, a *kith.AppAlias) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO app_aliases (alias, app_id, created_at) VALUES ($1, $2, $3)`,
		a.Alias, a.AppID, us(a.CreatedAt))
	return classify(err)
}

func (t *txn) DeleteAppAlias(ctx context.Context, appID, alias string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM app_aliases WHERE app_id = $1 AND alias = $2`, appID, alias)
	return affected(res, err, "alias")
}

func (r reads) VerificationSecrets(ctx context.Context, appID string) ([]*kith.VerificationSecret, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT id, org_id, app_id, secret, created_at FROM verification_secrets
		WHERE app_id = $1 ORDER BY created_at, id`, appID)
	return list(rows, err, func(row scanner) (*kith.VerificationSecret, error) {
		var s kith.VerificationSecret
		var created int64
		err := row.Scan(&s.ID, &s.OrgID, &s.AppID, &s.Secret, &created)
		s.CreatedAt = fromUS(created)
		return &s, err
	})
}

func (t *txn) CreateVerificationSecret(ctx context.Context, s *kith.VerificationSecret) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO verification_secrets (id, org_id, app_id, secret, created_at)
		VALUES ($1, $2, $3, $4, $5)`, s.ID, s.OrgID, s.AppID, s.Secret, us(s.CreatedAt))
	return classify(err)
}

func (t *txn) DeleteVerificationSecret(ctx context.Context, appID, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM verification_secrets WHERE app_id = $1 AND id = $2`, appID, id)
	return affected(res, err, "verification secret")
}

const jwtKeyColumns = `id, org_id, app_id, kid, alg, secret, public_key_pem, jwks_url, created_at`

func (r reads) JWTKeys(ctx context.Context, appID string) ([]*kith.JWTKey, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+jwtKeyColumns+` FROM jwt_keys WHERE app_id = $1 ORDER BY created_at, id`, appID)
	return list(rows, err, func(row scanner) (*kith.JWTKey, error) {
		var k kith.JWTKey
		var created int64
		err := row.Scan(&k.ID, &k.OrgID, &k.AppID, &k.Kid, &k.Alg, &k.Secret, &k.PublicKeyPEM, &k.JWKSURL, &created)
		k.CreatedAt = fromUS(created)
		return &k, err
	})
}

func (t *txn) CreateJWTKey(ctx context.Context, k *kith.JWTKey) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO jwt_keys (`+jwtKeyColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		k.ID, k.OrgID, k.AppID, k.Kid, k.Alg, k.Secret, k.PublicKeyPEM, k.JWKSURL, us(k.CreatedAt))
	return classify(err)
}

func (t *txn) DeleteJWTKey(ctx context.Context, appID, id string) error {
	res, err := t.q.ExecContext(ctx, `DELETE FROM jwt_keys WHERE app_id = $1 AND id = $2`, appID, id)
	return affected(res, err, "JWT key")
}
