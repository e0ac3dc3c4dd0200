package store

import (
	"context"
	"database/sql"

	"github.com/kith-chat/kith/internal/kith"
)

const conversationColumns = `id, org_id, app_id, user_id, device_id, verified, workspace_ref, label, user_last_read_id,
	created_at, updated_at`

func scanConversation(dest ...any) (*kith.Conversation, []any) {
	var c kith.Conversation
	return &c, append([]any{&c.ID, &c.OrgID, &c.AppID, &c.UserID, &c.DeviceID, &c.Verified, &c.WorkspaceRef,
		&c.Label, &c.UserLastReadID}, dest...)
}

func (r reads) Conversation(ctx context.Context, orgID, id string) (*kith.Conversation, error) {
	var created, updated int64
	c, dest := scanConversation(&created, &updated)
	err := r.q.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE org_id = $1 AND id = $2`,
		orgID, id).Scan(dest...)
	c.CreatedAt, c.UpdatedAt = fromUS(created), fromUS(updated)
	return one(c, err, "conversation")
}

// Conversations lists newest first; the page cursor is the last id seen.
func (r reads) Conversations(ctx context.Context, orgID string, f kith.ConversationFilter) ([]*kith.ConversationSummary, error) {
	var w where
	w.add("c.org_id = ?", orgID)
	if f.ID != "" {
		w.add("c.id = ?", f.ID)
	}
	if f.AppID != "" {
		w.add("c.app_id = ?", f.AppID)
	}
	if f.UserID != "" {
		w.add("c.user_id = ?", f.UserID)
	}
	if f.DeviceID != "" {
		w.add("c.device_id = ?", f.DeviceID)
	}
	if f.VerifiedOnly {
		w.add("c.verified = ?", true)
	}
	if f.WorkspaceRef != nil {
		w.add("c.workspace_ref = ?", *f.WorkspaceRef)
	}
	if f.Label != nil {
		w.add("c.label = ?", *f.Label)
	}
	if f.After != "" {
		w.add("c.id < ?", f.After)
	}
	limit := f.Limit
	if limit <= 0 || limit > 1000 {
		limit = 1000
	}
	rows, err := r.q.QueryContext(ctx, `SELECT c.id, c.org_id, c.app_id, c.user_id, c.device_id, c.verified,
		c.workspace_ref, c.label, c.user_last_read_id, c.created_at, c.updated_at,
		(SELECT COUNT(*) FROM messages u WHERE u.conversation_id = c.id AND u.author = 'agent'
			AND u.id > c.user_last_read_id),
		m.id, m.author, m.author_id, m.author_name, m.body, m.created_at
		FROM conversations c
		LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1)`+
		w.String()+` ORDER BY c.id DESC LIMIT `+itoa(limit), w.args...)
	return list(rows, err, func(row scanner) (*kith.ConversationSummary, error) {
		var created, updated int64
		var unread int
		var mID, mAuthor, mAuthorID, mName, mBody sql.NullString
		var mCreated sql.NullInt64
		c, dest := scanConversation(&created, &updated, &unread, &mID, &mAuthor, &mAuthorID, &mName, &mBody, &mCreated)
		if err := row.Scan(dest...); err != nil {
			return nil, err
		}
		c.CreatedAt, c.UpdatedAt = fromUS(created), fromUS(updated)
		sum := &kith.ConversationSummary{Conversation: c, Unread: unread}
		if mID.Valid {
			sum.LastMessage = &kith.Message{ID: mID.String, OrgID: c.OrgID, ConversationID: c.ID,
				Author: kith.Author(mAuthor.String), AuthorID: mAuthorID.String, AuthorName: mName.String,
				Body: mBody.String, CreatedAt: fromNullUS(mCreated)}
		}
		return sum, nil
	})
}

func (t *txn) CreateConversation(ctx context.Context, c *kith.Conversation) error {
	if c.ID == "" {
		c.ID = newID(prefixConv)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO conversations (`+conversationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
		c.ID, c.OrgID, c.AppID, c.UserID, c.DeviceID, c.Verified, c.WorkspaceRef, c.Label, c.UserLastReadID,
		us(c.CreatedAt), us(c.UpdatedAt))
	return classify(err)
}

func (t *txn) UpdateConversation(ctx context.Context, c *kith.Conversation) error {
	res, err := t.q.ExecContext(ctx, `UPDATE conversations SET user_last_read_id = $3, updated_at = $4
		WHERE org_id = $1 AND id = $2`, c.OrgID, c.ID, c.UserLastReadID, us(c.UpdatedAt))
	return affected(res, err, "conversation")
}

func (t *txn) MoveConversations(ctx context.Context, orgID, fromUserID, deviceID, toUserID string, verified bool) (int, error) {
	res, err := t.q.ExecContext(ctx, `UPDATE conversations SET user_id = $4, verified = $5
		WHERE org_id = $1 AND user_id = $2 AND device_id = $3`, orgID, fromUserID, deviceID, toUserID, verified)
	if err != nil {
		return 0, classify(err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

const messageColumns = `id, org_id, conversation_id, author, author_id, author_name, body, created_at`

func scanMessage(row scanner) (*kith.Message, error) {
	var m kith.Message
	var author string
	var created int64
	if err := row.Scan(&m.ID, &m.OrgID, &m.ConversationID, &author, &m.AuthorID, &m.AuthorName, &m.Body, &created); err != nil {
		return nil, err
	}
	m.Author, m.CreatedAt = kith.Author(author), fromUS(created)
	return &m, nil
}

func (r reads) Messages(ctx context.Context, orgID, conversationID string, p kith.Page) ([]*kith.Message, error) {
	var w where
	w.add("org_id = ?", orgID)
	w.add("conversation_id = ?", conversationID)
	tail := w.page(p)
	rows, err := r.q.QueryContext(ctx, `SELECT `+messageColumns+` FROM messages`+w.String()+tail, w.args...)
	return list(rows, err, scanMessage)
}

func (t *txn) CreateMessage(ctx context.Context, m *kith.Message) error {
	if m.ID == "" {
		m.ID = newID(prefixMessage)
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO messages (`+messageColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		m.ID, m.OrgID, m.ConversationID, string(m.Author), m.AuthorID, m.AuthorName, m.Body, us(m.CreatedAt))
	return classify(err)
}
