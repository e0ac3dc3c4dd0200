package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

const liveWait = 10 * time.Second

// startConversation starts a conversation with a first message and returns
// its id.
func startConversation(t *testing.T, e *httpapitest.Env, session, body string) string {
	t.Helper()
	r := e.Do("POST", "/widget/v1/conversations", session, map[string]string{"body": body})
	if r.Status != http.StatusCreated {
		t.Fatalf("start a conversation: %d %s", r.Status, r.Body)
	}
	var b struct {
		Conversation struct{ ID string } `json:"conversation"`
	}
	r.Decode(t, &b)
	return b.Conversation.ID
}

// conversationIDs lists the ids of the conversations a session sees.
func conversationIDs(t *testing.T, e *httpapitest.Env, session string) []string {
	t.Helper()
	r := e.Do("GET", "/widget/v1/conversations", session, nil)
	if r.Status != http.StatusOK {
		t.Fatalf("list conversations: %d %s", r.Status, r.Body)
	}
	var b struct {
		Data []struct{ ID string } `json:"data"`
	}
	r.Decode(t, &b)
	var ids []string
	for _, c := range b.Data {
		ids = append(ids, c.ID)
	}
	return ids
}

func wantConversations(t *testing.T, e *httpapitest.Env, session string, want ...string) {
	t.Helper()
	got := conversationIDs(t, e, session)
	if len(got) != len(want) {
		t.Fatalf("the session sees %v, want %v", got, want)
	}
	seen := map[string]bool{}
	for _, id := range got {
		seen[id] = true
	}
	for _, id := range want {
		if !seen[id] {
			t.Fatalf("the session sees %v, want %v", got, want)
		}
	}
}

// wantHidden checks that a conversation answers 404 to a session on every
// endpoint that takes its id, exactly as one that does not exist (V5).
func wantHidden(t *testing.T, e *httpapitest.Env, session, conversationID string) {
	t.Helper()
	for _, call := range []struct {
		method, path string
		body         any
	}{
		{"GET", "/widget/v1/conversations/" + conversationID + "/messages", nil},
		{"POST", "/widget/v1/conversations/" + conversationID + "/messages", map[string]string{"body": "hi"}},
		{"POST", "/widget/v1/conversations/" + conversationID + "/read", nil},
	} {
		r := e.Do(call.method, call.path, session, call.body)
		missing := e.Do(call.method, "/widget/v1/conversations/cnv_doesnotexist"+call.path[len("/widget/v1/conversations/")+len(conversationID):], session, call.body)
		wantError(t, r, http.StatusNotFound, kith.CodeNotFound, "")
		if string(r.Body) != string(missing.Body) {
			t.Fatalf("%s %s: %s, but a missing conversation answers %s", call.method, call.path, r.Body, missing.Body)
		}
	}
}

func userCount(t *testing.T, e *httpapitest.Env) int {
	t.Helper()
	users, err := e.Store.Users(context.Background(), e.App.OrgID, kith.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return len(users)
}

func TestWidget_AnonymousVisitorHasAUserOnlyOnceTheyWrite_M6_S1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		s := e.StartSession(nil)
		if s.User.Trust != "anonymous" || s.User.ID != nil || s.User.DisplayName == "" || !s.CanChat {
			t.Fatalf("anonymous session: %+v, want a named anonymous visitor without a user id", s)
		}
		wantConversations(t, e, s.Session)
		if n := userCount(t, e); n != 0 {
			t.Fatalf("a visit that never wrote made %d users", n)
		}
		r := e.Do("POST", "/widget/v1/conversations", s.Session, map[string]string{"body": "Hello?"})
		var started struct {
			Conversation struct{ ID string } `json:"conversation"`
			User         struct {
				ID          *string `json:"id"`
				DisplayName string  `json:"display_name"`
			} `json:"user"`
		}
		r.Decode(t, &started)
		conv := started.Conversation.ID
		if n := userCount(t, e); n != 1 || started.User.ID == nil || started.User.DisplayName != s.User.DisplayName {
			t.Fatalf("the first message made %d users and answered user %+v, want 1 user named %q", n, started.User, s.User.DisplayName)
		}
		// A second tab of the same browser is the same visitor.
		tab := e.StartSession(map[string]any{"device_token": s.DeviceToken})
		if tab.User.ID == nil || tab.User.DisplayName != s.User.DisplayName || tab.DeviceToken != s.DeviceToken {
			t.Fatalf("second tab: %+v, want the visitor %q with their user", tab.User, s.User.DisplayName)
		}
		wantConversations(t, e, tab.Session, conv)
		wantConversations(t, e, s.Session, conv)
	})
}

