package chat

import (
	"context"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// LiveEventRetention is how long live events are kept for widgets to
// resume from; a widget away longer reloads its conversations.
const LiveEventRetention = 24 * time.Hour

// ExpireAnonymous applies every app's anonymous_expiry (S6): anonymous
// users idle that long are cut off from every browser, with their
// sessions, and idle anonymous sessions and devices are deleted. Their
// conversations stay for the agents. It returns how many users expired.
func (s *Service) ExpireAnonymous(ctx context.Context) (int, error) {
	apps, err := s.Store.Apps(ctx, "")
	if err != nil {
		return 0, err
	}
	now := s.now()
	var total int
	for _, app := range apps {
		n, err := s.Store.ExpireAnonymous(ctx, app.ID, now.Add(-app.Settings.AnonymousExpiry), now.Add(-LiveEventRetention))
		if err != nil {
			return total, err
		}
		total += n
	}
	return total, nil
}

// WakeSnoozed opens again the snoozed conversations whose snooze has
// ended (I1), and tells the inboxes. It returns how many it opened.
func (s *Service) WakeSnoozed(ctx context.Context) (int, error) {
	due, err := s.Store.SnoozesDue(ctx, s.now(), 500)
	if err != nil {
		return 0, err
	}
	var woken int
	for _, d := range due {
		err := s.tx(ctx, d.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
			// Read again inside: an agent may have changed it meanwhile.
			conv, err := tx.Conversation(ctx, d.OrgID, d.ID)
			if err != nil {
				return err
			}
			now := s.now()
			if conv.Status != kith.StatusSnoozed || conv.SnoozedUntil.After(now) {
				return nil
			}
			conv.Status, conv.SnoozedUntil = kith.StatusOpen, time.Time{}
			if err := tx.UpdateConversation(ctx, conv); err != nil {
				return err
			}
			return rec.record(ctx, agentEvent(kith.LiveConversationChanged, conv, now, map[string]any{
				"conversation_id": conv.ID, "status": conv.Status, "snoozed_until": nil,
				"assignee_id": conv.AssigneeID, "by": "snooze"}))
		})
		if err != nil {
			return woken, err
		}
		woken++
	}
	return woken, nil
}

// RunSnoozes calls WakeSnoozed every interval until ctx is done.
func (s *Service) RunSnoozes(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if _, err := s.WakeSnoozed(ctx); err != nil && ctx.Err() == nil && s.Log != nil {
			s.Log.Warn("wake snoozed conversations", "error", err)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// RunExpiry calls ExpireAnonymous every interval until ctx is done.
func (s *Service) RunExpiry(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		if n, err := s.ExpireAnonymous(ctx); err != nil && ctx.Err() == nil && s.Log != nil {
			s.Log.Warn("expire anonymous users", "error", err)
		} else if n > 0 && s.Log != nil {
			s.Log.Info("expired anonymous users", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}
