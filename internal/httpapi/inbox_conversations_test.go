package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// TestInbox_AnAgentAnswersAVisitorWithoutTheServerAPI_I1 walks the
// inbox's API as its page does: the list, the thread, a reply the widget
// gets, a note it never gets, the state, and the reading.
func TestInbox_AnAgentAnswersAVisitorWithoutTheServerAPI_I1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		sam := e.NewAgent("sam@acme.com", kith.RoleAgent)
		visitor := e.StartSession(map[string]any{"app_id": e.App.ID})
		conv := visitor.StartConversation("Where is my parcel?")
		in := e.Login("sam@acme.com")

		list := in.Do("GET", "/inbox/api/conversations?status=open", nil)
		data := list.JSON(t)["data"].([]any)
		if list.Status != http.StatusOK || len(data) != 1 {
			t.Fatalf("the open list: %d %s", list.Status, list.Body)
		}
		item := data[0].(map[string]any)
		if item["id"] != conv || item["unread"] != float64(1) || item["user"].(map[string]any)["trust"] != "anonymous" ||
			item["waiting_since"] == nil || item["assignee_id"] != nil {
			t.Fatalf("the item: %v", item)
		}
		if r := in.Do("POST", "/inbox/api/conversations/"+conv+"/messages", map[string]string{"body": "It ships today"}); r.Status != http.StatusCreated ||
			r.JSON(t)["author_name"] != "Agent sam@acme.com" || r.JSON(t)["author_id"] != sam.ID {
			t.Fatalf("reply: %d %s", r.Status, r.Body)
		}
		if r := in.Do("POST", "/inbox/api/conversations/"+conv+"/notes", map[string]string{"body": "PRIVATE: second parcel this month"}); r.Status != http.StatusCreated {
			t.Fatalf("note: %d %s", r.Status, r.Body)
		}
		thread := in.Do("GET", "/inbox/api/conversations/"+conv+"/thread", nil).JSON(t)
		var kinds []string
		for _, it := range thread["data"].([]any) {
			kinds = append(kinds, it.(map[string]any)["type"].(string))
		}
		if strings.Join(kinds, ",") != "message,message,note" || thread["more"] != false {
			t.Fatalf("the thread: %v", thread)
		}
		// The widget: the reply, never the note.
		widgetView := string(visitor.Get("/widget/v1/conversations/"+conv+"/messages").Body) + string(visitor.Get("/widget/v1/conversations").Body)
		if !strings.Contains(widgetView, "It ships today") || strings.Contains(widgetView, "PRIVATE") {
			t.Fatalf("the widget sees: %s", widgetView)
		}
		snooze := time.Now().Add(time.Hour).UTC().Format(time.RFC3339)
		r := in.Do("PATCH", "/inbox/api/conversations/"+conv, map[string]any{"status": "snoozed", "snoozed_until": snooze, "assignee_id": sam.ID})
		if r.Status != http.StatusOK || r.JSON(t)["status"] != "snoozed" || r.JSON(t)["assignee_id"] != sam.ID {
			t.Fatalf("snooze and assign: %d %s", r.Status, r.Body)
		}
		counts := in.Do("GET", "/inbox/api/conversations/counts", nil).JSON(t)
		if counts["snoozed"] != float64(1) || counts["open"] != float64(0) {
			t.Fatalf("counts: %v", counts)
		}
		if r := in.Do("PATCH", "/inbox/api/conversations/"+conv, map[string]any{"assignee_id": nil}); r.Status != http.StatusOK || r.JSON(t)["assignee_id"] != nil {
			t.Fatalf("unassign: %d %s", r.Status, r.Body)
		}
		if r := in.Do("POST", "/inbox/api/conversations/"+conv+"/read", nil); r.Status != http.StatusNoContent {
			t.Fatalf("read: %d %s", r.Status, r.Body)
		}
		if item := in.Do("GET", "/inbox/api/conversations/"+conv, nil).JSON(t); item["unread"] != float64(0) {
			t.Fatalf("after reading: %v", item)
		}
		// The visitor writes again: open again, and waiting.
		visitor.Send(conv, "Any news?")
		if item := in.Do("GET", "/inbox/api/conversations/"+conv, nil).JSON(t); item["status"] != "open" || item["waiting_since"] == nil {
			t.Fatalf("after the visitor wrote again: %v", item)
		}
	})
}

