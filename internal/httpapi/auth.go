package httpapi

import (
	"context"
	"net/http"
	"strings"

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
// servers: these endpoints send no CORS headers, so a browser's preflight for
// an Authorization header fails and a page cannot use a leaked token.
func (s *Server) authenticate(r *http.Request, scope kith.Scope) (*kith.App, *kith.AccessToken, error) {
	return s.apps.Authenticate(r.Context(), accessToken(r), scope)
}

// appKey carries the app of an authenticated server API request.
type appKey struct{}

// api wraps a server API handler: the token must have scope api, and the
// handler finds the caller's app (and so organization) in the context.
func (s *Server) api(h handlerFunc) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		app, _, err := s.authenticate(r, kith.ScopeAPI)
		if err != nil {
			return err
		}
		return h(w, r.WithContext(context.WithValue(r.Context(), appKey{}, app)))
	}
}

// callerOrg returns the organization of the server API caller.
func callerOrg(r *http.Request) string {
	return r.Context().Value(appKey{}).(*kith.App).OrgID
}
