package store

import (
	"context"

	"github.com/kith-chat/kith/internal/kith"
)

const fieldColumns = `id, org_id, object, name, type, enum_values, created_at`

func scanField(row scanner) (*kith.CustomField, error) {
	var f kith.CustomField
	var object, typ string
	var created int64
	if err := row.Scan(&f.ID, &f.OrgID, &object, &f.Name, &typ, jsonColumn{&f.Values}, &created); err != nil {
		return nil, err
	}
	f.Object, f.Type, f.CreatedAt = kith.Object(object), kith.FieldType(typ), fromUS(created)
	return &f, nil
}

func (r reads) CustomFields(ctx context.Context, orgID string, object kith.Object) ([]*kith.CustomField, error) {
	var w where
	w.add("org_id = ?", orgID)
	if object != "" {
		w.add("object = ?", string(object))
	}
	rows, err := r.q.QueryContext(ctx, `SELECT `+fieldColumns+` FROM custom_fields`+w.String()+
		` ORDER BY object, name`, w.args...)
	return list(rows, err, scanField)
}

func (t *txn) CreateCustomField(ctx context.Context, f *kith.CustomField) error {
	if f.ID == "" {
		f.ID = newID(prefixField)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO custom_fields (`+fieldColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7)`,
		f.ID, f.OrgID, string(f.Object), f.Name, string(f.Type), jsonText(f.Values), us(f.CreatedAt))
	return classify(err)
}
