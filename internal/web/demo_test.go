package web

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"strings"
	"testing"
)

func demo(t *testing.T, appID func(context.Context) (string, error)) (*http.Response, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	Demo(appID).ServeHTTP(rec, httptest.NewRequest("GET", "/demo", nil))
	res := rec.Result()
	b, _ := io.ReadAll(res.Body)
	return res, string(b)
}

func TestDemo_EmbedsTheWidget(t *testing.T) {
	res, body := demo(t, func(context.Context) (string, error) { return "app_06h0jabd89pcl7unhrb58uhheo", nil })
	if res.StatusCode != 200 || !strings.HasPrefix(res.Header.Get("Content-Type"), "text/html") {
		t.Fatalf("status %d, Content-Type %q", res.StatusCode, res.Header.Get("Content-Type"))
	}
	for _, want := range []string{
		`<script src="/widget.js"></script>`,
		`var APP_ID = "app_06h0jabd89pcl7unhrb58uhheo";`,
		"Kith.init({ app_id: APP_ID",
		"Log in as an unverified user",
		"Log out",
		"Open chat",
		"Kith.shutdown()",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("the page has no %q", want)
		}
	}
	// Inline scripts and styles run only with the nonce of this answer.
	csp := res.Header.Get("Content-Security-Policy")
	m := regexp.MustCompile(`'nonce-([^']+)'`).FindStringSubmatch(csp)
	if m == nil {
		t.Fatalf("Content-Security-Policy %q has no nonce", csp)
	}
	if strings.Count(body, `nonce="`+m[1]+`"`) != 2 {
		t.Errorf("the inline script and style should carry the nonce %q", m[1])
	}
	if strings.Contains(csp, "unsafe-inline") {
		t.Errorf("Content-Security-Policy %q allows inline code", csp)
	}
}

func TestDemo_EscapesAppID(t *testing.T) {
	evil := `app_x"</script><script>alert(1)</script><b onmouseover='x'>&amp;`
	res, body := demo(t, func(context.Context) (string, error) { return evil, nil })
	if res.StatusCode != 200 {
		t.Fatalf("status %d", res.StatusCode)
	}
	for _, bad := range []string{"<script>alert(1)", "</script><script>", "<b onmouseover", `"app_x"`} {
		if strings.Contains(body, bad) {
			t.Errorf("the app id reached the page unescaped: found %q", bad)
		}
	}
	// In the script it is one JavaScript string; in the text, escaped HTML.
	if !strings.Contains(body, `var APP_ID = "app_x\"\u003c/script\u003e`) {
		t.Errorf("the app id is not a JavaScript string literal in the script:\n%s", line(body, "var APP_ID"))
	}
	if !strings.Contains(body, "app_x&#34;&lt;/script&gt;&lt;script&gt;alert(1)") {
		t.Errorf("the app id is not escaped in the page's text:\n%s", line(body, "App <code>"))
	}
}

func TestDemo_NoAppIs503(t *testing.T) {
	res, body := demo(t, func(context.Context) (string, error) { return "", errors.New("store: secret detail") })
	if res.StatusCode != http.StatusServiceUnavailable {
		t.Fatalf("status %d, want 503", res.StatusCode)
	}
	if strings.Contains(body, "secret detail") {
		t.Error("the error's text reached the page")
	}
}

func line(body, prefix string) string {
	for _, l := range strings.Split(body, "\n") {
		if strings.Contains(l, prefix) {
			return l
		}
	}
	return ""
}
