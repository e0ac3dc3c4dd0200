package chat

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/realtime"
)

// ReplayLimit is the most events one Listener replays: a widget that
// missed more resumes from the last one it got (ErrMoreToReplay).
const ReplayLimit = 1000

// DefaultRevalidate is how often a Listener checks that its session still
// stands when the Service does not say: a session revoked in another
// process, or expired, announces nothing to this one.
const DefaultRevalidate = 30 * time.Second

// Why a Listener stops. Each is final: the widget reconnects (with its
// cursor) or, for the session's end, starts a new session.
var (
	// ErrTooSlow: the events came faster than the widget took them, and
	// the hub dropped the listener rather than wait for it.
	ErrTooSlow = errors.New("the listener fell behind its events")
	// ErrMoreToReplay: more was missed than one replay sends.
	ErrMoreToReplay = errors.New("more events were missed than one replay sends")
	// ErrSessionEnded: the session was revoked, expired or could not be
	// read again.
	ErrSessionEnded = errors.New("the widget session ended")
	// ErrSessionRevoked follows the event that announced the session's
	// revocation, once it has been yielded.
	ErrSessionRevoked = errors.New("the widget session was revoked")
)

// Listener yields, in order and once each, the live events a widget
// session may hear (identity.CanHear, V2-V5): first those it missed after
// its cursor, then those that happen. It follows its caller as the
// database changes: the anonymous user a first message makes, maybe in
// another tab, and the session's end. It is for one goroutine.
type Listener struct {
	svc    *Service
	caller *Caller
	sub    *realtime.Sub
	after  int64 // the newest event id considered, heard or not
	// replay holds the missed events not yet yielded; replayed is set once
	// they were read, and more when there were more than ReplayLimit.
	replay   []*kith.LiveEvent
	replayed bool
	more     bool
	tick     *time.Ticker // revalidation, once the replay is done
	err      error        // why it stopped; final
}

// Listen starts listening for c's live events after the cursor after (0
// for all those kept, LiveEventRetention). The subscription is made now,
// before the missed events are read on the first call to Next, so that
// nothing committed in between is lost. Close the listener when done.
func (s *Service) Listen(c *Caller, after int64) *Listener {
	return &Listener{svc: s, caller: c, after: after,
		sub: s.Hub.Subscribe(c.UserID(), c.Device.ID, c.Session.ID, 0)}
}

// Close ends the subscription.
func (l *Listener) Close() {
	l.sub.Close()
	if l.tick != nil {
		l.tick.Stop()
	}
}

// Next waits for the next event the session may hear. Its errors are
// final: ctx's when it is done; ErrTooSlow or ErrMoreToReplay, after which
// the widget resumes from the last event it got; ErrSessionEnded or
// ErrSessionRevoked; or the store's, when the missed events cannot be
// read.
func (l *Listener) Next(ctx context.Context) (*kith.LiveEvent, error) {
	if l.err != nil {
		return nil, l.err
	}
	e, err := l.next(ctx)
	if err != nil {
		l.err = err
		return nil, err
	}
	if e.Kind == kith.LiveSessionRevoked {
		// Heard once, it is the session's last word.
		l.err = ErrSessionRevoked
	}
	return e, nil
}

func (l *Listener) next(ctx context.Context) (*kith.LiveEvent, error) {
	for {
		e, err := l.receive(ctx)
		if err != nil {
			return nil, err
		}
		if e.ID != 0 {
			if e.ID <= l.after {
				continue // replayed already, or from before the cursor
			}
			l.after = e.ID
		} // else announced, not stored (a typing indicator): heard now or never
		ok, err := l.hears(ctx, e)
		if err != nil {
			return nil, err
		}
		if ok {
			return e, nil
		}
	}
}

// receive returns the next event routed to the session, heard or not:
// the missed ones first, then the hub's.
func (l *Listener) receive(ctx context.Context) (*kith.LiveEvent, error) {
	if !l.replayed {
		c := l.caller
		missed, err := l.svc.Store.LiveEvents(ctx, c.App.OrgID, l.after, kith.LiveEventFilter{
			UserID: c.UserID(), DeviceID: c.Device.ID, SessionID: c.Session.ID}, ReplayLimit)
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
	if l.tick == nil {
		l.tick = time.NewTicker(l.svc.revalidate())
	}
	for {
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-l.sub.Dropped():
			return nil, ErrTooSlow
		case <-l.tick.C:
			if err := l.revalidate(ctx); err != nil {
				return nil, err
			}
		case e := <-l.sub.Events():
			return e, nil
		}
	}
}

// revalidate reads the session again, to end it when it was revoked
// elsewhere or expired. Any other failure is left for the next tick: the
// database may be back by then.
func (l *Listener) revalidate(ctx context.Context) error {
	fresh, err := l.svc.Refresh(ctx, l.caller)
	var ke *kith.Error
	if errors.As(err, &ke) && (ke.Code == kith.CodeInvalidSession || ke.Code == kith.CodeNotFound) {
		return fmt.Errorf("%w: %w", ErrSessionEnded, err)
	}
	if err == nil {
		l.caller = fresh
	}
	return nil
}

// hears decides whether the session may hear e. An anonymous visitor
// whose user was made since the listener last looked (by a first message,
// maybe in another tab) is looked up again, and from then on also
// subscribed by that user; the lookup is made only for an event that can
// be that (identity.MayHearOnceItsUserIsMade).
func (l *Listener) hears(ctx context.Context, e *kith.LiveEvent) (bool, error) {
	c := l.caller
	if identity.CanHear(c.Viewer(), c.Session.ID, e) {
		return true, nil
	}
	if !identity.MayHearOnceItsUserIsMade(c.Viewer(), e) {
		return false, nil
	}
	fresh, err := l.svc.Refresh(ctx, c)
	if err != nil {
		return false, fmt.Errorf("%w: %w", ErrSessionEnded, err)
	}
	l.caller = fresh
	if user := fresh.UserID(); user != "" {
		l.sub.SetUser(user)
	}
	return identity.CanHear(fresh.Viewer(), fresh.Session.ID, e), nil
}

func (s *Service) revalidate() time.Duration {
	if s.Revalidate > 0 {
		return s.Revalidate
	}
	return DefaultRevalidate
}
