// Package agents is the inbox's people (I3): the agents and admins of an
// organization, their passwords (argon2id), their logins (server-side
// sessions behind the inbox's cookie) and the throttling that keeps
// password guessing slow. It knows nothing of HTTP or cookies: the inbox's
// handlers carry the token this package hands out.
package agents

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// Defaults of a Service.
const (
	// DefaultIdle ends a session unused for this long.
	DefaultIdle = 12 * time.Hour
	// DefaultLifetime ends a session this long after login, however used.
	DefaultLifetime = 7 * 24 * time.Hour
	// MinPasswordLen is the shortest password an agent may have, in
	// characters. Long passphrases beat rules about symbols.
	MinPasswordLen = 12
	// MaxPasswordLen bounds the work one login asks of argon2id.
	MaxPasswordLen = 1024
)

// Throttle bounds login attempts per email and per client address in a
// window. An attempt counts before its password is checked, so that
// attempts made at once cannot slip past the limit together; a login that
// succeeds takes its attempts back.
type Throttle struct {
	Window     time.Duration
	PerEmail   int
	PerAddress int
}

// DefaultThrottle allows 5 attempts per email and 50 per address (an
// office behind one address) in 15 minutes.
var DefaultThrottle = Throttle{Window: 15 * time.Minute, PerEmail: 5, PerAddress: 50}

// Service runs the agents' use cases. Its zero values take the defaults.
type Service struct {
	Store kith.Store
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Params are the costs of new password hashes; DefaultParams when zero.
	Params Params
	// Idle and Lifetime bound sessions; DefaultIdle and DefaultLifetime
	// when zero.
	Idle, Lifetime time.Duration
	// Throttle bounds login attempts; DefaultThrottle when zero.
	Throttle Throttle
	// Ended, when set, hears of the sessions that end (logout, an agent
	// disabled, a session ended from the list) once that is committed, so
	// that their live connections close at once.
	Ended func(sessions []*kith.AgentSession)

	dummyOnce sync.Once
	dummy     string
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now()
	}
	return time.Now()
}

func (s *Service) params() Params {
	if s.Params == (Params{}) {
		return DefaultParams
	}
	return s.Params
}

// IdleTimeout is how long an unused session lasts.
func (s *Service) IdleTimeout() time.Duration { return s.idle() }

func (s *Service) idle() time.Duration {
	if s.Idle > 0 {
		return s.Idle
	}
	return DefaultIdle
}

func (s *Service) lifetime() time.Duration {
	if s.Lifetime > 0 {
		return s.Lifetime
	}
	return DefaultLifetime
}

func (s *Service) throttle() Throttle {
	if s.Throttle == (Throttle{}) {
		return DefaultThrottle
	}
	return s.Throttle
}

// dummyHash is a hash of no one's password, with the current costs: a
// login for an email nobody has checks against it, so that it takes as
// long as a wrong password does and the time says nothing about who has
// an account.
func (s *Service) dummyHash() string {
	s.dummyOnce.Do(func() { s.dummy = HashPassword("not anyone's password", s.params()) })
	return s.dummy
}

// NewAgent is an agent to create.
type NewAgent struct {
	OrgID    string
	Email    string
	Name     string
	Role     kith.Role
	Password string
}

// checkPassword refuses a password too short to resist guessing, or too
// long to hash cheaply; the message never repeats it.
func checkPassword(p string) error {
	n := utf8.RuneCountInString(p)
	if n < MinPasswordLen {
		return kith.Errorf(kith.CodeInvalidField, "password", "a password has at least %d characters", MinPasswordLen)
	}
	if len(p) > MaxPasswordLen || !utf8.ValidString(p) {
		return kith.Errorf(kith.CodeInvalidField, "password", "a password is valid UTF-8 of at most %d bytes", MaxPasswordLen)
	}
	return nil
}

