package web

import (
	"bytes"
	"compress/gzip"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
)

func TestScript_ServesWithETagAndGzip(t *testing.T) {
	srv := httptest.NewServer(Script())
	t.Cleanup(srv.Close)
	raw := loadScript().raw

	get := func(t *testing.T, method string, header map[string]string) (*http.Response, []byte) {
		t.Helper()
		req, err := http.NewRequest(method, srv.URL+"/widget.js", nil)
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range header {
			req.Header.Set(k, v)
		}
		// A bare transport: the default one would ask for gzip and undo it.
		res, err := (&http.Transport{DisableCompression: true}).RoundTrip(req)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		body, err := io.ReadAll(res.Body)
		if err != nil {
			t.Fatal(err)
		}
		return res, body
	}

	plain, body := get(t, "GET", nil)
	if plain.StatusCode != 200 {
		t.Fatalf("GET: status %d", plain.StatusCode)
	}
	if ct := plain.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/javascript") {
		t.Errorf("Content-Type %q, want application/javascript", ct)
	}
	if cc := plain.Header.Get("Cache-Control"); cc != "public, max-age=300" {
		t.Errorf("Cache-Control %q", cc)
	}
	etag := plain.Header.Get("ETag")
	if !strings.HasPrefix(etag, `"`) || !strings.HasSuffix(etag, `"`) || len(etag) < 10 {
		t.Errorf("ETag %q, want a strong ETag", etag)
	}
	if plain.Header.Get("Content-Encoding") != "" || !bytes.Equal(body, raw) {
		t.Errorf("without Accept-Encoding: encoding %q, %d bytes, want the bundle as is", plain.Header.Get("Content-Encoding"), len(body))
	}
	if !strings.Contains(plain.Header.Get("Vary"), "Accept-Encoding") {
		t.Error("no Vary: Accept-Encoding")
	}

	zipped, zbody := get(t, "GET", map[string]string{"Accept-Encoding": "br, gzip;q=0.8"})
	if zipped.Header.Get("Content-Encoding") != "gzip" {
		t.Fatalf("with gzip accepted: Content-Encoding %q", zipped.Header.Get("Content-Encoding"))
	}
	zr, err := gzip.NewReader(bytes.NewReader(zbody))
	if err != nil {
		t.Fatal(err)
	}
	unzipped, err := io.ReadAll(zr)
	if err != nil || !bytes.Equal(unzipped, raw) {
		t.Fatalf("the gzipped body is not the bundle (err %v)", err)
	}
	if len(zbody) >= len(raw) {
		t.Errorf("gzipped %d bytes, not smaller than %d", len(zbody), len(raw))
	}
	gzTag := zipped.Header.Get("ETag")
	if gzTag == etag || strings.HasPrefix(gzTag, "W/") {
		t.Errorf("gzip ETag %q: want a strong ETag of its own (plain is %q)", gzTag, etag)
	}

	refused, _ := get(t, "GET", map[string]string{"Accept-Encoding": "gzip;q=0, identity"})
	if refused.Header.Get("Content-Encoding") != "" {
		t.Error("gzip;q=0 still got gzip")
	}

	for _, tc := range []struct {
		name, ifNoneMatch, acceptEncoding string
	}{
		{"plain tag", etag, ""},
		{"gzip tag", gzTag, "gzip"},
		{"in a list", `"other", ` + etag, ""},
		{"weak form", "W/" + etag, ""},
		{"star", "*", "gzip"},
	} {
		t.Run("304 "+tc.name, func(t *testing.T) {
			res, b := get(t, "GET", map[string]string{"If-None-Match": tc.ifNoneMatch, "Accept-Encoding": tc.acceptEncoding})
			if res.StatusCode != http.StatusNotModified || len(b) != 0 {
				t.Fatalf("status %d with %d bytes, want 304 and no body", res.StatusCode, len(b))
			}
			if res.Header.Get("ETag") == "" || res.Header.Get("Cache-Control") == "" {
				t.Error("a 304 must repeat ETag and Cache-Control")
			}
		})
	}
	stale, _ := get(t, "GET", map[string]string{"If-None-Match": `"old"`})
	if stale.StatusCode != 200 {
		t.Errorf("a stale If-None-Match: status %d, want 200", stale.StatusCode)
	}

	head, hbody := get(t, "HEAD", nil)
	if head.StatusCode != 200 || len(hbody) != 0 || head.Header.Get("Content-Length") != plain.Header.Get("Content-Length") {
		t.Errorf("HEAD: status %d, %d bytes, Content-Length %q", head.StatusCode, len(hbody), head.Header.Get("Content-Length"))
	}
	post, _ := get(t, "POST", nil)
	if post.StatusCode != http.StatusMethodNotAllowed {
		t.Errorf("POST: status %d, want 405", post.StatusCode)
	}
}

func TestAcceptsGzip(t *testing.T) {
	for header, want := range map[string]bool{
		"":                     false,
		"gzip":                 true,
		"GZIP":                 true,
		"deflate, gzip":        true,
		"gzip;q=0":             false,
		"gzip; q=0.0":          false,
		"gzip;q=0.5":           true,
		"x-gzip":               true,
		"*":                    true,
		"*;q=0":                false,
		"*, gzip;q=0":          false,
		"br":                   false,
		"identity":             false,
		"gzip;q=bogus":         false,
		"deflate;q=1, *;q=0.1": true,
	} {
		if got := acceptsGzip(header); got != want {
			t.Errorf("acceptsGzip(%q) = %v, want %v", header, got, want)
		}
	}
}
