package budget

import (
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestParseRate_F8(t *testing.T) {
	tests := []struct {
		in   string
		want Rate
		bad  bool
	}{
		{in: "20/min", want: Rate{20, time.Minute}},
		{in: "1/s", want: Rate{1, time.Second}},
		{in: "100/h", want: Rate{100, time.Hour}},
		{in: "5/day", want: Rate{5, 24 * time.Hour}},
		{in: "64KiB/min", want: Rate{64 << 10, time.Minute}},
		{in: "32MiB/min", want: Rate{32 << 20, time.Minute}},
		{in: "20/90s", want: Rate{20, 90 * time.Second}},
		{in: "0", want: Rate{}},
		{in: "20", bad: true}, {in: "/min", bad: true}, {in: "-1/min", bad: true}, {in: "0/min", bad: true},
		{in: "20/fortnight", bad: true}, {in: "20/-1s", bad: true}, {in: "99999999MiB/min", bad: true},
	}
	for _, tt := range tests {
		got, err := ParseRate(tt.in)
		if tt.bad != (err != nil) || !tt.bad && got != tt.want {
			t.Errorf("ParseRate(%q) = %v, %v; want %v (error: %v)", tt.in, got, err, tt.want, tt.bad)
		}
		if !tt.bad {
			if again, err := ParseRate(got.String()); err != nil || again != got {
				t.Errorf("%v does not round-trip through %q: %v, %v", got, got.String(), again, err)
			}
		}
	}
}

// clock is a time that tests move by hand.
type clock struct{ t time.Time }

func (c *clock) now() time.Time { return c.t }

func TestBuckets_SpendAndRefill_F8(t *testing.T) {
	c := &clock{t: time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)}
	b := NewBuckets(Rate{Burst: 3, Per: time.Minute}, 0, c.now)
	for i := range 3 {
		if refused, _ := Take(Charge{Buckets: b, Key: "s", N: 1}); refused != nil {
			t.Fatalf("take %d of a burst of 3 refused", i+1)
		}
	}
	refused, wait := Take(Charge{Buckets: b, Key: "s", N: 1, What: "messages"})
	if refused == nil || refused.What != "messages" || wait <= 0 || wait > 20*time.Second {
		t.Fatalf("the fourth: refused %v after %v, want messages refused for at most 20 s (3 a minute)", refused, wait)
	}
	if refused, _ := Take(Charge{Buckets: b, Key: "other", N: 1}); refused != nil {
		t.Fatal("another key was charged for the first one's spending")
	}
	c.t = c.t.Add(wait)
	if refused, _ := Take(Charge{Buckets: b, Key: "s", N: 1}); refused != nil {
		t.Fatalf("refused again after waiting the %v it said", wait)
	}
	// More than a whole budget at once is never allowed.
	if refused, _ := Take(Charge{Buckets: b, Key: "fresh", N: 4}); refused == nil {
		t.Fatal("4 units taken from a budget of 3")
	}
}

func TestTake_AllOrNothing_F8(t *testing.T) {
	c := &clock{t: time.Now()}
	session := NewBuckets(Rate{Burst: 10, Per: time.Minute}, 0, c.now)
	app := NewBuckets(Rate{Burst: 1, Per: time.Minute}, 0, c.now)
	both := func() *Charge {
		r, _ := Take(Charge{Buckets: session, Key: "s", N: 1}, Charge{Buckets: app, Key: "a", N: 1, What: "app"})
		return r
	}
	if both() != nil {
		t.Fatal("the first write refused")
	}
	for range 5 {
		if r := both(); r == nil || r.What != "app" {
			t.Fatalf("refused %v, want the app's budget", r)
		}
	}
	// The refused writes gave the session its units back: 9 remain.
	for i := range 9 {
		if r, _ := Take(Charge{Buckets: session, Key: "s", N: 1}); r != nil {
			t.Fatalf("the session's unit %d was lost to refused writes", i+2)
		}
	}
}

func TestBuckets_MemoryStaysBounded_F8(t *testing.T) {
	c := &clock{t: time.Now()}
	b := NewBuckets(Rate{Burst: 5, Per: time.Hour}, 1000, c.now)
	for i := range 20_000 {
		c.t = c.t.Add(time.Millisecond)
		Take(Charge{Buckets: b, Key: fmt.Sprint("attacker-", i), N: 1})
	}
	if n := b.Len(); n > 1000 {
		t.Fatalf("%d keys held, want at most 1000", n)
	}
	// The most recent keys are kept, so a client that keeps writing keeps
	// its budget spent.
	for range 5 {
		Take(Charge{Buckets: b, Key: "flooder", N: 1})
	}
	if r, _ := Take(Charge{Buckets: b, Key: "flooder", N: 1}); r == nil {
		t.Fatal("a spent key got a fresh budget")
	}
}

func TestSlots_CapWhatIsHeldAtOnce_F8(t *testing.T) {
	session, app := NewSlots(2), NewSlots(3)
	slots := []*Slots{session, app}
	for i := range 2 {
		if !Acquire(slots, []string{"s", "a"}) {
			t.Fatalf("socket %d refused", i+1)
		}
	}
	if Acquire(slots, []string{"s", "a"}) {
		t.Fatal("a third socket for a session capped at 2")
	}
	if app.Held("a") != 2 {
		t.Fatalf("the refused socket kept the app's slot: %d held", app.Held("a"))
	}
	Release(slots, []string{"s", "a"})
	if !Acquire(slots, []string{"s", "a"}) {
		t.Fatal("refused after one was released")
	}
	Release(slots, []string{"s", "a"})
	Release(slots, []string{"s", "a"})
	if session.Held("s") != 0 || len(session.held) != 0 {
		t.Fatal("a key that holds nothing still takes memory")
	}
}

func TestPolicy_SetNamesEveryBudget_F8(t *testing.T) {
	p := DefaultPolicy()
	for _, name := range p.Names() {
		v, ok := p.Get(name)
		if !ok {
			t.Fatalf("%s is named but has no value", name)
		}
		if err := p.Set(name + "=" + v); err != nil {
			t.Fatalf("set %s=%s: %v", name, v, err)
		}
	}
	if err := p.Set("messages.session=5/min"); err != nil || p.Messages.Session != (Rate{5, time.Minute}) {
		t.Fatalf("messages.session: %v, %v", p.Messages.Session, err)
	}
	if err := p.Set("sockets.device=0"); err != nil || p.Sockets.Device != 0 {
		t.Fatalf("sockets.device: %v, %v", p.Sockets.Device, err)
	}
	for _, bad := range []string{"messages", "messages.session", "messages.galaxy=1/min", "mails.session=1/min",
		"messages.session=lots", "sockets.session=-1", "sockets.session=1/min", "sessions.session=1/min", "socket_opens.device=1/min"} {
		if err := p.Set(bad); err == nil {
			t.Errorf("Set(%q) accepted", bad)
		} else if strings.Contains(bad, "galaxy") && !strings.Contains(err.Error(), "messages.session") {
			t.Errorf("Set(%q): %v, want the list of budgets", bad, err)
		}
	}
}
