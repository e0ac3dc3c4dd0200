package budget

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Scopes are the four keys every browser write is charged to (F8).
type Scopes struct {
	Session, Device, Address, App Rate
}

// Caps are how many of a thing each scope may hold at once.
type Caps struct {
	Session, Device, Address, App int
}

// Policy is the budget of everything a browser can write, by what is
// written and to whom it is charged. A flood from one session runs out of
// its session's budget long before the app's, so other visitors are still
// served; the app's budget protects the server (and its one SQLite
// writer) from floods spread over many sessions and addresses.
type Policy struct {
	Sessions      Scopes // widget sessions started (Session and Device are not used: neither exists yet)
	Conversations Scopes // conversations started
	Messages      Scopes // messages, the first of a conversation included
	MessageBytes  Scopes // the bytes of those messages
	Identity      Scopes // updateIdentity calls
	Reads         Scopes // read markers
	Typing        Scopes // typing indicators (the widget sends one every few seconds while its visitor writes)
	Sockets       Caps   // live-event sockets open at once
	SocketOpens   Scopes // sockets opened (Session and Device are not used: the session is known after the upgrade)
}

// DefaultPolicy is what kith serve starts with: generous for a person
// typing, for an office behind one address, and for a busy site, and far
// below what a script can send.
func DefaultPolicy() Policy {
	perMin := func(n int) Rate { return Rate{Burst: n, Per: time.Minute} }
	kib := func(n int) Rate { return Rate{Burst: n << 10, Per: time.Minute} }
	return Policy{
		Sessions:      Scopes{Address: perMin(120), App: perMin(6000)},
		Conversations: Scopes{Session: perMin(5), Device: perMin(10), Address: perMin(60), App: perMin(2000)},
		Messages:      Scopes{Session: perMin(20), Device: perMin(40), Address: perMin(200), App: perMin(12000)},
		MessageBytes:  Scopes{Session: kib(64), Device: kib(128), Address: kib(1024), App: kib(32 << 10)},
		Identity:      Scopes{Session: perMin(10), Device: perMin(20), Address: perMin(100), App: perMin(4000)},
		Reads:         Scopes{Session: perMin(60), Device: perMin(120), Address: perMin(1000), App: perMin(40000)},
		Typing:        Scopes{Session: perMin(30), Device: perMin(60), Address: perMin(600), App: perMin(60000)},
		Sockets:       Caps{Session: 4, Device: 8, Address: 200, App: 50000},
		SocketOpens:   Scopes{Address: perMin(120), App: perMin(12000)},
	}
}

// unscoped are the budgets charged before a widget session or a device
// is known: they have no session or device scope.
var unscoped = map[string]bool{"sessions": true, "socket_opens": true}

// Names lists every budget Set knows, as what.scope.
func (p *Policy) Names() []string {
	var names []string
	for what := range p.rates() {
		for _, scope := range []string{"session", "device", "address", "app"} {
			if unscoped[what] && (scope == "session" || scope == "device") {
				continue
			}
			names = append(names, what+"."+scope)
		}
	}
	for _, scope := range []string{"session", "device", "address", "app"} {
		names = append(names, "sockets."+scope)
	}
	slices.Sort(names)
	return names
}

func (p *Policy) rates() map[string]*Scopes {
	return map[string]*Scopes{
		"sessions": &p.Sessions, "conversations": &p.Conversations, "messages": &p.Messages,
		"message_bytes": &p.MessageBytes, "identity": &p.Identity, "reads": &p.Reads, "typing": &p.Typing, "socket_opens": &p.SocketOpens,
	}
}

// Set changes one budget from its text form, as the flag --budget takes it:
// "messages.session=20/min", "message_bytes.app=32MiB/min",
// "sockets.session=4"; "0" removes a limit.
func (p *Policy) Set(kv string) error {
	name, value, ok := strings.Cut(kv, "=")
	if !ok {
		return fmt.Errorf("budget %q: want name=value, such as messages.session=20/min", kv)
	}
	what, scope, _ := strings.Cut(name, ".")
	if what == "sockets" {
		n, err := strconv.Atoi(value)
		if err != nil || n < 0 {
			return fmt.Errorf("budget %s: want how many sockets at once, such as 4 (0: no limit)", name)
		}
		dst := caps(&p.Sockets, scope)
		if dst == nil {
			return fmt.Errorf("unknown budget %q: the budgets are %s", name, strings.Join(p.Names(), ", "))
		}
		*dst = n
		return nil
	}
	s, ok := p.rates()[what]
	dst := rates(s, scope)
	if !ok || dst == nil || unscoped[what] && (scope == "session" || scope == "device") {
		return fmt.Errorf("unknown budget %q: the budgets are %s", name, strings.Join(p.Names(), ", "))
	}
	r, err := ParseRate(value)
	if err != nil {
		return fmt.Errorf("budget %s: %v", name, err)
	}
	*dst = r
	return nil
}

func rates(s *Scopes, scope string) *Rate {
	if s == nil {
		return nil
	}
	switch scope {
	case "session":
		return &s.Session
	case "device":
		return &s.Device
	case "address":
		return &s.Address
	case "app":
		return &s.App
	}
	return nil
}

func caps(c *Caps, scope string) *int {
	switch scope {
	case "session":
		return &c.Session
	case "device":
		return &c.Device
	case "address":
		return &c.Address
	case "app":
		return &c.App
	}
	return nil
}

// Get returns one budget's text form, as Set takes it.
func (p *Policy) Get(name string) (string, bool) {
	what, scope, _ := strings.Cut(name, ".")
	if what == "sockets" {
		if n := caps(&p.Sockets, scope); n != nil {
			return strconv.Itoa(*n), true
		}
		return "", false
	}
	if r := rates(p.rates()[what], scope); r != nil {
		return r.String(), true
	}
	return "", false
}
