package httpapi

import (
	"net/http"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
)

// agentConversationJSON is a conversation as agents see it: with whom and
// where it is, unlike the widget's view.
type agentConversationJSON struct {
	chat.ConversationJSON
	UserID       string  `json:"user_id"`
	AppID        string  `json:"app_id"`
	Verified     bool    `json:"verified"`
	WorkspaceRef *string `json:"workspace_ref"`
	// Label is the scope the page picked: shown apart from the workspace,
	// which only verified membership sets (V4).
	Label *string `json:"label"`
}

func newAgentConversationJSON(c *kith.ConversationSummary) agentConversationJSON {
	return agentConversationJSON{ConversationJSON: chat.NewConversationJSON(c), UserID: c.UserID, AppID: c.AppID,
		Verified: c.Verified, WorkspaceRef: null(c.WorkspaceRef), Label: null(c.Label)}
}

func (s *Server) listConversations(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := pageParams(r)
	if err != nil {
		return err
	}
	convs, err := s.chat.AgentConversations(r.Context(), callerReach(r), r.URL.Query().Get("user_id"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(convs, limit, func(c *kith.ConversationSummary) string { return c.ID },
		newAgentConversationJSON))
	return nil
}

func (s *Server) getConversation(w http.ResponseWriter, r *http.Request) error {
	c, err := s.chat.AgentConversation(r.Context(), callerReach(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newAgentConversationJSON(c))
	return nil
}

func (s *Server) listMessages(w http.ResponseWriter, r *http.Request) error {
	p, limit, err := messagePage(r)
	if err != nil {
		return err
	}
	msgs, err := s.chat.AgentMessages(r.Context(), callerReach(r), r.PathValue("id"), p)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, page(msgs, limit, func(m *kith.Message) string { return m.ID }, chat.NewMessageJSON))
	return nil
}

type replyRequest struct {
	Body       string `json:"body"`
	AuthorName string `json:"author_name"`
}

func (s *Server) replyToConversation(w http.ResponseWriter, r *http.Request) error {
	var req replyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	name, err := textUpdate("author_name", opt[string]{Set: req.AuthorName != "", V: req.AuthorName}, displayName)
	if err != nil {
		return err
	}
	m, err := s.chat.Reply(r.Context(), callerReach(r), r.PathValue("id"), "", name.To, req.Body)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, chat.NewMessageJSON(m))
	return nil
}

type sessionJSON struct {
	ID           string      `json:"id"`
	AppID        string      `json:"app_id"`
	DeviceID     string      `json:"device_id"`
	Trust        kith.Trust  `json:"trust"`
	Method       kith.Method `json:"method"`
	Proof        *string     `json:"proof"`
	WorkspaceRef *string     `json:"workspace_ref"`
	Label        *string     `json:"label"`
	Active       bool        `json:"active"`
	CreatedAt    time.Time   `json:"created_at"`
	LastSeenAt   time.Time   `json:"last_seen_at"`
	ExpiresAt    time.Time   `json:"expires_at"`
	RevokedAt    *time.Time  `json:"revoked_at"`
}

func newSessionJSON(ss *kith.Session, now time.Time) sessionJSON {
	return sessionJSON{ID: ss.ID, AppID: ss.AppID, DeviceID: ss.DeviceID, Trust: ss.Trust, Method: ss.Method, Proof: null(ss.Proof),
		WorkspaceRef: null(ss.WorkspaceRef), Label: null(ss.Label), Active: ss.Active(now), CreatedAt: ss.CreatedAt,
		LastSeenAt: ss.LastSeenAt, ExpiresAt: ss.ExpiresAt, RevokedAt: optTime(ss.RevokedAt)}
}

func (s *Server) listUserSessions(w http.ResponseWriter, r *http.Request) error {
	sessions, err := s.chat.UserSessions(r.Context(), callerReach(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := list[sessionJSON]{Data: []sessionJSON{}}
	now := s.now()
	for _, ss := range sessions {
		out.Data = append(out.Data, newSessionJSON(ss, now))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.chat.RevokeSession(r.Context(), callerReach(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) revokeUserSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := s.chat.RevokeUserSessions(r.Context(), callerReach(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
	return nil
}
