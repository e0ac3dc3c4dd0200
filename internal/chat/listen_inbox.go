package chat

import (
	"context"
	"fmt"

	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/realtime"
)

// InboxListener yields, in order and once each, every live event of an
// organization, for its agents' inboxes (I1, V6): first those after the
// inbox's cursor, then those that happen, so that nothing is missed across
// a reconnect. Whether the agent may still listen is the caller's to
// check: an agent's session is not the chat's. It is for one goroutine.
type InboxListener struct {
	svc      *Service
	org      string
	sub      *realtime.Sub
	after    int64
	replay   []*kith.LiveEvent
	replayed bool
	more     bool
	err      error
}

// ListenInbox starts listening for an organization's live events after
// the cursor after; 0 means from now on: an inbox that just loaded its
// list has nothing to replay, and the organization's whole history would
// be a flood. The subscription is made first, before the cursor is read
// or the missed events are, so that nothing committed in between is lost.
// It returns the listener and the cursor it starts from. Close it when
// done.
func (s *Service) ListenInbox(ctx context.Context, orgID string, after int64) (*InboxListener, int64, error) {
	l := &InboxListener{svc: s, org: orgID, after: after, sub: s.Hub.SubscribeOrg(orgID, 256)}
	if after == 0 {
		latest, err := s.Store.LatestLiveEventID(ctx, orgID)
		if err != nil {
			l.Close()
			return nil, 0, err
		}
		l.after = latest
	}
	return l, l.after, nil
}

// Close ends the subscription.
func (l *InboxListener) Close() { l.sub.Close() }

// Next waits for the next event. Its errors are final: ctx's; ErrTooSlow
// or ErrMoreToReplay, after which the inbox resumes from the last event it
// got; or the store's.
func (l *InboxListener) Next(ctx context.Context) (*kith.LiveEvent, error) {
	if l.err != nil {
		return nil, l.err
	}
	for {
		e, err := l.receive(ctx)
		if err != nil {
			l.err = err
			return nil, err
		}
		if e.ID == 0 {
			return e, nil // announced, not stored: no cursor to keep
		}
		if e.ID <= l.after {
			continue // replayed already, or from before the cursor
		}
		l.after = e.ID
		return e, nil
	}
}

func (l *InboxListener) receive(ctx context.Context) (*kith.LiveEvent, error) {
	if !l.replayed {
		missed, err := l.svc.Store.LiveEvents(ctx, l.org, l.after, kith.LiveEventFilter{Org: true}, ReplayLimit)
		if err != nil {
			return nil, fmt.Errorf("replay live events: %w", err)
		}
		l.replay, l.replayed, l.more = missed, true, len(missed) == ReplayLimit
	}
	if len(l.replay) > 0 {
		e := l.replay[0]
		l.replay = l.replay[1:]
		return e, nil
	}
	if l.more {
		return nil, ErrMoreToReplay
	}
	select {
	case <-ctx.Done():
		return nil, ctx.Err()
	case <-l.sub.Dropped():
		return nil, ErrTooSlow
	case e := <-l.sub.Events():
		return e, nil
	}
}
