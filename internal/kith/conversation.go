package kith

import (
	"encoding/json"
	"time"
)

// Conversation is a thread between an end user and the support team.
type Conversation struct {
	ID       string
	OrgID    string
	AppID    string
	UserID   string
	DeviceID string // the device it was started on (V3)
	// Verified says a verified session started it, which makes it visible
	// to its user on every device (V2).
	Verified bool
	// WorkspaceRef is the workspace it belongs to (V4); empty for none.
	// Only a verified session that is a member of it puts a conversation in
	// a workspace.
	WorkspaceRef string
	// Label is the scope the page picked (Open CX externalId, or what an
	// unverified or anonymous session named): it partitions its user's
	// history, and is shown to agents as a label, never as membership (V4).
	Label string
	// UserLastReadID is the last message the user has read; agent messages
	// after it are unread.
	UserLastReadID string
	// Status is where the conversation stands for agents; a new message of
	// its user opens it again.
	Status ConversationStatus
	// SnoozedUntil is when a snoozed conversation opens again by itself.
	SnoozedUntil time.Time
	// AssigneeID is the agent it is assigned to; empty for none.
	AssigneeID string
	// WaitingSince is when the user's first message that no agent has
	// answered yet was written; zero when nobody waits.
	WaitingSince time.Time
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// ConversationStatus is where a conversation stands for agents (I1).
type ConversationStatus string

// The states of a conversation.
const (
	StatusOpen     ConversationStatus = "open"
	StatusSnoozed  ConversationStatus = "snoozed"
	StatusResolved ConversationStatus = "resolved"
)

// Valid reports whether s is one of the states.
func (s ConversationStatus) Valid() bool {
	return s == StatusOpen || s == StatusSnoozed || s == StatusResolved
}

// Note is an agent's private note on a conversation: agents see it in the
// thread, the user never sees nor hears of it. Kith writes notes of its
// own too: marks where the conversation's trust changed.
type Note struct {
	ID             string
	OrgID          string
	ConversationID string
	Kind           NoteKind
	AgentID        string // empty for Kith's own
	AgentName      string
	// Body is the note's text; for a trust mark, the TrustChange as JSON.
	Body      string
	CreatedAt time.Time
}

// NoteKind says who wrote a note and what it holds.
type NoteKind string

// The kinds of notes.
const (
	NoteAgent NoteKind = "note"  // an agent's words
	NoteTrust NoteKind = "trust" // Kith's mark of a change of trust
)

// TrustChange is what a trust mark records: the conversation went from one
// trust level to another, by a method (a verified login claiming the
// device's anonymous history, S5).
type TrustChange struct {
	From   Trust  `json:"from"`
	To     Trust  `json:"to"`
	Method Method `json:"method"`
}

// Author says who wrote a message.
type Author string

// The two sides of a conversation.
const (
	AuthorUser  Author = "user"
	AuthorAgent Author = "agent"
)

// Message is one message of a conversation.
type Message struct {
	ID             string
	OrgID          string
	ConversationID string
	Author         Author
	AuthorID       string // the user, or the agent (empty for the server API)
	AuthorName     string
	Body           string
	CreatedAt      time.Time
}

// LiveEventKind names a change the widget or the inbox hears about.
type LiveEventKind string

// The changes a widget hears about (agents hear them too).
const (
	LiveMessageCreated      LiveEventKind = "message.created"
	LiveConversationUpdated LiveEventKind = "conversation.updated"
	LiveSessionRevoked      LiveEventKind = "session.revoked"
	// LiveAgentTyping says an agent is writing a reply in the
	// conversation. Like every typing indicator it is announced, not
	// stored: it has no id, and a replay never has it.
	LiveAgentTyping LiveEventKind = "typing.agent"
)

// The changes only agents hear about: they name no user, device or
// session, so no widget's subscription or replay ever selects them, and
// CanHear refuses them whatever they name.
const (
	// LiveNoteCreated is a private note added to a conversation.
	LiveNoteCreated LiveEventKind = "note.created"
	// LiveConversationChanged is a change of state for agents: status,
	// assignee, an agent's reading.
	LiveConversationChanged LiveEventKind = "conversation.changed"
	// LiveAgentSessionsEnded says that agent sessions ended (a logout, an
	// agent disabled), so that their open inboxes close at once, in every
	// process. It is announced, not stored: it has no id, and a replay
	// never has it (a reconnecting inbox must log in again anyway).
	LiveAgentSessionsEnded LiveEventKind = "agent_sessions.ended"
	// LiveUserTyping says the visitor is writing in the conversation.
	// Announced, not stored, as LiveAgentTyping.
	LiveUserTyping LiveEventKind = "typing.user"
)

// ForWidgets reports whether widgets may ever hear events of the kind.
func (k LiveEventKind) ForWidgets() bool {
	return k == LiveMessageCreated || k == LiveConversationUpdated || k == LiveSessionRevoked || k == LiveAgentTyping
}

// LiveEvent is one change, as the widget hears of it, with what it takes to
// decide who may hear it: the conversation's user, device, trust and
// workspace (V2-V4), or the session it is addressed to. Events are numbered
// in the order they were committed, so that a widget can resume after the
// last one it saw.
type LiveEvent struct {
	ID             int64
	OrgID          string
	AppID          string
	Kind           LiveEventKind
	UserID         string
	DeviceID       string
	SessionID      string // for events addressed to one session
	ConversationID string
	Verified       bool
	WorkspaceRef   string
	Label          string
	// Payload is the event's JSON as the widget receives it.
	Payload   json.RawMessage
	CreatedAt time.Time
}
