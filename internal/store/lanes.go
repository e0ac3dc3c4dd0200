package store

import (
	"context"
	"sync"
)

// lanes queue the transactions of one lane (TxIn) in this process, so that
// only one of them at a time holds a connection and waits for the lane's
// database lock. A lane nobody uses takes no memory.
type lanes struct {
	mu sync.Mutex
	m  map[string]*lane
}

type lane struct {
	turn  chan struct{} // holds one token: whoever takes it runs
	users int           // goroutines holding or waiting for the turn
}

// acquire waits for lane's turn, or for ctx to end.
func (l *lanes) acquire(ctx context.Context, key string) (release func(), err error) {
	l.mu.Lock()
	if l.m == nil {
		l.m = map[string]*lane{}
	}
	ln := l.m[key]
	if ln == nil {
		ln = &lane{turn: make(chan struct{}, 1)}
		l.m[key] = ln
	}
	ln.users++
	l.mu.Unlock()

	leave := func() {
		l.mu.Lock()
		if ln.users--; ln.users == 0 {
			delete(l.m, key)
		}
		l.mu.Unlock()
	}
	select {
	case ln.turn <- struct{}{}:
		return func() { <-ln.turn; leave() }, nil
	case <-ctx.Done():
		leave()
		return nil, ctx.Err()
	}
}
