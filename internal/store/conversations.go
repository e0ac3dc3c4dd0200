package store

import (
	"context"
	"database/sql"
	"math"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

const conversationColumns = `id, org_id, app_id, user_id, device_id, verified, workspace_ref, label, user_last_read_id,
	status, snoozed_until, assignee_id, waiting_since, created_at, updated_at`

// notWaiting is the waiting_since of a conversation nobody waits on: the
// largest value, so that "waiting longest" is one index in order.
const notWaiting = math.MaxInt64

func waitingUS(t time.Time) int64 {
	if t.IsZero() {
		return notWaiting
	}
	return us(t)
}

// convRow is a conversation as scanned: its columns, then what a query
// selects after them.
type convRow struct {
	c                         kith.Conversation
	status                    string
	snoozed                   sql.NullInt64
	waiting, created, updated int64
}

func (r *convRow) dest(more ...any) []any {
	c := &r.c
	return append([]any{&c.ID, &c.OrgID, &c.AppID, &c.UserID, &c.DeviceID, &c.Verified, &c.WorkspaceRef,
		&c.Label, &c.UserLastReadID, &r.status, &r.snoozed, &c.AssigneeID, &r.waiting, &r.created, &r.updated}, more...)
}

func (r *convRow) conversation() *kith.Conversation {
	c := r.c
	c.Status, c.SnoozedUntil = kith.ConversationStatus(r.status), fromNullUS(r.snoozed)
	if r.waiting != notWaiting {
		c.WaitingSince = fromUS(r.waiting)
	}
	c.CreatedAt, c.UpdatedAt = fromUS(r.created), fromUS(r.updated)
	return &c
}

func (r reads) Conversation(ctx context.Context, orgID, id string) (*kith.Conversation, error) {
	var row convRow
	err := r.q.QueryRowContext(ctx, `SELECT `+conversationColumns+` FROM conversations WHERE org_id = $1 AND id = $2`,
		orgID, id).Scan(row.dest()...)
	if err != nil {
		return one[kith.Conversation](nil, err, "conversation")
	}
	return row.conversation(), nil
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
		c.workspace_ref, c.label, c.user_last_read_id, c.status, c.snoozed_until, c.assignee_id, c.waiting_since,
		c.created_at, c.updated_at,
		(SELECT COUNT(*) FROM messages u WHERE u.conversation_id = c.id AND u.author = 'agent'
			AND u.id > c.user_last_read_id),
		m.id, m.author, m.author_id, m.author_name, m.body, m.created_at
		FROM conversations c
		LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1)`+
		w.String()+` ORDER BY c.id DESC LIMIT `+itoa(limit), w.args...)
	return list(rows, err, func(row scanner) (*kith.ConversationSummary, error) {
		var cr convRow
		var unread int
		var mID, mAuthor, mAuthorID, mName, mBody sql.NullString
		var mCreated sql.NullInt64
		if err := row.Scan(cr.dest(&unread, &mID, &mAuthor, &mAuthorID, &mName, &mBody, &mCreated)...); err != nil {
			return nil, err
		}
		c := cr.conversation()
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
	if c.Status == "" {
		c.Status = kith.StatusOpen
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO conversations (`+conversationColumns+`)
		VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)`,
		c.ID, c.OrgID, c.AppID, c.UserID, c.DeviceID, c.Verified, c.WorkspaceRef, c.Label, c.UserLastReadID,
		string(c.Status), nullUS(c.SnoozedUntil), c.AssigneeID, waitingUS(c.WaitingSince), us(c.CreatedAt), us(c.UpdatedAt))
	return classify(err)
}

func (t *txn) UpdateConversation(ctx context.Context, c *kith.Conversation) error {
	res, err := t.q.ExecContext(ctx, `UPDATE conversations SET user_last_read_id = $3, updated_at = $4, status = $5,
		snoozed_until = $6, assignee_id = $7, waiting_since = $8
		WHERE org_id = $1 AND id = $2`, c.OrgID, c.ID, c.UserLastReadID, us(c.UpdatedAt), string(c.Status),
		nullUS(c.SnoozedUntil), c.AssigneeID, waitingUS(c.WaitingSince))
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
