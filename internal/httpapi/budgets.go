package httpapi

import (
	"math"
	"net"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/chat"
)

// budgets are the buckets of a budget.Policy (F8): for each thing a
// browser writes, one bucket per widget session, device, client address
// and app.
type budgets struct {
	sessions, conversations, messages, messageBytes, identity, reads, typing, socketOpens scoped
	// sockets count the sockets open at once, by scope.
	sockets struct{ session, device, address, app *budget.Slots }
}

// scoped are the buckets of one thing, by scope.
type scoped struct {
	what                          string // "messages", named in refusals
	session, device, address, app *budget.Buckets
}

func newBudgets(p budget.Policy, now func() time.Time) *budgets {
	mk := func(what string, s budget.Scopes) scoped {
		return scoped{what: what,
			session: budget.NewBuckets(s.Session, 0, now), device: budget.NewBuckets(s.Device, 0, now),
			address: budget.NewBuckets(s.Address, 0, now), app: budget.NewBuckets(s.App, 0, now)}
	}
	b := &budgets{
		sessions: mk("widget sessions", p.Sessions), conversations: mk("conversations", p.Conversations),
		messages: mk("messages", p.Messages), messageBytes: mk("message bytes", p.MessageBytes),
		identity: mk("identity updates", p.Identity), reads: mk("read markers", p.Reads), typing: mk("typing indicators", p.Typing),
		socketOpens: mk("sockets opened", p.SocketOpens),
	}
	b.sockets.session, b.sockets.device = budget.NewSlots(p.Sockets.Session), budget.NewSlots(p.Sockets.Device)
	b.sockets.address, b.sockets.app = budget.NewSlots(p.Sockets.Address), budget.NewSlots(p.Sockets.App)
	return b
}

// of charges n of a thing to a widget session's four scopes.
func (s scoped) of(c *chat.Caller, addr string, n int) []budget.Charge {
	return []budget.Charge{
		{Buckets: s.session, Key: c.Session.ID, N: n, What: s.what + " of this widget session"},
		{Buckets: s.device, Key: c.Device.ID, N: n, What: s.what + " of this device"},
		{Buckets: s.address, Key: addr, N: n, What: s.what + " from this address"},
		{Buckets: s.app, Key: c.App.ID, N: n, What: s.what + " of this app"},
	}
}

// take charges everything at once, all or none; past a budget it is a
// 429 that says which budget and when to come back.
func take(charges ...budget.Charge) error {
	if refused, wait := budget.Take(charges...); refused != nil {
		return &rateLimited{retryAfter: int(math.Ceil(max(wait, time.Second).Seconds())), what: refused.What}
	}
	return nil
}

// chargeWrite charges a widget session's write to the budgets of its
// kinds (messages, conversations, identity updates, read markers) and, for
// a message, its bytes.
func (s *Server) chargeWrite(r *http.Request, c *chat.Caller, kinds []scoped, bytes int) error {
	addr := s.clientAddr(r)
	var charges []budget.Charge
	for _, k := range kinds {
		charges = append(charges, k.of(c, addr, 1)...)
	}
	if bytes > 0 {
		charges = append(charges, s.budgets.messageBytes.of(c, addr, bytes)...)
	}
	return take(charges...)
}

// clientAddr is the address a request came from. Behind a reverse proxy
// whose address is among the trusted ones (--trusted-proxies), it is the
// last address of X-Forwarded-For that is not a trusted proxy; otherwise
// the connection's, so that a client cannot pick its own budget by sending
// the header.
func (s *Server) clientAddr(r *http.Request) string {
	peer := remoteAddr(r)
	if len(s.limits.TrustedProxies) == 0 || !trusted(s.limits.TrustedProxies, peer) {
		return peer.String()
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a garbled hop: trust nothing before it
		}
		if !trusted(s.limits.TrustedProxies, a.Unmap()) {
			return a.Unmap().String()
		}
	}
	return peer.String()
}

func remoteAddr(r *http.Request) netip.Addr {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		host = r.RemoteAddr
	}
	a, err := netip.ParseAddr(host)
	if err != nil {
		return netip.IPv4Unspecified()
	}
	return a.Unmap()
}

func trusted(proxies []netip.Prefix, a netip.Addr) bool {
	for _, p := range proxies {
		if p.Contains(a) {
			return true
		}
	}
	return false
}
