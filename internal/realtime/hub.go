package realtime

import (
	"sync"

	"github.com/kith-chat/kith/internal/kith"
)

// DefaultBuffer is how many events a subscription may have waiting before
// it is dropped as too slow.
const DefaultBuffer = 64

// Hub routes events to the subscriptions of this process.
type Hub struct {
	mu        sync.RWMutex
	byUser    map[string]map[*Sub]struct{}
	byDevice  map[string]map[*Sub]struct{}
	bySession map[string]map[*Sub]struct{}
	// byOrg are the inboxes: they hear every event of their organization.
	byOrg map[string]map[*Sub]struct{}
	count int
}

// NewHub returns an empty hub.
func NewHub() *Hub {
	return &Hub{
		byUser:    map[string]map[*Sub]struct{}{},
		byDevice:  map[string]map[*Sub]struct{}{},
		bySession: map[string]map[*Sub]struct{}{},
		byOrg:     map[string]map[*Sub]struct{}{},
	}
}

// Sub is one widget connection's subscription.
type Sub struct {
	hub                   *Hub
	user, device, session string // guarded by hub.mu
	org                   string // an inbox's: every event of the organization
	events                chan *kith.LiveEvent
	dropped               chan struct{}
	gone                  bool // out of the hub; guarded by hub.mu
}

// Subscribe routes to the subscription the events about a user (may be
// empty), a device and a session. buffer <= 0 means DefaultBuffer.
func (h *Hub) Subscribe(userID, deviceID, sessionID string, buffer int) *Sub {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	s := &Sub{hub: h, user: userID, device: deviceID, session: sessionID,
		events: make(chan *kith.LiveEvent, buffer), dropped: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.add(s)
	h.count++
	return s
}

// SubscribeOrg routes every event of an organization to the
// subscription: an agent's inbox, which sees all of them (V6). buffer <= 0
// means DefaultBuffer.
func (h *Hub) SubscribeOrg(orgID string, buffer int) *Sub {
	if buffer <= 0 {
		buffer = DefaultBuffer
	}
	s := &Sub{hub: h, org: orgID, events: make(chan *kith.LiveEvent, buffer), dropped: make(chan struct{})}
	h.mu.Lock()
	defer h.mu.Unlock()
	h.add(s)
	h.count++
	return s
}

// Len returns the number of subscriptions, for metrics.
func (h *Hub) Len() int {
	h.mu.RLock()
	defer h.mu.RUnlock()
	return h.count
}

func (h *Hub) add(s *Sub) {
	for _, k := range []struct {
		m   map[string]map[*Sub]struct{}
		key string
	}{{h.byUser, s.user}, {h.byDevice, s.device}, {h.bySession, s.session}, {h.byOrg, s.org}} {
		if k.key == "" {
			continue
		}
		if k.m[k.key] == nil {
			k.m[k.key] = map[*Sub]struct{}{}
		}
		k.m[k.key][s] = struct{}{}
	}
}

func (h *Hub) remove(s *Sub) {
	for _, k := range []struct {
		m   map[string]map[*Sub]struct{}
		key string
	}{{h.byUser, s.user}, {h.byDevice, s.device}, {h.bySession, s.session}, {h.byOrg, s.org}} {
		if set := k.m[k.key]; set != nil {
			delete(set, s)
			if len(set) == 0 {
				delete(k.m, k.key)
			}
		}
	}
}

// Deliver routes an event to every subscription of its user, device or
// session, and to its organization's inboxes. It never blocks: a
// subscription with a full buffer is dropped.
func (h *Hub) Deliver(e *kith.LiveEvent) {
	h.mu.RLock()
	var full []*Sub
	seen := map[*Sub]struct{}{}
	for _, set := range []map[*Sub]struct{}{h.byUser[e.UserID], h.byDevice[e.DeviceID], h.bySession[e.SessionID], h.byOrg[e.OrgID]} {
		for s := range set {
			if _, ok := seen[s]; ok {
				continue
			}
			seen[s] = struct{}{}
			select {
			case s.events <- e:
			default:
				full = append(full, s)
			}
		}
	}
	h.mu.RUnlock()
	for _, s := range full {
		s.drop()
	}
}

// Events are the events routed to the subscription.
func (s *Sub) Events() <-chan *kith.LiveEvent { return s.events }

// Dropped is closed when the subscription was dropped for being too slow.
func (s *Sub) Dropped() <-chan struct{} { return s.dropped }

// SetUser routes the events of a user to the subscription from now on, as
// when an anonymous visitor's user is made by their first message.
func (s *Sub) SetUser(userID string) {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	s.hub.remove(s)
	s.user = userID
	if !s.gone {
		s.hub.add(s)
	}
}

func (s *Sub) drop() {
	if s.leave() {
		close(s.dropped)
	}
}

// Close ends the subscription.
func (s *Sub) Close() { s.leave() }

// leave takes the subscription out of the hub, once; it reports whether
// this call did.
func (s *Sub) leave() bool {
	s.hub.mu.Lock()
	defer s.hub.mu.Unlock()
	if s.gone {
		return false
	}
	s.gone = true
	s.hub.remove(s)
	s.hub.count--
	return true
}
