package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
)

// The inbox's conversations (I1): the list, the thread, replies, notes and
// the conversation's state, for the agent of the cookie. Every id of
// another organization is not found (V6).

type inboxUserJSON struct {
	ID          string     `json:"id"`
	DisplayName string     `json:"display_name"`
	Trust       kith.Trust `json:"trust"`
	Email       *string    `json:"email"`
	UserRef     *string    `json:"user_ref"`
	AccountID   *string    `json:"account_id"`
}

type inboxMessageJSON struct {
	ID             string      `json:"id"`
	ConversationID string      `json:"conversation_id"`
	Author         kith.Author `json:"author"`
	AuthorID       *string     `json:"author_id"`
	AuthorName     string      `json:"author_name"`
	Body           string      `json:"body"`
	CreatedAt      time.Time   `json:"created_at"`
}

func newInboxMessageJSON(m *kith.Message) inboxMessageJSON {
	return inboxMessageJSON{ID: m.ID, ConversationID: m.ConversationID, Author: m.Author, AuthorID: null(m.AuthorID),
		AuthorName: m.AuthorName, Body: m.Body, CreatedAt: m.CreatedAt}
}

type inboxItemJSON struct {
	ID           string                  `json:"id"`
	AppID        string                  `json:"app_id"`
	Status       kith.ConversationStatus `json:"status"`
	SnoozedUntil *time.Time              `json:"snoozed_until"`
	AssigneeID   *string                 `json:"assignee_id"`
	WaitingSince *time.Time              `json:"waiting_since"`
	Verified     bool                    `json:"verified"`
	WorkspaceRef string                  `json:"workspace_ref"`
	Label        string                  `json:"label"`
	Unread       int                     `json:"unread"`
	CreatedAt    time.Time               `json:"created_at"`
	UpdatedAt    time.Time               `json:"updated_at"`
	User         inboxUserJSON           `json:"user"`
	LastMessage  *inboxMessageJSON       `json:"last_message"`
}

func newInboxItemJSON(it *kith.InboxItem) inboxItemJSON {
	c := it.Conversation
	v := inboxItemJSON{ID: c.ID, AppID: c.AppID, Status: c.Status, SnoozedUntil: optTime(c.SnoozedUntil),
		AssigneeID: null(c.AssigneeID), WaitingSince: optTime(c.WaitingSince), Verified: c.Verified,
		WorkspaceRef: c.WorkspaceRef, Label: c.Label, Unread: it.Unread, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		User: inboxUserJSON{ID: it.User.ID, DisplayName: it.User.DisplayName, Trust: it.User.Trust,
			Email: null(it.User.Email), UserRef: null(it.User.Ref), AccountID: null(it.User.AccountID)}}
	if it.LastMessage != nil {
		m := newInboxMessageJSON(it.LastMessage)
		v.LastMessage = &m
	}
	return v
}

// inboxFilter reads the list's query string; a value it cannot take is a
// 400 naming its parameter.
func inboxFilter(r *http.Request) (kith.InboxFilter, error) {
	q := r.URL.Query()
	f := kith.InboxFilter{Status: kith.ConversationStatus(q.Get("status")), Assignee: q.Get("assignee"),
		Trust: kith.Trust(q.Get("trust")), AccountID: q.Get("account_id"), Query: q.Get("q"),
		Sort: kith.InboxSort(q.Get("sort")), Cursor: q.Get("cursor")}
	if q.Has("workspace") {
		ws := q.Get("workspace")
		f.WorkspaceRef = &ws
	}
	switch q.Get("unread") {
	case "", "false":
	case "true":
		f.UnreadOnly = true
	default:
		return f, kith.Errorf(kith.CodeInvalidField, "unread", "unread is true or false")
	}
	if l := q.Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return f, kith.Errorf(kith.CodeInvalidField, "limit", "limit is 1 to 200")
		}
		f.Limit = n
	}
	return f, nil
}

func (s *Server) inboxConversations(w http.ResponseWriter, r *http.Request) error {
	f, err := inboxFilter(r)
	if err != nil {
		return err
	}
	p, err := s.chat.Inbox(r.Context(), inboxCaller(r).Agent, f)
	if err != nil {
		return err
	}
	out := struct {
		Data       []inboxItemJSON `json:"data"`
		NextCursor *string         `json:"next_cursor"`
	}{Data: []inboxItemJSON{}, NextCursor: null(p.NextCursor)}
	for _, it := range p.Items {
		out.Data = append(out.Data, newInboxItemJSON(it))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) inboxCounts(w http.ResponseWriter, r *http.Request) error {
	c, err := s.chat.InboxCounts(r.Context(), inboxCaller(r).Agent)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"open": c.Open, "snoozed": c.Snoozed, "resolved": c.Resolved,
		"mine": c.Mine, "unassigned": c.Unassigned, "unread": c.Unread})
	return nil
}

