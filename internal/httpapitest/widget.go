package httpapitest

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/kith-chat/kith/internal/kithtest"
)

// Mint obtains a session token for a verified user through M1. revInfo is
// extra JSON members of rev_info, such as `"workspace_ref":"ws"`.
func (e *Env) Mint(userRef, revInfo string) string {
	e.t.Helper()
	body := `{"rev_info":{"user_ref":` + quote(userRef)
	if revInfo != "" {
		body += "," + revInfo
	}
	r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, body+"}}")
	if r.Status != http.StatusCreated {
		e.t.Fatalf("mint a session token for %s: %d %s", userRef, r.Status, r.Body)
	}
	var b struct {
		AccessToken string `json:"access_token"`
	}
	r.Decode(e.t, &b)
	return b.AccessToken
}

func quote(s string) string {
	b, _ := json.Marshal(s)
	return string(b)
}

// WidgetSession is the answer to POST /widget/v1/sessions.
type WidgetSession struct {
	Session     string `json:"session"`
	DeviceToken string `json:"device_token"`
	User        struct {
		ID          *string `json:"id"`
		DisplayName string  `json:"display_name"`
		Trust       string  `json:"trust"`
	} `json:"user"`
	CanChat     bool            `json:"can_chat"`
	AuthFailure *kithtest.Error `json:"auth_failure"`

	e *Env
}

// Get sends a GET of the widget API with the session.
func (s *WidgetSession) Get(path string) *kithtest.Response {
	s.e.t.Helper()
	return s.e.Do("GET", path, s.Session, nil)
}

// StartConversation starts a conversation with its first message and
// returns its id, failing the test unless it answers 201.
func (s *WidgetSession) StartConversation(body string) string {
	s.e.t.Helper()
	r := s.e.Do("POST", "/widget/v1/conversations", s.Session, map[string]string{"body": body})
	if r.Status != http.StatusCreated {
		s.e.t.Fatalf("start a conversation: %d %s", r.Status, r.Body)
	}
	return r.JSON(s.e.t)["conversation"].(map[string]any)["id"].(string)
}

// Send writes a message in a conversation, failing the test unless it
// answers 201.
func (s *WidgetSession) Send(conversationID, body string) {
	s.e.t.Helper()
	r := s.e.Do("POST", "/widget/v1/conversations/"+conversationID+"/messages", s.Session, map[string]string{"body": body})
	if r.Status != http.StatusCreated {
		s.e.t.Fatalf("send: %d %s", r.Status, r.Body)
	}
}

// StartSession starts a widget session for the env's app with the members
// of body (app_id is added) and fails the test unless it answers 201.
func (e *Env) StartSession(body map[string]any) *WidgetSession {
	e.t.Helper()
	r := e.TryStartSession(body)
	if r.Status != http.StatusCreated {
		e.t.Fatalf("start a widget session with %v: %d %s", body, r.Status, r.Body)
	}
	s := WidgetSession{e: e}
	r.Decode(e.t, &s)
	return &s
}

// TryStartSession starts a widget session and returns the raw answer.
func (e *Env) TryStartSession(body map[string]any) *kithtest.Response {
	e.t.Helper()
	b := map[string]any{"app_id": e.App.ID}
	for k, v := range body {
		b[k] = v
	}
	return e.Do("POST", "/widget/v1/sessions", "", b)
}

// Events is a live-event socket: a widget's, or an inbox's.
type Events struct {
	t    testing.TB
	conn *websocket.Conn
	// cursor is what an inbox's ready named.
	cursor int64
}

// DialEvents connects to the live events of a widget session, resuming
// after the event id after, and waits for "ready".
func (e *Env) DialEvents(session string, after int64) *Events {
	e.t.Helper()
	return e.DialEventsFor(e.App.ID, session, after)
}

// DialEventsFor is DialEvents for a session of another app.
func (e *Env) DialEventsFor(appID, session string, after int64) *Events {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn, _, err := websocket.Dial(ctx, e.eventsURL(appID), nil)
	if err != nil {
		e.t.Fatalf("dial the live events: %v", err)
	}
	return e.auth(conn, session, after)
}

