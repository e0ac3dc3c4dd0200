package browsertest_test

import (
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/browsertest"
)

func TestBrowser_RunsJavaScriptAndKeepsProfilesApart(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte(`<!doctype html><title>t</title><p id=p>hello</p>`))
	}))
	defer srv.Close()
	one, two := browsertest.New(t), browsertest.New(t)
	one.Navigate(srv.URL)
	two.Navigate(srv.URL)
	if got := browsertest.Eval[string](one, `document.getElementById("p").textContent`); got != "hello" {
		t.Fatalf("page text %q", got)
	}
	one.Do(`localStorage.setItem("k", "one")`)
	one.WaitFor("the item to be stored", `localStorage.getItem("k") === "one"`, 5*time.Second)
	if got := browsertest.Eval[any](two, `localStorage.getItem("k")`); got != nil {
		t.Fatalf("the second profile sees the first's storage: %v", got)
	}
}
