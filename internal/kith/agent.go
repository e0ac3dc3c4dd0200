package kith

import "time"

// Role is what an agent may do in the inbox (I3).
type Role string

// The roles of agents.
const (
	// RoleAdmin manages the organization's settings, keys and agents, and
	// answers too.
	RoleAdmin Role = "admin"
	// RoleAgent answers conversations.
	RoleAgent Role = "agent"
)

// Agent is support staff who logs in to the inbox. An agent belongs to one
// organization and sees only its records (V6). Their email is their login,
// unique across the installation.
type Agent struct {
	ID    string
	OrgID string
	Email string // lower-cased
	Name  string
	Role  Role
	// PasswordHash is the argon2id hash of the password, in the PHC string
	// form ($argon2id$v=19$m=...,t=...,p=...$salt$hash).
	PasswordHash string
	CreatedAt    time.Time
	DisabledAt   time.Time // zero: active
	LastLoginAt  time.Time // zero: never logged in
}

// Disabled reports whether the agent may no longer log in.
func (a *Agent) Disabled() bool { return !a.DisabledAt.IsZero() }

// AgentSession is an agent's login: the server side of the inbox's cookie.
// Only the hash of the cookie's token is kept.
type AgentSession struct {
	ID         string
	OrgID      string
	AgentID    string
	TokenHash  []byte
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is the absolute end of the session, however active it is.
	ExpiresAt time.Time
	RevokedAt time.Time // zero: not revoked
	// UserAgent and Address say where it was opened, for the agent's list
	// of their sessions.
	UserAgent string
	Address   string
}

// Active reports whether the session still lets its agent in at now, given
// the idle timeout: not revoked, not past its absolute end, used recently.
func (s *AgentSession) Active(now time.Time, idle time.Duration) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt) && now.Sub(s.LastSeenAt) < idle
}
