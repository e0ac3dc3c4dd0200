package chat

import (
	"context"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// The agents' side: agents see every conversation of their organization
// and none of another's (V6). Ids out of reach are not found (V5).

// Reach is what an agent-side caller may see: one organization's
// conversations and widget sessions, of every app (AppID empty: the agents
// of the inbox, an access token with scope org) or of one (an access token
// without it).
type Reach struct {
	OrgID string
	AppID string
}

// has reports whether a record of app is within reach.
func (r Reach) has(appID string) bool { return r.AppID == "" || r.AppID == appID }

// AgentConversations lists the conversations within reach, newest first,
// optionally those of one user.
func (s *Service) AgentConversations(ctx context.Context, r Reach, userID string, p kith.Page) ([]*kith.ConversationSummary, error) {
	return s.Store.Conversations(ctx, r.OrgID, kith.ConversationFilter{AppID: r.AppID, UserID: userID, Page: p})
}

// AgentConversation returns one conversation within reach, with its last
// message and unread count.
func (s *Service) AgentConversation(ctx context.Context, r Reach, id string) (*kith.ConversationSummary, error) {
	sums, err := s.Store.Conversations(ctx, r.OrgID, kith.ConversationFilter{ID: id, AppID: r.AppID})
	if err != nil {
		return nil, err
	}
	if len(sums) == 0 {
		return nil, kith.NotFound("conversation")
	}
	return sums[0], nil
}

// conversation returns a conversation within reach, or not found.
func (s *Service) conversation(ctx context.Context, rd kith.Reader, r Reach, id string) (*kith.Conversation, error) {
	conv, err := rd.Conversation(ctx, r.OrgID, id)
	if err != nil {
		return nil, err
	}
	if !r.has(conv.AppID) {
		return nil, kith.NotFound("conversation")
	}
	return conv, nil
}

// AgentMessages lists a conversation's messages.
func (s *Service) AgentMessages(ctx context.Context, r Reach, conversationID string, p kith.Page) ([]*kith.Message, error) {
	if _, err := s.conversation(ctx, s.Store, r, conversationID); err != nil {
		return nil, err
	}
	return s.Store.Messages(ctx, r.OrgID, conversationID, p)
}

// Reply adds an agent's message to a conversation; it reaches the widgets
// that may see the conversation live.
func (s *Service) Reply(ctx context.Context, r Reach, conversationID, agentID, agentName, body string) (*kith.Message, error) {
	body, err := checkBody(body)
	if err != nil {
		return nil, err
	}
	if agentName == "" {
		agentName = "Support"
	}
	var m *kith.Message
	err = s.tx(ctx, r.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		conv, err := s.conversation(ctx, tx, r, conversationID)
		if err != nil {
			return err
		}
		m, err = s.post(ctx, tx, rec, conv, kith.AuthorAgent, agentID, agentName, body)
		return err
	})
	return m, err
}

// UserSessions lists a user's widget sessions within reach (S7).
func (s *Service) UserSessions(ctx context.Context, r Reach, userID string) ([]*kith.Session, error) {
	if _, err := s.Store.User(ctx, r.OrgID, userID); err != nil {
		return nil, err
	}
	all, err := s.Store.Sessions(ctx, r.OrgID, userID)
	if err != nil {
		return nil, err
	}
	var out []*kith.Session
	for _, sess := range all {
		if r.has(sess.AppID) {
			out = append(out, sess)
		}
	}
	return out, nil
}

// RevokeSession revokes one widget session within reach (S7); its live
// connections close. A session that has ended already stays so.
func (s *Service) RevokeSession(ctx context.Context, r Reach, sessionID string) error {
	return s.tx(ctx, r.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		sess, err := tx.Session(ctx, sessionID)
		if err != nil {
			return err
		}
		if sess.OrgID != r.OrgID || !r.has(sess.AppID) {
			return kith.NotFound("session")
		}
		_, err = s.revoke(ctx, tx, rec, r.OrgID, kith.SessionSelector{SessionID: sess.ID}, "revoked by an agent")
		return err
	})
}

// RevokeUserSessions revokes every active widget session of a user within
// reach (S7) and returns how many there were.
func (s *Service) RevokeUserSessions(ctx context.Context, r Reach, userID string) (int, error) {
	var n int
	err := s.tx(ctx, r.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		if _, err := tx.User(ctx, r.OrgID, userID); err != nil {
			return err
		}
		revoked, err := s.revoke(ctx, tx, rec, r.OrgID, kith.SessionSelector{UserID: userID, AppID: r.AppID}, "revoked by an agent")
		n = revoked
		return err
	})
	return n, err
}

// Verification is how a user's identity was last established: the method,
// what proved it (an access token's id, a verification secret's id, a
// JWT's kid; empty for a claim) and when. Agents see it beside the trust
// badge (I1).
type Verification struct {
	Method kith.Method
	Key    string
	At     time.Time
}

// HowVerified tells, from a user's sessions, how their identity was last
// established: by the newest verified session if there is one (a verified
// user's claim to be who they are rests on it), else by the newest
// session. Nil for a user without sessions.
func HowVerified(sessions []*kith.Session) *Verification {
	var best *kith.Session
	for _, s := range sessions {
		switch {
		case best == nil,
			s.Trust == kith.TrustVerified && best.Trust != kith.TrustVerified,
			(s.Trust == kith.TrustVerified) == (best.Trust == kith.TrustVerified) && s.CreatedAt.After(best.CreatedAt):
			best = s
		}
	}
	if best == nil {
		return nil
	}
	return &Verification{Method: best.Method, Key: best.Proof, At: best.CreatedAt}
}