func TestWidget_VerifiedHistoryFollowsTheUserToAnotherDevice_V2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		laptop := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		if laptop.User.Trust != "verified" {
			t.Fatalf("session token: trust %s", laptop.User.Trust)
		}
		conv := startConversation(t, e, laptop.Session, "From my laptop")
		phone := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")}) // a new device, a fresh token
		if phone.DeviceToken == laptop.DeviceToken {
			t.Fatal("the second device got the first one's device token")
		}
		wantConversations(t, e, phone.Session, conv)
		r := e.Do("GET", "/widget/v1/conversations/"+conv+"/messages", phone.Session, nil)
		if r.Status != http.StatusOK {
			t.Fatalf("read the laptop's conversation from the phone: %d %s", r.Status, r.Body)
		}
	})
}

func TestWidget_UnverifiedUserSeesOnlyItsOwnDevice_V3_V7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		first := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "claimed-1", "display_name": "Claimed"}})
		if first.User.Trust != "unverified" || first.AuthFailure != nil {
			t.Fatalf("claimed identity: %+v", first)
		}
		conv := startConversation(t, e, first.Session, "From device one")
		second := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "claimed-1"}})
		if *second.User.ID != *first.User.ID {
			t.Fatal("the same unverified user_ref is two users (M5: one ref, one user)")
		}
		wantConversations(t, e, second.Session)
		wantHidden(t, e, second.Session, conv)

		// V7: the verified user with the same ref is someone else and gets nothing.
		verified := e.StartSession(map[string]any{"session_token": e.Mint("claimed-1", ""), "device_token": first.DeviceToken})
		if *verified.User.ID == *first.User.ID {
			t.Fatal("the verified and the unverified claimed-1 are one user")
		}
		wantConversations(t, e, verified.Session)
		wantHidden(t, e, verified.Session, conv)
	})
}

func TestWidget_AnonymousConversationIs404ToEveryOtherSession_V5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		owner := e.StartSession(nil)
		conv := startConversation(t, e, owner.Session, "Mine alone")
		others := map[string]string{
			"another anonymous device": e.StartSession(nil).Session,
			"a verified user":          e.StartSession(map[string]any{"session_token": e.Mint("v", "")}).Session,
			"an unverified user":       e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "u"}}).Session,
		}
		other := httpapitest.New(t, st, httpapitest.Options{}) // another organization's app, same server store
		for name, session := range others {
			t.Run(name, func(t *testing.T) { wantHidden(t, e, session, conv) })
		}
		t.Run("another app's session", func(t *testing.T) {
			s := other.StartSession(nil)
			wantHidden(t, other, s.Session, conv)
		})
		t.Run("another organization's agent", func(t *testing.T) {
			for _, path := range []string{"/api/v1/conversations/" + conv, "/api/v1/conversations/" + conv + "/messages"} {
				wantError(t, other.Do("GET", path, other.APIToken, nil), http.StatusNotFound, kith.CodeNotFound, "")
			}
			wantError(t, other.Do("POST", "/api/v1/conversations/"+conv+"/messages", other.APIToken,
				map[string]string{"body": "hi"}), http.StatusNotFound, kith.CodeNotFound, "")
		})
		wantConversations(t, e, owner.Session, conv)
	})
}

func TestWidget_LogoutRevokesAndReturnsToTheAnonymousUser_S4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		anon := e.StartSession(nil)
		anonConv := startConversation(t, e, anon.Session, "Before login")
		login := e.StartSession(map[string]any{"session_token": e.Mint("ada", ""), "device_token": anon.DeviceToken})
		wantConversations(t, e, login.Session) // keep: the anonymous history is not the verified user's
		verifiedConv := startConversation(t, e, login.Session, "Logged in")

		if r := e.Do("DELETE", "/widget/v1/session", login.Session, nil); r.Status != http.StatusNoContent {
			t.Fatalf("logout: %d %s", r.Status, r.Body)
		}
		wantError(t, e.Do("GET", "/widget/v1/conversations", login.Session, nil), http.StatusUnauthorized, kith.CodeInvalidSession, "authorization")

		back := e.StartSession(map[string]any{"device_token": anon.DeviceToken})
		if back.User.Trust != "anonymous" || back.User.ID == nil || *back.User.ID != *anonConvUser(t, e, anonConv) {
			t.Fatalf("after logout: %+v, want the device's anonymous user back", back.User)
		}
		wantConversations(t, e, back.Session, anonConv)
		wantHidden(t, e, back.Session, verifiedConv)
	})
}

// anonConvUser returns the user of a conversation, as agents see it.
func anonConvUser(t *testing.T, e *httpapitest.Env, conv string) *string {
	t.Helper()
	var c struct {
		UserID string `json:"user_id"`
	}
	e.Do("GET", "/api/v1/conversations/"+conv, e.APIToken, nil).Decode(t, &c)
	return &c.UserID
}

