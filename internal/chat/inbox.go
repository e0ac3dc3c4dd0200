package chat

import (
	"context"
	"encoding/json"
	"errors"
	"sort"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// The inbox's use cases (I1): what an agent of an organization lists,
// reads and does to its conversations. Every one takes the agent's
// organization, and a conversation of another is not found (V6).

// MaxInboxQueryLen bounds a search of the inbox, in characters.
const MaxInboxQueryLen = 200

// Inbox lists the organization's conversations as the agent sees them.
func (s *Service) Inbox(ctx context.Context, agent *kith.Agent, f kith.InboxFilter) (*kith.InboxPage, error) {
	f.AgentID = agent.ID
	if f.Status != "" && !f.Status.Valid() {
		return nil, kith.Errorf(kith.CodeInvalidField, "status", "status is open, snoozed or resolved")
	}
	switch f.Sort {
	case "":
		f.Sort = kith.SortRecent
	case kith.SortRecent, kith.SortWaiting:
	default:
		return nil, kith.Errorf(kith.CodeInvalidField, "sort", "sort is recent or waiting")
	}
	if f.Trust != "" && f.Trust != kith.TrustAnonymous && f.Trust != kith.TrustUnverified && f.Trust != kith.TrustVerified {
		return nil, kith.Errorf(kith.CodeInvalidField, "trust", "trust is anonymous, unverified or verified")
	}
	q, err := inboxQuery(f.Query)
	if err != nil {
		return nil, err
	}
	f.Query = q
	if f.Assignee == "me" {
		f.Assignee = agent.ID
	}
	if f.Limit < 0 || f.Limit > 200 {
		return nil, kith.Errorf(kith.CodeInvalidField, "limit", "limit is 1 to 200")
	}
	return s.Store.Inbox(ctx, agent.OrgID, f)
}

// InboxCounts sizes the inbox's views for the agent.
func (s *Service) InboxCounts(ctx context.Context, agent *kith.Agent) (*kith.InboxCounts, error) {
	return s.Store.InboxCounts(ctx, agent.OrgID, agent.ID)
}

// ThreadItem is one entry of a conversation's thread as agents see it: a
// message, or a private note.
type ThreadItem struct {
	Message *kith.Message
	Note    *kith.Note
}

// ID is the item's id.
func (i ThreadItem) ID() string {
	if i.Message != nil {
		return i.Message.ID
	}
	return i.Note.ID
}

// order is where the item goes in the thread: ids are a prefix that says
// what they name and a time-ordered body, so messages and notes
// interleave in the order of their bodies.
func (i ThreadItem) order() string { return idBody(i.ID()) }

func idBody(id string) string {
	_, body, _ := strings.Cut(id, "_")
	return body
}

// Thread lists a conversation's messages and notes in order, a page of
// messages at a time (after the cursor, a message's id) with the notes
// written among them; the last page also has the notes after its last
// message. more says whether there are messages after the page.
func (s *Service) Thread(ctx context.Context, agent *kith.Agent, conversationID string, p kith.Page) (items []ThreadItem, more bool, err error) {
	if _, err := s.Store.Conversation(ctx, agent.OrgID, conversationID); err != nil {
		return nil, false, err
	}
	limit := p.Limit
	if limit <= 0 || limit > 200 {
		limit = 100
	}
	msgs, err := s.Store.Messages(ctx, agent.OrgID, conversationID, kith.Page{After: p.After, Limit: limit + 1})
	if err != nil {
		return nil, false, err
	}
	more = len(msgs) > limit
	if more {
		msgs = msgs[:limit]
	}
	// A conversation's notes are few: all of them, and those of this page
	// kept. The cursor is a message's id, so it compares by id body.
	notes, err := s.Store.Notes(ctx, agent.OrgID, conversationID, kith.Page{})
	if err != nil {
		return nil, false, err
	}
	for _, m := range msgs {
		items = append(items, ThreadItem{Message: m})
	}
	for _, n := range notes {
		switch {
		case p.After != "" && idBody(n.ID) <= idBody(p.After):
			continue // an earlier page's
		case more && idBody(n.ID) > idBody(msgs[len(msgs)-1].ID):
			continue // a later page's
		}
		items = append(items, ThreadItem{Note: n})
	}
	sort.Slice(items, func(i, j int) bool { return items[i].order() < items[j].order() })
	return items, more, nil
}

// AgentReply is an agent's answer from the inbox: it reaches the widgets
// that may see the conversation, live, signed with the agent's name, and
// the agent has read the conversation up to it.
func (s *Service) AgentReply(ctx context.Context, agent *kith.Agent, conversationID, body string) (*kith.Message, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	var m *kith.Message
	err = s.tx(ctx, agent.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		conv, err := tx.Conversation(ctx, agent.OrgID, conversationID)
		if err != nil {
			return err
		}
		if m, err = s.post(ctx, tx, rec, conv, kith.AuthorAgent, agent.ID, agent.Name, body); err != nil {
			return err
		}
		return tx.MarkAgentRead(ctx, agent.ID, conv.ID, m.ID)
	})
	return m, err
}

// AddNote adds an agent's private note to a conversation. Only agents hear
// of it: its live event names no user, device or session, and is of a kind
// no widget hears.
func (s *Service) AddNote(ctx context.Context, agent *kith.Agent, conversationID, body string) (*kith.Note, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	var n *kith.Note
	err = s.tx(ctx, agent.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		conv, err := tx.Conversation(ctx, agent.OrgID, conversationID)
		if err != nil {
			return err
		}
		n = &kith.Note{OrgID: conv.OrgID, ConversationID: conv.ID, AgentID: agent.ID, AgentName: agent.Name, Body: body,
			CreatedAt: s.now()}
		if err := tx.CreateNote(ctx, n); err != nil {
			return err
		}
		return rec.record(ctx, agentEvent(kith.LiveNoteCreated, conv, n.CreatedAt, map[string]any{"note": NewNoteJSON(n)}))
	})
	return n, err
}

