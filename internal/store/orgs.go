package store

import (
	"context"

	"github.com/kith-chat/kith/internal/kith"
)

func scanOrg(row scanner) (*kith.Org, error) {
	var o kith.Org
	var created int64
	if err := row.Scan(&o.ID, &o.Name, &created); err != nil {
		return nil, err
	}
	o.CreatedAt = fromUS(created)
	return &o, nil
}

func (r reads) OrgByID(ctx context.Context, id string) (*kith.Org, error) {
	o, err := scanOrg(r.q.QueryRowContext(ctx, `SELECT id, name, created_at FROM orgs WHERE id = $1`, id))
	return one(o, err, "organization")
}

func (r reads) OrgByName(ctx context.Context, name string) (*kith.Org, error) {
	o, err := scanOrg(r.q.QueryRowContext(ctx, `SELECT id, name, created_at FROM orgs WHERE name = $1`, name))
	return one(o, err, "organization")
}

func (t *txn) CreateOrg(ctx context.Context, o *kith.Org) error {
	if o.ID == "" {
		o.ID = newID(prefixOrg)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO orgs (id, name, created_at) VALUES ($1, $2, $3)`,
		o.ID, o.Name, us(o.CreatedAt))
	return classify(err)
}