func TestWidget_OnLoginClearForgetsTheAnonymousHistory_S5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		anon := e.StartSession(nil)
		conv := startConversation(t, e, anon.Session, "Shared computer")
		login := e.StartSession(map[string]any{"session_token": e.Mint("ada", ""), "device_token": anon.DeviceToken, "on_login": "clear"})
		e.Do("DELETE", "/widget/v1/session", login.Session, nil)
		back := e.StartSession(map[string]any{"device_token": anon.DeviceToken})
		if back.User.ID != nil {
			t.Fatalf("after clear and logout the device still has anonymous user %s", *back.User.ID)
		}
		wantConversations(t, e, back.Session)
		wantHidden(t, e, back.Session, conv)
		// The old anonymous session, still open in another tab, lost it too.
		wantHidden(t, e, anon.Session, conv)
		events := e.Do("GET", "/api/v1/users/"+*anonConvUser(t, e, conv)+"/events", e.APIToken, nil)
		if !strings.Contains(string(events.Body), `"kind":"anonymous_cleared"`) {
			t.Fatalf("no anonymous_cleared event: %s", events.Body)
		}
	})
}

func TestWidget_OnLoginClaimMovesTheAnonymousHistory_S5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"on_login=claim"}})
		anon := e.StartSession(nil)
		conv := startConversation(t, e, anon.Session, "Before I logged in")
		login := e.StartSession(map[string]any{"session_token": e.Mint("ada", ""), "device_token": anon.DeviceToken})
		wantConversations(t, e, login.Session, conv)
		elsewhere := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		wantConversations(t, e, elsewhere.Session, conv) // claimed by proof, so it follows the user (V2)
		wantHidden(t, e, anon.Session, conv)
		user := e.Do("GET", "/api/v1/users/"+*login.User.ID+"/events", e.APIToken, nil)
		if !strings.Contains(string(user.Body), `"kind":"anonymous_claimed"`) {
			t.Fatalf("no anonymous_claimed event: %s", user.Body)
		}

		keep := httpapitest.New(t, st, httpapitest.Options{})
		r := keep.TryStartSession(map[string]any{"session_token": keep.Mint("ada", ""), "on_login": "claim"})
		wantError(t, r, http.StatusForbidden, kith.CodeClaimNotAllowed, "on_login")
	})
}

func TestWidget_SessionTokenIsRedeemedByOneDevice_M1_S2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		token := e.Mint("ada", "")
		first := e.StartSession(map[string]any{"session_token": token})
		again := e.StartSession(map[string]any{"session_token": token, "device_token": first.DeviceToken})
		if *again.User.ID != *first.User.ID {
			t.Fatal("the same device redeeming its token again got another user")
		}
		r := e.TryStartSession(map[string]any{"session_token": token})
		wantError(t, r, http.StatusUnauthorized, kith.CodeInvalidSessionToken, "session_token")
	})
}

func TestWidget_BadSessionTokensAre401_S2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := time.Now()
		e := httpapitest.New(t, st, httpapitest.Options{Now: func() time.Time { return clock }})
		other := httpapitest.New(t, st, httpapitest.Options{})
		expired := e.Mint("ada", "")
		clock = clock.Add(2 * time.Hour)
		for name, tt := range map[string]struct {
			token string
			code  kith.Code
		}{
			"garbage":          {"not-a-token", kith.CodeInvalidSessionToken},
			"another app's":    {other.Mint("ada", ""), kith.CodeInvalidSessionToken},
			"expired":          {expired, kith.CodeExpiredSessionToken},
			"an access token":  {e.SessionsToken, kith.CodeInvalidSessionToken},
			"signed with none": {"eyJhbGciOiJub25lIn0.eyJzdWIiOiJ4In0.", kith.CodeInvalidSessionToken},
		} {
			t.Run(name, func(t *testing.T) {
				r := e.TryStartSession(map[string]any{"session_token": tt.token})
				wantError(t, r, http.StatusUnauthorized, tt.code, "session_token")
			})
		}
	})
}

func TestWidget_VerifiedUserRefClaimedWithoutProofStartsAnonymous_V8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		owner := e.StartSession(map[string]any{"session_token": e.Mint("vip", "")})
		conv := startConversation(t, e, owner.Session, "Private")
		impostor := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "vip", "display_name": "Not VIP"}})
		if impostor.User.Trust != "anonymous" || impostor.AuthFailure == nil ||
			impostor.AuthFailure.Code != string(kith.CodeMissingUserAuthToken) {
			t.Fatalf("claiming a verified user_ref: %+v, want an anonymous session and missing_user_auth_token", impostor)
		}
		wantConversations(t, e, impostor.Session)
		wantHidden(t, e, impostor.Session, conv)
		events := e.Do("GET", "/api/v1/users/"+*owner.User.ID+"/events", e.APIToken, nil)
		if !strings.Contains(string(events.Body), `"kind":"verification_failed"`) {
			t.Fatalf("no verification_failed event on the verified user: %s", events.Body)
		}
	})
}

