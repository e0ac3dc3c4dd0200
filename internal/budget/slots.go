package budget

import "sync"

// Slots counts what each key holds at once (open sockets), up to a
// maximum per key. A key holding nothing takes no memory.
type Slots struct {
	max int

	mu   sync.Mutex
	held map[string]int
}

// NewSlots allows max at once per key; zero or less is no limit.
func NewSlots(max int) *Slots { return &Slots{max: max, held: map[string]int{}} }

// Acquire takes one slot for each key, all or none, and reports whether it
// could. Every successful Acquire must be followed by one Release of the
// same keys.
func Acquire(slots []*Slots, keys []string) bool {
	for i, s := range slots {
		if !s.acquire(keys[i]) {
			for j := range i {
				slots[j].release(keys[j])
			}
			return false
		}
	}
	return true
}

// Release gives back the slots Acquire took.
func Release(slots []*Slots, keys []string) {
	for i, s := range slots {
		s.release(keys[i])
	}
}

func (s *Slots) acquire(key string) bool {
	if s == nil || s.max <= 0 {
		return true
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[key] >= s.max {
		return false
	}
	s.held[key]++
	return true
}

func (s *Slots) release(key string) {
	if s == nil || s.max <= 0 {
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.held[key]--; s.held[key] <= 0 {
		delete(s.held, key)
	}
}

// Held returns how many slots key holds.
func (s *Slots) Held(key string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.held[key]
}
