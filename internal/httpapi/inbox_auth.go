package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/kith"
)

// inboxCookie carries an agent's session token. HttpOnly: no script of
// the page reads it; SameSite=Lax: another site's page does not send it
// with its requests; Path=/inbox: it goes nowhere else.
const inboxCookie = "kith_inbox"

// agentKey carries the agent of an inbox request.
type agentKey struct{}

func inboxCaller(r *http.Request) *agents.Caller {
	return r.Context().Value(agentKey{}).(*agents.Caller)
}

// sameOrigin refuses a state-changing request a page of another origin
// made (CSRF), by the browser's own Sec-Fetch-Site and Origin headers; safe
// methods pass. It guards the login too, so that no page logs a browser in
// as someone else.
func (s *Server) sameOrigin(r *http.Request) error {
	if err := s.crossOrigin.Check(r); err != nil {
		return kith.Errorf(kith.CodeCrossOrigin, "", "this request came from a page of another site")
	}
	return nil
}

// inbox wraps an inbox endpoint: the agent from the cookie, and no
// state change from another origin.
func (s *Server) inbox(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		if err := s.sameOrigin(r); err != nil {
			return err
		}
		c, err := s.inboxAuth(r)
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), agentKey{}, c)))
	}
}

// inboxAdmin wraps an endpoint only admins may call (I3).
func (s *Server) inboxAdmin(h handlerFunc) handlerFunc {
	return s.inbox(func(w http.ResponseWriter, r *http.Request) error {
		if !inboxCaller(r).IsAdmin() {
			return kith.Errorf(kith.CodeAdminOnly, "", "only an admin of the organization may do this")
		}
		return h(w, r)
	})
}

func (s *Server) inboxAuth(r *http.Request) (*agents.Caller, error) {
	ck, err := r.Cookie(inboxCookie)
	if err != nil {
		return nil, kith.Errorf(kith.CodeLoginRequired, "", "log in to the inbox")
	}
	return s.agents.Authenticate(r.Context(), ck.Value)
}

// setInboxCookie sets (or, with an empty token, clears) the session cookie.
func (s *Server) setInboxCookie(w http.ResponseWriter, r *http.Request, token string, expires time.Time) {
	ck := &http.Cookie{Name: inboxCookie, Value: token, Path: "/inbox", HttpOnly: true, SameSite: http.SameSiteLaxMode,
		Secure: s.secureCookies || r.TLS != nil}
	if token == "" {
		ck.MaxAge = -1
	} else {
		ck.Expires = expires
	}
	http.SetCookie(w, ck)
}

type agentJSON struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        kith.Role  `json:"role"`
	CreatedAt   time.Time  `json:"created_at"`
	DisabledAt  *time.Time `json:"disabled_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

func newAgentJSON(a *kith.Agent) agentJSON {
	return agentJSON{ID: a.ID, Email: a.Email, Name: a.Name, Role: a.Role, CreatedAt: a.CreatedAt,
		DisabledAt: optTime(a.DisabledAt), LastLoginAt: optTime(a.LastLoginAt)}
}

func optTime(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	return &t
}

type agentSessionJSON struct {
	ID         string    `json:"id"`
	Current    bool      `json:"current"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	Active     bool      `json:"active"`
	UserAgent  string    `json:"user_agent"`
	Address    string    `json:"address"`
}

func (s *Server) inboxLogin(w http.ResponseWriter, r *http.Request) error {
	if err := s.sameOrigin(r); err != nil {
		return err
	}
	var req struct {
		Email    string `json:"email"`
		Password string `json:"password"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if req.Email == "" {
		return missing("email", "the agent's login")
	}
	if req.Password == "" {
		return missing("password", "the agent's password")
	}
	in, err := s.agents.Login(r.Context(), agents.Login{Email: req.Email, Password: req.Password,
		Address: s.clientAddr(r), UserAgent: r.UserAgent()})
	if err != nil {
		return err
	}
	s.setInboxCookie(w, r, in.Token, in.Session.ExpiresAt)
	writeJSON(w, http.StatusOK, map[string]any{"agent": newAgentJSON(in.Agent)})
	return nil
}

func (s *Server) inboxLogout(w http.ResponseWriter, r *http.Request) error {
	if err := s.agents.Logout(r.Context(), inboxCaller(r)); err != nil {
		return err
	}
	s.setInboxCookie(w, r, "", time.Time{})
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) inboxMe(w http.ResponseWriter, r *http.Request) error {
	c := inboxCaller(r)
	org, err := s.store.OrgByID(r.Context(), c.Agent.OrgID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{"agent": newAgentJSON(c.Agent),
		"org": map[string]string{"id": org.ID, "name": org.Name}})
	return nil
}

func (s *Server) inboxSessions(w http.ResponseWriter, r *http.Request) error {
	c := inboxCaller(r)
	list, err := s.agents.Sessions(r.Context(), c)
	if err != nil {
		return err
	}
	now := s.now()
	out := make([]agentSessionJSON, 0, len(list))
	for _, ss := range list {
		out = append(out, agentSessionJSON{ID: ss.ID, Current: ss.ID == c.Session.ID, CreatedAt: ss.CreatedAt,
			LastSeenAt: ss.LastSeenAt, ExpiresAt: ss.ExpiresAt, Active: ss.Active(now, s.agents.IdleTimeout()),
			UserAgent: ss.UserAgent, Address: ss.Address})
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
	return nil
}

func (s *Server) inboxEndSession(w http.ResponseWriter, r *http.Request) error {
	c := inboxCaller(r)
	if err := s.agents.EndSession(r.Context(), c, r.PathValue("id")); err != nil {
		return err
	}
	if r.PathValue("id") == c.Session.ID {
		s.setInboxCookie(w, r, "", time.Time{})
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) inboxAgents(w http.ResponseWriter, r *http.Request) error {
	list, err := s.agents.List(r.Context(), inboxCaller(r).Agent.OrgID)
	if err != nil {
		return err
	}
	out := make([]agentJSON, len(list))
	for i, a := range list {
		out[i] = newAgentJSON(a)
	}
	writeJSON(w, http.StatusOK, map[string]any{"data": out})
	return nil
}

func (s *Server) inboxCreateAgent(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Email    string    `json:"email"`
		Name     string    `json:"name"`
		Role     kith.Role `json:"role"`
		Password string    `json:"password"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	a, err := s.agents.Create(r.Context(), agents.NewAgent{OrgID: inboxCaller(r).Agent.OrgID, Email: req.Email, Name: req.Name,
		Role: req.Role, Password: req.Password})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, newAgentJSON(a))
	return nil
}

func (s *Server) inboxDisableAgent(w http.ResponseWriter, r *http.Request) error {
	c := inboxCaller(r)
	if r.PathValue("id") == c.Agent.ID {
		// The last admin would lock the organization out of its settings.
		return kith.Errorf(kith.CodeInvalidRequest, "", "an admin cannot disable themselves: ask another admin")
	}
	a, err := s.agents.Disable(r.Context(), c.Agent.OrgID, r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newAgentJSON(a))
	return nil
}
