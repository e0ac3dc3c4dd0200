package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// The proofs a page carries from the company's backend (M3, M4), over
// HTTP on both stores.

func hashed(e *httpapitest.Env, secret, ref, email string) map[string]any {
	id := map[string]any{}
	message := ref
	if ref != "" {
		id["user_ref"] = ref
	} else {
		message = email
	}
	if email != "" {
		id["email"] = email
	}
	return map[string]any{"identity": id, "user_hash": keys.UserHash(secret, message)}
}

func TestWidget_UserHashMakesAVerifiedUserWithHistoryOnEveryDevice_M3_V2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		secret, err := e.Apps.CreateVerificationSecret(context.Background(), e.App.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		laptop := e.StartSession(hashed(e, secret.Secret, "captain_planet", ""))
		if laptop.User.Trust != "verified" || laptop.AuthFailure != nil {
			t.Fatalf("a valid user hash: %+v, want a verified user", laptop)
		}
		conv := startConversation(t, e, laptop.Session, "from the laptop")
		phone := e.StartSession(hashed(e, secret.Secret, "captain_planet", ""))
		wantConversations(t, e, phone.Session, conv)
		// Agents see how the session was proved.
		list := e.Do("GET", "/api/v1/users/"+*laptop.User.ID+"/sessions", e.APIToken, nil).JSON(t)["data"].([]any)
		first := list[0].(map[string]any)
		if first["method"] != "user_hash" || first["proof"] != secret.ID {
			t.Fatalf("the session as agents see it: %v, want method user_hash and proof %s", first, secret.ID)
		}
		// The same user_ref claimed without the hash is refused (V8).
		refused := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "captain_planet"}})
		if refused.User.Trust != "anonymous" || refused.AuthFailure == nil {
			t.Fatalf("the verified ref without proof: %+v", refused)
		}
		// A wrong hash is a 401 with Helpshift's code (S2).
		wrong := hashed(e, "kith_vs_not_the_secret", "captain_planet", "")
		wantError(t, e.TryStartSession(wrong), http.StatusUnauthorized, kith.CodeInvalidUserAuthToken, "user_hash")
	})
}

func TestWidget_AHashForOneUserNeverReachesAnother_M3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		ctx := context.Background()
		secret, _ := e.Apps.CreateVerificationSecret(ctx, e.App.ID, "")
		// Bob is verified with his email, by the backend.
		bob := e.StartSession(map[string]any{"session_token": e.Mint("bob", `"user_traits":{"email":"bob@example.com"}`)})
		bobsConv := startConversation(t, e, bob.Session, "bob's private question")
		// A page proves mallory's id, and sends bob's email beside it.
		mallory := e.StartSession(hashed(e, secret.Secret, "mallory", "bob@example.com"))
		if mallory.User.Trust != "verified" || *mallory.User.ID == *bob.User.ID {
			t.Fatalf("mallory: %+v", mallory)
		}
		wantConversations(t, e, mallory.Session)
		wantHidden(t, e, mallory.Session, bobsConv)
		m, err := st.User(ctx, e.App.OrgID, *mallory.User.ID)
		if err != nil || m.Email != "" || m.UnverifiedEmail != "bob@example.com" {
			t.Fatalf("mallory's record: %+v (%v): the email must stay an unverified trait", m, err)
		}
		b, _ := st.User(ctx, e.App.OrgID, *bob.User.ID)
		if b.Email != "bob@example.com" || b.Ref != "bob" {
			t.Fatalf("bob changed: %+v", b)
		}
		// Bob's email alone, hashed for mallory's id, is not bob either.
		r := e.TryStartSession(map[string]any{"identity": map[string]any{"email": "bob@example.com"},
			"user_hash": keys.UserHash(secret.Secret, "mallory")})
		wantError(t, r, http.StatusUnauthorized, kith.CodeInvalidUserAuthToken, "user_hash")
	})
}

func TestWidget_VerificationRequiredShutsOutClaimsButNotProofs_S3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"verification_required=true"}})
		secret, _ := e.Apps.CreateVerificationSecret(context.Background(), e.App.ID, "")
		claimed := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "nobody-proved-me"}})
		if claimed.CanChat || claimed.AuthFailure == nil || claimed.AuthFailure.Code != string(kith.CodeMissingUserAuthToken) {
			t.Fatalf("an identity without proof: %+v, want no chat and missing_user_auth_token", claimed)
		}
		wantError(t, e.Do("GET", "/widget/v1/conversations", claimed.Session, nil), http.StatusForbidden, kith.CodeVerificationRequired, "")
		wantError(t, e.TryStartSession(hashed(e, "kith_vs_wrong", "ada", "")), http.StatusUnauthorized, kith.CodeInvalidUserAuthToken, "user_hash")
		if ok := e.StartSession(hashed(e, secret.Secret, "ada", "")); !ok.CanChat || ok.User.Trust != "verified" {
			t.Fatalf("a valid hash: %+v", ok)
		}
		if anon := e.StartSession(nil); !anon.CanChat {
			t.Fatal("an anonymous visitor cannot chat when verification is required")
		}
	})
}

func TestWidget_JWTMakesAVerifiedUserInItsWorkspace_M4_V4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		k, err := e.Apps.AddJWTKey(context.Background(), e.App.ID, apps.JWTKeySpec{Kid: "main", Alg: keys.AlgHS256})
		if err != nil {
			t.Fatal(err)
		}
		sign := func(claims jwt.MapClaims) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
			tok.Header["kid"] = "main"
			s, _ := tok.SignedString([]byte(k.Secret))
			return s
		}
		exp := time.Now().Add(time.Hour).Unix()
		s := e.StartSession(map[string]any{"jwt": sign(jwt.MapClaims{"sub": "grace", "name": "Grace", "account_ref": "acme.com",
			"workspace_ref": "support", "aud": e.App.ID, "exp": exp})})
		if s.User.Trust != "verified" || s.User.DisplayName != "Grace" {
			t.Fatalf("a valid JWT: %+v", s)
		}
		conv := startConversation(t, e, s.Session, "in support")
		got := e.Do("GET", "/api/v1/conversations/"+conv, e.APIToken, nil).JSON(t)
		if got["workspace_ref"] != "support" || got["verified"] != true {
			t.Fatalf("the conversation as agents see it: %v, want verified in the workspace the JWT names", got)
		}
		for name, tok := range map[string]string{
			"expired":        sign(jwt.MapClaims{"sub": "grace", "exp": time.Now().Add(-time.Hour).Unix()}),
			"another app":    sign(jwt.MapClaims{"sub": "grace", "exp": exp, "aud": "app_elsewhere"}),
			"alg none":       strings.Join(strings.Split(sign(jwt.MapClaims{"sub": "grace", "exp": exp}), ".")[:2], ".") + ".",
			"no exp":         sign(jwt.MapClaims{"sub": "grace"}),
			"a placeholder":  sign(jwt.MapClaims{"sub": "null", "exp": exp}),
			"wrong password": "eyJhbGciOiJIUzI1NiIsImtpZCI6Im1haW4ifQ.eyJzdWIiOiJncmFjZSJ9.c2ln",
		} {
			r := e.TryStartSession(map[string]any{"jwt": tok})
			if r.Status != http.StatusUnauthorized || r.Err(t).Code != string(kith.CodeInvalidJWT) {
				t.Errorf("%s: %d %s, want 401 invalid_jwt", name, r.Status, r.Body)
			}
		}
	})
}