func TestWidget_InvalidClaimStartsAnonymousAndSaysWhyToTheOperator_F3_F9(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		verified := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		_ = verified
		// Whatever the reason, the browser gets the same refusal (F9).
		var seen []kithtest.Error
		for _, identity := range []map[string]any{
			{"user_ref": "undefined"}, {"user_ref": "x", "email": "bad"}, {"user_ref": 42}, {"user_ref": "ada"},
		} {
			s := e.StartSession(map[string]any{"identity": identity})
			if s.User.Trust != "anonymous" || s.AuthFailure == nil {
				t.Fatalf("claim %v: %+v, want an anonymous session with an auth_failure", identity, s)
			}
			seen = append(seen, *s.AuthFailure)
		}
		for _, f := range seen[1:] {
			if f != seen[0] {
				t.Fatalf("refusals differ by reason: %+v and %+v", seen[0], f)
			}
		}
		if seen[0].Code != string(kith.CodeMissingUserAuthToken) || seen[0].Field != "" {
			t.Fatalf("the refusal %+v, want missing_user_auth_token naming no field", seen[0])
		}
		// The operator learns why, by code and field, never by value.
		logs := e.Logs.String()
		for _, want := range []string{`"reason":"invalid_user_ref","field":"identity.user_ref"`,
			`"reason":"invalid_email","field":"identity.email"`, `"reason":"missing_user_auth_token","field":"identity.user_ref"`} {
			if !strings.Contains(logs, want) {
				t.Errorf("the logs lack %s", want)
			}
		}
		if strings.Contains(logs, `"bad"`) {
			t.Error("the logs repeat a claimed value")
		}
		m := e.Do("GET", "/metrics", httpapitest.MetricsToken, nil)
		if !strings.Contains(string(m.Body), `kith_claims_refused_total{reason="invalid_user_ref"} 1`) {
			t.Errorf("the metrics do not count the refusals by reason")
		}
		if n := userCount(t, e); n != 1 {
			t.Fatalf("refused claims made %d users besides ada", n-1)
		}
	})
}

func TestWidget_VerificationRequiredShutsOutUnverifiedUsers_S3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"verification_required=true"}})
		claimed := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "u"}})
		if claimed.CanChat || claimed.AuthFailure == nil || claimed.AuthFailure.Code != string(kith.CodeMissingUserAuthToken) {
			t.Fatalf("an unverified user where verification is required: %+v, want can_chat false and missing_user_auth_token", claimed)
		}
		wantError(t, e.Do("GET", "/widget/v1/conversations", claimed.Session, nil), http.StatusForbidden, kith.CodeVerificationRequired, "")
		wantError(t, e.Do("POST", "/widget/v1/conversations", claimed.Session, map[string]string{"body": "hi"}),
			http.StatusForbidden, kith.CodeVerificationRequired, "")
		for name, s := range map[string]*httpapitest.WidgetSession{
			"anonymous": e.StartSession(nil),
			"verified":  e.StartSession(map[string]any{"session_token": e.Mint("v", "")}),
		} {
			if !s.CanChat {
				t.Errorf("a %s user may not chat", name)
			}
			startConversation(t, e, s.Session, "hi")
		}
	})
}

func TestWidget_WorkspaceScopesTheConversations_V4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		inWS := e.StartSession(map[string]any{"session_token": e.Mint("ada", `"account_ref":"acme.com","workspace_ref":"team-a"`)})
		convA := startConversation(t, e, inWS.Session, "About team A")
		noWS := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		convNone := startConversation(t, e, noWS.Session, "No workspace")
		wantConversations(t, e, noWS.Session, convNone)
		wantHidden(t, e, noWS.Session, convA)
		again := e.StartSession(map[string]any{"session_token": e.Mint("ada", `"account_ref":"acme.com","workspace_ref":"team-a"`)})
		wantConversations(t, e, again.Session, convA)
		// A session token's workspace cannot be swapped by the browser.
		r := e.TryStartSession(map[string]any{"session_token": e.Mint("ada", `"account_ref":"acme.com","workspace_ref":"team-a"`),
			"workspace_ref": "team-b"})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "workspace_ref")
		// Open CX externalId: an unverified session scoped by the page.
		claimed := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "u"}, "workspace_ref": "team-c"})
		convC := startConversation(t, e, claimed.Session, "In C")
		plain := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "u"}, "device_token": claimed.DeviceToken})
		wantHidden(t, e, plain.Session, convC)
	})
}

