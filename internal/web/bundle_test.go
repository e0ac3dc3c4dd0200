package web

import (
	"bytes"
	"compress/gzip"
	"testing"

	"github.com/kith-chat/kith/internal/web/bundle"
)

// TestBundle_IsFresh rebuilds the widget with the generator's own options
// and compares it with the committed bundle (W1: go run needs no Node, so the
// bundle is committed, and must match its sources).
func TestBundle_IsFresh(t *testing.T) {
	root, err := bundle.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	got, err := bundle.Build(root)
	if err != nil {
		t.Fatalf("the widget does not build: %v", err)
	}
	want := loadScript().raw
	if !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (%d bytes committed, %d built from web/widget/src): run go generate ./internal/web and commit it",
			bundle.Output, len(want), len(got))
	}
}

// TestBundle_Under30KBGzipped keeps the widget small (W1: under 30 KB
// gzipped), measured as it is served.
func TestBundle_Under30KBGzipped(t *testing.T) {
	s := loadScript()
	var buf bytes.Buffer
	zw := gzip.NewWriter(&buf)
	zw.Write(s.raw)
	zw.Close()
	t.Logf("widget.js: %d bytes, %d gzipped (default level), %d as served", len(s.raw), buf.Len(), len(s.gz))
	const limit = 30 * 1024
	if buf.Len() > limit || len(s.gz) > limit {
		t.Fatalf("widget.js is %d bytes gzipped, over the %d-byte budget", buf.Len(), limit)
	}
}

// TestBundle_DefinesEveryVendorsAPI checks that the bundle is a
// self-contained script that sets window.Kith and each vendor's embed API
// (W2, W3).
func TestBundle_DefinesEveryVendorsAPI_W2(t *testing.T) {
	js := loadScript().raw
	for _, want := range []string{"window.Kith", "window.plugSDK", "window.Helpshift", "window.HelpCrunch",
		"window.initOpenScript", "window.opencxWidget", "/widget/v1/sessions", "/widget/v1/events", "attachShadow"} {
		if !bytes.Contains(js, []byte(want)) {
			t.Errorf("the bundle has no %q", want)
		}
	}
	for _, banned := range []string{"innerHTML", "outerHTML", "insertAdjacentHTML", "document.write", "eval("} {
		if bytes.Contains(js, []byte(banned)) {
			t.Errorf("the bundle uses %s: text from the server must only ever become text nodes", banned)
		}
	}
	if bytes.Contains(js, []byte("import ")) || bytes.Contains(js, []byte("require(")) {
		t.Error("the bundle still imports modules")
	}
}
