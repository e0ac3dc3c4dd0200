package kith

// InboxSort orders the inbox's list (I1).
type InboxSort string

// The orders of the inbox's list.
const (
	// SortRecent puts the conversations with the latest activity first.
	SortRecent InboxSort = "recent"
	// SortWaiting puts first the conversations whose user has waited
	// longest for an answer; those nobody waits on come last.
	SortWaiting InboxSort = "waiting"
)

// Assignees that are not an agent's id, for InboxFilter.Assignee.
const (
	AssigneeAnyone = ""     // assigned or not
	AssigneeNone   = "none" // unassigned
)

// InboxFilter selects and orders the conversations of an organization as
// an agent sees them. Empty fields match everything.
type InboxFilter struct {
	// AgentID is the agent asking: their read state makes Unread.
	AgentID string
	// ConversationID keeps that one conversation; UserID that user's.
	ConversationID, UserID string
	Status                 ConversationStatus
	// Assignee is an agent's id, AssigneeNone or AssigneeAnyone.
	Assignee     string
	Trust        Trust
	AccountID    string
	WorkspaceRef *string
	// UnreadOnly keeps the conversations with user messages the agent
	// has not read.
	UnreadOnly bool
	// Query keeps the conversations whose user's name, email or user_ref
	// contains it, case-insensitively.
	Query string
	Sort  InboxSort
	// Cursor continues a list where its last page ended (keyset paging:
	// the next page costs the same however deep).
	Cursor string
	Limit  int
}

// InboxItem is a conversation in the inbox's list: its user as the list
// shows them, its last message and how many of its user's messages the
// agent has not read.
type InboxItem struct {
	*Conversation
	User        *User
	LastMessage *Message // nil for none
	Unread      int
}

// InboxPage is a page of the inbox's list; NextCursor is empty on the
// last one.
type InboxPage struct {
	Items      []*InboxItem
	NextCursor string
}

// InboxCounts are the sizes of the inbox's views for one agent.
type InboxCounts struct {
	Open, Snoozed, Resolved int
	// Mine and Unassigned count open conversations.
	Mine, Unassigned int
	// Unread counts open conversations with messages the agent has not
	// read.
	Unread int
}
