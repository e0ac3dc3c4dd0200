package store

import (
	"context"
	"database/sql"

	"github.com/kith-chat/kith/internal/kith"
)

const accountColumns = `id, org_id, account_ref, display_name, domains, phone_numbers, custom_fields,
	created_at, updated_at`

func scanAccount(row scanner) (*kith.Account, error) {
	var a kith.Account
	var ref sql.NullString
	var created, updated int64
	err := row.Scan(&a.ID, &a.OrgID, &ref, &a.DisplayName, jsonColumn{&a.Domains}, jsonColumn{&a.PhoneNumbers},
		jsonColumn{&a.CustomFields}, &created, &updated)
	if err != nil {
		return nil, err
	}
	a.Ref, a.CreatedAt, a.UpdatedAt = ref.String, fromUS(created), fromUS(updated)
	return &a, nil
}

func (r reads) Account(ctx context.Context, orgID, id string) (*kith.Account, error) {
	a, err := scanAccount(r.q.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts WHERE org_id = $1 AND id = $2`, orgID, id))
	return one(a, err, "account")
}

func (r reads) AccountByRef(ctx context.Context, orgID, ref string) (*kith.Account, error) {
	a, err := scanAccount(r.q.QueryRowContext(ctx,
		`SELECT `+accountColumns+` FROM accounts WHERE org_id = $1 AND account_ref = $2`, orgID, ref))
	return one(a, err, "account")
}

func (r reads) Accounts(ctx context.Context, orgID string, f kith.AccountFilter) ([]*kith.Account, error) {
	var w where
	w.add("org_id = ?", orgID)
	if f.Ref != "" {
		w.add("account_ref = ?", f.Ref)
	}
	tail := w.page(f.Page)
	rows, err := r.q.QueryContext(ctx, `SELECT `+accountColumns+` FROM accounts`+w.String()+tail, w.args...)
	return list(rows, err, scanAccount)
}

func (t *txn) CreateAccount(ctx context.Context, a *kith.Account) error {
	if a.ID == "" {
		a.ID = newID(prefixAccount)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO accounts (`+accountColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
		a.ID, a.OrgID, nullStr(a.Ref), a.DisplayName, jsonText(a.Domains), jsonText(a.PhoneNumbers),
		jsonText(a.CustomFields), us(a.CreatedAt), us(a.UpdatedAt))
	return classify(err)
}

func (t *txn) UpdateAccount(ctx context.Context, a *kith.Account) error {
	res, err := t.q.ExecContext(ctx, `UPDATE accounts SET account_ref = $3, display_name = $4, domains = $5,
		phone_numbers = $6, custom_fields = $7, updated_at = $8 WHERE org_id = $1 AND id = $2`,
		a.OrgID, a.ID, nullStr(a.Ref), a.DisplayName, jsonText(a.Domains), jsonText(a.PhoneNumbers),
		jsonText(a.CustomFields), us(a.UpdatedAt))
	return affected(res, err, "account")
}
