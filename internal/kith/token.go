package kith

import (
	"slices"
	"time"
)

// Scope is a permission of an application access token.
type Scope string

// The scopes an AAT can carry.
const (
	ScopeSessions Scope = "sessions" // mint session tokens (M1, M2)
	ScopeAPI      Scope = "api"      // call the server API, for the token's own app
	// ScopeOrg widens api to every app of the organization: their
	// conversations and sessions, and the custom field definitions they
	// share. Without it a token reaches its own app's only.
	ScopeOrg Scope = "org"
	// ScopeKeys manages the app's keyring through the server API: its
	// verification secrets, JWT keys and aliases. Those let whoever holds
	// them prove any user's identity, so api alone does not reach them.
	ScopeKeys Scope = "keys"
)

// AccessToken is an application access token (AAT) as stored: only its hash
// is kept, the token itself is shown once at creation.
type AccessToken struct {
	ID         string
	AppID      string
	OrgID      string
	Hash       []byte
	Scopes     []Scope
	CreatedAt  time.Time
	ExpiresAt  time.Time // zero: never
	RevokedAt  time.Time // zero: not revoked
	LastUsedAt time.Time // zero: never used
}

// Has reports whether the token carries scope s.
func (t *AccessToken) Has(s Scope) bool { return slices.Contains(t.Scopes, s) }

// Expired reports whether the token has expired at now.
func (t *AccessToken) Expired(now time.Time) bool {
	return !t.ExpiresAt.IsZero() && !now.Before(t.ExpiresAt)
}

// Revoked reports whether the token was revoked.
func (t *AccessToken) Revoked() bool { return !t.RevokedAt.IsZero() }
