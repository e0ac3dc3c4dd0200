package chat

import (
	"encoding/json"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// MessageJSON is a message as the widget and the server API show it, over
// HTTP and in live events alike.
type MessageJSON struct {
	ID             string      `json:"id"`
	ConversationID string      `json:"conversation_id"`
	Author         kith.Author `json:"author"`
	AuthorName     string      `json:"author_name"`
	Body           string      `json:"body"`
	CreatedAt      time.Time   `json:"created_at"`
}

// NewMessageJSON returns the JSON shape of m.
func NewMessageJSON(m *kith.Message) MessageJSON {
	return MessageJSON{ID: m.ID, ConversationID: m.ConversationID, Author: m.Author, AuthorName: m.AuthorName,
		Body: m.Body, CreatedAt: m.CreatedAt}
}

// ConversationJSON is a conversation as the widget sees it.
type ConversationJSON struct {
	ID          string       `json:"id"`
	CreatedAt   time.Time    `json:"created_at"`
	UpdatedAt   time.Time    `json:"updated_at"`
	LastMessage *MessageJSON `json:"last_message"`
	Unread      int          `json:"unread"`
}

// NewConversationJSON returns the JSON shape of a conversation summary.
func NewConversationJSON(c *kith.ConversationSummary) ConversationJSON {
	v := ConversationJSON{ID: c.ID, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt, Unread: c.Unread}
	if c.LastMessage != nil {
		m := NewMessageJSON(c.LastMessage)
		v.LastMessage = &m
	}
	return v
}

// messageEvent is the live event of a new message in conv.
func messageEvent(conv *kith.Conversation, m *kith.Message) *kith.LiveEvent {
	payload, _ := json.Marshal(struct {
		ConversationID string      `json:"conversation_id"`
		Message        MessageJSON `json:"message"`
		// AuthorID is for agents only (AgentsOnlyPayloadKey): widgets
		// have no use for an agent's id.
		AuthorID string `json:"author_id,omitempty"`
	}{conv.ID, NewMessageJSON(m), m.AuthorID})
	return &kith.LiveEvent{OrgID: conv.OrgID, AppID: conv.AppID, Kind: kith.LiveMessageCreated,
		UserID: conv.UserID, DeviceID: conv.DeviceID, ConversationID: conv.ID, Verified: conv.Verified,
		WorkspaceRef: conv.WorkspaceRef, Label: conv.Label, Payload: payload, CreatedAt: m.CreatedAt}
}

// conversationEvent is the live event of a conversation that changed (its
// unread count, say).
// AgentsOnlyPayloadKey is the member of a live event's payload that only
// agents' inboxes receive: widgets' sockets leave it out.
const AgentsOnlyPayloadKey = "author_id"

func conversationEvent(c *kith.ConversationSummary) *kith.LiveEvent {
	payload, _ := json.Marshal(struct {
		Conversation ConversationJSON `json:"conversation"`
	}{NewConversationJSON(c)})
	return &kith.LiveEvent{OrgID: c.OrgID, AppID: c.AppID, Kind: kith.LiveConversationUpdated,
		UserID: c.UserID, DeviceID: c.DeviceID, ConversationID: c.ID, Verified: c.Verified,
		WorkspaceRef: c.WorkspaceRef, Label: c.Label, Payload: payload, CreatedAt: c.UpdatedAt}
}