// TestInbox_TheListFiltersByAccountAndWorkspace_I1: the list names each
// user's account, which its account_id filter picks; workspace picks the
// conversation's workspace, and an empty one those of none.
func TestInbox_TheListFiltersByAccountAndWorkspace_I1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		ada := e.StartSession(map[string]any{"app_id": e.App.ID, "session_token": e.Mint("ada", `"account_ref":"acme.com","workspace_ref":"support"`)}).
			StartConversation("ada in support")
		guest := e.StartSession(map[string]any{"app_id": e.App.ID}).StartConversation("a guest")
		in := e.Login("sam@acme.com")

		list := func(query string) []string {
			r := in.Do("GET", "/inbox/api/conversations"+query, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("%s: %d %s", query, r.Status, r.Body)
			}
			var ids []string
			for _, it := range r.JSON(t)["data"].([]any) {
				ids = append(ids, it.(map[string]any)["id"].(string))
			}
			return ids
		}
		item := in.Do("GET", "/inbox/api/conversations/"+ada, nil).JSON(t)
		account, _ := item["user"].(map[string]any)["account_id"].(string)
		if account == "" {
			t.Fatalf("the item names no account: %v", item)
		}
		for query, want := range map[string]string{
			"?account_id=" + account:    ada,
			"?workspace=support":        ada,
			"?workspace=":               guest,
			"?account_id=acc_elsewhere": "",
		} {
			if got := strings.Join(list(query), ","); got != want {
				t.Errorf("%s lists %q, want %q", query, got, want)
			}
		}
	})
}

func TestInbox_BadQueriesAndBodiesAreRefusedByName_I1_F7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		conv := e.StartSession(map[string]any{"app_id": e.App.ID}).StartConversation("hello")
		in := e.Login("sam@acme.com")
		for _, c := range []struct {
			method, path string
			body         any
			status       int
			field        string
		}{
			{"GET", "/inbox/api/conversations?status=archived", nil, 400, "status"},
			{"GET", "/inbox/api/conversations?sort=random", nil, 400, "sort"},
			{"GET", "/inbox/api/conversations?unread=yes", nil, 400, "unread"},
			{"GET", "/inbox/api/conversations?limit=0", nil, 400, "limit"},
			{"GET", "/inbox/api/conversations?cursor=nope", nil, 400, "cursor"},
			{"GET", "/inbox/api/conversations?trust=admin", nil, 400, "trust"},
			{"POST", "/inbox/api/conversations/" + conv + "/messages", map[string]string{"body": "  "}, 400, "body"},
			{"POST", "/inbox/api/conversations/" + conv + "/notes", map[string]any{"body": "x", "private": true}, 400, "private"},
			{"PATCH", "/inbox/api/conversations/" + conv, map[string]any{"status": "snoozed"}, 400, "snoozed_until"},
			{"PATCH", "/inbox/api/conversations/" + conv, map[string]any{"assignee_id": "agt_nobody"}, 404, "assignee_id"},
			{"PATCH", "/inbox/api/conversations/" + conv, map[string]any{}, 400, "status"},
		} {
			r := in.Do(c.method, c.path, c.body)
			if r.Status != c.status || r.Err(t).Field != c.field {
				t.Errorf("%s %s %v: %d %s, want %d on %s", c.method, c.path, c.body, r.Status, r.Body, c.status, c.field)
			}
		}
	})
}

// TestInbox_AnotherOrganizationsIdsAreNotFound_V6: every id of the inbox's
// API, for an agent of another organization.
func TestInbox_AnotherOrganizationsIdsAreNotFound_V6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		visitor := e.StartSession(map[string]any{"app_id": e.App.ID})
		conv := visitor.StartConversation("ours")
		otherApp, _ := storetest.NewApp(t, st)
		e.NewAgent("stranger@other.com", kith.RoleAdmin, otherApp.OrgID)
		in := e.Login("stranger@other.com")
		var user string
		{
			e.NewAgent("sam@acme.com", kith.RoleAgent)
			ours := e.Login("sam@acme.com")
			user = ours.Do("GET", "/inbox/api/conversations/"+conv, nil).JSON(t)["user"].(map[string]any)["id"].(string)
			if n := len(in.Do("GET", "/inbox/api/conversations", nil).JSON(t)["data"].([]any)); n != 0 {
				t.Fatalf("the stranger lists %d conversations", n)
			}
		}
		sessions := e.Do("GET", "/api/v1/users/"+user+"/sessions", e.APIToken, nil).JSON(t)["data"].([]any)
		session := sessions[0].(map[string]any)["id"].(string)
		for _, c := range []struct {
			method, path string
			body         any
		}{
			{"GET", "/inbox/api/conversations/" + conv, nil},
			{"GET", "/inbox/api/conversations/" + conv + "/thread", nil},
			{"POST", "/inbox/api/conversations/" + conv + "/messages", map[string]string{"body": "hi"}},
			{"POST", "/inbox/api/conversations/" + conv + "/notes", map[string]string{"body": "hi"}},
			{"PATCH", "/inbox/api/conversations/" + conv, map[string]string{"status": "resolved"}},
			{"POST", "/inbox/api/conversations/" + conv + "/read", nil},
			{"GET", "/inbox/api/users/" + user, nil},
			{"DELETE", "/inbox/api/users/" + user + "/widget-sessions", nil},
			{"DELETE", "/inbox/api/widget-sessions/" + session, nil},
		} {
			r := in.Do(c.method, c.path, c.body)
			wantRefused(t, c.method+" "+c.path, r, http.StatusNotFound, kith.CodeNotFound)
		}
		if got := e.Do("GET", "/api/v1/conversations/"+conv+"/messages", e.APIToken, nil); strings.Contains(string(got.Body), `"hi"`) {
			t.Fatal("a stranger's reply landed")
		}
		if r := visitor.Get("/widget/v1/conversations"); r.Status != http.StatusOK {
			t.Fatalf("the visitor's session after the stranger's attempts: %d", r.Status)
		}
	})
}

