package kith

import "time"

// Device is one browser profile of one app, known by an unguessable device
// token that the widget keeps in localStorage.
type Device struct {
	ID        string
	OrgID     string
	AppID     string
	TokenHash []byte
	// AnonymousUserID is the device's anonymous user; empty until the
	// visitor first writes, so that a visit that never writes makes no user
	// (M6), and again after the anonymous user is cleared on login (S5).
	AnonymousUserID string
	// AnonymousName is the friendly name the visitor sees before their user
	// exists; the user takes it when it is made.
	AnonymousName string
	CreatedAt     time.Time
	LastSeenAt    time.Time
}

// Session is a widget session: an opaque, revocable bearer token bound to
// one app, device, user, trust level and workspace scope.
type Session struct {
	ID       string
	OrgID    string
	AppID    string
	DeviceID string
	// UserID is empty for an anonymous session whose user does not exist
	// yet; such a session acts for its device's anonymous user.
	UserID string
	Trust  Trust
	// WorkspaceRef scopes the session to one workspace (V4) its verified
	// user is a member of; empty for none.
	WorkspaceRef string
	// Label is a scope the page picked, at any trust level: it partitions
	// the user's history like a workspace, without membership (V4).
	Label  string
	Method Method
	// Proof names what proved a verified session's user: the access token
	// that minted its session token, the verification secret of its user
	// hash, or the kid of its JWT; empty for the others.
	Proof      string
	TokenHash  []byte
	CreatedAt  time.Time
	ExpiresAt  time.Time
	RevokedAt  time.Time // zero: not revoked
	LastSeenAt time.Time
}

// Active reports whether the session may be used at now.
func (s *Session) Active(now time.Time) bool {
	return s.RevokedAt.IsZero() && now.Before(s.ExpiresAt)
}
