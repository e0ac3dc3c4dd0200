package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// The findings of an attack on Kith from the outside (issue 7), one test
// each, over HTTP against the real server, on both stores where a store is
// involved.

func TestHostile_BytesThatAreNotUTF8NeverMergeTwoUsers_F7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		// Two backends send Latin-1 é and è: encoding/json made both
		// U+FFFD, one verified user who read the other's conversations.
		for _, ref := range []string{"jos\xe9", "jos\xe8", "jos\\ud800", "jos\\udce9"} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"`+ref+`"}}`)
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "rev_info.user_ref")
		}
		r := e.TryStartSession(map[string]any{"identity": rawJSON(`{"user_ref":"jos\ud800"}`)})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "identity.user_ref")
		if n := userCount(t, e); n != 0 {
			t.Fatalf("%d users made from bytes that are not UTF-8", n)
		}
		// Sent as UTF-8, they are two users.
		e.Mint("josé", "")
		e.Mint("josè", "")
		if n := userCount(t, e); n != 2 {
			t.Fatalf("%d users for josé and josè, want 2", n)
		}
	})
}

func TestHostile_KeysMatchExactlyAndOnce_F7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		for _, tc := range []struct {
			body  string
			code  kith.Code
			field string
		}{
			{`{"rev_info":{"User_Ref":"x"}}`, kith.CodeUnknownField, "rev_info.User_Ref"},
			{`{"rev_info":{"uſer_ref":"x"}}`, kith.CodeUnknownField, "rev_info.uſer_ref"},
			{`{"REV_INFO":{"user_ref":"x"}}`, kith.CodeUnknownField, "REV_INFO"},
			{`{"rev_info":{"user_ref":"x","user_ref":"y"}}`, kith.CodeInvalidRequest, "rev_info.user_ref"},
			{`{"rev_info":{"user_ref":"x","user_traits":{"email":"a@x.com","email":"b@x.com"}}}`,
				kith.CodeInvalidRequest, "rev_info.user_traits.email"},
		} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, tc.body)
			wantError(t, r, http.StatusBadRequest, tc.code, tc.field)
		}
		r := e.TryStartSession(map[string]any{"identity": rawJSON(`{"user_ref":"a","user_ref":"b"}`)})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidRequest, "identity.user_ref")
		r = e.Do("POST", "/widget/authenticate-user", e.SessionsToken, `{"email":"a@x.com","Email":"b@x.com"}`)
		wantError(t, r, http.StatusBadRequest, kith.CodeUnknownField, "Email")
		if n := userCount(t, e); n != 0 {
			t.Fatalf("refused bodies made %d users", n)
		}
	})
}

func TestHostile_SpoofingCharactersAreRefused_F7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		// Names that reorder what the agent reads, or show nothing.
		for _, name := range []string{"Ada\u202eevil", "\u2066Ada\u2069", "\u200b\u200b", "Ada\u200b"} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken,
				mustJSON(map[string]any{"rev_info": map[string]any{"user_ref": "ada", "user_traits": map[string]any{"display_name": name}}}))
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "rev_info.user_traits.display_name")
		}
		for _, ref := range []string{"ada\u200b", "\u202eada", "jose\u0301"} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, mustJSON(map[string]any{"rev_info": map[string]any{"user_ref": ref}}))
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidUserRef, "rev_info.user_ref")
		}
		if n := userCount(t, e); n != 0 {
			t.Fatalf("refused requests made %d users", n)
		}
		// Messages made of nothing visible, or that reorder themselves.
		s := e.StartSession(nil)
		for _, body := range []string{"\u200b\u200b\u200b", "\u2060", "refund \u202e001$"} {
			r := e.Do("POST", "/widget/v1/conversations", s.Session, map[string]string{"body": body})
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "body")
		}
		conv := startConversation(t, e, s.Session, "hello")
		r := e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": "\u2067hi\u2069"})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "body")
		r = e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": "hi", "author_name": "Sam\u202e"})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "author_name")
		msgs := e.Do("GET", "/api/v1/conversations/"+conv+"/messages", e.APIToken, nil)
		if n := len(msgs.JSON(t)["data"].([]any)); n != 1 {
			t.Fatalf("%d messages stored, want only the visible one", n)
		}
	})
}

func TestHostile_AccessTokensAreRefusedFromBrowsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		body := `{"rev_info":{"user_ref":"from-a-page"}}`
		// Spec section 1: an AAT is never accepted from a browser. Every
		// browser request carries Origin or Fetch Metadata.
		for _, h := range []map[string]string{
			{"Origin": "https://evil.example"},
			{"Origin": "null"},
			{"Sec-Fetch-Site": "cross-site"},
			{"Sec-Fetch-Site": "same-site"},
			{"Sec-Fetch-Site": "same-origin"},
		} {
			h["Authorization"] = e.SessionsToken
			r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create", h, body)
			wantError(t, r, http.StatusForbidden, kith.CodeBackendOnly, "")
			if r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Fatalf("%v: the refusal carries CORS headers", h)
			}
			h["Authorization"] = "Bearer " + e.APIToken
			r = kithtest.Do(t, e.Server.URL, "GET", "/api/v1/users", h, nil)
			wantError(t, r, http.StatusForbidden, kith.CodeBackendOnly, "")
		}
		// A wrong token from a browser gets the same answer: the page learns
		// nothing about the token.
		r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create",
			map[string]string{"Origin": "https://evil.example", "Authorization": "kith_aat_nope"}, body)
		wantError(t, r, http.StatusForbidden, kith.CodeBackendOnly, "")
		if n := userCount(t, e); n != 0 {
			t.Fatalf("browser requests made %d users", n)
		}
		// What backends send passes: nothing, a navigation's "none", and the
		// Sec-Fetch-Mode that Node's fetch adds.
		for _, h := range []map[string]string{{}, {"Sec-Fetch-Site": "none"}, {"Sec-Fetch-Mode": "cors"}} {
			h["Authorization"] = e.SessionsToken
			if r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create", h, body); r.Status != http.StatusCreated {
				t.Fatalf("%v: %d %s, want 201", h, r.Status, r.Body)
			}
		}
	})
}
