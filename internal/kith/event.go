package kith

import "time"

// EventKind names an identity decision (R8).
type EventKind string

// The identity decisions Kith records.
const (
	EventUserCreated        EventKind = "user_created"
	EventUserIdentified     EventKind = "user_identified"
	EventTraitsChanged      EventKind = "traits_changed"
	EventAnonymousClaimed   EventKind = "anonymous_claimed"
	EventAnonymousCleared   EventKind = "anonymous_cleared"
	EventVerificationFailed EventKind = "verification_failed"
	// EventEmailWithheld: a browser claimed an email another unverified
	// user holds; the claim went on without it (F9).
	EventEmailWithheld  EventKind = "email_withheld"
	EventSessionRevoked EventKind = "session_revoked"
	EventMerged         EventKind = "merged"
	EventUnmerged       EventKind = "unmerged"
)

// IdentityEvent is an append-only record of one identity decision about a
// user.
type IdentityEvent struct {
	ID     string
	OrgID  string
	UserID string
	Kind   EventKind
	Method Method
	// AppID is the app the decision was made through; empty for the CLI.
	AppID string
	// Detail says what was decided, for people: which fields changed, how a
	// user was matched, why verification failed.
	Detail    map[string]any
	CreatedAt time.Time
}
