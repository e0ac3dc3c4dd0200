package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/coder/websocket"
	"github.com/coder/websocket/wsjson"
	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
)

// inboxRevalidateEvery is how often an open inbox checks that its agent's
// session still stands: one that ended in a way no event announced
// (expiry, idleness, a disabling from the CLI of another process) closes
// within this long.
const inboxRevalidateEvery = 5 * time.Second

// inboxHello is the inbox's first message on its socket: the last event
// it saw, to resume after.
type inboxHello struct {
	Type  string `json:"type"`
	After int64  `json:"after"`
}

// inboxClientMessage is what an inbox says afterwards: its presence.
type inboxClientMessage struct {
	Type     string `json:"type"`
	Presence string `json:"presence"`
}

// sameHost refuses a WebSocket a page of another origin opened: cookies
// may come with it, and CrossOriginProtection lets GETs through.
func sameHost(r *http.Request) error {
	origin := r.Header.Get("Origin")
	if origin == "" {
		return nil // not a browser
	}
	u, err := url.Parse(origin)
	if err != nil || !strings.EqualFold(u.Host, r.Host) {
		return kith.Errorf(kith.CodeCrossOrigin, "", "this request came from a page of another site")
	}
	return nil
}

// inboxEvents serves GET /inbox/api/events: a WebSocket carrying every
// live event of the agent's organization (I1, V6), resumed after the last
// one the inbox saw, and the presence of its agents.
func (s *Server) inboxEvents(w http.ResponseWriter, r *http.Request) error {
	if err := sameHost(r); err != nil {
		return err
	}
	c, err := s.inboxAuth(r)
	if err != nil {
		return err
	}
	if !strings.EqualFold(r.Header.Get("Upgrade"), "websocket") {
		return kith.Errorf(kith.CodeInvalidRequest, "", "this endpoint is a WebSocket: connect with the WebSocket protocol")
	}
	token, _ := r.Cookie(inboxCookie)
	conn, err := websocket.Accept(w, r, &websocket.AcceptOptions{InsecureSkipVerify: true}) // the origin was checked above
	if err != nil {
		return nil // Accept answered the request
	}
	defer conn.CloseNow()
	conn.SetReadLimit(4096)

	ctx, cancel := context.WithCancel(r.Context())
	defer cancel()
	actx, acancel := context.WithTimeout(ctx, authTimeout)
	var hello inboxHello
	typ, frame, err := conn.Read(actx)
	acancel()
	if err == nil && typ == websocket.MessageText {
		err = decodeBytes(frame, &hello)
	}
	if err != nil || hello.Type != "hello" {
		conn.Close(closeAuthFailed, `send {"type":"hello","after":N} first`)
		return nil
	}
	status, reason := s.inboxStream(ctx, cancel, conn, c.Agent, c.Session.ID, token.Value, hello.After)
	conn.Close(status, reason)
	return nil
}

func (s *Server) inboxStream(ctx context.Context, cancel context.CancelFunc, conn *websocket.Conn, agent *kith.Agent,
	sessionID, token string, after int64) (websocket.StatusCode, string) {
	l, after, err := s.chat.ListenInbox(ctx, agent.OrgID, after)
	if err != nil {
		return websocket.StatusInternalError, "the live events cannot be read now: reconnect later"
	}
	defer l.Close()
	write := func(v any) error {
		wctx, wcancel := context.WithTimeout(ctx, wsWriteTimeout)
		defer wcancel()
		return wsjson.Write(wctx, conn, v)
	}
	if err := write(map[string]any{"type": "ready", "cursor": after}); err != nil {
		return websocket.StatusGoingAway, ""
	}

	// Presence: this inbox counts while it is open; every change in the
	// organization is sent (coalesced) to it.
	presenceChanged := make(chan struct{}, 1)
	pc := s.presence.join(agent.OrgID, agent.ID, func() {
		select {
		case presenceChanged <- struct{}{}:
		default:
		}
	})
	defer s.presence.leave(pc)

	// The inbox's own messages: its presence.
	go func() {
		defer cancel()
		for {
			var m inboxClientMessage
			typ, frame, err := conn.Read(ctx)
			if err != nil {
				return
			}
			if typ != websocket.MessageText || decodeBytes(frame, &m) != nil || m.Type != "presence" {
				continue
			}
			switch m.Presence {
			case presenceOnline, presenceAway:
				s.presence.set(pc, m.Presence == presenceAway)
			}
		}
	}()

	events := make(chan *kith.LiveEvent)
	stopped := make(chan error, 1)
	go func() {
		for {
			e, err := l.Next(ctx)
			if err != nil {
				stopped <- err
				return
			}
			select {
			case events <- e:
			case <-ctx.Done():
				stopped <- ctx.Err()
				return
			}
		}
	}()

	tick := time.NewTicker(inboxRevalidateEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return websocket.StatusGoingAway, ""
		case err := <-stopped:
			switch {
			case errors.Is(err, chat.ErrTooSlow), errors.Is(err, chat.ErrMoreToReplay):
				return closeTooSlow, "reconnect with your cursor"
			default:
				return websocket.StatusGoingAway, ""
			}
		case <-tick.C:
			if _, err := s.agents.Authenticate(ctx, token); err != nil && kith.ErrorCode(err) == kith.CodeLoginRequired {
				return closeSessionEnded, "log in again"
			}
		case <-presenceChanged:
			snap := s.presence.snapshot(agent.OrgID)
			list := make([]map[string]string, 0, len(snap))
			for id, p := range snap {
				list = append(list, map[string]string{"id": id, "presence": p})
			}
			slices.SortFunc(list, func(a, b map[string]string) int { return strings.Compare(a["id"], b["id"]) })
			if err := write(map[string]any{"type": "presence", "agents": list}); err != nil {
				return websocket.StatusGoingAway, ""
			}
		case e := <-events:
			if e.Kind == kith.LiveAgentSessionsEnded {
				var p struct {
					SessionIDs []string `json:"session_ids"`
				}
				if json.Unmarshal(e.Payload, &p) == nil && slices.Contains(p.SessionIDs, sessionID) {
					return closeSessionEnded, "log in again"
				}
				continue
			}
			wctx, wcancel := context.WithTimeout(ctx, wsWriteTimeout)
			err := conn.Write(wctx, websocket.MessageText, inboxEventJSON(e))
			wcancel()
			if err != nil {
				return websocket.StatusGoingAway, ""
			}
		}
	}
}

// inboxEventJSON is an event as the inbox receives it: its id, kind and
// conversation, and the members of its payload.
func inboxEventJSON(e *kith.LiveEvent) []byte {
	out := map[string]any{}
	_ = json.Unmarshal(e.Payload, &out)
	// A message's author, as the inbox's REST answers carry it.
	if m, ok := out["message"].(map[string]any); ok {
		m["author_id"] = out[chat.AgentsOnlyPayloadKey]
		delete(out, chat.AgentsOnlyPayloadKey)
	}
	out["type"], out["id"], out["kind"], out["conversation_id"] = "event", e.ID, e.Kind, e.ConversationID
	b, _ := json.Marshal(out)
	return b
}