// inboxItem answers one conversation as the list shows it.
func (s *Server) inboxItem(w http.ResponseWriter, r *http.Request, status int, id string) error {
	p, err := s.chat.Inbox(r.Context(), inboxCaller(r).Agent, kith.InboxFilter{ConversationID: id, Limit: 1})
	if err != nil {
		return err
	}
	if len(p.Items) == 0 {
		return kith.NotFound("conversation")
	}
	writeJSON(w, status, newInboxItemJSON(p.Items[0]))
	return nil
}

func (s *Server) inboxConversation(w http.ResponseWriter, r *http.Request) error {
	return s.inboxItem(w, r, http.StatusOK, r.PathValue("id"))
}

func (s *Server) inboxThread(w http.ResponseWriter, r *http.Request) error {
	p := kith.Page{After: r.URL.Query().Get("after")}
	if l := r.URL.Query().Get("limit"); l != "" {
		n, err := strconv.Atoi(l)
		if err != nil || n < 1 || n > 200 {
			return kith.Errorf(kith.CodeInvalidField, "limit", "limit is 1 to 200")
		}
		p.Limit = n
	}
	items, more, err := s.chat.Thread(r.Context(), inboxCaller(r).Agent, r.PathValue("id"), p)
	if err != nil {
		return err
	}
	type trustJSON struct {
		kith.TrustChange
		At time.Time `json:"at"`
	}
	type entry struct {
		Type    string            `json:"type"`
		Message *inboxMessageJSON `json:"message,omitempty"`
		Note    *chat.NoteJSON    `json:"note,omitempty"`
		Trust   *trustJSON        `json:"trust,omitempty"`
	}
	out := struct {
		Data []entry `json:"data"`
		More bool    `json:"more"`
	}{Data: []entry{}, More: more}
	for _, it := range items {
		switch {
		case it.Message != nil:
			m := newInboxMessageJSON(it.Message)
			out.Data = append(out.Data, entry{Type: "message", Message: &m})
		case it.Note.Kind == kith.NoteTrust:
			tr := trustJSON{At: it.Note.CreatedAt}
			if json.Unmarshal([]byte(it.Note.Body), &tr.TrustChange) != nil {
				continue // a mark this version cannot read says nothing
			}
			out.Data = append(out.Data, entry{Type: "trust", Trust: &tr})
		default:
			n := chat.NewNoteJSON(it.Note)
			out.Data = append(out.Data, entry{Type: "note", Note: &n})
		}
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

type inboxBodyRequest struct {
	Body string `json:"body"`
}

func (s *Server) inboxReply(w http.ResponseWriter, r *http.Request) error {
	var req inboxBodyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	m, err := s.chat.AgentReply(r.Context(), inboxCaller(r).Agent, r.PathValue("id"), req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newInboxMessageJSON(m))
	return nil
}

func (s *Server) inboxNote(w http.ResponseWriter, r *http.Request) error {
	var req inboxBodyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	n, err := s.chat.AddNote(r.Context(), inboxCaller(r).Agent, r.PathValue("id"), req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, chat.NewNoteJSON(n))
	return nil
}

func (s *Server) inboxChange(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Status       opt[kith.ConversationStatus] `json:"status"`
		SnoozedUntil opt[time.Time]               `json:"snoozed_until"`
		AssigneeID   opt[string]                  `json:"assignee_id"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	var ch chat.Change
	if req.Status.Set {
		if req.Status.Null {
			return kith.Errorf(kith.CodeInvalidField, "status", "status is open, snoozed or resolved")
		}
		ch.Status = &req.Status.V
	}
	if req.SnoozedUntil.Set && !req.SnoozedUntil.Null {
		ch.SnoozedUntil = req.SnoozedUntil.V
	}
	if req.AssigneeID.Set {
		id := req.AssigneeID.V // null unassigns
		ch.AssigneeID = &id
	}
	c, err := s.chat.Change(r.Context(), inboxCaller(r).Agent, r.PathValue("id"), ch)
	if err != nil {
		return err
	}
	return s.inboxItem(w, r, http.StatusOK, c.ID)
}

// inboxTyping tells the visitor and the other agents that the agent is
// writing a reply (I1). The inbox never sends it for a private note.
func (s *Server) inboxTyping(w http.ResponseWriter, r *http.Request) error {
	if err := s.chat.AgentTyping(r.Context(), inboxCaller(r).Agent, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) inboxRead(w http.ResponseWriter, r *http.Request) error {
	if err := s.chat.MarkAgentRead(r.Context(), inboxCaller(r).Agent, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
