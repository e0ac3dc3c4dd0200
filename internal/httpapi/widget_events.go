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
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// Close codes of the live-event socket, in the range for applications.
const (
	closeSessionEnded websocket.StatusCode = 4001 // revoked, expired or logged out: start a new session
	closeAuthFailed   websocket.StatusCode = 4003 // the first message was not a valid auth: start a new session
	closeTooSlow      websocket.StatusCode = 4008 // the buffer filled: reconnect with your cursor
	closeTooMany      websocket.StatusCode = 4029 // this session or device holds too many sockets (F8)
)

const (
	authTimeout = 10 * time.Second // to send the auth message after connecting
	// revalidateEvery is how often a connection checks that its session
	// still stands, to end sessions revoked in another process or expired.
	revalidateEvery = 30 * time.Second
	replayLimit     = 1000
)

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

// stream sends the events the caller may hear until the connection or the
// session ends, and says how to close.
func (s *Server) stream(ctx context.Context, conn *websocket.Conn, c *chat.Caller, after int64) (websocket.StatusCode, string) {
	// Subscribe before replaying, so that nothing committed meanwhile is
	// missed; what the replay already sent is skipped by id.
	sub := s.hub.Subscribe(c.UserID(), c.Device.ID, c.Session.ID, 0)
	defer sub.Close()

	send := func(e *kith.LiveEvent) error {
		wctx, cancel := context.WithTimeout(ctx, wsWriteTimeout)
		defer cancel()
		return conn.Write(wctx, websocket.MessageText, eventJSON(e))
	}
	if err := wsjson.Write(ctx, conn, map[string]any{"type": "ready", "cursor": after}); err != nil {
		return websocket.StatusGoingAway, ""
	}
	last := after
	// hear decides, for every event, whether this session may hear it
	// (V2-V5); an anonymous visitor whose user was just made by a first
	// message (maybe in another tab) is looked up again. Only an event of
	// an unverified conversation on this device can be that: the lookup is
	// not made for anything else.
	hear := func(e *kith.LiveEvent) (bool, error) {
		if identity.CanHear(c.Viewer(), c.Session.ID, e) {
			return true, nil
		}
		if c.UserID() != "" || e.DeviceID != c.Device.ID || e.Verified || c.Session.Trust != kith.TrustAnonymous {
			return false, nil
		}
		fresh, err := s.chat.Refresh(ctx, c)
		if err != nil {
			return false, err
		}
		c = fresh
		if c.UserID() != "" {
			sub.SetUser(c.UserID())
		}
		return identity.CanHear(c.Viewer(), c.Session.ID, e), nil
	}
	deliver := func(e *kith.LiveEvent) (websocket.StatusCode, string, bool) {
		if e.ID <= last {
			return 0, "", true
		}
		last = e.ID
		ok, err := hear(e)
		if err != nil {
			return closeSessionEnded, "session ended", false
		}
		if !ok {
			return 0, "", true
		}
		if err := send(e); err != nil {
			return websocket.StatusGoingAway, "", false
		}
		if e.Kind == kith.LiveSessionRevoked {
			return closeSessionEnded, "session revoked", false
		}
		return 0, "", true
	}

	missed, err := s.store.LiveEvents(ctx, c.App.OrgID, after, kith.LiveEventFilter{
		UserID: c.UserID(), DeviceID: c.Device.ID, SessionID: c.Session.ID}, replayLimit)
	if err != nil {
		return websocket.StatusInternalError, "try again"
	}
	for _, e := range missed {
		if status, reason, ok := deliver(e); !ok {
			return status, reason
		}
	}
	if len(missed) == replayLimit {
		// More was missed than one replay sends: the widget reconnects
		// from the last event it got and the replay goes on.
		return closeTooSlow, "more to replay: reconnect with your cursor"
	}

	tick := time.NewTicker(revalidateEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return websocket.StatusGoingAway, ""
		case <-sub.Dropped():
			return closeTooSlow, "too slow: reconnect with your cursor"
		case <-tick.C:
			fresh, err := s.chat.Refresh(ctx, c)
			var ke *kith.Error
			if errors.As(err, &ke) && (ke.Code == kith.CodeInvalidSession || ke.Code == kith.CodeNotFound) {
				return closeSessionEnded, "session ended"
			}
			if err == nil {
				c = fresh
			}
		case e := <-sub.Events():
			if status, reason, ok := deliver(e); !ok {
				return status, reason
			}
		}
	}
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
			if k == "type" || k == "id" || k == "kind" {
				continue
			}
			name, _ := json.Marshal(k)
			b = append(append(append(b, ','), name...), ':')
			b = append(b, fields[k]...)
		}
	}
	return append(b, '}')
}
