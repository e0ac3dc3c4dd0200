package store

import (
	"context"

	"github.com/kith-chat/kith/internal/kith"
)

const eventColumns = `id, org_id, user_id, app_id, kind, method, detail, created_at`

func scanEvent(row scanner) (*kith.IdentityEvent, error) {
	var e kith.IdentityEvent
	var kind, method string
	var created int64
	if err := row.Scan(&e.ID, &e.OrgID, &e.UserID, &e.AppID, &kind, &method, jsonColumn{&e.Detail}, &created); err != nil {
		return nil, err
	}
	e.Kind, e.Method, e.CreatedAt = kith.EventKind(kind), kith.Method(method), fromUS(created)
	return &e, nil
}

func (r reads) Events(ctx context.Context, orgID, userID string, p kith.Page) ([]*kith.IdentityEvent, error) {
	var w where
	w.add("org_id = ?", orgID)
	w.add("user_id = ?", userID)
	tail := w.page(p)
	rows, err := r.q.QueryContext(ctx, `SELECT `+eventColumns+` FROM identity_events`+w.String()+tail, w.args...)
	return list(rows, err, scanEvent)
}

func (t *txn) AddEvents(ctx context.Context, events ...*kith.IdentityEvent) error {
	for _, e := range events {
		if e.ID == "" {
			e.ID = newID(prefixEvent)
		}
		detail := e.Detail
		if detail == nil {
			detail = map[string]any{}
		}
		_, err := t.q.ExecContext(ctx, `INSERT INTO identity_events (`+eventColumns+`)
			VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
			e.ID, e.OrgID, e.UserID, e.AppID, string(e.Kind), string(e.Method), jsonText(detail), us(e.CreatedAt))
		if err != nil {
			return classify(err)
		}
	}
	return nil
}
