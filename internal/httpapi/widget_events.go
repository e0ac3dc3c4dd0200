package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
)

// Close codes of the live-event socket, in the range for applications.
const (
	closeSessionEnded websocket.StatusCode = 4001 // revoked, expired or logged out: start a new session
	closeAuthFailed   websocket.StatusCode = 4003 // the first message was not a valid auth: start a new session
	closeTooSlow      websocket.StatusCode = 4008 // the buffer filled: reconnect with your cursor
	closeTooMany      websocket.StatusCode = 4029 // this session or device holds too many sockets (F8)
)

// authTimeout is how long a widget has to send the auth message after
// connecting.
const authTimeout = 10 * time.Second

// authMessage is the first message a widget sends on the socket. The
// session travels in a message rather than the URL, where it would be
// logged, or a header, which browsers cannot set on a WebSocket.
type authMessage struct {
	Type    string `json:"type"`
	Session string `json:"session"`
	After   int64  `json:"after"`
}

// widgetEvents serves GET /widget/v1/events: a WebSocket carrying the live
// events the session may see, resumed after the last one the widget saw.
func (s *Server) widgetEvents(w http.ResponseWriter, r *http.Request) error {
	app, err := s.apps.AppFor(r.Context(), r.URL.Query().Get("app_id"))
	if err != nil {
		return err
	}
	if origin := r.Header.Get("Origin"); origin != "" && !originAllowed(app, r, origin) {
		return kith.Errorf(kith.CodeOriginNotAllowed, "origin", "this page's origin is not among the app's allowed_origins")
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return kith.Errorf(kith.CodeInvalidRequest, "", "this endpoint is a WebSocket: connect with the WebSocket protocol")
	}
	// Budgets (F8): the address and the app are known before the upgrade,
	// and refused with a 429; the session and the device once it
	// authenticates, with close code 4029.
	addr := s.clientAddr(r)
	b := s.budgets
	if err := take(budget.Charge{Buckets: b.socketOpens.address, Key: addr, N: 1, What: b.socketOpens.what + " from this address"},
		budget.Charge{Buckets: b.socketOpens.app, Key: app.ID, N: 1, What: b.socketOpens.what + " of this app"}); err != nil {
		return err
	}
	outer := []*budget.Slots{b.sockets.address, b.sockets.app}
	outerKeys := []string{addr, app.ID}
	if !budget.Acquire(outer, outerKeys) {
		return &rateLimited{retryAfter: 10, what: "sockets open at once from this address or app"}
	}
	defer budget.Release(outer, outerKeys)
	// The origin was checked against the app above; the library's own
	// check would only allow same-host pages.
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true})
	if err != nil {
		return nil // Accept answered the request
	}
	defer conn.CloseNow()
	conn.SetReadLimit(4096)

	ctx := r.Context()
	actx, cancel := context.WithTimeout(ctx, authTimeout)
	var hello authMessage
	typ, frame, err := conn.Read(actx)
	cancel()
	if err == nil && typ == websocket.MessageText {
		err = decodeBytes(frame, &hello) // as strictly as any body (F7)
	}
	if err != nil || typ != websocket.MessageText || hello.Type != "auth" {
		conn.Close(closeAuthFailed, "send {\"type\":\"auth\",\"session\":...} first")
		return nil
	}
	caller, err := s.chat.Authenticate(ctx, hello.Session)
	if err != nil || caller.App.ID != app.ID {
		conn.Close(closeAuthFailed, "invalid session")
		return nil
	}
	inner := []*budget.Slots{b.sockets.session, b.sockets.device}
	innerKeys := []string{caller.Session.ID, caller.Device.ID}
	if !budget.Acquire(inner, innerKeys) {
		conn.Close(closeTooMany, "too many sockets for this session or device: close another tab's")
		return nil
	}
	defer budget.Release(inner, innerKeys)
	s.metrics.liveConnections.Inc()
	defer s.metrics.liveConnections.Dec()
	status, reason := s.stream(conn.CloseRead(ctx), conn, caller, hello.After)
	conn.Close(status, reason)
	return nil
}

// stream writes the events the caller may hear, as chat.Listener yields
// them, until the connection or the session ends, and says how to close.
func (s *Server) stream(ctx context.Context, conn *websocket.Conn, c *chat.Caller, after int64) (websocket.StatusCode, string) {
	// Listening starts before the ready frame, so that nothing committed
	// meanwhile is missed.
	l := s.chat.Listen(c, after)
	defer l.Close()
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "ready", "cursor": after}); err != nil {
		return websocket.StatusGoingAway, ""
	}
	for {
		e, err := l.Next(ctx)
		if err != nil {
			return closeFor(err)
		}
		wctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
		err = conn.Write(wctx, websocket.MessageText, eventJSON(e))
		cancel()
		if err != nil {
			return websocket.StatusGoingAway, ""
		}
	}
}

// closeFor is the close code and reason for why a listener stopped.
func closeFor(err error) (websocket.StatusCode, string) {
	switch {
	case errors.Is(err, chat.ErrSessionRevoked):
		return closeSessionEnded, "session revoked"
	case errors.Is(err, chat.ErrSessionEnded):
		return closeSessionEnded, "session ended"
	case errors.Is(err, chat.ErrTooSlow):
		return closeTooSlow, "too slow: reconnect with your cursor"
	case errors.Is(err, chat.ErrMoreToReplay):
		return closeTooSlow, "more to replay: reconnect with your cursor"
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return websocket.StatusGoingAway, "" // the widget went away
	}
	return websocket.StatusInternalError, "try again"
}

// eventJSON is an event as the widget receives it: its number and kind,
// and the fields of its payload.
func eventJSON(e *kith.LiveEvent) []byte {
	b := []byte(`{"type":"event","id":` + strconv.FormatInt(e.ID, 10) + `,"kind":`)
	kind, _ := json.Marshal(e.Kind)
	b = append(b, kind...)
	var fields map[string]json.RawMessage
	if json.Unmarshal(e.Payload, &fields) == nil && len(fields) > 0 {
		for _, k := range sortedKeys(fields) {
			if k == "type" || k == "id" || k == "kind" || k == chat.AgentsOnlyPayloadKey {
				continue
			}
			name, _ := json.Marshal(k)
			b = append(append(append(b, ','), name...), ':')
			b = append(b, fields[k]...)
		}
	}
	return append(b, '}')
}