// Create adds an agent to an organization. Errors: invalid fields by name,
// CodeEmailTaken when another agent logs in with that email.
func (s *Service) Create(ctx context.Context, n NewAgent) (*kith.Agent, error) {
	email, err := identity.Email("email", n.Email)
	if err != nil {
		return nil, err
	}
	name, err := identity.Text("name", strings.TrimSpace(n.Name), identity.MaxDisplayNameLen)
	if err != nil {
		return nil, err
	}
	if name == "" {
		return nil, kith.Errorf(kith.CodeMissingField, "name", "name is required: the name customers see on replies")
	}
	if n.Role != kith.RoleAdmin && n.Role != kith.RoleAgent {
		return nil, kith.Errorf(kith.CodeInvalidField, "role", "role is admin or agent")
	}
	if err := checkPassword(n.Password); err != nil {
		return nil, err
	}
	// Hashing takes tens of milliseconds: outside the transaction.
	hash := HashPassword(n.Password, s.params())
	var out *kith.Agent
	err = s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		if _, err := tx.OrgByID(ctx, n.OrgID); err != nil {
			return err
		}
		a := &kith.Agent{OrgID: n.OrgID, Email: email, Name: name, Role: n.Role, PasswordHash: hash, CreatedAt: s.now()}
		if err := tx.CreateAgent(ctx, a); errors.Is(err, kith.ErrConflict) {
			return kith.Errorf(kith.CodeEmailTaken, "email", "an agent logs in with this email already")
		} else if err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// List lists an organization's agents, oldest first.
func (s *Service) List(ctx context.Context, orgID string) ([]*kith.Agent, error) {
	return s.Store.Agents(ctx, orgID)
}

// Disable stops an agent of the organization from logging in and ends
// every session they have, at once: Ended hears of them.
func (s *Service) Disable(ctx context.Context, orgID, id string) (*kith.Agent, error) {
	var out *kith.Agent
	var ended []*kith.AgentSession
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		a, err := tx.Agent(ctx, orgID, id)
		if err != nil {
			return err
		}
		now := s.now()
		if !a.Disabled() {
			a.DisabledAt = now
			if err := tx.UpdateAgent(ctx, a); err != nil {
				return err
			}
		}
		if ended, err = tx.RevokeAgentSessions(ctx, orgID, id, "", now); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		return nil, err
	}
	s.announce(ended)
	return out, nil
}

func (s *Service) announce(ended []*kith.AgentSession) {
	if len(ended) > 0 && s.Ended != nil {
		s.Ended(ended)
	}
}

// Login is a login attempt from the inbox's login page.
type Login struct {
	Email, Password string
	// Address is the client's address, UserAgent its browser: the first
	// is throttled, both are shown in the agent's list of sessions.
	Address, UserAgent string
}

// LoggedIn is an agent's new session and the token its cookie carries,
// shown this once.
type LoggedIn struct {
	Agent   *kith.Agent
	Session *kith.AgentSession
	Token   string
}

// throttleKey names what is throttled without keeping it: no email or
// address at rest in the throttling table.
func throttleKey(kind, v string) string {
	h := sha256.Sum256([]byte(v))
	return kind + ":" + hex.EncodeToString(h[:])
}

