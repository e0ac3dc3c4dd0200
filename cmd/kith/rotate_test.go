package main_test

import (
	"net/http"
	"testing"

	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/storetest"
)

// TestBinary_RotatingTheSessionSecretEndsUnredeemedTokens_S2 rotates an
// app's session-signing secret from the CLI beside a running server: the
// session tokens signed before stop working at once, the widget sessions
// started before go on, and new tokens work.
func TestBinary_RotatingTheSessionSecretEndsUnredeemedTokens_S2(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, kind)
			var app map[string]string
			kithJSON(t, dir, &app, "apps", "create", "--name", "Rotate", "--db", db)
			srv := serve(t, dir, "--db", db)
			mint := func() string {
				r := srv.do(t, "POST", "/internal/auth-tokens.create", app["access_token"], `{"rev_info":{"user_ref":"rot"}}`)
				if r.Status != http.StatusCreated {
					t.Fatalf("mint: %d %s", r.Status, r.Body)
				}
				return r.JSON(t)["access_token"].(string)
			}
			start := func(token string) *kithtest.Response {
				return kithtest.Do(t, srv.URL, "POST", "/widget/v1/sessions", nil,
					map[string]any{"app_id": app["app_id"], "session_token": token})
			}
			started := start(mint())
			if started.Status != http.StatusCreated {
				t.Fatalf("start a session: %d %s", started.Status, started.Body)
			}
			session := started.JSON(t)["session"].(string)
			pending := mint()

			var rotated map[string]any
			kithJSON(t, dir, &rotated, "apps", "rotate-session-secret", app["app_id"], "--db", db)
			if rotated["rotated"] != true {
				t.Fatalf("rotate printed %v", rotated)
			}

			if r := start(pending); r.Status != http.StatusUnauthorized || r.Err(t).Code != "invalid_session_token" {
				t.Fatalf("a token signed before the rotation: %d %s, want 401 invalid_session_token", r.Status, r.Body)
			}
			if r := kithtest.Do(t, srv.URL, "GET", "/widget/v1/conversations", map[string]string{"Authorization": "Bearer " + session}, nil); r.Status != http.StatusOK {
				t.Fatalf("a widget session started before the rotation: %d %s, want it to go on", r.Status, r.Body)
			}
			if r := start(mint()); r.Status != http.StatusCreated {
				t.Fatalf("a token signed after the rotation: %d %s", r.Status, r.Body)
			}
		})
	}
}
