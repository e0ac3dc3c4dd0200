package web

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"embed"
	"encoding/hex"
	"net/http"
	"strconv"
	"strings"
	"sync"
)

//go:embed static/widget.js static/inbox.js static/inbox.css
var static embed.FS

// script is the bundle as served: its bytes, gzipped once, and the strong
// ETags of both representations.
type script struct {
	raw, gz       []byte
	etag, gzipTag string
}

var loadScript = sync.OnceValue(func() *script {
	raw, err := static.ReadFile("static/widget.js")
	if err != nil {
		panic("web: the widget bundle is not embedded: " + err.Error())
	}
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression) // the level is valid
	zw.Write(raw)
	zw.Close()
	sum := sha256.Sum256(raw)
	tag := hex.EncodeToString(sum[:12])
	return &script{
		raw:     raw,
		gz:      buf.Bytes(),
		etag:    `"` + tag + `"`,
		gzipTag: `"` + tag + `-gzip"`,
	}
})

// Script serves the widget bundle: at /widget.js, and at /static/plug.js so
// that DevRev PLuG's snippet works with only its host changed. It answers GET
// and HEAD with a strong ETag (one per encoding), Cache-Control "public,
// max-age=300", gzip when the client accepts it, and 304 on a matching
// If-None-Match. Any origin may load it, also with crossorigin and
// integrity attributes.
func Script() http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
			return
		}
		s := loadScript()
		body, etag := s.raw, s.etag
		h := w.Header()
		h.Set("Vary", "Accept-Encoding")
		if acceptsGzip(r.Header.Get("Accept-Encoding")) {
			body, etag = s.gz, s.gzipTag
			h.Set("Content-Encoding", "gzip")
		}
		h.Set("Content-Type", "application/javascript; charset=utf-8")
		h.Set("Cache-Control", "public, max-age=300")
		h.Set("ETag", etag)
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Access-Control-Allow-Origin", "*")
		h.Set("Cross-Origin-Resource-Policy", "cross-origin")
		if noneMatch(r.Header.Get("If-None-Match"), s.etag, s.gzipTag) {
			h.Del("Content-Encoding")
			w.WriteHeader(http.StatusNotModified)
			return
		}
		h.Set("Content-Length", strconv.Itoa(len(body)))
		if r.Method == http.MethodHead {
			return
		}
		w.Write(body)
	})
}

// acceptsGzip reads an Accept-Encoding header: gzip (or x-gzip, or *) with a
// quality above zero.
func acceptsGzip(header string) bool {
	star, gz := false, -1
	for _, part := range strings.Split(header, ",") {
		name, params, _ := strings.Cut(strings.TrimSpace(part), ";")
		ok := quality(params) > 0
		switch strings.ToLower(strings.TrimSpace(name)) {
		case "gzip", "x-gzip":
			if ok {
				gz = 1
			} else if gz < 0 {
				gz = 0
			}
		case "*":
			star = ok
		}
	}
	if gz >= 0 {
		return gz == 1
	}
	return star
}

func quality(params string) float64 {
	for _, p := range strings.Split(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(strings.TrimSpace(k), "q") {
			q, err := strconv.ParseFloat(strings.TrimSpace(v), 64)
			if err != nil {
				return 0
			}
			return q
		}
	}
	return 1
}

// noneMatch reports whether an If-None-Match header matches one of the
// tags (weak comparison, as RFC 9110 says for If-None-Match).
func noneMatch(header string, tags ...string) bool {
	for _, part := range strings.Split(header, ",") {
		t := strings.TrimPrefix(strings.TrimSpace(part), "W/")
		if t == "" {
			continue
		}
		if t == "*" {
			return true
		}
		for _, tag := range tags {
			if t == tag {
				return true
			}
		}
	}
	return false
}
