package httpapi

import "sync"

// Presence is what an agent's open inboxes say of them: online, away (no
// activity for a while), or offline (no inbox open).
const (
	presenceOnline  = "online"
	presenceAway    = "away"
	presenceOffline = "offline"
)

// presence tracks the agents whose inbox is open in this process, for the
// team list and the inbox's live presence (I1). Each open inbox counts
// once; an agent is away only when every inbox they have open says so.
type presence struct {
	mu sync.Mutex
	// conns are the open inboxes of each agent of each organization, and
	// whether each is away.
	conns map[string]map[string]map[*presenceConn]bool
	// watchers hear of every change of an organization's presence.
	watchers map[string]map[*presenceConn]func()
}

// presenceConn is one open inbox.
type presenceConn struct{ org, agent string }

func newPresence() *presence {
	return &presence{conns: map[string]map[string]map[*presenceConn]bool{}, watchers: map[string]map[*presenceConn]func(){}}
}

// join counts an open inbox of an agent; changed is called, outside the
// lock, whenever the organization's presence changes, until leave.
func (p *presence) join(org, agent string, changed func()) *presenceConn {
	c := &presenceConn{org: org, agent: agent}
	p.mu.Lock()
	if p.conns[org] == nil {
		p.conns[org] = map[string]map[*presenceConn]bool{}
	}
	if p.conns[org][agent] == nil {
		p.conns[org][agent] = map[*presenceConn]bool{}
	}
	p.conns[org][agent][c] = false
	if p.watchers[org] == nil {
		p.watchers[org] = map[*presenceConn]func(){}
	}
	p.watchers[org][c] = changed
	p.mu.Unlock()
	p.notify(org)
	return c
}

// set records whether an open inbox is away.
func (p *presence) set(c *presenceConn, away bool) {
	p.mu.Lock()
	conns := p.conns[c.org][c.agent]
	_, open := conns[c]
	if open {
		conns[c] = away
	}
	p.mu.Unlock()
	if open {
		p.notify(c.org)
	}
}

// leave forgets an open inbox.
func (p *presence) leave(c *presenceConn) {
	p.mu.Lock()
	delete(p.conns[c.org][c.agent], c)
	if len(p.conns[c.org][c.agent]) == 0 {
		delete(p.conns[c.org], c.agent)
	}
	delete(p.watchers[c.org], c)
	p.mu.Unlock()
	p.notify(c.org)
}

// of says an agent's presence.
func (p *presence) of(org, agent string) string {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.stateLocked(org, agent)
}

func (p *presence) stateLocked(org, agent string) string {
	conns := p.conns[org][agent]
	if len(conns) == 0 {
		return presenceOffline
	}
	for _, away := range conns {
		if !away {
			return presenceOnline
		}
	}
	return presenceAway
}

// snapshot is every present agent of an organization and their presence.
func (p *presence) snapshot(org string) map[string]string {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := map[string]string{}
	for agent := range p.conns[org] {
		out[agent] = p.stateLocked(org, agent)
	}
	return out
}

func (p *presence) notify(org string) {
	p.mu.Lock()
	fns := make([]func(), 0, len(p.watchers[org]))
	for _, fn := range p.watchers[org] {
		fns = append(fns, fn)
	}
	p.mu.Unlock()
	for _, fn := range fns {
		fn()
	}
}
