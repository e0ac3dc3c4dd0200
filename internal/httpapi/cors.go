package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strings"

	"github.com/kith-chat/kith/internal/kith"
)

// The widget's endpoints are called from the company's pages, so they
// answer CORS. A preflight cannot say which app it is for (the app is in
// the body or the session), so every preflight of a widget path is allowed
// and reveals nothing; the request itself is refused unless its origin is
// one of the app's allowed_origins, or Kith's own origin (the demo page).
// A new app allows no other origin until its site is listed, so that a page
// elsewhere cannot borrow it; "*" allows every origin.

// preflight answers the CORS preflight of the widget's endpoints.
func preflight(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		h := w.Header()
		h.Set("Access-Control-Allow-Origin", origin)
		h.Set("Access-Control-Allow-Methods", "GET, POST, DELETE")
		h.Set("Access-Control-Allow-Headers", "Authorization, Content-Type")
		h.Set("Access-Control-Max-Age", "600")
		h.Add("Vary", "Origin")
	}
	w.WriteHeader(http.StatusNoContent)
}

// allowOrigin checks the request's origin against the app's allowed
// origins and, for a cross-origin request, sends the CORS answer.
func allowOrigin(w http.ResponseWriter, r *http.Request, app *kith.App) error {
	origin := r.Header.Get("Origin")
	w.Header().Add("Vary", "Origin")
	if origin == "" {
		return nil // not a browser's cross-origin request
	}
	if !originAllowed(app, r, origin) {
		return kith.Errorf(kith.CodeOriginNotAllowed, "origin",
			"this page's origin is not among the app's allowed_origins")
	}
	w.Header().Set("Access-Control-Allow-Origin", origin)
	return nil
}

// originAllowed reports whether a page of origin may use app: Kith's own
// pages always may (an origin whose host is the one the request was sent
// to), others when allowed_origins lists them or is "*".
func originAllowed(app *kith.App, r *http.Request, origin string) bool {
	if u, err := url.Parse(origin); err == nil && u.Host != "" && strings.EqualFold(u.Host, r.Host) {
		return true
	}
	allowed := app.Settings.AllowedOrigins
	return slices.Contains(allowed, kith.AnyOrigin) || slices.Contains(allowed, strings.ToLower(origin))
}

// echoOrigin lets a page read an error answered before its app is known
// (a bad body, an unknown app, an ended session), so that the widget can
// react, as a preflight does: such an answer tells nothing about an app.
func echoOrigin(w http.ResponseWriter, r *http.Request) {
	if origin := r.Header.Get("Origin"); origin != "" {
		w.Header().Set("Access-Control-Allow-Origin", origin)
		w.Header().Add("Vary", "Origin")
	}
}
