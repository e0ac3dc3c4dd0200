package chat

import (
	"context"
	"time"
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