func TestWidget_AgentReplyArrivesLiveAndResumesAfterADrop(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		s := e.StartSession(nil)
		conv := startConversation(t, e, s.Session, "Anyone there?")
		live := e.DialEvents(s.Session, 0)
		// The replay brings the visitor's own first message.
		first := live.Next(liveWait)
		if first["kind"] != "message.created" {
			t.Fatalf("replayed %v, want the first message", first)
		}
		if _, ok := first["author_id"]; ok {
			t.Fatalf("the widget got an author's id, which is for agents only: %v", first)
		}
		reply := func(body string) {
			r := e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": body, "author_name": "Sam"})
			if r.Status != http.StatusCreated {
				t.Fatalf("agent reply: %d %s", r.Status, r.Body)
			}
		}
		reply("Hi, I am here")
		got := live.Next(liveWait)
		msg, _ := got["message"].(map[string]any)
		if got["kind"] != "message.created" || msg["body"] != "Hi, I am here" || msg["author"] != "agent" || msg["author_name"] != "Sam" {
			t.Fatalf("live event %v, want the agent's reply", got)
		}
		cursor := int64(got["id"].(float64))
		live.Close()

		reply("Are you still there?")
		reply("Closing soon")
		resumed := e.DialEvents(s.Session, cursor)
		for _, want := range []string{"Are you still there?", "Closing soon"} {
			got := resumed.Next(liveWait)
			if m, _ := got["message"].(map[string]any); m["body"] != want {
				t.Fatalf("after resuming got %v, want %q", got, want)
			}
		}
		// Unread replies are counted until read.
		var list struct {
			Data []struct{ Unread int } `json:"data"`
		}
		e.Do("GET", "/widget/v1/conversations", s.Session, nil).Decode(t, &list)
		if list.Data[0].Unread != 3 {
			t.Fatalf("unread = %d, want the 3 agent replies", list.Data[0].Unread)
		}
		e.Do("POST", "/widget/v1/conversations/"+conv+"/read", s.Session, nil)
		e.Do("GET", "/widget/v1/conversations", s.Session, nil).Decode(t, &list)
		if list.Data[0].Unread != 0 {
			t.Fatalf("unread = %d after reading, want 0", list.Data[0].Unread)
		}
	})
}

func TestWidget_LiveEventsReachOnlyThoseWhoMaySee_V2_V3_V5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		ada := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		bob := e.StartSession(map[string]any{"session_token": e.Mint("bob", "")})
		anon := e.StartSession(map[string]any{"device_token": ada.DeviceToken}) // the same browser, logged out
		adaConv := startConversation(t, e, ada.Session, "Ada's")
		bobConv := startConversation(t, e, bob.Session, "Bob's")
		bobLive := e.DialEvents(bob.Session, 0)
		anonLive := e.DialEvents(anon.Session, 0)
		anonConv := startConversation(t, e, anon.Session, "Anonymous")

		e.Do("POST", "/api/v1/conversations/"+adaConv+"/messages", e.APIToken, map[string]string{"body": "for Ada only"})
		e.Do("POST", "/api/v1/conversations/"+bobConv+"/messages", e.APIToken, map[string]string{"body": "for Bob"})
		e.Do("POST", "/api/v1/conversations/"+anonConv+"/messages", e.APIToken, map[string]string{"body": "for the visitor"})
		// Each socket hears its own conversation's messages, in order, and
		// nothing else: Ada's reply came first and would come first if it
		// leaked, even to the visitor on Ada's own browser.
		for _, tt := range []struct {
			name string
			live *httpapitest.Events
			want []string
		}{
			{"Bob", bobLive, []string{"Bob's", "for Bob"}},
			{"the visitor on Ada's browser", anonLive, []string{"Anonymous", "for the visitor"}},
		} {
			for _, want := range tt.want {
				m, _ := tt.live.Next(liveWait)["message"].(map[string]any)
				if m["body"] != want {
					t.Fatalf("%s heard %q, want %q", tt.name, m["body"], want)
				}
			}
		}
	})
}

