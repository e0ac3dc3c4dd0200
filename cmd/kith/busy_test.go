package main_test

import (
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/storetest"
)

// TestBinary_BusySiteLosesNoWrite_M6_S5_S7 drives the real binary, on each
// store, as a busy site would: many visitors writing their first message at
// the same moment, many logins at once that clear the anonymous history,
// and an agent revoking many sessions at once. Each scenario checks what the
// server holds afterwards, through its APIs, not only the status codes:
// on PostgreSQL these requests lose serialization races and run again.
func TestBinary_BusySiteLosesNoWrite_M6_S5_S7(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, kind)
			var app map[string]string
			kithJSON(t, dir, &app, "apps", "create", "--name", "Busy", "--db", db)
			var updated map[string]any
			kithJSON(t, dir, &updated, "apps", "update", app["app_id"], "--set", "on_login=clear", "--db", db)
			var tok map[string]any
			kithJSON(t, dir, &tok, "tokens", "create", "--app", app["app_id"], "--scopes", "sessions,api", "--db", db)
			// One address plays every visitor: its per-address budgets would
			// be the first thing to refuse them.
			srv := serve(t, dir, "--db", db, "--token-rate", "0", "--budget", "sessions.address=0", "--budget", "conversations.address=0", "--budget", "messages.address=0")
			b := &busy{t: t, url: srv.URL, appID: app["app_id"], aat: tok["access_token"].(string)}

			t.Run("first messages M6 R1", b.firstMessages)
			t.Run("logins clearing the anonymous user S5", b.clearingLogins)
			t.Run("revokes S7", b.revokes)
			srv.stop(t)
		})
	}
}

// busy is a site under load: the server, its app and an access token with
// scopes sessions and api.
type busy struct {
	t          *testing.T
	url, appID string
	aat        string
}

const (
	busyVisitors = 16
	busyRounds   = 10
)

// at sends n requests at once, released together, and returns the answers;
// a request that could not be sent fails the test.
func (b *busy) at(t *testing.T, n int, req func(i int) (method, path, token string, body any)) []*kithtest.Response {
	t.Helper()
	out := make([]*kithtest.Response, n)
	errs := make([]error, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		method, path, token, body := req(i)
		wg.Go(func() {
			<-gate
			out[i], errs[i] = kithtest.Try(b.url, method, path, map[string]string{"Authorization": token}, body)
		})
	}
	close(gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("request %d: %v", i, err)
		}
	}
	return out
}

// want fails the test unless every answer has the status.
func want(t *testing.T, what string, rs []*kithtest.Response, status int) {
	t.Helper()
	bad := 0
	var first *kithtest.Response
	for _, r := range rs {
		if r.Status != status {
			if bad == 0 {
				first = r
			}
			bad++
		}
	}
	if bad > 0 {
		t.Fatalf("%s: %d of %d answered other than %d; the first: %d %s", what, bad, len(rs), status, first.Status, first.Body)
	}
}

type widgetSession struct {
	Session     string `json:"session"`
	DeviceToken string `json:"device_token"`
	User        struct {
		ID *string `json:"id"`
	} `json:"user"`
}

// sessions starts n widget sessions at once, each with the members of
// body(i) beside the app id.
func (b *busy) sessions(t *testing.T, n int, body func(i int) map[string]any) []widgetSession {
	t.Helper()
	rs := b.at(t, n, func(i int) (string, string, string, any) {
		m := map[string]any{"app_id": b.appID}
		for k, v := range body(i) {
			m[k] = v
		}
		return "POST", "/widget/v1/sessions", "", m
	})
	want(t, "start sessions", rs, http.StatusCreated)
	out := make([]widgetSession, n)
	for i, r := range rs {
		r.Decode(t, &out[i])
	}
	return out
}

