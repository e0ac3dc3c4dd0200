package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// TestInbox_AdminsManageSettingsAndKeysOfTheirAppsOnly_I3: settings,
// access tokens, verification secrets, JWT keys, aliases and fields from
// the inbox, as the CLI and the server API do; agents may not, and
// another organization's app is not found.
func TestInbox_AdminsManageSettingsAndKeysOfTheirAppsOnly_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.NewAgent("admin@acme.com", kith.RoleAdmin)
		e.NewAgent("sam@acme.com", kith.RoleAgent)
		admin, sam := e.Login("admin@acme.com"), e.Login("sam@acme.com")
		app := "/inbox/api/apps/" + e.App.ID

		if apps := admin.Do("GET", "/inbox/api/apps", nil).JSON(t)["data"].([]any); len(apps) != 1 {
			t.Fatalf("apps: %v", apps)
		}
		r := admin.Do("PATCH", app, map[string]any{"settings": map[string]any{"verification_required": true,
			"allowed_origins": []string{"https://shop.example"}, "anonymous_expiry": "3d"}})
		set, _ := r.JSON(t)["settings"].(map[string]any)
		if r.Status != http.StatusOK || set["verification_required"] != true || set["anonymous_expiry"] != "3d" {
			t.Fatalf("update settings: %d %s", r.Status, r.Body)
		}
		got, _ := st.App(t.Context(), e.App.ID)
		if !got.Settings.VerificationRequired || len(got.Settings.AllowedOrigins) != 1 {
			t.Fatalf("the stored settings: %+v", got.Settings)
		}
		// All or none: one bad setting changes nothing.
		r = admin.Do("PATCH", app, map[string]any{"settings": map[string]any{"email_unique": false, "on_login": "sometimes"}})
		if r.Status != http.StatusBadRequest {
			t.Fatalf("a bad setting: %d %s", r.Status, r.Body)
		}
		if got, _ := st.App(t.Context(), e.App.ID); !got.Settings.EmailUnique {
			t.Fatal("a refused update changed a setting")
		}

		tok := admin.Do("POST", app+"/tokens", map[string]any{"scopes": []string{"sessions"}, "expires_in": "30d"})
		secret, _ := tok.JSON(t)["access_token"].(string)
		if tok.Status != http.StatusCreated || !strings.HasPrefix(secret, "kith_aat_") {
			t.Fatalf("create a token: %d %s", tok.Status, tok.Body)
		}
		list := admin.Do("GET", app+"/tokens", nil)
		if strings.Contains(string(list.Body), secret) {
			t.Fatal("the token list shows a secret")
		}
		if r := admin.Do("DELETE", app+"/tokens/"+tok.JSON(t)["id"].(string), nil); r.Status != http.StatusNoContent {
			t.Fatalf("revoke: %d %s", r.Status, r.Body)
		}
		if r := e.Do("POST", "/internal/auth-tokens.create", secret, map[string]any{"rev_info": map[string]any{"user_ref": "x"}}); r.Status != http.StatusUnauthorized {
			t.Fatalf("the revoked token still mints: %d", r.Status)
		}

		vs := admin.Do("POST", app+"/verification-secrets", nil)
		if vs.Status != http.StatusCreated {
			t.Fatalf("a verification secret: %d %s", vs.Status, vs.Body)
		}
		hash := keys.UserHash(vs.JSON(t)["secret"].(string), "ada")
		if s := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "ada"}, "user_hash": hash}); s.User.Trust != "verified" {
			t.Fatalf("a hash made with the inbox's secret: %+v", s.User)
		}
		if r := admin.Do("POST", app+"/jwt-keys", map[string]string{"kid": "main", "alg": "HS256"}); r.Status != http.StatusCreated {
			t.Fatalf("a JWT key: %d %s", r.Status, r.Body)
		}
		if r := admin.Do("POST", app+"/aliases", map[string]string{"alias": "helpshift:acme/plat"}); r.Status != http.StatusCreated {
			t.Fatalf("an alias: %d %s", r.Status, r.Body)
		}
		if r := admin.Do("POST", app+"/custom-fields", map[string]any{"object": "user", "name": "tnt__plan", "type": "text"}); r.Status != http.StatusCreated {
			t.Fatalf("a field: %d %s", r.Status, r.Body)
		}

		// Agents cannot; other organizations' apps are not found.
		for _, path := range []string{"/inbox/api/apps", app + "/tokens", app + "/verification-secrets", app + "/jwt-keys", app + "/aliases"} {
			r := sam.Do("GET", path, nil)
			wantRefused(t, "an agent: GET "+path, r, http.StatusForbidden, kith.CodeAdminOnly)
		}
		other, _ := storetest.NewApp(t, st)
		for _, path := range []string{"/tokens", "/verification-secrets", "/jwt-keys", "/aliases", "/custom-fields"} {
			r := admin.Do("GET", "/inbox/api/apps/"+other.ID+path, nil)
			wantRefused(t, "another organization's app: "+path, r, http.StatusNotFound, kith.CodeNotFound)
		}
		r = admin.Do("PATCH", "/inbox/api/apps/"+other.ID, map[string]any{"settings": map[string]any{"verification_required": true}})
		wantRefused(t, "another organization's app's settings", r, http.StatusNotFound, kith.CodeNotFound)
		if got, _ := st.App(t.Context(), other.ID); got.Settings.VerificationRequired {
			t.Fatal("another organization's app changed")
		}
	})
}
