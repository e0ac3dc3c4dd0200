package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// wantRefused checks an inbox refusal's status and code, whatever its field.
func wantRefused(t *testing.T, what string, r *kithtest.Response, status int, code kith.Code) {
	t.Helper()
	if r.Status != status || r.Err(t).Code != string(code) {
		t.Fatalf("%s: %d %s, want %d %s", what, r.Status, r.Body, status, code)
	}
}

func TestInbox_LoginSetsAStrictCookieAndLogoutEndsIt_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		b := e.Browser()
		r := b.Do("POST", "/inbox/api/login", map[string]string{"email": "sam@acme.com", "password": httpapitest.AgentPassword})
		if r.Status != http.StatusOK {
			t.Fatalf("login: %d %s", r.Status, r.Body)
		}
		cookie := r.Header.Get("Set-Cookie")
		for _, want := range []string{"kith_inbox=kith_as_", "Path=/inbox", "HttpOnly", "SameSite=Lax", "Expires="} {
			if !strings.Contains(cookie, want) {
				t.Errorf("Set-Cookie %q lacks %s", cookie, want)
			}
		}
		if strings.Contains(cookie, "Secure") {
			t.Errorf("Set-Cookie %q is Secure on plain HTTP without --secure-cookies: the browser would drop it", cookie)
		}
		if strings.Contains(string(r.Body), "kith_as_") {
			t.Fatal("the login's body repeats the session token: only the HttpOnly cookie may carry it")
		}
		me := b.Do("GET", "/inbox/api/me", nil)
		if me.Status != http.StatusOK || me.JSON(t)["agent"].(map[string]any)["email"] != "sam@acme.com" {
			t.Fatalf("me: %d %s", me.Status, me.Body)
		}
		if r := b.Do("POST", "/inbox/api/logout", nil); r.Status != http.StatusNoContent || !strings.Contains(r.Header.Get("Set-Cookie"), "Max-Age=0") {
			t.Fatalf("logout: %d, Set-Cookie %q", r.Status, r.Header.Get("Set-Cookie"))
		}
		after := b.Do("GET", "/inbox/api/me", nil)
		wantRefused(t, "after logout", after, http.StatusUnauthorized, kith.CodeLoginRequired)
	})
}

func TestInbox_WrongPasswordAndUnknownEmailAnswerAlike_I3_F9(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		wrong := e.Browser().Do("POST", "/inbox/api/login", map[string]string{"email": "sam@acme.com", "password": "not the password"})
		unknown := e.Browser().Do("POST", "/inbox/api/login", map[string]string{"email": "who@acme.com", "password": "not the password"})
		wantRefused(t, "a wrong password", wrong, http.StatusUnauthorized, kith.CodeInvalidCredentials)
		if string(wrong.Body) != string(unknown.Body) || wrong.Status != unknown.Status {
			t.Fatalf("a wrong password answers %d %s, an unknown email %d %s: they must read the same",
				wrong.Status, wrong.Body, unknown.Status, unknown.Body)
		}
		if c := wrong.Header.Get("Set-Cookie"); c != "" {
			t.Fatalf("a failed login set a cookie: %q", c)
		}
	})
}

func TestInbox_LoginIsThrottledWithRetryAfter_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		var last int
		for range 6 {
			r := e.Browser().Do("POST", "/inbox/api/login", map[string]string{"email": "sam@acme.com", "password": "a guess of twelve"})
			last = r.Status
			if r.Status == http.StatusTooManyRequests {
				if ra := r.Header.Get("Retry-After"); ra == "" || ra == "0" {
					t.Fatalf("429 without a Retry-After: %q", ra)
				}
				return
			}
		}
		t.Fatalf("6 wrong passwords: the last answered %d, want 429", last)
	})
}

// TestInbox_RequestsFromAnotherOriginAreRefused_I3: CSRF. A page of
// another site cannot log a browser in, log it out, or act as its agent.
func TestInbox_RequestsFromAnotherOriginAreRefused_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("admin@acme.com", kith.RoleAdmin)
		b := e.Login("admin@acme.com")
		b.Origin = "https://evil.example"
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"POST", "/inbox/api/login", map[string]string{"email": "admin@acme.com", "password": httpapitest.AgentPassword}},
			{"POST", "/inbox/api/logout", nil},
			{"POST", "/inbox/api/agents", map[string]string{"email": "mallory@evil.example", "name": "M", "role": "admin", "password": "twelve chars plus"}},
		} {
			r := b.Do(c.method, c.path, c.body)
			wantRefused(t, c.method+" "+c.path+" from another origin", r, http.StatusForbidden, kith.CodeCrossOrigin)
		}
		b.Origin = e.Server.URL
		if r := b.Do("GET", "/inbox/api/agents", nil); r.Status != http.StatusOK || strings.Contains(string(r.Body), "mallory") {
			t.Fatalf("after the refused requests: %d %s; want the admin still in, and no agent added", r.Status, r.Body)
		}
	})
}

