package httpapi

import (
	"net/http"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
)

// The inbox's user panel (I1, S7, R8): who the agent is talking to, how
// their identity was established, their other conversations, their widget
// sessions (which the agent can end) and their identity events.

type verificationJSON struct {
	Method kith.Method `json:"method"`
	Key    string      `json:"key"`
	At     time.Time   `json:"at"`
}

func (s *Server) inboxUser(w http.ResponseWriter, r *http.Request) error {
	ctx, agent := r.Context(), inboxCaller(r).Agent
	org := agent.OrgID
	u, err := s.store.User(ctx, org, r.PathValue("id"))
	if err != nil {
		return err
	}
	view, err := s.userView(ctx, org, u)
	if err != nil {
		return err
	}
	reach := chat.Reach{OrgID: org}
	sessions, err := s.chat.UserSessions(ctx, reach, u.ID)
	if err != nil {
		return err
	}
	convs, err := s.chat.Inbox(ctx, agent, kith.InboxFilter{UserID: u.ID, Limit: 50})
	if err != nil {
		return err
	}
	events, err := s.store.Events(ctx, org, u.ID, kith.Page{Limit: 200})
	if err != nil {
		return err
	}
	out := struct {
		User          userView          `json:"user"`
		Verification  *verificationJSON `json:"verification"`
		Conversations []inboxItemJSON   `json:"conversations"`
		Sessions      []sessionJSON     `json:"sessions"`
		Events        []eventView       `json:"events"`
	}{User: view, Conversations: []inboxItemJSON{}, Sessions: []sessionJSON{}, Events: []eventView{}}
	if v := chat.HowVerified(sessions); v != nil {
		out.Verification = &verificationJSON{Method: v.Method, Key: v.Key, At: v.At}
	}
	for _, it := range convs.Items {
		out.Conversations = append(out.Conversations, newInboxItemJSON(it))
	}
	now := s.now()
	for _, ss := range sessions {
		out.Sessions = append(out.Sessions, newSessionJSON(ss, now))
	}
	for _, e := range events {
		out.Events = append(out.Events, newEventView(e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) inboxRevokeWidgetSession(w http.ResponseWriter, r *http.Request) error {
	if err := s.chat.RevokeSession(r.Context(), chat.Reach{OrgID: inboxCaller(r).Agent.OrgID}, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) inboxRevokeUserWidgetSessions(w http.ResponseWriter, r *http.Request) error {
	n, err := s.chat.RevokeUserSessions(r.Context(), chat.Reach{OrgID: inboxCaller(r).Agent.OrgID}, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
	return nil
}

type teamMemberJSON struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	Role     kith.Role `json:"role"`
	Presence string    `json:"presence"`
}

// inboxTeam lists the organization's active agents with their presence,
// for assigning and for seeing who is online.
func (s *Server) inboxTeam(w http.ResponseWriter, r *http.Request) error {
	agent := inboxCaller(r).Agent
	team, err := s.agents.List(r.Context(), agent.OrgID)
	if err != nil {
		return err
	}
	out := struct {
		Data []teamMemberJSON `json:"data"`
	}{Data: []teamMemberJSON{}}
	for _, a := range team {
		if a.Disabled() {
			continue
		}
		out.Data = append(out.Data, teamMemberJSON{ID: a.ID, Name: a.Name, Role: a.Role, Presence: s.presence.of(a.OrgID, a.ID)})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}
