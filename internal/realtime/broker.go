package realtime

import (
	"context"
	"sync"

	"github.com/kith-chat/kith/internal/kith"
)

// Broker carries stored live events to every process that serves widgets.
type Broker interface {
	// Publish announces an event that is already stored (it has its id).
	Publish(ctx context.Context, e *kith.LiveEvent) error
	// Subscribe calls fn with every event published by any process until
	// ctx is done. fn must not block.
	Subscribe(ctx context.Context, fn func(*kith.LiveEvent)) error
}

// Local is the Broker of a single process.
type Local struct {
	mu   sync.RWMutex
	subs map[*func(*kith.LiveEvent)]struct{}
}

// NewLocal returns an in-process broker.
func NewLocal() *Local { return &Local{subs: map[*func(*kith.LiveEvent)]struct{}{}} }

// Publish hands the event to every subscriber, synchronously.
func (l *Local) Publish(_ context.Context, e *kith.LiveEvent) error {
	l.mu.RLock()
	defer l.mu.RUnlock()
	for fn := range l.subs {
		(*fn)(e)
	}
	return nil
}

// Subscribe adds fn until ctx is done.
func (l *Local) Subscribe(ctx context.Context, fn func(*kith.LiveEvent)) error {
	l.mu.Lock()
	l.subs[&fn] = struct{}{}
	l.mu.Unlock()
	context.AfterFunc(ctx, func() {
		l.mu.Lock()
		delete(l.subs, &fn)
		l.mu.Unlock()
	})
	return nil
}
