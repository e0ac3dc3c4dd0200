package chat

import (
	"context"
	"encoding/json"

	"github.com/kith-chat/kith/internal/kith"
)

// Typing indicators (I1): a visitor writing is shown to the agents, an
// agent writing a reply to the visitor's widgets and to the other agents.
// They are announced, not stored: an indicator is true for a few seconds,
// so a reconnect has nothing to replay, and no row is written per
// keystroke. Nobody is ever told that an agent writes a private note: the
// inbox announces only its replies, and AgentTyping is only for them.

// UserTyping announces that the caller is writing in a conversation they
// may see (V5: another's is not found). Only agents hear it.
func (s *Service) UserTyping(ctx context.Context, c *Caller, conversationID string) error {
	if err := c.mustChat(); err != nil {
		return err
	}
	conv, err := s.visible(ctx, s.Store, c, conversationID)
	if err != nil {
		return err
	}
	// An agents-only kind that names no user, device or session: no
	// widget's subscription selects it, and CanHear refuses it.
	s.announce(ctx, agentEvent(kith.LiveUserTyping, conv, s.now(), map[string]any{"conversation_id": conv.ID}))
	return nil
}

// AgentTyping announces that agent is writing a reply in a conversation
// of their organization: the widgets that may see the conversation hear
// it with the agent's name, as their reply will be signed, and the other
// inboxes with the agent's id too.
func (s *Service) AgentTyping(ctx context.Context, agent *kith.Agent, conversationID string) error {
	conv, err := s.Store.Conversation(ctx, agent.OrgID, conversationID)
	if err != nil {
		return err
	}
	payload, _ := json.Marshal(map[string]string{"conversation_id": conv.ID, "author_name": agent.Name,
		AgentsOnlyPayloadKey: agent.ID})
	s.announce(ctx, &kith.LiveEvent{OrgID: conv.OrgID, AppID: conv.AppID, Kind: kith.LiveAgentTyping,
		UserID: conv.UserID, DeviceID: conv.DeviceID, ConversationID: conv.ID, Verified: conv.Verified,
		WorkspaceRef: conv.WorkspaceRef, Label: conv.Label, Payload: payload, CreatedAt: s.now()})
	return nil
}

// announce publishes an event that is not stored. One that does not get
// through is lost, which for an indicator is no harm: it is only logged.
func (s *Service) announce(ctx context.Context, e *kith.LiveEvent) {
	if err := s.Broker.Publish(ctx, e); err != nil && s.Log != nil {
		s.Log.Warn("announce live event", "kind", e.Kind, "error", err)
	}
}