func TestWidget_RevokingSessionsClosesTheirSockets_S7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		one := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		two := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		three := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		var sessions struct {
			Data []struct {
				ID     string `json:"id"`
				Active bool   `json:"active"`
			} `json:"data"`
		}
		e.Do("GET", "/api/v1/users/"+*one.User.ID+"/sessions", e.APIToken, nil).Decode(t, &sessions)
		if len(sessions.Data) != 3 {
			t.Fatalf("the user has %d sessions, want 3", len(sessions.Data))
		}
		live := e.DialEvents(one.Session, 0)
		oneID, _ := keys.WidgetSession.Parse(one.Session)
		if r := e.Do("DELETE", "/api/v1/sessions/"+oneID, e.APIToken, nil); r.Status != http.StatusNoContent {
			t.Fatalf("revoke %s: %d %s", oneID, r.Status, r.Body)
		}
		if code := live.Closed(liveWait); code != 4001 {
			t.Fatalf("the revoked session's socket closed with %d, want 4001", code)
		}
		wantError(t, e.Do("GET", "/widget/v1/conversations", one.Session, nil), http.StatusUnauthorized, kith.CodeInvalidSession, "authorization")

		var revoked struct{ Revoked int }
		e.Do("DELETE", "/api/v1/users/"+*one.User.ID+"/sessions", e.APIToken, nil).Decode(t, &revoked)
		for _, s := range []*httpapitest.WidgetSession{two, three} {
			if r := e.Do("GET", "/widget/v1/conversations", s.Session, nil); r.Status != http.StatusUnauthorized {
				t.Fatalf("after revoke-all a session still works: %d", r.Status)
			}
		}
		// Another organization's token cannot list or revoke them.
		other := httpapitest.New(t, st, httpapitest.Options{})
		wantError(t, other.Do("GET", "/api/v1/users/"+*one.User.ID+"/sessions", other.APIToken, nil), http.StatusNotFound, kith.CodeNotFound, "")
		wantError(t, other.Do("DELETE", "/api/v1/sessions/"+sessions.Data[0].ID, other.APIToken, nil), http.StatusNotFound, kith.CodeNotFound, "")
	})
}

func TestWidget_UpdateIdentityChangesTraitsNeverTheRef_S8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		storetest.NewField(t, st, e.App, kith.ObjectUser, "tnt__plan", kith.FieldText)
		v := e.StartSession(map[string]any{"session_token": e.Mint("ada", `"user_traits":{"email":"ada@example.com"}`)})
		r := e.Do("POST", "/widget/v1/identity", v.Session, map[string]any{"display_name": "Ada L.", "custom_fields": map[string]any{"tnt__plan": "pro"}})
		if r.Status != http.StatusOK {
			t.Fatalf("updateIdentity: %d %s", r.Status, r.Body)
		}
		wantError(t, e.Do("POST", "/widget/v1/identity", v.Session, map[string]any{"user_ref": "someone-else"}), http.StatusBadRequest, kith.CodeInvalidField, "user_ref")
		wantError(t, e.Do("POST", "/widget/v1/identity", v.Session, map[string]any{"email": "evil@example.com"}), http.StatusBadRequest, kith.CodeInvalidField, "email")
		u := e.Do("GET", "/api/v1/users/"+*v.User.ID, e.APIToken, nil)
		for _, want := range []string{`"display_name":"Ada L."`, `"user_ref":"ada"`, `"email":"ada@example.com"`,
			`"unverified_custom_fields":{"tnt__plan":"pro"}`, `"custom_fields":{}`} {
			if !strings.Contains(string(u.Body), want) {
				t.Errorf("user lacks %s: %s", want, u.Body)
			}
		}
		// An anonymous visitor naming themselves gets their user then.
		a := e.StartSession(nil)
		var named struct {
			User struct {
				ID          *string `json:"id"`
				DisplayName string  `json:"display_name"`
			} `json:"user"`
		}
		e.Do("POST", "/widget/v1/identity", a.Session, map[string]any{"display_name": "Visitor Vi"}).Decode(t, &named)
		if named.User.ID == nil || named.User.DisplayName != "Visitor Vi" {
			t.Fatalf("anonymous updateIdentity: %+v", named.User)
		}
	})
}

func TestWidget_OriginsAreChecked(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"allowed_origins=https://shop.example"}})
	post := func(origin string) *kithtest.Response {
		return kithtest.Do(t, e.Server.URL, "POST", "/widget/v1/sessions", map[string]string{"Origin": origin},
			map[string]string{"app_id": e.App.ID})
	}
	ok := post("https://shop.example")
	if ok.Status != http.StatusCreated || ok.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatalf("allowed origin: %d, ACAO %q", ok.Status, ok.Header.Get("Access-Control-Allow-Origin"))
	}
	bad := post("https://evil.example")
	wantError(t, bad, http.StatusForbidden, kith.CodeOriginNotAllowed, "origin")
	if bad.Header.Get("Access-Control-Allow-Origin") != "" {
		t.Fatal("a refused origin got CORS headers")
	}
	var s httpapitest.WidgetSession
	ok.Decode(t, &s)
	r := kithtest.Do(t, e.Server.URL, "GET", "/widget/v1/conversations",
		map[string]string{"Origin": "https://evil.example", "Authorization": "Bearer " + s.Session}, nil)
	wantError(t, r, http.StatusForbidden, kith.CodeOriginNotAllowed, "origin")
	pre := kithtest.Do(t, e.Server.URL, "OPTIONS", "/widget/v1/sessions", map[string]string{
		"Origin": "https://shop.example", "Access-Control-Request-Method": "POST"}, nil)
	if pre.Status != http.StatusNoContent || pre.Header.Get("Access-Control-Allow-Headers") == "" {
		t.Fatalf("preflight: %d %v", pre.Status, pre.Header)
	}
}

