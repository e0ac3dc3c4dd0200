package store

import (
	"context"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

const workspaceColumns = `id, org_id, account_id, workspace_ref, display_name, custom_fields, created_at, updated_at`

func scanWorkspace(row scanner) (*kith.Workspace, error) {
	var w kith.Workspace
	var created, updated int64
	err := row.Scan(&w.ID, &w.OrgID, &w.AccountID, &w.Ref, &w.DisplayName, jsonColumn{&w.CustomFields},
		&created, &updated)
	if err != nil {
		return nil, err
	}
	w.CreatedAt, w.UpdatedAt = fromUS(created), fromUS(updated)
	return &w, nil
}

func (r reads) Workspace(ctx context.Context, orgID, id string) (*kith.Workspace, error) {
	w, err := scanWorkspace(r.q.QueryRowContext(ctx,
		`SELECT `+workspaceColumns+` FROM workspaces WHERE org_id = $1 AND id = $2`, orgID, id))
	return one(w, err, "workspace")
}

func (r reads) WorkspaceByRef(ctx context.Context, orgID, ref string) (*kith.Workspace, error) {
	w, err := scanWorkspace(r.q.QueryRowContext(ctx,
		`SELECT `+workspaceColumns+` FROM workspaces WHERE org_id = $1 AND workspace_ref = $2`, orgID, ref))
	return one(w, err, "workspace")
}

func (r reads) Workspaces(ctx context.Context, orgID string, f kith.WorkspaceFilter) ([]*kith.Workspace, error) {
	var w where
	w.add("org_id = ?", orgID)
	if f.Ref != "" {
		w.add("workspace_ref = ?", f.Ref)
	}
	if f.AccountID != "" {
		w.add("account_id = ?", f.AccountID)
	}
	if f.UserID != "" {
		w.add("id IN (SELECT workspace_id FROM workspace_members WHERE user_id = ?)", f.UserID)
	}
	tail := w.page(f.Page)
	rows, err := r.q.QueryContext(ctx, `SELECT `+workspaceColumns+` FROM workspaces`+w.String()+tail, w.args...)
	return list(rows, err, scanWorkspace)
}

func (t *txn) CreateWorkspace(ctx context.Context, w *kith.Workspace) error {
	if w.ID == "" {
		w.ID = newID(prefixWorkspace)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO workspaces (`+workspaceColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		w.ID, w.OrgID, w.AccountID, w.Ref, w.DisplayName, jsonText(w.CustomFields), us(w.CreatedAt),
		us(w.UpdatedAt))
	return classify(err)
}

func (t *txn) UpdateWorkspace(ctx context.Context, w *kith.Workspace) error {
	res, err := t.q.ExecContext(ctx, `UPDATE workspaces SET display_name = $3, custom_fields = $4,
		updated_at = $5 WHERE org_id = $1 AND id = $2`,
		w.OrgID, w.ID, w.DisplayName, jsonText(w.CustomFields), us(w.UpdatedAt))
	return affected(res, err, "workspace")
}

func (t *txn) AddWorkspaceMember(ctx context.Context, orgID, workspaceID, userID string, at time.Time) (bool, error) {
	res, err := t.q.ExecContext(ctx, `INSERT INTO workspace_members (workspace_id, user_id, org_id, created_at)
		VALUES ($1, $2, $3, $4) ON CONFLICT DO NOTHING`, workspaceID, userID, orgID, us(at))
	if err != nil {
		return false, classify(err)
	}
	n, err := res.RowsAffected()
	return n == 1, err
}