// conversations lists the ids a widget session sees.
func (b *busy) conversations(t *testing.T, session string) []string {
	t.Helper()
	r := kithtest.Do(t, b.url, "GET", "/widget/v1/conversations", map[string]string{"Authorization": "Bearer " + session}, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list conversations: %d %s", r.Status, r.Body)
	}
	var page struct {
		Data []struct{ ID string } `json:"data"`
	}
	r.Decode(t, &page)
	var ids []string
	for _, c := range page.Data {
		ids = append(ids, c.ID)
	}
	return ids
}

// startConversations has each session write its first message at once and
// returns the conversations' ids.
func (b *busy) startConversations(t *testing.T, ss []widgetSession, text string) []string {
	t.Helper()
	rs := b.at(t, len(ss), func(i int) (string, string, string, any) {
		return "POST", "/widget/v1/conversations", "Bearer " + ss[i].Session, map[string]string{"body": fmt.Sprintf("%s %d", text, i)}
	})
	want(t, "first messages", rs, http.StatusCreated)
	ids := make([]string, len(rs))
	for i, r := range rs {
		var created struct {
			Conversation struct{ ID string } `json:"conversation"`
		}
		r.Decode(t, &created)
		ids[i] = created.Conversation.ID
	}
	return ids
}

// mint has the backend vouch for a user (M1).
func (b *busy) mint(t *testing.T, userRef string) string {
	t.Helper()
	r := kithtest.Do(t, b.url, "POST", "/internal/auth-tokens.create", map[string]string{"Authorization": b.aat},
		`{"rev_info":{"user_ref":"`+userRef+`"}}`)
	if r.Status != http.StatusCreated {
		t.Fatalf("mint a session token: %d %s", r.Status, r.Body)
	}
	return r.JSON(t)["access_token"].(string)
}

func (b *busy) firstMessages(t *testing.T) {
	stored := map[string]string{} // conversation id -> its first message
	for round := range busyRounds {
		ss := b.sessions(t, busyVisitors, func(int) map[string]any { return nil })
		text := fmt.Sprintf("round %d visitor", round)
		for i, id := range b.startConversations(t, ss, text) {
			stored[id] = fmt.Sprintf("%s %d", text, i)
			if got := b.conversations(t, ss[i].Session); len(got) != 1 || got[0] != id {
				t.Fatalf("round %d visitor %d sees %v, want only %s", round, i, got, id)
			}
		}
	}
	if len(stored) != busyVisitors*busyRounds {
		t.Fatalf("%d distinct conversations, want %d", len(stored), busyVisitors*busyRounds)
	}
	// Every one is there for the agents, with its message.
	for id, text := range stored {
		r := kithtest.Do(t, b.url, "GET", "/api/v1/conversations/"+id+"/messages", map[string]string{"Authorization": "Bearer " + b.aat}, nil)
		var msgs struct {
			Data []struct{ Body string } `json:"data"`
		}
		r.Decode(t, &msgs)
		if r.Status != http.StatusOK || len(msgs.Data) != 1 || msgs.Data[0].Body != text {
			t.Fatalf("conversation %s: %d %s, want its message %q", id, r.Status, r.Body, text)
		}
	}
}

func (b *busy) clearingLogins(t *testing.T) {
	anon := b.sessions(t, busyVisitors, func(int) map[string]any { return nil })
	convs := b.startConversations(t, anon, "before login")
	tokens := make([]string, busyVisitors)
	for i := range tokens {
		tokens[i] = b.mint(t, fmt.Sprintf("login-%d", i))
	}
	b.sessions(t, busyVisitors, func(i int) map[string]any {
		return map[string]any{"session_token": tokens[i], "device_token": anon[i].DeviceToken}
	})
	// Back on each device as an anonymous visitor, and with the old
	// anonymous session: none of the cleared history is reachable.
	again := b.sessions(t, busyVisitors, func(i int) map[string]any { return map[string]any{"device_token": anon[i].DeviceToken} })
	for i := range busyVisitors {
		for what, session := range map[string]string{"a new anonymous session": again[i].Session, "the old one": anon[i].Session} {
			if got := b.conversations(t, session); len(got) != 0 {
				t.Fatalf("device %d: %s still sees %v after a clearing login", i, what, got)
			}
			r := kithtest.Do(t, b.url, "GET", "/widget/v1/conversations/"+convs[i]+"/messages",
				map[string]string{"Authorization": "Bearer " + session}, nil)
			if r.Status != http.StatusNotFound {
				t.Fatalf("device %d: %s reads the cleared conversation: %d", i, what, r.Status)
			}
		}
	}
}

