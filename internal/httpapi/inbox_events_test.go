package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// nextKind skips the events before one of kind (and presence frames) and
// returns it.
func nextKind(t *testing.T, ev *httpapitest.Events, kind string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		m := ev.Next(10 * time.Second)
		if m["type"] == "event" && m["kind"] == kind {
			return m
		}
	}
	t.Fatalf("no %s event", kind)
	return nil
}

// TestInbox_LiveEventsArriveAndResumeAfterAReconnect_I1: the inbox hears
// a visitor's message, its own reply and note, and, reconnecting with its
// cursor, exactly what it missed.
func TestInbox_LiveEventsArriveAndResumeAfterAReconnect_I1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		in := e.Login("sam@acme.com")
		ev := in.DialEvents(0)
		visitor := e.StartSession(map[string]any{"app_id": e.App.ID})
		conv := visitor.StartConversation("Hello from the widget")
		m := nextKind(t, ev, "message.created")
		if m["conversation_id"] != conv || m["message"].(map[string]any)["body"] != "Hello from the widget" ||
			m["message"].(map[string]any)["author_id"] == nil {
			t.Fatalf("the visitor's message, live, with its author's id: %v", m)
		}
		cursor := int64(m["id"].(float64))
		ev.Close()

		// Missed while away: a reply and a note.
		in.Do("POST", "/inbox/api/conversations/"+conv+"/messages", map[string]string{"body": "Hi there"})
		in.Do("POST", "/inbox/api/conversations/"+conv+"/notes", map[string]string{"body": "a note"})
		again := in.DialEvents(cursor)
		reply := nextKind(t, again, "message.created")
		note := nextKind(t, again, "note.created")
		if reply["message"].(map[string]any)["body"] != "Hi there" || note["note"].(map[string]any)["body"] != "a note" {
			t.Fatalf("replayed: %v, %v", reply, note)
		}
		if int64(reply["id"].(float64)) <= cursor {
			t.Fatalf("replayed an event from before the cursor: %v", reply)
		}
	})
}

func TestInbox_TheSocketRefusesOtherOriginsAndStrangers_I1_I3_V6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		in := e.Login("sam@acme.com")
		in.Origin = "https://evil.example"
		if ev, status := in.TryDialEvents(0); ev != nil || status != http.StatusForbidden {
			t.Fatalf("a socket from another origin: %v %d, want 403", ev, status)
		}
		if ev, status := e.Browser().TryDialEvents(0); ev != nil || status != http.StatusUnauthorized {
			t.Fatalf("a socket without a login: %v %d, want 401", ev, status)
		}
		// Another organization's agent hears nothing of ours.
		otherApp, _ := storetest.NewApp(t, st)
		e.NewAgent("stranger@other.com", kith.RoleAgent, otherApp.OrgID)
		stranger := e.Login("stranger@other.com").DialEvents(0)
		in.Origin = e.Server.URL
		ours := in.DialEvents(0)
		e.StartSession(map[string]any{"app_id": e.App.ID}).StartConversation("ours only")
		nextKind(t, ours, "message.created") // it happened
		for {
			m, err := stranger.TryNext(300 * time.Millisecond)
			if err != nil {
				break // quiet: nothing more for the stranger
			}
			if m["type"] == "event" {
				t.Fatalf("the stranger heard %v", m)
			}
		}
	})
}

// TestInbox_PresenceAndADisabledAgentsSocket_I1_I3: the team sees who is
// online and away; a disabled agent's open inbox closes at once.
func TestInbox_PresenceAndADisabledAgentsSocket_I1_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("admin@acme.com", kith.RoleAdmin)
		sam := e.NewAgent("sam@acme.com", kith.RoleAgent)
		admin := e.Login("admin@acme.com")
		team := func() string { return string(admin.Do("GET", "/inbox/api/team", nil).Body) }
		if !strings.Contains(team(), `"presence":"offline"`) {
			t.Fatalf("before anyone connects: %s", team())
		}
		samEvents := e.Login("sam@acme.com").DialEvents(0)
		waitFor(t, "Sam online", func() bool {
			return strings.Contains(team(), `"id":"`+sam.ID+`","name":"Agent sam@acme.com","role":"agent","presence":"online"`)
		})
		samEvents.Send(map[string]string{"type": "presence", "presence": "away"})
		waitFor(t, "Sam away", func() bool { return strings.Contains(team(), `"presence":"away"`) })
		if r := admin.Do("POST", "/inbox/api/agents/"+sam.ID+"/disable", nil); r.Status != http.StatusOK {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		if code := samEvents.Closed(3 * time.Second); code != websocket.StatusCode(4001) {
			t.Fatalf("the disabled agent's socket closed with %d, want 4001 at once", code)
		}
		waitFor(t, "Sam offline", func() bool { return !strings.Contains(team(), sam.ID) })
	})
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	for range 100 {
		if ok() {
			return
		}
		time.Sleep(30 * time.Millisecond)
	}
	t.Fatalf("waited for %s", what)
}

// TestInbox_AFirstConnectionStartsFromNow_I1: an inbox that just loaded its
// list has no history to replay (the organization's whole past would be a
// flood); ready names the cursor to resume from.
func TestInbox_AFirstConnectionStartsFromNow_I1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		visitor := e.StartSession(map[string]any{})
		conv := visitor.StartConversation("said before the inbox opened")
		in := e.Login("sam@acme.com")
		ev, cursor := in.DialEventsCursor(0)
		if cursor == 0 {
			t.Fatal("ready names cursor 0 although the organization has events")
		}
		if m, err := ev.TryNext(300 * time.Millisecond); err == nil && m["type"] == "event" {
			t.Fatalf("a first connection replayed %v", m)
		}
		visitor.Send(conv, "said after")
		if m := nextKind(t, ev, "message.created"); m["message"].(map[string]any)["body"] != "said after" || int64(m["id"].(float64)) <= cursor {
			t.Fatalf("the next event: %v", m)
		}
	})
}
