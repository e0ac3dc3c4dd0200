package chat

import (
	"context"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// MaxMessageLen is the longest message, in characters (F6).
const MaxMessageLen = 10_000

// checkBody validates a message (identity.Message).
func checkBody(body string) (string, error) { return identity.Message("body", body, MaxMessageLen) }

// Conversations lists the conversations the caller may see (V2-V4), newest
// first.
func (s *Service) Conversations(ctx context.Context, c *Caller, p kith.Page) ([]*kith.ConversationSummary, error) {
	if err := c.mustChat(); err != nil {
		return nil, err
	}
	f, ok := identity.Visible(c.Viewer())
	if !ok {
		return nil, nil
	}
	f.Page = p
	return s.Store.Conversations(ctx, c.App.OrgID, f)
}

// StartConversation starts a conversation with a first message.
func (s *Service) StartConversation(ctx context.Context, c *Caller, body string) (*kith.ConversationSummary, error) {
	if err := c.mustChat(); err != nil {
		return nil, err
	}
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	var sum *kith.ConversationSummary
	err = s.callerTx(ctx, c, func(ctx context.Context, tx kith.Tx, rec *recorder, c *Caller) error {
		user, err := s.ensureUser(ctx, tx, c)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, c.App.OrgID, user)
		if err != nil {
			return err
		}
		now := s.now()
		conv := &kith.Conversation{OrgID: c.App.OrgID, AppID: c.App.ID, UserID: user, DeviceID: c.Device.ID,
			Verified: c.Session.Trust == kith.TrustVerified, WorkspaceRef: c.Session.WorkspaceRef, Label: c.Session.Label,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateConversation(ctx, conv); err != nil {
			return err
		}
		m, err := s.post(ctx, tx, rec, conv, kith.AuthorUser, user, u.DisplayName, body)
		if err != nil {
			return err
		}
		sum = &kith.ConversationSummary{Conversation: conv, LastMessage: m}
		return nil
	})
	return sum, err
}

// visible returns a conversation the caller may see, or not found (V5).
func (s *Service) visible(ctx context.Context, r kith.Reader, c *Caller, id string) (*kith.Conversation, error) {
	conv, err := r.Conversation(ctx, c.App.OrgID, id)
	if err != nil {
		return nil, err
	}
	if conv.AppID != c.App.ID || !identity.CanSee(c.Viewer(), conv) {
		return nil, kith.NotFound("conversation")
	}
	return conv, nil
}

// Messages lists the messages of a conversation the caller may see.
func (s *Service) Messages(ctx context.Context, c *Caller, conversationID string, p kith.Page) ([]*kith.Message, error) {
	if err := c.mustChat(); err != nil {
		return nil, err
	}
	if _, err := s.visible(ctx, s.Store, c, conversationID); err != nil {
		return nil, err
	}
	return s.Store.Messages(ctx, c.App.OrgID, conversationID, p)
}

// Send adds the caller's message to a conversation they may see.
func (s *Service) Send(ctx context.Context, c *Caller, conversationID, body string) (*kith.Message, error) {
	if err := c.mustChat(); err != nil {
		return nil, err
	}
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	var m *kith.Message
	err = s.callerTx(ctx, c, func(ctx context.Context, tx kith.Tx, rec *recorder, c *Caller) error {
		conv, err := s.visible(ctx, tx, c, conversationID)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, c.App.OrgID, conv.UserID)
		if err != nil {
			return err
		}
		m, err = s.post(ctx, tx, rec, conv, kith.AuthorUser, u.ID, u.DisplayName, body)
		return err
	})
	return m, err
}

// MarkRead marks every message of a conversation read by its user.
func (s *Service) MarkRead(ctx context.Context, c *Caller, conversationID string) error {
	if err := c.mustChat(); err != nil {
		return err
	}
	return s.callerTx(ctx, c, func(ctx context.Context, tx kith.Tx, rec *recorder, c *Caller) error {
		conv, err := s.visible(ctx, tx, c, conversationID)
		if err != nil {
			return err
		}
		sums, err := tx.Conversations(ctx, c.App.OrgID, kith.ConversationFilter{ID: conv.ID})
		if err != nil || len(sums) == 0 || sums[0].LastMessage == nil || sums[0].Unread == 0 {
			return err
		}
		conv.UserLastReadID = sums[0].LastMessage.ID
		if err := tx.UpdateConversation(ctx, conv); err != nil {
			return err
		}
		sums[0].Conversation, sums[0].Unread = conv, 0
		// The user's other tabs and devices clear their badges too.
		return rec.record(ctx, conversationEvent(sums[0]))
	})
}

// post stores a message and its live event, and touches the conversation.
func (s *Service) post(ctx context.Context, tx kith.Tx, rec *recorder, conv *kith.Conversation, author kith.Author,
	authorID, authorName, body string) (*kith.Message, error) {
	now := s.now()
	m := &kith.Message{OrgID: conv.OrgID, ConversationID: conv.ID, Author: author, AuthorID: authorID,
		AuthorName: authorName, Body: body, CreatedAt: now}
	if err := tx.CreateMessage(ctx, m); err != nil {
		return nil, err
	}
	conv.UpdatedAt = now
	if author == kith.AuthorUser {
		conv.UserLastReadID = m.ID // one's own message is read
		if conv.WaitingSince.IsZero() {
			conv.WaitingSince = now
		}
		// The visitor has more to say: the conversation is open again.
		conv.Status, conv.SnoozedUntil = kith.StatusOpen, time.Time{}
	} else {
		conv.WaitingSince = time.Time{} // answered
	}
	if err := tx.UpdateConversation(ctx, conv); err != nil {
		return nil, err
	}
	return m, rec.record(ctx, messageEvent(conv, m))
}