// Change is what an agent changes of a conversation; nil fields stay.
type Change struct {
	Status *kith.ConversationStatus
	// SnoozedUntil is when a snoozed conversation opens again; required
	// with StatusSnoozed, in the future.
	SnoozedUntil time.Time
	// AssigneeID is the agent to assign it to, "" to unassign.
	AssigneeID *string
}

// Change changes a conversation's status or assignee. Errors: invalid
// fields by name; the assignee not an active agent of the organization is
// a 404 on assignee_id.
func (s *Service) Change(ctx context.Context, agent *kith.Agent, conversationID string, ch Change) (*kith.Conversation, error) {
	now := s.now()
	if ch.Status != nil {
		switch {
		case !ch.Status.Valid():
			return nil, kith.Errorf(kith.CodeInvalidField, "status", "status is open, snoozed or resolved")
		case *ch.Status == kith.StatusSnoozed && !ch.SnoozedUntil.After(now):
			return nil, kith.Errorf(kith.CodeInvalidField, "snoozed_until", "a snooze ends in the future")
		case *ch.Status != kith.StatusSnoozed && !ch.SnoozedUntil.IsZero():
			return nil, kith.Errorf(kith.CodeInvalidField, "snoozed_until", "only a snoozed conversation has snoozed_until")
		}
	}
	if ch.Status == nil && ch.AssigneeID == nil {
		return nil, kith.Errorf(kith.CodeMissingField, "status", "send a status or an assignee_id to change")
	}
	var out *kith.Conversation
	err := s.tx(ctx, agent.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		conv, err := tx.Conversation(ctx, agent.OrgID, conversationID)
		if err != nil {
			return err
		}
		if ch.Status != nil {
			conv.Status, conv.SnoozedUntil = *ch.Status, ch.SnoozedUntil
		}
		if ch.AssigneeID != nil {
			if id := *ch.AssigneeID; id != "" {
				a, err := tx.Agent(ctx, agent.OrgID, id)
				if errors.Is(err, kith.ErrNotFound) || err == nil && a.Disabled() {
					return kith.Errorf(kith.CodeNotFound, "assignee_id", "no active agent of this organization has this id")
				}
				if err != nil {
					return err
				}
			}
			conv.AssigneeID = *ch.AssigneeID
		}
		// The state changed, not the talk: updated_at, which orders the
		// list by activity, stays.
		if err := tx.UpdateConversation(ctx, conv); err != nil {
			return err
		}
		out = conv
		return rec.record(ctx, agentEvent(kith.LiveConversationChanged, conv, s.now(), map[string]any{
			"conversation_id": conv.ID, "status": conv.Status, "snoozed_until": optTime(conv.SnoozedUntil),
			"assignee_id": conv.AssigneeID, "by": agent.ID}))
	})
	return out, err
}

// MarkAgentRead records that the agent has read a conversation up to its
// last message; the agent's other tabs hear of it.
func (s *Service) MarkAgentRead(ctx context.Context, agent *kith.Agent, conversationID string) error {
	return s.tx(ctx, agent.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		conv, err := tx.Conversation(ctx, agent.OrgID, conversationID)
		if err != nil {
			return err
		}
		msgs, err := tx.Messages(ctx, agent.OrgID, conv.ID, kith.Page{After: "", Limit: 1000})
		if err != nil || len(msgs) == 0 {
			return err
		}
		last := msgs[len(msgs)-1].ID
		for len(msgs) == 1000 { // a very long conversation: read on to its end
			if msgs, err = tx.Messages(ctx, agent.OrgID, conv.ID, kith.Page{After: last, Limit: 1000}); err != nil {
				return err
			}
			if len(msgs) > 0 {
				last = msgs[len(msgs)-1].ID
			}
		}
		if err := tx.MarkAgentRead(ctx, agent.ID, conv.ID, last); err != nil {
			return err
		}
		return rec.record(ctx, agentEvent(kith.LiveConversationChanged, conv, s.now(), map[string]any{
			"conversation_id": conv.ID, "read_by": agent.ID, "last_read_id": last}))
	})
}

// agentEvent is a live event only agents hear: it names the organization
// and the conversation, and no user, device or session.
func agentEvent(kind kith.LiveEventKind, conv *kith.Conversation, at time.Time, payload any) *kith.LiveEvent {
	b, _ := json.Marshal(payload)
	return &kith.LiveEvent{OrgID: conv.OrgID, AppID: conv.AppID, Kind: kind, ConversationID: conv.ID,
		Payload: b, CreatedAt: at}
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

// NoteJSON is a note as agents' clients see it.
type NoteJSON struct {
	ID             string    `json:"id"`
	ConversationID string    `json:"conversation_id"`
	AgentID        string    `json:"agent_id"`
	AgentName      string    `json:"agent_name"`
	Body           string    `json:"body"`
	CreatedAt      time.Time `json:"created_at"`
}

// NewNoteJSON returns n as agents' clients see it.
func NewNoteJSON(n *kith.Note) NoteJSON {
	return NoteJSON{ID: n.ID, ConversationID: n.ConversationID, AgentID: n.AgentID, AgentName: n.AgentName,
		Body: n.Body, CreatedAt: n.CreatedAt}
}

// inboxQuery checks a search of the inbox as the user's identifiers are
// checked: no control or invisible characters to hide in.
func inboxQuery(q string) (string, error) {
	q = strings.TrimSpace(q)
	if q == "" {
		return "", nil
	}
	return identity.Text("q", q, MaxInboxQueryLen)
}
