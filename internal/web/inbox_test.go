package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/web/bundle"
)

// TestInboxBundle_IsFresh rebuilds the inbox with the generator's own
// options and compares it with the committed script and stylesheet: go run
// needs no Node, so they are committed, and must match their sources.
func TestInboxBundle_IsFresh(t *testing.T) {
	root, err := bundle.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	js, css, err := bundle.BuildInbox(root)
	if err != nil {
		t.Fatalf("the inbox does not build: %v", err)
	}
	for _, f := range []struct {
		path      string
		got, want []byte
	}{{bundle.InboxScript, js, inboxScript().raw}, {bundle.InboxStyles, css, inboxStyle().raw}} {
		if !bytes.Equal(f.got, f.want) {
			t.Errorf("%s is stale (%d bytes committed, %d built from web/inbox/src): run go generate ./internal/web and commit it",
				f.path, len(f.want), len(f.got))
		}
	}
}

// TestInboxBundle_BuildsTextNeverMarkup keeps server text out of the
// parser: the inbox shows names, messages, notes and custom fields that
// visitors wrote, so it only ever makes text nodes.
func TestInboxBundle_BuildsTextNeverMarkup(t *testing.T) {
	js := inboxScript().raw
	for _, banned := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval(", "new Function"} {
		if bytes.Contains(js, []byte(banned)) {
			t.Errorf("the inbox uses %s: text from the server must only ever become text nodes", banned)
		}
	}
	if bytes.Contains(js, []byte("import ")) || bytes.Contains(js, []byte("require(")) {
		t.Error("the bundle still imports modules")
	}
	for _, want := range []string{"/inbox/api", "/inbox/api/events", "hello"} {
		if !bytes.Contains(js, []byte(want)) {
			t.Errorf("the bundle has no %q", want)
		}
	}
}

func get(t *testing.T, h http.Handler, method, path string, header map[string]string) (*http.Response, []byte) {
	t.Helper()
	req := httptest.NewRequest(method, path, nil)
	for k, v := range header {
		req.Header.Set(k, v)
	}
	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, req)
	res := rec.Result()
	body, _ := io.ReadAll(res.Body)
	return res, body
}