// Login checks an email and a password and opens a session. Errors:
// CodeInvalidCredentials, the same for an unknown email and a wrong
// password, after the same work; CodeAgentDisabled for the right password
// of a disabled agent; kith.Throttled past the attempts allowed; and
// CodeUnavailable when the attempts cannot be counted, for a throttle that
// cannot count refuses rather than allows.
func (s *Service) Login(ctx context.Context, l Login) (*LoggedIn, error) {
	email := strings.ToLower(l.Email)
	th := s.throttle()
	now := s.now()
	emailKey, addrKey := throttleKey("email", email), throttleKey("addr", l.Address)
	for _, c := range []struct {
		key, what string
		limit     int
	}{{emailKey, "login attempts for this email", th.PerEmail}, {addrKey, "login attempts from this address", th.PerAddress}} {
		n, start, err := s.Store.CountLoginAttempt(ctx, c.key, now, th.Window)
		if err != nil {
			return nil, &kith.Error{Code: kith.CodeUnavailable, Message: "logins cannot be checked right now", Err: err}
		}
		if n > c.limit {
			return nil, &kith.Throttled{RetryAfter: start.Add(th.Window).Sub(now), What: c.what}
		}
	}
	invalid := kith.Errorf(kith.CodeInvalidCredentials, "", "this email and password do not log in")
	a, err := s.Store.AgentByEmail(ctx, email)
	if errors.Is(err, kith.ErrNotFound) {
		CheckPassword(s.dummyHash(), l.Password)
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	if len(l.Password) > MaxPasswordLen {
		CheckPassword(s.dummyHash(), "")
		return nil, invalid
	}
	if ok, err := CheckPassword(a.PasswordHash, l.Password); err != nil || !ok {
		return nil, invalid
	}
	// The password was right: these attempts were not guessing.
	_ = s.Store.ForgiveLoginAttempt(ctx, emailKey, true)
	_ = s.Store.ForgiveLoginAttempt(ctx, addrKey, false)
	if a.Disabled() {
		return nil, kith.Errorf(kith.CodeAgentDisabled, "", "this agent was disabled: ask an admin of your organization")
	}
	id := keys.AgentSession.NewID()
	token, hash := keys.AgentSession.New(id)
	var out *LoggedIn
	err = s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		// Read again inside: the agent may have been disabled meanwhile.
		a, err := tx.Agent(ctx, a.OrgID, a.ID)
		if err != nil {
			return err
		}
		if a.Disabled() {
			return kith.Errorf(kith.CodeAgentDisabled, "", "this agent was disabled: ask an admin of your organization")
		}
		a.LastLoginAt = now
		if err := tx.UpdateAgent(ctx, a); err != nil {
			return err
		}
		sess := &kith.AgentSession{ID: id, OrgID: a.OrgID, AgentID: a.ID, TokenHash: hash, CreatedAt: now, LastSeenAt: now,
			ExpiresAt: now.Add(s.lifetime()), UserAgent: truncate(l.UserAgent, 255), Address: truncate(l.Address, 64)}
		if err := tx.CreateAgentSession(ctx, sess); err != nil {
			return err
		}
		out = &LoggedIn{Agent: a, Session: sess, Token: token}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	s = s[:n]
	for !utf8.ValidString(s) {
		s = s[:len(s)-1]
	}
	return s
}

// Caller is an agent signed in, and the session they came with.
type Caller struct {
	Agent   *kith.Agent
	Session *kith.AgentSession
}

// IsAdmin reports whether the caller may manage the organization.
func (c *Caller) IsAdmin() bool { return c.Agent.Role == kith.RoleAdmin }

// Authenticate returns the agent a session token belongs to. Errors:
// CodeLoginRequired for a token that is malformed, unknown, wrong,
// revoked, expired, idle too long, or an agent's who was disabled.
func (s *Service) Authenticate(ctx context.Context, token string) (*Caller, error) {
	required := kith.Errorf(kith.CodeLoginRequired, "", "log in to the inbox")
	id, ok := keys.AgentSession.Parse(token)
	if !ok {
		return nil, required
	}
	sess, err := s.Store.AgentSession(ctx, id)
	if errors.Is(err, kith.ErrNotFound) {
		keys.Match(token, make([]byte, sha256.Size)) // an unknown id costs a comparison too
		return nil, required
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !keys.Match(token, sess.TokenHash) || !sess.Active(now, s.idle()) {
		return nil, required
	}
	a, err := s.Store.Agent(ctx, sess.OrgID, sess.AgentID)
	if err != nil {
		return nil, err
	}
	if a.Disabled() {
		return nil, required
	}
	_ = s.Store.TouchAgentSession(ctx, sess.ID, now) // best effort: a missed touch costs an earlier idle end
	return &Caller{Agent: a, Session: sess}, nil
}

// Logout ends the caller's session.
func (s *Service) Logout(ctx context.Context, c *Caller) error {
	_, err := s.end(ctx, c, c.Session.ID)
	return err
}

// Sessions lists the caller's own sessions, newest first.
func (s *Service) Sessions(ctx context.Context, c *Caller) ([]*kith.AgentSession, error) {
	return s.Store.AgentSessions(ctx, c.Agent.OrgID, c.Agent.ID)
}

// EndSession ends one of the caller's sessions; another agent's is not
// found.
func (s *Service) EndSession(ctx context.Context, c *Caller, id string) error {
	ended, err := s.end(ctx, c, id)
	if err == nil && len(ended) == 0 {
		return kith.NotFound("agent session")
	}
	return err
}

func (s *Service) end(ctx context.Context, c *Caller, id string) ([]*kith.AgentSession, error) {
	var ended []*kith.AgentSession
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		var err error
		ended, err = tx.RevokeAgentSessions(ctx, c.Agent.OrgID, c.Agent.ID, id, s.now())
		return err
	})
	if err != nil {
		return nil, err
	}
	s.announce(ended)
	return ended, nil
}