func (b *busy) revokes(t *testing.T) {
	ss := b.sessions(t, busyVisitors, func(int) map[string]any {
		return map[string]any{"session_token": b.mint(t, "revoked-user")}
	})
	convs := b.startConversations(t, ss, "before the revoke")
	// The agent finds the user's sessions and revokes each, all at once.
	api := map[string]string{"Authorization": "Bearer " + b.aat}
	var users struct {
		Data []struct{ ID string } `json:"data"`
	}
	kithtest.Do(t, b.url, "GET", "/api/v1/users?ref=revoked-user", api, nil).Decode(t, &users)
	if len(users.Data) != 1 {
		t.Fatalf("%d users with the ref, want 1", len(users.Data))
	}
	var listed struct {
		Data []struct {
			ID     string `json:"id"`
			Active bool   `json:"active"`
		} `json:"data"`
	}
	kithtest.Do(t, b.url, "GET", "/api/v1/users/"+users.Data[0].ID+"/sessions", api, nil).Decode(t, &listed)
	if len(listed.Data) != busyVisitors {
		t.Fatalf("the user has %d sessions, want %d", len(listed.Data), busyVisitors)
	}
	// Meanwhile every session writes, and another agent revokes them all.
	rs := b.at(t, 2*busyVisitors+1, func(i int) (string, string, string, any) {
		switch {
		case i < busyVisitors:
			return "DELETE", "/api/v1/sessions/" + listed.Data[i].ID, "Bearer " + b.aat, nil
		case i < 2*busyVisitors:
			v := i - busyVisitors
			return "POST", "/widget/v1/conversations/" + convs[v] + "/messages", "Bearer " + ss[v].Session,
				map[string]string{"body": "during the revoke"}
		}
		return "DELETE", "/api/v1/users/" + users.Data[0].ID + "/sessions", "Bearer " + b.aat, nil
	})
	want(t, "revokes", rs[:busyVisitors], http.StatusNoContent)
	for v, r := range rs[busyVisitors : 2*busyVisitors] {
		if r.Status != http.StatusCreated && r.Status != http.StatusUnauthorized {
			t.Fatalf("a write racing its revocation answered %d %s, want 201 or 401", r.Status, r.Body)
		}
		msgs := kithtest.Do(t, b.url, "GET", "/api/v1/conversations/"+convs[v]+"/messages", api, nil)
		var page struct {
			Data []struct{ Body string } `json:"data"`
		}
		msgs.Decode(t, &page)
		if want := map[bool]int{true: 2, false: 1}[r.Status == http.StatusCreated]; len(page.Data) != want {
			t.Fatalf("session %d: the write answered %d and %d messages are stored, want %d", v, r.Status, len(page.Data), want)
		}
	}
	if r := rs[2*busyVisitors]; r.Status != http.StatusOK {
		t.Fatalf("revoke all: %d %s", r.Status, r.Body)
	}
	for i, s := range ss {
		r := kithtest.Do(t, b.url, "GET", "/widget/v1/conversations", map[string]string{"Authorization": "Bearer " + s.Session}, nil)
		if r.Status != http.StatusUnauthorized {
			t.Fatalf("session %d still works after its revocation: %d %s", i, r.Status, r.Body)
		}
	}
	kithtest.Do(t, b.url, "GET", "/api/v1/users/"+users.Data[0].ID+"/sessions", api, nil).Decode(t, &listed)
	for _, s := range listed.Data {
		if s.Active {
			t.Fatalf("session %s is listed active after its revocation", s.ID)
		}
	}
}
