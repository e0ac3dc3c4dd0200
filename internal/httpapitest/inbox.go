package httpapitest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
)

// AgentPassword is the password of the agents NewAgent makes.
const AgentPassword = "correct horse battery staple"

// NewAgent makes an agent of the app's organization (or of orgID).
func (e *Env) NewAgent(email string, role kith.Role, orgID ...string) *kith.Agent {
	e.t.Helper()
	org := e.App.OrgID
	if len(orgID) > 0 {
		org = orgID[0]
	}
	a, err := e.Agents.Create(context.Background(), agents.NewAgent{OrgID: org, Email: email, Name: "Agent " + email,
		Role: role, Password: AgentPassword})
	if err != nil {
		e.t.Fatalf("create agent: %v", err)
	}
	return a
}

// Inbox is an agent's browser on the inbox's API: a cookie jar, and the
// Origin header a page of the inbox sends with what it posts.
type Inbox struct {
	t      testing.TB
	base   string
	client *http.Client
	// Origin is sent with every request; the server's own by default.
	Origin string
}

// Browser returns a browser that has not logged in.
func (e *Env) Browser() *Inbox {
	jar, _ := cookiejar.New(nil)
	return &Inbox{t: e.t, base: e.Server.URL, client: &http.Client{Jar: jar}, Origin: e.Server.URL}
}

// Login logs an agent in with AgentPassword and returns their browser.
func (e *Env) Login(email string) *Inbox {
	e.t.Helper()
	in := e.Browser()
	if r := in.Do("POST", "/inbox/api/login", map[string]string{"email": email, "password": AgentPassword}); r.Status != http.StatusOK {
		e.t.Fatalf("login %s: %d %s", email, r.Status, r.Body)
	}
	return in
}

// Do sends a request with the browser's cookies and Origin.
func (in *Inbox) Do(method, path string, body any) *kithtest.Response {
	in.t.Helper()
	var rd io.Reader
	if body != nil {
		j, err := json.Marshal(body)
		if err != nil {
			in.t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, in.base+path, rd)
	if err != nil {
		in.t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if in.Origin != "" {
		req.Header.Set("Origin", in.Origin)
	}
	resp, err := in.client.Do(req)
	if err != nil {
		in.t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		in.t.Fatal(err)
	}
	return &kithtest.Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// DialEvents opens the inbox's live events with the browser's cookies and
// Origin, says hello with the cursor and waits for ready.
func (in *Inbox) DialEvents(after int64) *Events {
	in.t.Helper()
	ev, status := in.TryDialEvents(after)
	if ev == nil {
		in.t.Fatalf("dial the inbox's events: %v", status)
	}
	return ev
}

// DialEventsCursor is DialEvents that also returns the cursor ready names.
func (in *Inbox) DialEventsCursor(after int64) (*Events, int64) {
	in.t.Helper()
	ev, status := in.TryDialEvents(after)
	if ev == nil {
		in.t.Fatalf("dial the inbox's events: %v", status)
	}
	return ev, ev.cursor
}

// TryDialEvents is DialEvents returning the refusal: the HTTP status of a
// refused upgrade, or the close code of a refused hello.
func (in *Inbox) TryDialEvents(after int64) (*Events, int) {
	in.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	u, _ := url.Parse(in.base)
	hdr := http.Header{}
	if in.Origin != "" {
		hdr.Set("Origin", in.Origin)
	}
	for _, c := range in.client.Jar.Cookies(&url.URL{Scheme: u.Scheme, Host: u.Host, Path: "/inbox/api/events"}) {
		hdr.Add("Cookie", c.Name+"="+c.Value)
	}
	conn, resp, err := websocket.Dial(ctx, "ws"+strings.TrimPrefix(in.base, "http")+"/inbox/api/events", &websocket.DialOptions{HTTPHeader: hdr})
	if err != nil {
		if resp != nil {
			return nil, resp.StatusCode
		}
		in.t.Fatalf("dial the inbox's events: %v", err)
	}
	in.t.Cleanup(func() { conn.CloseNow() })
	conn.SetReadLimit(1 << 20)
	ev := &Events{t: in.t, conn: conn}
	hello, _ := json.Marshal(map[string]any{"type": "hello", "after": after})
	if err := conn.Write(ctx, websocket.MessageText, hello); err != nil {
		in.t.Fatalf("send hello: %v", err)
	}
	m, err := ev.read(10 * time.Second)
	if err != nil {
		return nil, int(websocket.CloseStatus(err))
	}
	if m["type"] != "ready" {
		in.t.Fatalf("first message %v, want ready", m)
	}
	if c, ok := m["cursor"].(float64); ok {
		ev.cursor = int64(c)
	}
	return ev, 0
}

// Send writes a message on the socket.
func (ev *Events) Send(v any) {
	ev.t.Helper()
	b, _ := json.Marshal(v)
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := ev.conn.Write(ctx, websocket.MessageText, b); err != nil {
		ev.t.Fatalf("send: %v", err)
	}
}
