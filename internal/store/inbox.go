package store

import (
	"context"
	"database/sql"
	"strconv"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// addAll appends a condition with several arguments, in the order of its
// "?"s.
func (w *where) addAll(cond string, args ...any) {
	for _, a := range args {
		w.args = append(w.args, a)
		cond = strings.Replace(cond, "?", "$"+strconv.Itoa(len(w.args)), 1)
	}
	w.conds = append(w.conds, cond)
}

// likeEscape makes s match itself in a LIKE pattern with ESCAPE '\'.
func likeEscape(s string) string {
	return strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`).Replace(s)
}

// inboxCursor is where a page of the inbox ended: the sort key and id of
// its last conversation.
func inboxCursor(key int64, id string) string { return strconv.FormatInt(key, 36) + "." + id }

func parseInboxCursor(s string) (int64, string, error) {
	k, id, ok := strings.Cut(s, ".")
	key, err := strconv.ParseInt(k, 36, 64)
	if !ok || err != nil || id == "" {
		return 0, "", kith.Errorf(kith.CodeInvalidField, "cursor", "cursor is not one this list gave")
	}
	return key, id, nil
}

// Inbox pages by keyset on (sort key, id): updated_at descending for
// recent, waiting_since ascending for waiting. Each has an index with the
// organization and status in front, so that the first page of 10,000
// conversations reads as few rows as that of 10.
func (r reads) Inbox(ctx context.Context, orgID string, f kith.InboxFilter) (*kith.InboxPage, error) {
	var w where
	w.add("c.org_id = ?", orgID)
	if f.ConversationID != "" {
		w.add("c.id = ?", f.ConversationID)
	}
	if f.UserID != "" {
		w.add("c.user_id = ?", f.UserID)
	}
	if f.Status != "" {
		w.add("c.status = ?", string(f.Status))
	}
	switch f.Assignee {
	case kith.AssigneeAnyone:
	case kith.AssigneeNone:
		w.add("c.assignee_id = ?", "")
	default:
		w.add("c.assignee_id = ?", f.Assignee)
	}
	if f.Trust != "" {
		w.add("u.trust = ?", string(f.Trust))
	}
	if f.AccountID != "" {
		w.add("u.account_id = ?", f.AccountID)
	}
	if f.WorkspaceRef != nil {
		w.add("c.workspace_ref = ?", *f.WorkspaceRef)
	}
	if q := strings.ToLower(strings.TrimSpace(f.Query)); q != "" {
		p := "%" + likeEscape(q) + "%"
		w.addAll(`(LOWER(u.display_name) LIKE ? ESCAPE '\' OR COALESCE(u.email, '') LIKE ? ESCAPE '\'
			OR LOWER(COALESCE(u.user_ref, '')) LIKE ? ESCAPE '\')`, p, p, p)
	}
	unread := `(SELECT COUNT(*) FROM messages um WHERE um.conversation_id = c.id AND um.author = 'user'
		AND um.id > COALESCE((SELECT ar.last_read_id FROM agent_reads ar WHERE ar.agent_id = ? AND ar.conversation_id = c.id), ''))`
	if f.UnreadOnly {
		w.addAll(`EXISTS (SELECT 1 FROM messages um WHERE um.conversation_id = c.id AND um.author = 'user'
			AND um.id > COALESCE((SELECT ar.last_read_id FROM agent_reads ar WHERE ar.agent_id = ? AND ar.conversation_id = c.id), ''))`,
			f.AgentID)
	}
	sortCol, order := "c.updated_at", "DESC"
	cmp := "<"
	if f.Sort == kith.SortWaiting {
		sortCol, order, cmp = "c.waiting_since", "ASC", ">"
	}
	if f.Cursor != "" {
		key, id, err := parseInboxCursor(f.Cursor)
		if err != nil {
			return nil, err
		}
		w.addAll("("+sortCol+" "+cmp+" ? OR ("+sortCol+" = ? AND c.id "+cmp+" ?))", key, key, id)
	}
	limit := f.Limit
	if limit <= 0 || limit > 200 {
		limit = 50
	}
	// The unread count's agent is the last argument.
	args := append(w.args, f.AgentID)
	unread = strings.Replace(unread, "?", "$"+strconv.Itoa(len(args)), 1)
	rows, err := r.q.QueryContext(ctx, `SELECT c.id, c.org_id, c.app_id, c.user_id, c.device_id, c.verified,
		c.workspace_ref, c.label, c.user_last_read_id, c.status, c.snoozed_until, c.assignee_id, c.waiting_since,
		c.created_at, c.updated_at,
		u.trust, u.user_ref, u.email, u.display_name, u.account_id, `+unread+`,
		m.id, m.author, m.author_id, m.author_name, m.body, m.created_at
		FROM conversations c
		JOIN users u ON u.id = c.user_id
		LEFT JOIN messages m ON m.id = (SELECT id FROM messages WHERE conversation_id = c.id ORDER BY id DESC LIMIT 1)`+
		w.String()+` ORDER BY `+sortCol+` `+order+`, c.id `+order+` LIMIT `+itoa(limit+1), args...)
	items, err := list(rows, err, func(row scanner) (*kith.InboxItem, error) {
		var cr convRow
		var trust string
		var ref, email, account sql.NullString
		var name string
		var n int
		var mID, mAuthor, mAuthorID, mName, mBody sql.NullString
		var mCreated sql.NullInt64
		if err := row.Scan(cr.dest(&trust, &ref, &email, &name, &account, &n,
			&mID, &mAuthor, &mAuthorID, &mName, &mBody, &mCreated)...); err != nil {
			return nil, err
		}
		c := cr.conversation()
		item := &kith.InboxItem{Conversation: c, Unread: n, User: &kith.User{ID: c.UserID, OrgID: c.OrgID,
			Trust: kith.Trust(trust), Ref: ref.String, Email: email.String, DisplayName: name, AccountID: account.String}}
		if mID.Valid {
			item.LastMessage = &kith.Message{ID: mID.String, OrgID: c.OrgID, ConversationID: c.ID,
				Author: kith.Author(mAuthor.String), AuthorID: mAuthorID.String, AuthorName: mName.String,
				Body: mBody.String, CreatedAt: fromNullUS(mCreated)}
		}
		return item, nil
	})
	if err != nil {
		return nil, err
	}
	page := &kith.InboxPage{Items: items}
	if len(items) > limit {
		page.Items = items[:limit]
		last := page.Items[limit-1]
		key := us(last.UpdatedAt)
		if f.Sort == kith.SortWaiting {
			key = waitingUS(last.WaitingSince)
		}
		page.NextCursor = inboxCursor(key, last.ID)
	}
	return page, nil
}

func (r reads) InboxCounts(ctx context.Context, orgID, agentID string) (*kith.InboxCounts, error) {
	var c kith.InboxCounts
	err := r.q.QueryRowContext(ctx, `SELECT
		COALESCE(SUM(CASE WHEN c.status = 'open' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'snoozed' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'resolved' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.assignee_id = $2 THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND c.assignee_id = '' THEN 1 ELSE 0 END), 0),
		COALESCE(SUM(CASE WHEN c.status = 'open' AND EXISTS (SELECT 1 FROM messages um WHERE um.conversation_id = c.id
			AND um.author = 'user' AND um.id > COALESCE((SELECT ar.last_read_id FROM agent_reads ar
			WHERE ar.agent_id = $2 AND ar.conversation_id = c.id), '')) THEN 1 ELSE 0 END), 0)
		FROM conversations c WHERE c.org_id = $1`, orgID, agentID).
		Scan(&c.Open, &c.Snoozed, &c.Resolved, &c.Mine, &c.Unassigned, &c.Unread)
	if err != nil {
		return nil, classify(err)
	}
	return &c, nil
}

func (r reads) SnoozesDue(ctx context.Context, now time.Time, limit int) ([]*kith.Conversation, error) {
	rows, err := r.q.QueryContext(ctx, `SELECT `+conversationColumns+` FROM conversations
		WHERE status = 'snoozed' AND snoozed_until <= $1 ORDER BY snoozed_until LIMIT `+itoa(limit), us(now))
	return list(rows, err, func(row scanner) (*kith.Conversation, error) {
		var cr convRow
		if err := row.Scan(cr.dest()...); err != nil {
			return nil, err
		}
		return cr.conversation(), nil
	})
}

const noteColumns = `id, org_id, conversation_id, kind, agent_id, agent_name, body, created_at`

func scanNote(row scanner) (*kith.Note, error) {
	var n kith.Note
	var kind string
	var created int64
	if err := row.Scan(&n.ID, &n.OrgID, &n.ConversationID, &kind, &n.AgentID, &n.AgentName, &n.Body, &created); err != nil {
		return nil, err
	}
	n.Kind, n.CreatedAt = kith.NoteKind(kind), fromUS(created)
	return &n, nil
}

func (r reads) Notes(ctx context.Context, orgID, conversationID string, p kith.Page) ([]*kith.Note, error) {
	var w where
	w.add("org_id = ?", orgID)
	w.add("conversation_id = ?", conversationID)
	tail := w.page(p)
	rows, err := r.q.QueryContext(ctx, `SELECT `+noteColumns+` FROM notes`+w.String()+tail, w.args...)
	return list(rows, err, scanNote)
}

func (t *txn) CreateNote(ctx context.Context, n *kith.Note) error {
	if n.ID == "" {
		n.ID = newID(prefixNote)
	}
	if n.Kind == "" {
		n.Kind = kith.NoteAgent
	}
	_, err := t.q.ExecContext(ctx, `INSERT INTO notes (`+noteColumns+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		n.ID, n.OrgID, n.ConversationID, string(n.Kind), n.AgentID, n.AgentName, n.Body, us(n.CreatedAt))
	return classify(err)
}

func (t *txn) MarkAgentRead(ctx context.Context, agentID, conversationID, lastReadID string) error {
	_, err := t.q.ExecContext(ctx, `INSERT INTO agent_reads (agent_id, conversation_id, last_read_id) VALUES ($1, $2, $3)
		ON CONFLICT (agent_id, conversation_id) DO UPDATE SET last_read_id = excluded.last_read_id
		WHERE agent_reads.last_read_id < excluded.last_read_id`, agentID, conversationID, lastReadID)
	return classify(err)
}
