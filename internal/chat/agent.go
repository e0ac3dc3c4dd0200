package chat

import (
	"context"

	"github.com/kith-chat/kith/internal/kith"
)

// The agents' side: agents see every conversation of their organization
// and none of another's (V6). Ids of another organization are not found.

// AgentConversations lists an organization's conversations, newest first,
// optionally those of one user.
func (s *Service) AgentConversations(ctx context.Context, orgID, userID string, p kith.Page) ([]*kith.ConversationSummary, error) {
	return s.Store.Conversations(ctx, orgID, kith.ConversationFilter{UserID: userID, Page: p})
}

// AgentConversation returns one conversation of the organization, with
// its last message and unread count.
func (s *Service) AgentConversation(ctx context.Context, orgID, id string) (*kith.ConversationSummary, error) {
	sums, err := s.Store.Conversations(ctx, orgID, kith.ConversationFilter{ID: id})
	if err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, kith.NotFound("conversation")
	}
	return sums[0], nil
}

// AgentMessages lists a conversation's messages.
func (s *Service) AgentMessages(ctx context.Context, orgID, conversationID string, p kith.Page) ([]*kith.Message, error) {
	if _, err := s.Store.Conversation(ctx, orgID, conversationID); err != nil {
		return nil, err
	}
	return s.Store.Messages(ctx, orgID, conversationID, p)
}

// Reply adds an agent's message to a conversation; it reaches the widgets
// that may see the conversation live.
func (s *Service) Reply(ctx context.Context, orgID, conversationID, agentID, agentName, body string) (*kith.Message, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	if agentName == "" {
		agentName = "Support"
	}
	var m *kith.Message
	err = s.tx(ctx, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		conv, err := tx.Conversation(ctx, orgID, conversationID)
		if err != nil {
			return err
		}
		m, err = s.post(ctx, tx, rec, conv, kith.AuthorAgent, agentID, agentName, body)
		return err
	})
	return m, err
}

// UserSessions lists a user's widget sessions (S7).
func (s *Service) UserSessions(ctx context.Context, orgID, userID string) ([]*kith.Session, error) {
	if _, err := s.Store.User(ctx, orgID, userID); err != nil {
		return nil, err
	}
	return s.Store.Sessions(ctx, orgID, userID)
}

// RevokeSession revokes one widget session of the organization (S7); its
// live connections close. A session that has ended already stays so.
func (s *Service) RevokeSession(ctx context.Context, orgID, sessionID string) error {
	return s.tx(ctx, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		sess, err := tx.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		if sess.OrgID != orgID {
			return kith.NotFound("session")
		}
		_, err = s.revoke(ctx, tx, rec, orgID, "", sess.ID, "revoked by an agent")
		return err
	})
}

// RevokeUserSessions revokes every active widget session of a user (S7)
// and returns how many there were.
func (s *Service) RevokeUserSessions(ctx context.Context, orgID, userID string) (int, error) {
	var n int
	err := s.tx(ctx, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		if _, err := tx.User(ctx, orgID, userID); err != nil {
			return err
		}
		revoked, err := s.revoke(ctx, tx, rec, orgID, userID, "", "revoked by an agent")
		n = revoked
		return err
	})
	return n, err
}
