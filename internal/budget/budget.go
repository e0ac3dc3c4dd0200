// Package budget bounds what one client may ask of the server (F8): token
// buckets that refill over time, one per key (a widget session, a device,
// a client address, an app), and counters of what is held at once (open
// sockets). Memory stays bounded whatever the number of keys: idle buckets
// are dropped, and past a maximum the least recently used go first.
//
// Budgets live in the memory of one process: with several processes each
// keeps its own, so a client behind a load balancer that spreads its
// requests gets up to that many times the budget.
package budget

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Rate is a budget of Burst units that refills at Burst per Per: "20/min"
// allows 20 at once, and 20 more each minute. The zero Rate is no limit.
type Rate struct {
	Burst int
	Per   time.Duration
}

// Unlimited reports whether r allows everything.
func (r Rate) Unlimited() bool { return r.Burst <= 0 || r.Per <= 0 }

// String writes r as ParseRate reads it.
func (r Rate) String() string {
	if r.Unlimited() {
		return "0"
	}
	for _, u := range units {
		if r.Per == u.d {
			return strconv.Itoa(r.Burst) + "/" + u.name
		}
	}
	return strconv.Itoa(r.Burst) + "/" + r.Per.String()
}

var units = []struct {
	name string
	d    time.Duration
}{{"s", time.Second}, {"min", time.Minute}, {"h", time.Hour}, {"day", 24 * time.Hour}}

// ParseRate reads a rate such as "20/min", "64KiB/min" (for bytes), or "0"
// for no limit. Units: s, min, h, day, or a Go duration ("20/90s").
func ParseRate(s string) (Rate, error) {
	if s == "0" {
		return Rate{}, nil
	}
	n, per, ok := strings.Cut(s, "/")
	if !ok {
		return Rate{}, fmt.Errorf("%q is not a rate such as 20/min", s)
	}
	burst, err := parseAmount(n)
	if err != nil || burst <= 0 {
		return Rate{}, fmt.Errorf("%q: the amount must be a positive number (20, or 64KiB)", s)
	}
	for _, u := range units {
		if per == u.name {
			return Rate{Burst: burst, Per: u.d}, nil
		}
	}
	d, err := time.ParseDuration(per)
	if err != nil || d <= 0 {
		return Rate{}, fmt.Errorf("%q: the period must be s, min, h, day or a duration such as 90s", s)
	}
	return Rate{Burst: burst, Per: d}, nil
}

func parseAmount(s string) (int, error) {
	mult := 1
	for _, u := range []struct {
		suffix string
		m      int
	}{{"KiB", 1 << 10}, {"MiB", 1 << 20}} {
		if strings.HasSuffix(s, u.suffix) {
			s, mult = strings.TrimSuffix(s, u.suffix), u.m
			break
		}
	}
	n, err := strconv.Atoi(s)
	if err != nil || n > math.MaxInt32/mult {
		return 0, fmt.Errorf("bad amount")
	}
	return n * mult, nil
}

// Buckets holds one token bucket of the same Rate per key.
type Buckets struct {
	rate    Rate
	maxKeys int
	now     func() time.Time

	mu    sync.Mutex
	m     map[string]*bucket
	swept time.Time
}

type bucket struct {
	lim  *rate.Limiter
	seen time.Time
}

// DefaultMaxKeys bounds the keys of one Buckets: about 200 bytes each.
const DefaultMaxKeys = 100_000

// NewBuckets returns buckets of rate r, holding at most maxKeys keys
// (DefaultMaxKeys when zero). now is time.Now when nil.
func NewBuckets(r Rate, maxKeys int, now func() time.Time) *Buckets {
	if maxKeys <= 0 {
		maxKeys = DefaultMaxKeys
	}
	if now == nil {
		now = time.Now
	}
	return &Buckets{rate: r, maxKeys: maxKeys, now: now, m: map[string]*bucket{}}
}

// Len returns how many keys are held.
func (b *Buckets) Len() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return len(b.m)
}

// reserve takes n units for key, or says how long until they would be
// there; a reservation that succeeded can be cancelled.
func (b *Buckets) reserve(key string, n int, now time.Time) (*rate.Reservation, time.Duration) {
	if b == nil || b.rate.Unlimited() {
		return nil, 0
	}
	if n > b.rate.Burst {
		return nil, b.rate.Per // more than the whole budget: never, but say when to look again
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	e := b.m[key]
	if e == nil {
		b.makeRoom(now)
		e = &bucket{lim: rate.NewLimiter(rate.Limit(float64(b.rate.Burst)/b.rate.Per.Seconds()), b.rate.Burst)}
		b.m[key] = e
	}
	e.seen = now
	res := e.lim.ReserveN(now, n)
	if d := res.DelayFrom(now); d > 0 {
		res.CancelAt(now)
		return nil, d
	}
	return res, 0
}

// makeRoom drops buckets idle long enough to be full again, and past
// maxKeys the least recently used half: forgetting a key only forgives its
// client, and the other scopes (the app's budget above all) still hold.
func (b *Buckets) makeRoom(now time.Time) {
	full := b.rate.Per // an idle bucket is full after one period
	if now.Sub(b.swept) > full || len(b.m) >= b.maxKeys {
		for k, e := range b.m {
			if now.Sub(e.seen) > full {
				delete(b.m, k)
			}
		}
		b.swept = now
	}
	if len(b.m) < b.maxKeys {
		return
	}
	times := make([]time.Time, 0, len(b.m))
	for _, e := range b.m {
		times = append(times, e.seen)
	}
	cut := median(times)
	for k, e := range b.m {
		if !e.seen.After(cut) {
			delete(b.m, k)
		}
	}
}

func median(ts []time.Time) time.Time {
	slices.SortFunc(ts, time.Time.Compare)
	return ts[len(ts)/2]
}

// Charge is n units taken from the bucket of key. What names the budget
// in refusals ("messages of this widget session").
type Charge struct {
	Buckets *Buckets
	Key     string
	N       int
	What    string
}

// Take takes every charge or none. When one would go over its budget, the
// ones taken already are given back, and Take returns that charge and how
// long to wait before it could be taken; otherwise nil.
func Take(charges ...Charge) (refused *Charge, wait time.Duration) {
	var taken []*rate.Reservation
	var now time.Time
	for i, c := range charges {
		if c.Buckets == nil || c.Buckets.rate.Unlimited() || c.N <= 0 {
			continue
		}
		if now.IsZero() {
			now = c.Buckets.now()
		}
		res, d := c.Buckets.reserve(c.Key, c.N, now)
		if d > 0 {
			for _, r := range taken {
				r.CancelAt(now)
			}
			return &charges[i], d
		}
		taken = append(taken, res)
	}
	return nil, 0
}