func TestWidget_AnonymousUsersExpire_S6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := time.Now()
		srv := httpapitest.New(t, st, httpapitest.Options{Now: func() time.Time { return clock }, Settings: []string{"anonymous_expiry=2d"}})
		s := srv.StartSession(nil)
		conv := startConversation(t, srv, s.Session, "Left and forgotten")
		idle := srv.StartSession(nil) // never writes
		clock = clock.Add(3 * 24 * time.Hour)
		n, err := srv.API.Chat().ExpireAnonymous(context.Background())
		if err != nil || n != 1 {
			t.Fatalf("ExpireAnonymous = %d, %v; want 1 user", n, err)
		}
		for _, old := range []string{s.Session, idle.Session} {
			wantError(t, srv.Do("GET", "/widget/v1/conversations", old, nil), http.StatusUnauthorized, kith.CodeInvalidSession, "authorization")
		}
		back := srv.StartSession(map[string]any{"device_token": s.DeviceToken})
		wantConversations(t, srv, back.Session)
		wantHidden(t, srv, back.Session, conv)
		// Agents keep the conversation.
		if r := srv.Do("GET", "/api/v1/conversations/"+conv+"/messages", srv.APIToken, nil); r.Status != http.StatusOK {
			t.Fatalf("the agents lost the expired visitor's conversation: %d", r.Status)
		}
	})
}

func TestWidget_AnotherAppOfTheSameOrganizationSeesNothing_V5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		// A second widget installation of the same organization, whose
		// users are the same people.
		app2, tok2, err := e.Apps.CreateApp(context.Background(), e.App.OrgID, "second site")
		if err != nil {
			t.Fatal(err)
		}
		first := e.StartSession(map[string]any{"session_token": e.Mint("ada", "")})
		conv := startConversation(t, e, first.Session, "On the first site")
		r := e.Do("POST", "/internal/auth-tokens.create", tok2.Secret, `{"rev_info":{"user_ref":"ada"}}`)
		token := r.JSON(t)["access_token"].(string)
		var second httpapitest.WidgetSession
		e.Do("POST", "/widget/v1/sessions", "", map[string]any{"app_id": app2.ID, "session_token": token}).Decode(t, &second)
		if second.User.ID == nil || *second.User.ID != *first.User.ID {
			t.Fatalf("the organization's user ada is %v on the second site, want %s", second.User.ID, *first.User.ID)
		}
		wantConversations(t, e, second.Session)
		wantHidden(t, e, second.Session, conv)
		live := e.DialEventsFor(app2.ID, second.Session, 0)
		e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": "for the first site"})
		own := startConversation(t, e, second.Session, "On the second site")
		if m, _ := live.Next(liveWait)["message"].(map[string]any); m["body"] != "On the second site" {
			t.Fatalf("the second site's widget heard %v first, want its own message", m)
		}
		_ = own
	})
}

func TestWidget_SessionRequestsAreCheckedBeforeAnythingIsWritten(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	wantError(t, e.TryStartSession(map[string]any{"on_login": "sometimes"}), http.StatusBadRequest, kith.CodeInvalidField, "on_login")
	wantError(t, e.TryStartSession(map[string]any{"jwt": "x.y.z"}), http.StatusUnauthorized, kith.CodeInvalidJWT, "jwt")
	wantError(t, e.TryStartSession(map[string]any{"session_token": "x", "identity": map[string]any{"user_ref": "u"}}),
		http.StatusBadRequest, kith.CodeInvalidRequest, "")
	wantError(t, e.Do("POST", "/widget/v1/sessions", "", map[string]any{"app_id": "app_nope"}), http.StatusNotFound, kith.CodeNotFound, "")
	// F3: an identity of the wrong shape starts an anonymous session, with
	// the refusal every refused claim gets (F9).
	s := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": 42}})
	if s.User.Trust != "anonymous" || s.AuthFailure == nil || s.AuthFailure.Code != string(kith.CodeMissingUserAuthToken) {
		t.Fatalf("a numeric user_ref: %+v, want an anonymous session and missing_user_auth_token", s)
	}
}

func TestWidget_ErrorsBeforeTheAppIsKnownAreReadableByThePage(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"allowed_origins=https://shop.example"}})
	r := kithtest.Do(t, e.Server.URL, "GET", "/widget/v1/conversations",
		map[string]string{"Origin": "https://shop.example", "Authorization": "Bearer kith_ws_ended"}, nil)
	wantError(t, r, http.StatusUnauthorized, kith.CodeInvalidSession, "authorization")
	if r.Header.Get("Access-Control-Allow-Origin") != "https://shop.example" {
		t.Fatal("the widget cannot read that its session ended: no CORS header on the 401")
	}
	ws := kithtest.Do(t, e.Server.URL, "GET", "/widget/v1/events?app_id="+e.App.ID, nil, nil)
	wantError(t, ws, http.StatusBadRequest, kith.CodeInvalidRequest, "")
}

