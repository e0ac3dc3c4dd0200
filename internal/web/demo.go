package web

import (
	"bytes"
	"context"
	"crypto/rand"
	_ "embed"
	"encoding/hex"
	"html/template"
	"net/http"
	"strconv"
)

//go:embed demo.html
var demoHTML string

var demoPage = template.Must(template.New("demo").Parse(demoHTML))

// Demo serves /demo: a page that explains itself and embeds the widget for
// the app that appID returns, with buttons to log in as an unverified user,
// log out and open the chat. The page runs under a strict
// Content-Security-Policy (no inline script or style without its nonce), as
// a careful host page would.
func Demo(appID func(ctx context.Context) (string, error)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		h := w.Header()
		h.Set("Cache-Control", "no-store")
		h.Set("X-Content-Type-Options", "nosniff")
		id, err := appID(r.Context())
		if err != nil || id == "" {
			http.Error(w, "The demo is not available: there is no app to show. See the server's log.", http.StatusServiceUnavailable)
			return
		}
		nonce := newNonce()
		var buf bytes.Buffer
		err = demoPage.Execute(&buf, struct{ AppID, Origin, Nonce string }{id, origin(r), nonce})
		if err != nil {
			http.Error(w, "internal error", http.StatusInternalServerError)
			return
		}
		h.Set("Content-Type", "text/html; charset=utf-8")
		h.Set("Content-Security-Policy", "default-src 'none'; script-src 'self' 'nonce-"+nonce+"'; style-src 'nonce-"+nonce+"'; "+
			"connect-src 'self'; img-src 'self' data:; base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("Content-Length", strconv.Itoa(buf.Len()))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(buf.Bytes())
	})
}

// origin is the address the page was reached at, for the snippet it shows.
// It is only ever printed as escaped text.
func origin(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil || r.Header.Get("X-Forwarded-Proto") == "https" {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

func newNonce() string {
	b := make([]byte, 16)
	rand.Read(b)
	return hex.EncodeToString(b) // hex: nothing for html/template to escape
}
