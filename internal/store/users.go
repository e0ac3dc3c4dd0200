package store

import (
	"context"
	"database/sql"

	"github.com/kith-chat/kith/internal/kith"
)

const userColumns = `id, org_id, trust, user_ref, email, display_name, phone_numbers, avatar_url,
	language, custom_fields, unverified_custom_fields, account_id, created_at, updated_at, unverified_email`

func scanUser(row scanner) (*kith.User, error) {
	var u kith.User
	var trust string
	var ref, email, account sql.NullString
	var created, updated int64
	err := row.Scan(&u.ID, &u.OrgID, &trust, &ref, &email, &u.DisplayName, jsonColumn{&u.PhoneNumbers},
		&u.AvatarURL, &u.Language, jsonColumn{&u.CustomFields}, jsonColumn{&u.UnverifiedCustomFields},
		&account, &created, &updated, &u.UnverifiedEmail)
	if err != nil {
		return nil, err
	}
	u.Trust, u.Ref, u.Email, u.AccountID = kith.Trust(trust), ref.String, email.String, account.String
	u.CreatedAt, u.UpdatedAt = fromUS(created), fromUS(updated)
	return &u, nil
}

func (r reads) User(ctx context.Context, orgID, id string) (*kith.User, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE org_id = $1 AND id = $2`, orgID, id))
	return one(u, err, "user")
}

func (r reads) UserByRef(ctx context.Context, orgID string, trust kith.Trust, ref string) (*kith.User, error) {
	u, err := scanUser(r.q.QueryRowContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE org_id = $1 AND trust = $2 AND user_ref = $3`,
		orgID, string(trust), ref))
	return one(u, err, "user")
}

func (r reads) UsersByEmail(ctx context.Context, orgID string, trust kith.Trust, email string) ([]*kith.User, error) {
	rows, err := r.q.QueryContext(ctx,
		`SELECT `+userColumns+` FROM users WHERE org_id = $1 AND trust = $2 AND email = $3 ORDER BY id`,
		orgID, string(trust), email)
	return list(rows, err, scanUser)
}

func (r reads) Users(ctx context.Context, orgID string, f kith.UserFilter) ([]*kith.User, error) {
	var w where
	w.add("org_id = ?", orgID)
	if f.Ref != "" {
		w.add("user_ref = ?", f.Ref)
	}
	if f.Email != "" {
		w.add("email = LOWER(?)", f.Email)
	}
	if f.Trust != "" {
		w.add("trust = ?", string(f.Trust))
	}
	tail := w.page(f.Page)
	rows, err := r.q.QueryContext(ctx, `SELECT `+userColumns+` FROM users`+w.String()+tail, w.args...)
	return list(rows, err, scanUser)
}

func (t *txn) CreateUser(ctx context.Context, u *kith.User) error {
	if u.ID == "" {
		u.ID = newID(prefixUser)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO users (`+userColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		u.ID, u.OrgID, string(u.Trust), nullStr(u.Ref), nullStr(u.Email), u.DisplayName,
		jsonText(u.PhoneNumbers), u.AvatarURL, u.Language, jsonText(u.CustomFields),
		jsonText(u.UnverifiedCustomFields), nullStr(u.AccountID), us(u.CreatedAt), us(u.UpdatedAt), u.UnverifiedEmail)
	return classify(err)
}

// UpdateUser writes every mutable column of u. The trust level and the
// organization never change.
func (t *txn) UpdateUser(ctx context.Context, u *kith.User) error {
	res, err := t.q.ExecContext(ctx, `UPDATE users SET user_ref = $3, email = $4, display_name = $5,
		phone_numbers = $6, avatar_url = $7, language = $8, custom_fields = $9,
		unverified_custom_fields = $10, account_id = $11, updated_at = $12, unverified_email = $13
		WHERE org_id = $1 AND id = $2`,
		u.OrgID, u.ID, nullStr(u.Ref), nullStr(u.Email), u.DisplayName, jsonText(u.PhoneNumbers),
		u.AvatarURL, u.Language, jsonText(u.CustomFields), jsonText(u.UnverifiedCustomFields),
		nullStr(u.AccountID), us(u.UpdatedAt), u.UnverifiedEmail)
	return affected(res, err, "user")
}
