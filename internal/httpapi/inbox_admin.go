package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
)

// The inbox's settings for admins (I3, section 9): their organization's
// apps and settings, access tokens, verification secrets, JWT keys,
// aliases and custom fields.
//
// An admin holds, for the apps of their organization, what an access
// token with the scopes api, keys and org holds for its app: the keyring
// and field handlers of the server API serve them unchanged, with the app
// named in the path instead of by a token.

// adminScopes are the rights of an admin over their organization's apps.
var adminScopes = []kith.Scope{kith.ScopeAPI, kith.ScopeKeys, kith.ScopeOrg}

// inboxAdminOnApp wraps a server API handler for an admin of the app in
// the path: another organization's app is not found (V6).
func (s *Server) inboxAdminOnApp(h handlerFunc) handlerFunc {
	return s.inboxAdmin(func(w http.ResponseWriter, r *http.Request) error {
		c := inboxCaller(r)
		app, err := s.apps.App(r.Context(), r.PathValue("app"))
		if err != nil {
			return err
		}
		if app.OrgID != c.Agent.OrgID {
			return kith.NotFound("app")
		}
		tok := &kith.AccessToken{ID: "agent:" + c.Agent.ID, AppID: app.ID, OrgID: app.OrgID, Scopes: adminScopes}
		return h(w, r.WithContext(context.WithValue(r.Context(), apiCallerKey{}, apiCaller{app: app, token: tok})))
	})
}

type appJSON struct {
	ID        string         `json:"id"`
	Name      string         `json:"name"`
	Settings  map[string]any `json:"settings"`
	CreatedAt time.Time      `json:"created_at"`
}

func newAppJSON(a *kith.App) appJSON {
	st := a.Settings
	return appJSON{ID: a.ID, Name: a.Name, CreatedAt: a.CreatedAt, Settings: map[string]any{
		"verification_required":      st.VerificationRequired,
		"email_unique":               st.EmailUnique,
		"anonymous_expiry":           apps.FormatDuration(st.AnonymousExpiry),
		"on_login":                   st.OnLogin,
		"allowed_origins":            nonNil(st.AllowedOrigins),
		"session_token_max_lifetime": apps.FormatDuration(st.SessionTokenMaxLifetime),
	}}
}

func (s *Server) inboxApps(w http.ResponseWriter, r *http.Request) error {
	list, err := s.store.Apps(r.Context(), inboxCaller(r).Agent.OrgID)
	if err != nil {
		return err
	}
	out := struct {
		Data []appJSON `json:"data"`
	}{Data: []appJSON{}}
	for _, a := range list {
		out.Data = append(out.Data, newAppJSON(a))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

// inboxUpdateApp changes an app's settings, all or none, by the names the
// CLI's --set takes: {"settings": {"verification_required": true,
// "allowed_origins": ["https://shop.example"]}}.
func (s *Server) inboxUpdateApp(w http.ResponseWriter, r *http.Request) error {
	app := callerOf(r).app
	var req struct {
		Settings map[string]any `json:"settings"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if len(req.Settings) == 0 {
		return missing("settings", "the settings to change, by name")
	}
	names := make([]string, 0, len(req.Settings))
	for name := range req.Settings {
		names = append(names, name)
	}
	sort.Strings(names)
	set := make([]string, 0, len(names))
	for _, name := range names {
		v, err := settingValue(name, req.Settings[name])
		if err != nil {
			return err
		}
		set = append(set, name+"="+v)
	}
	updated, err := s.apps.UpdateSettings(r.Context(), app.ID, set)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, newAppJSON(updated))
	return nil
}

// settingValue writes a JSON setting as the CLI's value: booleans and
// strings as they are, a list of origins joined by commas.
func settingValue(name string, v any) (string, error) {
	switch v := v.(type) {
	case bool:
		return fmt.Sprint(v), nil
	case string:
		if strings.ContainsAny(v, "\n\r") {
			return "", kith.Errorf(kith.CodeInvalidField, "settings."+name, "settings.%s has a line break", name)
		}
		return v, nil
	case []any:
		parts := make([]string, len(v))
		for i, p := range v {
			str, ok := p.(string)
			if !ok || strings.Contains(str, ",") {
				return "", kith.Errorf(kith.CodeInvalidField, fmt.Sprintf("settings.%s[%d]", name, i), "settings.%s is a list of origins", name)
			}
			parts[i] = str
		}
		return strings.Join(parts, ","), nil
	default:
		return "", kith.Errorf(kith.CodeInvalidField, "settings."+name, "settings.%s is a boolean, a string or a list of strings", name)
	}
}

type tokenJSON struct {
	ID         string       `json:"id"`
	Scopes     []kith.Scope `json:"scopes"`
	CreatedAt  time.Time    `json:"created_at"`
	ExpiresAt  *time.Time   `json:"expires_at"`
	RevokedAt  *time.Time   `json:"revoked_at"`
	LastUsedAt *time.Time   `json:"last_used_at"`
	// Token is the secret, in the answer that made it only.
	Token string `json:"access_token,omitempty"`
}

func newTokenJSON(t *kith.AccessToken) tokenJSON {
	return tokenJSON{ID: t.ID, Scopes: nonNil(t.Scopes), CreatedAt: t.CreatedAt, ExpiresAt: optTime(t.ExpiresAt),
		RevokedAt: optTime(t.RevokedAt), LastUsedAt: optTime(t.LastUsedAt)}
}

func (s *Server) inboxTokens(w http.ResponseWriter, r *http.Request) error {
	list, err := s.apps.Tokens(r.Context(), callerOf(r).app.ID)
	if err != nil {
		return err
	}
	out := struct {
		Data []tokenJSON `json:"data"`
	}{Data: []tokenJSON{}}
	for _, t := range list {
		out.Data = append(out.Data, newTokenJSON(t))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) inboxCreateToken(w http.ResponseWriter, r *http.Request) error {
	var req struct {
		Scopes    []kith.Scope `json:"scopes"`
		ExpiresIn opt[string]  `json:"expires_in"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	var ttl time.Duration
	if req.ExpiresIn.Set && !req.ExpiresIn.Null && req.ExpiresIn.V != "" {
		d, err := apps.ParseDuration("expires_in", req.ExpiresIn.V)
		if err != nil {
			return err
		}
		ttl = d
	}
	tok, err := s.apps.CreateToken(r.Context(), callerOf(r).app.ID, req.Scopes, ttl)
	if err != nil {
		return err
	}
	out := newTokenJSON(tok.AccessToken)
	out.Token = tok.Secret
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) inboxRevokeToken(w http.ResponseWriter, r *http.Request) error {
	app := callerOf(r).app
	t, err := s.store.AccessToken(r.Context(), r.PathValue("id"))
	if err != nil {
		return err
	}
	if t.AppID != app.ID {
		return kith.NotFound("access token")
	}
	if err := s.apps.RevokeToken(r.Context(), t.ID); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