func TestInbox_AgentsCannotManageAgentsAndAdminsOnlyTheirOrganization_I3_V6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("admin@acme.com", kith.RoleAdmin)
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		otherApp, _ := storetest.NewApp(t, st)
		stranger := e.NewAgent("admin@other.com", kith.RoleAdmin, otherApp.OrgID)

		sam := e.Login("sam@acme.com")
		for _, c := range []struct{ method, path string }{{"GET", "/inbox/api/agents"}, {"POST", "/inbox/api/agents"}} {
			r := sam.Do(c.method, c.path, map[string]string{})
			wantRefused(t, "an agent: "+c.method+" "+c.path, r, http.StatusForbidden, kith.CodeAdminOnly)
		}
		admin := e.Login("admin@acme.com")
		r := admin.Do("POST", "/inbox/api/agents/"+stranger.ID+"/disable", nil)
		wantRefused(t, "disabling another organization's agent", r, http.StatusNotFound, kith.CodeNotFound)
		r = admin.Do("POST", "/inbox/api/agents", map[string]string{"email": "kim@acme.com", "name": "Kim", "role": "agent", "password": "short"})
		if r.Status != http.StatusBadRequest || r.JSON(t)["error"].(map[string]any)["field"] != "password" || strings.Contains(string(r.Body), "short") {
			t.Fatalf("a short password: %d %s; want 400 naming password, not repeating it", r.Status, r.Body)
		}
		r = admin.Do("POST", "/inbox/api/agents", map[string]string{"email": "kim@acme.com", "name": "Kim", "role": "agent", "password": httpapitest.AgentPassword})
		if r.Status != http.StatusCreated {
			t.Fatalf("create an agent: %d %s", r.Status, r.Body)
		}
		list := admin.Do("GET", "/inbox/api/agents", nil)
		if n := len(list.JSON(t)["data"].([]any)); n != 3 || strings.Contains(string(list.Body), "other.com") || strings.Contains(string(list.Body), "argon2") {
			t.Fatalf("agents: %s; want this organization's three, without password hashes", list.Body)
		}
	})
}

// TestInbox_ADisabledAgentIsCutOffAtOnce_I3: the next request of their
// open inbox is refused.
func TestInbox_ADisabledAgentIsCutOffAtOnce_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("admin@acme.com", kith.RoleAdmin)
		sam := e.NewAgent("sam@acme.com", kith.RoleAgent)
		samInbox := e.Login("sam@acme.com")
		admin := e.Login("admin@acme.com")
		if r := admin.Do("POST", "/inbox/api/agents/"+sam.ID+"/disable", nil); r.Status != http.StatusOK {
			t.Fatalf("disable: %d %s", r.Status, r.Body)
		}
		r := samInbox.Do("GET", "/inbox/api/me", nil)
		wantRefused(t, "the disabled agent's open inbox", r, http.StatusUnauthorized, kith.CodeLoginRequired)
		r = e.Browser().Do("POST", "/inbox/api/login", map[string]string{"email": "sam@acme.com", "password": httpapitest.AgentPassword})
		wantRefused(t, "the disabled agent logging in", r, http.StatusForbidden, kith.CodeAgentDisabled)
		r = admin.Do("POST", "/inbox/api/agents/"+mustAgentID(t, admin)+"/disable", nil)
		wantRefused(t, "an admin disabling themselves", r, http.StatusBadRequest, kith.CodeInvalidRequest)
	})
}

func mustAgentID(t *testing.T, b *httpapitest.Inbox) string {
	t.Helper()
	return b.Do("GET", "/inbox/api/me", nil).JSON(t)["agent"].(map[string]any)["id"].(string)
}

func TestInbox_AnAgentListsAndEndsTheirOwnSessions_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		e.NewAgent("kim@acme.com", kith.RoleAgent)
		laptop, phone := e.Login("sam@acme.com"), e.Login("sam@acme.com")
		kim := e.Login("kim@acme.com")
		list := laptop.Do("GET", "/inbox/api/sessions", nil).JSON(t)["data"].([]any)
		if len(list) != 2 {
			t.Fatalf("Sam's sessions: %v, want 2", list)
		}
		var phoneID string
		for _, s := range list {
			if m := s.(map[string]any); m["current"] == false {
				phoneID = m["id"].(string)
			}
		}
		kimID := kim.Do("GET", "/inbox/api/sessions", nil).JSON(t)["data"].([]any)[0].(map[string]any)["id"].(string)
		r := laptop.Do("DELETE", "/inbox/api/sessions/"+kimID, nil)
		wantRefused(t, "ending another agent's session", r, http.StatusNotFound, kith.CodeNotFound)
		if r := laptop.Do("DELETE", "/inbox/api/sessions/"+phoneID, nil); r.Status != http.StatusNoContent {
			t.Fatalf("end the phone's session: %d %s", r.Status, r.Body)
		}
		r = phone.Do("GET", "/inbox/api/me", nil)
		wantRefused(t, "the ended session", r, http.StatusUnauthorized, kith.CodeLoginRequired)
		if r := laptop.Do("GET", "/inbox/api/me", nil); r.Status != http.StatusOK {
			t.Fatalf("the laptop after ending the phone: %d", r.Status)
		}
	})
}
