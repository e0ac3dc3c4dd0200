package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

// InboxPatterns are the routes the inbox's page and files answer, for
// http.ServeMux: the page at /inbox and at the client's own routes (a
// conversation, a settings page), and its script and stylesheet. None is
// under /inbox/api/, the inbox's API.
var InboxPatterns = []string{
	"GET /inbox",
	"GET /inbox/{$}",
	"GET /inbox/c/{id}",
	"GET /inbox/settings/{page}",
	"GET " + inboxScriptPath,
	"GET " + inboxStylePath,
}

const (
	inboxScriptPath = "/inbox/inbox.js"
	inboxStylePath  = "/inbox/inbox.css"
)

// inboxCSP is the page's Content-Security-Policy: its own script and
// stylesheet only (no inline code of any kind), requests and the live
// socket to its own origin, no framing, no plugins, no form posted
// elsewhere.
const inboxCSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; " +
	"connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'; object-src 'none'"

// asset is an embedded file as served: its bytes, gzipped once, and the
// strong ETags of both representations.
type asset struct {
	contentType   string
	raw, gz       []byte
	etag, gzipTag string
	// version names this content in the page's URLs, so that a new
	// bundle is fetched at once and an old one may be kept for long.
	version string
}

func newAsset(path, contentType string) *asset {
	raw, err := static.ReadFile(path)
	if err != nil {
		panic("web: " + path + " is not embedded: " + err.Error())
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(raw)
	zw.Close()
	sum := sha256.Sum256(raw)
	tag := hex.EncodeToString(sum[:12])
	return &asset{contentType: contentType, raw: raw, gz: buf.Bytes(), etag: `"` + tag + `"`, gzipTag: `"` + tag + `-gzip"`,
		version: tag[:16]}
}

var (
	inboxScript = sync.OnceValue(func() *asset { return newAsset("static/inbox.js", "application/javascript; charset=utf-8") })
	inboxStyle  = sync.OnceValue(func() *asset { return newAsset("static/inbox.css", "text/css; charset=utf-8") })
	inboxPage   = sync.OnceValue(func() []byte {
		// Nothing in the page comes from a request: it is the same bytes
		// for everyone, and the script asks the API who is logged in.
		return []byte(`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="light">
<meta name="referrer" content="same-origin">
<title>Inbox · Kith</title>
<link rel="icon" href="data:,">
<link rel="stylesheet" href="` + inboxStylePath + `?v=` + inboxStyle().version + `">
<script src="` + inboxScriptPath + `?v=` + inboxScript().version + `" defer></script>
</head>
<body>
<div id="kith-inbox"><noscript><p>The Kith inbox needs JavaScript.</p></noscript></div>
</body>
</html>
`)
	})
)

// Inbox serves the agents' inbox (I1): the page, an HTML shell that loads
// /inbox/inbox.js and /inbox/inbox.css, at every pattern of InboxPatterns
// but those two, which it serves as files (with ETags, gzip, and a long
// cache life when asked for by the version the page names). The page may
// not be framed (X-Frame-Options DENY, frame-ancestors 'none') and runs
// under a strict Content-Security-Policy: no inline script or style. It
// answers GET and HEAD.
func Inbox() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		switch p := r.URL.Path; {
		case p == inboxScriptPath:
			serveAsset(w, r, inboxScript())
		case p == inboxStylePath:
			serveAsset(w, r, inboxStyle())
		case isInboxPage(p):
			serveInboxPage(w, r)
		default:
			http.NotFound(w, r)
		}
	})
}

// isInboxPage reports whether path is one of the client's routes: /inbox,
// /inbox/, /inbox/c/ID or /inbox/settings/PAGE.
func isInboxPage(path string) bool {
	if path == "/inbox" || path == "/inbox/" {
		return true
	}
	for _, prefix := range []string{"/inbox/c/", "/inbox/settings/"} {
		if rest, ok := strings.CutPrefix(path, prefix); ok {
			return rest != "" && !strings.Contains(rest, "/")
		}
	}
	return false
}

func securityHeaders(h http.Header) {
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("X-Frame-Options", "DENY")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	h.Set("Cross-Origin-Resource-Policy", "same-origin")
}

func serveInboxPage(w http.ResponseWriter, r *http.Request) {
	page := inboxPage()
	h := w.Header()
	securityHeaders(h)
	h.Set("Content-Security-Policy", inboxCSP)
	h.Set("Permissions-Policy", "camera=(), microphone=(), geolocation=(), payment=()")
	h.Set("Cache-Control", "no-store")
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Content-Length", strconv.Itoa(len(page)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(page)
}

func serveAsset(w http.ResponseWriter, r *http.Request, a *asset) {
	body, etag := a.raw, a.etag
	h := w.Header()
	securityHeaders(h)
	h.Set("Vary", "Accept-Encoding")
	if acceptsGzip(r.Header.Get("Accept-Encoding")) {
		body, etag = a.gz, a.gzipTag
		h.Set("Content-Encoding", "gzip")
	}
	h.Set("Content-Type", a.contentType)
	if r.URL.Query().Get("v") == a.version {
		h.Set("Cache-Control", "public, max-age=31536000, immutable")
	} else {
		h.Set("Cache-Control", "no-cache")
	}
	h.Set("ETag", etag)
	if noneMatch(r.Header.Get("If-None-Match"), a.etag, a.gzipTag) {
		h.Del("Content-Encoding")
		w.WriteHeader(http.StatusNotModified)
		return
	}
	h.Set("Content-Length", strconv.Itoa(len(body)))
	if r.Method == http.MethodHead {
		return
	}
	w.Write(body)
}
