package httpapi

import (
	"context"
	"net/http"
	"strings"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
)

// accessToken reads an application access token from the Authorization
// header, as DevRev sends it (the bare token) or as a Bearer token.
func accessToken(r *http.Request) string {
	h := strings.TrimSpace(r.Header.Get("Authorization"))
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return h
}

// authenticate checks the request's access token for scope. AATs are for
// servers, never browsers (spec section 1): a request a browser made is
// refused before its token is even looked at, so that a page that holds a
// leaked token learns nothing from it, and gets no CORS headers either.
func (s *Server) authenticate(r *http.Request, scope kith.Scope) (*kith.App, *kith.AccessToken, error) {
	if fromBrowser(r) {
		return nil, nil, kith.Errorf(kith.CodeBackendOnly, "",
			"this endpoint takes an application access token, a server-side secret: call it from your backend, never from a browser")
	}
	return s.apps.Authenticate(r.Context(), accessToken(r), scope)
}

// fromBrowser reports whether a browser made the request: browsers send
// Origin on every cross-origin request and on every POST, and Fetch
// Metadata (Sec-Fetch-Site) on every request; "none" is a navigation the
// user typed. Backend clients send neither (Node's fetch sends
// Sec-Fetch-Mode only), and a script that forges them only refuses itself.
func fromBrowser(r *http.Request) bool {
	if r.Header.Get("Origin") != "" {
		return true
	}
	site := r.Header.Get("Sec-Fetch-Site")
	return site != "" && site != "none"
}

// apiCaller is the app and token of an authenticated server API request.
type apiCaller struct {
	app   *kith.App
	token *kith.AccessToken
}

type apiCallerKey struct{}

// api wraps a server API handler: the token must have scope api, and the
// handler finds the caller's app and token in the context.
func (s *Server) api(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		app, tok, err := s.authenticate(r, kith.ScopeAPI)
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), apiCallerKey{}, apiCaller{app, tok})))
	}
}

func callerOf(r *http.Request) apiCaller { return r.Context().Value(apiCallerKey{}).(apiCaller) }

// callerOrg returns the organization of the server API caller: its
// directory (users, accounts, workspaces, field definitions) is shared by
// all its apps.
func callerOrg(r *http.Request) string { return callerOf(r).app.OrgID }

// callerReach is what of the organization the caller's token reaches:
// its own app's conversations and sessions, or every app's with scope org.
func callerReach(r *http.Request) chat.Reach {
	c := callerOf(r)
	if c.token.Has(kith.ScopeOrg) {
		return chat.Reach{OrgID: c.app.OrgID}
	}
	return chat.Reach{OrgID: c.app.OrgID, AppID: c.app.ID}
}

// requireOrg refuses a request whose token lacks scope org.
func requireOrg(r *http.Request) error {
	if !callerOf(r).token.Has(kith.ScopeOrg) {
		return kith.Errorf(kith.CodeInsufficientScope, "authorization",
			"this changes every app of the organization: it needs an access token with the org scope")
	}
	return nil
}