func TestWidget_ReadingClearsTheUnreadCountEverywhere(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	s := e.StartSession(nil)
	conv := startConversation(t, e, s.Session, "hi")
	e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": "hello"})
	other := e.DialEvents(s.Session, 1<<40-1) // a second tab, caught up
	_ = other
	tab := e.StartSession(map[string]any{"device_token": s.DeviceToken})
	live := e.DialEvents(tab.Session, 0)
	for range 2 { // the two messages, replayed
		live.Next(liveWait)
	}
	e.Do("POST", "/widget/v1/conversations/"+conv+"/read", s.Session, nil)
	got := live.Next(liveWait)
	c, _ := got["conversation"].(map[string]any)
	if got["kind"] != "conversation.updated" || c["unread"] != float64(0) {
		t.Fatalf("after reading in one tab the other heard %v, want conversation.updated with unread 0", got)
	}
}

func TestWidget_AnonymousSessionsLiveWhileUsed_S6(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	clock := time.Now()
	e := httpapitest.New(t, st, httpapitest.Options{Now: func() time.Time { return clock }, Settings: []string{"anonymous_expiry=2d"}})
	s := e.StartSession(nil)
	for range 3 { // used every day for three days: more than the 2-day expiry
		clock = clock.Add(24 * time.Hour)
		if r := e.Do("GET", "/widget/v1/conversations", s.Session, nil); r.Status != http.StatusOK {
			t.Fatalf("an anonymous session in daily use ended: %d %s", r.Status, r.Body)
		}
	}
	clock = clock.Add(3 * 24 * time.Hour)
	wantError(t, e.Do("GET", "/widget/v1/conversations", s.Session, nil), http.StatusUnauthorized, kith.CodeInvalidSession, "authorization")
}

func TestWidget_EverySessionHasOneTrustLevel_V1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		for want, body := range map[string]map[string]any{
			"anonymous":  nil,
			"unverified": {"identity": map[string]any{"user_ref": "claimed"}},
			"verified":   {"session_token": e.Mint("proven", "")},
		} {
			s := e.StartSession(body)
			if s.User.Trust != want {
				t.Errorf("a session started with %v has trust %q, want %q", body, s.User.Trust, want)
			}
			var sessions struct {
				Data []struct{ Trust string } `json:"data"`
			}
			if s.User.ID != nil {
				e.Do("GET", "/api/v1/users/"+*s.User.ID+"/sessions", e.APIToken, nil).Decode(t, &sessions)
				if len(sessions.Data) != 1 || sessions.Data[0].Trust != want {
					t.Errorf("the agents see the %s session as %+v", want, sessions.Data)
				}
			}
		}
	})
}

func TestWidget_AgentsSeeEveryConversationOfTheirOrganizationOnly_V6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		mine := []string{
			startConversation(t, e, e.StartSession(nil).Session, "anonymous"),
			startConversation(t, e, e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "u"}}).Session, "unverified"),
			startConversation(t, e, e.StartSession(map[string]any{"session_token": e.Mint("v", "")}).Session, "verified"),
		}
		other := httpapitest.New(t, st, httpapitest.Options{})
		theirs := startConversation(t, other, other.StartSession(nil).Session, "another organization's")
		var list struct {
			Data []struct{ ID string } `json:"data"`
		}
		e.Do("GET", "/api/v1/conversations", e.APIToken, nil).Decode(t, &list)
		got := map[string]bool{}
		for _, c := range list.Data {
			got[c.ID] = true
		}
		for _, id := range mine {
			if !got[id] {
				t.Errorf("the agents do not see conversation %s of their organization", id)
			}
		}
		if got[theirs] || len(got) != len(mine) {
			t.Fatalf("the agents see %v, want exactly their organization's %v", got, mine)
		}
	})
}

func TestWidget_ClaimedCustomDataIsStoredAsUnverified_M5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		storetest.NewField(t, st, e.App, kith.ObjectUser, "tnt__plan", kith.FieldText)
		s := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "c", "email": "c@example.com",
			"custom_fields": map[string]any{"tnt__plan": "enterprise"}}})
		u := string(e.Do("GET", "/api/v1/users/"+*s.User.ID, e.APIToken, nil).Body)
		for _, want := range []string{`"trust":"unverified"`, `"custom_fields":{}`,
			`"unverified_custom_fields":{"tnt__plan":"enterprise"}`, `"email":"c@example.com"`} {
			if !strings.Contains(u, want) {
				t.Errorf("the claimed user lacks %s: %s", want, u)
			}
		}
	})
}