// routed serves Inbox at its patterns, as the server registers it, beside
// a stand-in for the API.
func routed() http.Handler {
	mux := http.NewServeMux()
	for _, p := range InboxPatterns {
		mux.Handle(p, Inbox())
	}
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"error":{"code":"not_found"}}`)
	})
	return mux
}

func TestInbox_PageIsAShellUnderAStrictPolicy(t *testing.T) {
	h := routed()
	for _, path := range []string{"/inbox", "/inbox/", "/inbox/c/cnv_06h0jabd89pcl7unhrb58uhheo", "/inbox/settings/agents"} {
		t.Run(path, func(t *testing.T) {
			res, body := get(t, h, "GET", path, nil)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
				t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
			}
			csp := res.Header.Get("Content-Security-Policy")
			for _, want := range []string{"default-src 'none'", "script-src 'self'", "style-src 'self'", "connect-src 'self'",
				"frame-ancestors 'none'", "base-uri 'none'", "object-src 'none'"} {
				if !strings.Contains(csp, want) {
					t.Errorf("Content-Security-Policy %q has no %q", csp, want)
				}
			}
			for _, bad := range []string{"unsafe-inline", "unsafe-eval", "nonce-", "*"} {
				if strings.Contains(csp, bad) {
					t.Errorf("Content-Security-Policy %q allows %s", csp, bad)
				}
			}
			for k, want := range map[string]string{"X-Frame-Options": "DENY", "X-Content-Type-Options": "nosniff",
				"Cache-Control": "no-store", "Referrer-Policy": "same-origin", "Cross-Origin-Opener-Policy": "same-origin"} {
				if got := res.Header.Get(k); got != want {
					t.Errorf("%s = %q, want %q", k, got, want)
				}
			}
			page := string(body)
			scripts := regexp.MustCompile(`<script[^>]*>`).FindAllString(page, -1)
			if len(scripts) != 1 || !strings.Contains(scripts[0], `src="/inbox/inbox.js?v=`+inboxScript().version+`"`) {
				t.Errorf("the page's scripts are %q: want only /inbox/inbox.js at its version", scripts)
			}
			if regexp.MustCompile(`<script[^>]*>[^<]+</script>`).MatchString(page) || strings.Contains(page, "<style") ||
				strings.Contains(page, " style=") || regexp.MustCompile(` on[a-z]+=`).MatchString(page) {
				t.Error("the page has inline script or style, which its policy would refuse")
			}
			if !strings.Contains(page, `<link rel="stylesheet" href="/inbox/inbox.css?v=`+inboxStyle().version+`">`) {
				t.Error("the page does not load /inbox/inbox.css at its version")
			}
		})
	}
}

func TestInbox_PatternsLeaveTheAPIAlone(t *testing.T) {
	h := routed()
	for _, path := range []string{"/inbox/api/me", "/inbox/api/conversations", "/inbox/api/", "/inbox/api", "/inbox/c/x/thread", "/inbox/nope"} {
		res, body := get(t, h, "GET", path, nil)
		if res.StatusCode != 404 || strings.Contains(string(body), "<!doctype") {
			t.Errorf("GET %s: status %d, %.40q: want the API's 404, not the inbox's page", path, res.StatusCode, body)
		}
	}
	for _, p := range InboxPatterns {
		if strings.Contains(p, "/inbox/api") {
			t.Errorf("pattern %q is under the API", p)
		}
	}
	// Served directly, paths that are not the inbox's are 404 too.
	for _, path := range []string{"/inbox/api/me", "/inbox/c/", "/inbox/c/a/b", "/inbox/settings/"} {
		if res, _ := get(t, Inbox(), "GET", path, nil); res.StatusCode != 404 {
			t.Errorf("Inbox() GET %s: status %d, want 404", path, res.StatusCode)
		}
	}
	if res, _ := get(t, Inbox(), "POST", "/inbox", nil); res.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST /inbox: status %d, want 405", res.StatusCode)
	}
}

func TestInbox_ServesItsFilesWithETagsAndGzip(t *testing.T) {
	h := routed()
	for _, f := range []struct {
		path, ctype string
		a           *asset
	}{{"/inbox/inbox.js", "application/javascript", inboxScript()}, {"/inbox/inbox.css", "text/css", inboxStyle()}} {
		t.Run(f.path, func(t *testing.T) {
			res, body := get(t, h, "GET", f.path+"?v="+f.a.version, nil)
			if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), f.ctype) || !bytes.Equal(body, f.a.raw) {
				t.Fatalf("status %d, Content-Type %q, %d bytes", res.StatusCode, res.Header.Get("Content-Type"), len(body))
			}
			if cc := res.Header.Get("Cache-Control"); cc != "public, max-age=31536000, immutable" {
				t.Errorf("at its version: Cache-Control %q", cc)
			}
			if res.Header.Get("X-Content-Type-Options") != "nosniff" {
				t.Error("no nosniff")
			}
			if res, _ := get(t, h, "GET", f.path+"?v=old", nil); res.Header.Get("Cache-Control") != "no-cache" {
				t.Errorf("at another version: Cache-Control %q, want no-cache", res.Header.Get("Cache-Control"))
			}
			zres, zbody := get(t, h, "GET", f.path, map[string]string{"Accept-Encoding": "gzip"})
			if zres.Header.Get("Content-Encoding") != "gzip" {
				t.Fatalf("Content-Encoding %q", zres.Header.Get("Content-Encoding"))
			}
			zr, err := gzip.NewReader(bytes.NewReader(zbody))
			if err != nil {
				t.Fatal(err)
			}
			if unzipped, _ := io.ReadAll(zr); !bytes.Equal(unzipped, f.a.raw) {
				t.Error("the gzipped body is not the file")
			}
			if res, _ := get(t, h, "GET", f.path, map[string]string{"If-None-Match": res.Header.Get("ETag")}); res.StatusCode != http.StatusNotModified {
				t.Errorf("If-None-Match: status %d, want 304", res.StatusCode)
			}
		})
	}
}
