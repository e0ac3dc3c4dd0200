package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
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
