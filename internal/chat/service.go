package chat

import (
	"context"
	"errors"
	"log/slog"
	"time"

	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
	"github.com/kith-chat/kith/internal/realtime"
)

// IdentifiedSessionLifetime is how long a widget session of an identified
// user lasts. Anonymous sessions last the app's anonymous_expiry, renewed
// by use.
const IdentifiedSessionLifetime = 30 * 24 * time.Hour

// Service runs widget sessions and conversations on a store.
type Service struct {
	Store    kith.Store
	Resolver *identity.Resolver
	// Proofs checks what a widget offers as its user's identity (M1-M5).
	Proofs *proof.Verifier
	// Broker announces the live events a write stored, to every process.
	Broker realtime.Broker
	// Hub routes the events that reach this process to its listeners
	// (Listen); whoever wires the program joins it to the Broker.
	Hub *realtime.Hub
	// Revalidate is how often a Listener reads its session again;
	// DefaultRevalidate when zero.
	Revalidate time.Duration
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// Log receives what fails after a commit (a publication); discarded
	// when nil.
	Log *slog.Logger
	// RefusalEvents bounds how many verification_failed events refused
	// browser claims write on one user, so that nobody can flood a
	// verified user's timeline by claiming their user_ref (F9); no bound
	// when nil.
	RefusalEvents *budget.Buckets
}

// eventAllowed reports whether a refused claim may write one more event on
// userID's timeline.
func (s *Service) eventAllowed(userID string) bool {
	refused, _ := budget.Take(budget.Charge{Buckets: s.RefusalEvents, Key: userID, N: 1})
	return refused == nil
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	// The store keeps microseconds: what an answer shows must be what a
	// later read shows.
	return time.Now().UTC().Truncate(time.Microsecond)
}

// tx runs fn in a transaction of the organization's lane (kith.Store.TxIn)
// and, once it has committed, publishes the live events fn recorded.
func (s *Service) tx(ctx context.Context, orgID string, fn func(ctx context.Context, tx kith.Tx, rec *recorder) error) error {
	var rec recorder
	err := s.Store.TxIn(ctx, orgID, func(ctx context.Context, tx kith.Tx) error {
		rec = recorder{tx: tx}
		return fn(ctx, tx, &rec)
	})
	if err != nil {
		return err
	}
	for _, e := range rec.events {
		if err := s.Broker.Publish(ctx, e); err != nil && s.Log != nil {
			// The event is stored: widgets get it when they resume.
			s.Log.Warn("publish live event", "event", e.ID, "error", err)
		}
	}
	return nil
}

// callerTx runs fn in a transaction, as tx does, with the caller as the
// database holds it inside that transaction: the session read again, so
// that a revocation that committed first is seen (a revoked bearer never
// writes, S4, S7), and the device read again, so that an anonymous user
// another tab made meanwhile is the one used. fn gets a copy made for its
// run, which it may change; c itself is never changed.
func (s *Service) callerTx(ctx context.Context, c *Caller,
	fn func(ctx context.Context, tx kith.Tx, rec *recorder, c *Caller) error) error {
	return s.tx(ctx, c.App.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		sess, err := tx.Session(ctx, c.Session.ID)
		if errors.Is(err, kith.ErrNotFound) || (err == nil && !sess.Active(s.now())) {
			return errSessionEnded()
		}
		if err != nil {
			return err
		}
		dev, err := tx.Device(ctx, sess.OrgID, sess.DeviceID)
		if errors.Is(err, kith.ErrNotFound) {
			return errSessionEnded()
		}
		if err != nil {
			return err
		}
		return fn(ctx, tx, rec, &Caller{App: c.App, Session: sess, Device: dev})
	})
}

// recorder stores the live events of a transaction and keeps them for
// publication after the commit.
type recorder struct {
	tx     kith.Tx
	events []*kith.LiveEvent
}

func (r *recorder) record(ctx context.Context, e *kith.LiveEvent) error {
	if err := r.tx.AppendLiveEvent(ctx, e); err != nil {
		return err
	}
	r.events = append(r.events, e)
	return nil
}