// DialEventsWhenFree is DialEvents for a test that has just had sockets
// refused: their handlers release their places a moment after the client
// hears the close, so a handshake refused for want of room (429) is tried
// again for a while.
func (e *Env) DialEventsWhenFree(session string) *Events {
	e.t.Helper()
	return e.auth(e.dialWhenFree(), session, 0)
}

// dialWhenFree opens a live-event socket of the app, trying again for a
// while when the handshake is refused for want of room (429).
func (e *Env) dialWhenFree() *websocket.Conn {
	e.t.Helper()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		conn, resp, err := websocket.Dial(ctx, e.eventsURL(e.App.ID), nil)
		cancel()
		if err == nil {
			return conn
		}
		if resp == nil || resp.StatusCode != http.StatusTooManyRequests || time.Now().After(deadline) {
			e.t.Fatalf("dial the live events: %v", err)
		}
	}
}

func (e *Env) eventsURL(appID string) string {
	return "ws" + strings.TrimPrefix(e.Server.URL, "http") + "/widget/v1/events?app_id=" + appID
}

// auth authenticates a live-event socket and waits for its ready message.
func (e *Env) auth(conn *websocket.Conn, session string, after int64) *Events {
	e.t.Helper()
	e.t.Cleanup(func() { conn.CloseNow() })
	conn.SetReadLimit(1 << 20)
	ev := &Events{t: e.t, conn: conn}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	msg, _ := json.Marshal(map[string]any{"type": "auth", "session": session, "after": after})
	if err := conn.Write(ctx, websocket.MessageText, msg); err != nil {
		e.t.Fatalf("send auth: %v", err)
	}
	if m := ev.Next(10 * time.Second); m["type"] != "ready" {
		e.t.Fatalf("first message %v, want ready", m)
	}
	return ev
}

// TryDialEvents connects to the live events of a session and
// authenticates: it returns the socket once the server says it is ready,
// or else the close code the server answered with. A handshake refused
// for want of room is tried again for a while, as by DialEventsWhenFree.
func (e *Env) TryDialEvents(session string) (*Events, websocket.StatusCode) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	conn := e.dialWhenFree()
	e.t.Cleanup(func() { conn.CloseNow() })
	ev := &Events{t: e.t, conn: conn}
	auth, _ := json.Marshal(map[string]any{"type": "auth", "session": session})
	if err := conn.Write(ctx, websocket.MessageText, auth); err != nil {
		e.t.Fatalf("send auth: %v", err)
	}
	m, err := ev.read(10 * time.Second)
	var ce websocket.CloseError
	switch {
	case errors.As(err, &ce):
		return nil, ce.Code
	case err != nil:
		e.t.Fatalf("no answer to auth: %v", err)
	case m["type"] != "ready":
		e.t.Fatalf("first message %v, want ready", m)
	}
	return ev, 0
}

// Next returns the next message, failing the test if none comes within
// timeout or the socket closes.
func (ev *Events) Next(timeout time.Duration) map[string]any {
	ev.t.Helper()
	m, err := ev.read(timeout)
	if err != nil {
		ev.t.Fatalf("no live event within %v: %v", timeout, err)
	}
	return m
}

func (ev *Events) read(timeout time.Duration) (map[string]any, error) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	defer cancel()
	_, b, err := ev.conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	var m map[string]any
	if err := json.Unmarshal(b, &m); err != nil {
		ev.t.Fatalf("a live event is not JSON: %s", b)
	}
	return m, nil
}

// Closed waits for the server to close the socket, skipping the messages
// before, and returns the close code.
func (ev *Events) Closed(timeout time.Duration) websocket.StatusCode {
	ev.t.Helper()
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		_, err := ev.read(time.Until(deadline))
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if errors.As(err, &ce) {
			return ce.Code
		}
		ev.t.Fatalf("the socket failed without a close frame: %v", err)
	}
	ev.t.Fatalf("the socket was not closed within %v", timeout)
	return 0
}

// Close closes the socket from the client's side.
func (ev *Events) Close() { ev.conn.Close(websocket.StatusNormalClosure, "") }

// TryNext returns the next message, or the error that came instead (a
// timeout, a close), without failing the test.
func (ev *Events) TryNext(timeout time.Duration) (map[string]any, error) {
	return ev.read(timeout)
}