// TestInbox_TheUserPanelSaysHowTheUserWasVerified_I1_S7_R8 looks at a
// verified, a claimed and an anonymous user, and ends sessions.
func TestInbox_TheUserPanelSaysHowTheUserWasVerified_I1_S7_R8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		in := e.Login("sam@acme.com")
		verified := e.StartSession(map[string]any{"app_id": e.App.ID, "session_token": e.Mint("ada-42", "")})
		vConv := verified.StartConversation("verified here")
		claimed := e.StartSession(map[string]any{"app_id": e.App.ID, "identity": map[string]any{"user_ref": "claimed-7"}})
		cConv := claimed.StartConversation("claimed here")
		anon := e.StartSession(map[string]any{"app_id": e.App.ID})
		aConv := anon.StartConversation("anonymous here")
		panel := func(conv string) map[string]any {
			t.Helper()
			user := in.Do("GET", "/inbox/api/conversations/"+conv, nil).JSON(t)["user"].(map[string]any)["id"].(string)
			r := in.Do("GET", "/inbox/api/users/"+user, nil)
			if r.Status != http.StatusOK {
				t.Fatalf("panel: %d %s", r.Status, r.Body)
			}
			return r.JSON(t)
		}
		for _, c := range []struct {
			conv, trust, method string
			key                 bool
		}{{vConv, "verified", "session_token", true}, {cConv, "unverified", "claimed", false}, {aConv, "anonymous", "anonymous", false}} {
			p := panel(c.conv)
			v, _ := p["verification"].(map[string]any)
			if p["user"].(map[string]any)["trust"] != c.trust || v == nil || v["method"] != c.method || (v["key"] != "") != c.key {
				t.Errorf("%s: user %v, verification %v; want %s by %s", c.trust, p["user"], v, c.trust, c.method)
			}
			if len(p["sessions"].([]any)) != 1 || len(p["conversations"].([]any)) != 1 {
				t.Errorf("%s: sessions %v, conversations %v", c.trust, p["sessions"], p["conversations"])
			}
		}
		if events := panel(vConv)["events"].([]any); len(events) == 0 {
			t.Fatal("the verified user's panel has no identity events (R8)")
		}
		// Ending the verified user's session from the panel ends it for the widget (S7).
		p := panel(vConv)
		sess := p["sessions"].([]any)[0].(map[string]any)["id"].(string)
		if r := in.Do("DELETE", "/inbox/api/widget-sessions/"+sess, nil); r.Status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if r := verified.Get("/widget/v1/conversations"); r.Status != http.StatusUnauthorized {
			t.Fatalf("the revoked widget session answers %d, want 401", r.Status)
		}
		user := p["user"].(map[string]any)["id"].(string)
		if r := in.Do("DELETE", "/inbox/api/users/"+user+"/widget-sessions", nil); r.Status != http.StatusOK || r.JSON(t)["revoked"] != float64(0) {
			t.Fatalf("revoke all after the one: %d %s", r.Status, r.Body)
		}
	})
}

// TestInbox_TheThreadMarksWhereTrustChanged_I1_S5: a verified login that
// claims the device's anonymous history leaves a mark in each thread it
// moved.
func TestInbox_TheThreadMarksWhereTrustChanged_I1_S5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"on_login=claim"}})
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		anon := e.StartSession(map[string]any{})
		conv := anon.StartConversation("asked before logging in")
		e.StartSession(map[string]any{"session_token": e.Mint("ada-42", ""), "device_token": anon.DeviceToken, "on_login": "claim"})
		in := e.Login("sam@acme.com")
		items := in.Do("GET", "/inbox/api/conversations/"+conv+"/thread", nil).JSON(t)["data"].([]any)
		if len(items) != 2 {
			t.Fatalf("the thread: %v, want the message and a trust mark", items)
		}
		mark := items[1].(map[string]any)
		tr, _ := mark["trust"].(map[string]any)
		if mark["type"] != "trust" || tr["from"] != "anonymous" || tr["to"] != "verified" || tr["method"] != "session_token" {
			t.Fatalf("the mark: %v", mark)
		}
		if item := in.Do("GET", "/inbox/api/conversations/"+conv, nil).JSON(t); item["user"].(map[string]any)["trust"] != "verified" {
			t.Fatalf("the claimed conversation's user: %v", item["user"])
		}
	})
}
