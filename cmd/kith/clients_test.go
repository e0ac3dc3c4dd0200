package main_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/browsertest"
	"github.com/kith-chat/kith/internal/kithtest"
)

// nodeModules is where .ci/run installs the npm clients the tests run
// (testdata/node/package.json).
const nodeModules = "testdata/node/node_modules"

// EnvRequireNode makes missing npm clients fail the tests instead of
// skipping them, as in CI.
const EnvRequireNode = "KITH_TEST_REQUIRE_NODE"

// requireNode skips the test (or fails it, in CI) when Node or the npm
// clients are not installed.
func requireNode(t *testing.T) {
	t.Helper()
	_, errNode := exec.LookPath("node")
	_, errMods := os.Stat(nodeModules)
	if errNode == nil && errMods == nil {
		return
	}
	if os.Getenv(EnvRequireNode) != "" {
		t.Fatalf("%s is set but Node or %s is missing: npm ci --prefix cmd/kith/testdata/node", EnvRequireNode, nodeModules)
	}
	t.Skip("skipping: no Node or no npm clients (npm ci --prefix cmd/kith/testdata/node)")
}

// TestBinary_BackendClientsCallAccessTokenEndpoints_M1 calls auth-tokens.create
// with the HTTP clients companies' backends really use, each sending what it
// sends by default (Node's fetch adds Sec-Fetch-Mode): every one gets its
// session token, while a real browser is refused (spec section 1: an AAT is
// never accepted from a browser).
func TestBinary_BackendClientsCallAccessTokenEndpoints_M1(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	var app map[string]string
	kithJSON(t, dir, &app, "apps", "create", "--name", "Clients", "--db", db)
	srv := serve(t, dir, "--db", db)
	url := srv.URL + "/internal/auth-tokens.create"
	aat := app["access_token"]
	body := `{"rev_info":{"user_ref":"client-user"}}`

	run := func(t *testing.T, name string, args ...string) string {
		t.Helper()
		if _, err := exec.LookPath(name); err != nil {
			t.Skipf("%s is not installed", name)
		}
		cmd := exec.Command(name, args...)
		cmd.Env = append(os.Environ(), "KITH_URL="+url, "KITH_AAT="+aat, "KITH_BODY="+body)
		cmd.Dir = "testdata/node"
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("%s: %v\n%s", name, err, out)
		}
		return strings.TrimSpace(string(out))
	}
	wantStatus := func(t *testing.T, got string) {
		t.Helper()
		if got != "201" {
			t.Fatalf("answered %q, want 201", got)
		}
	}

	t.Run("curl", func(t *testing.T) {
		wantStatus(t, run(t, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "-X", "POST", url,
			"-H", "authorization: "+aat, "-H", "content-type: application/json", "--data-raw", body))
	})
	t.Run("Go net/http", func(t *testing.T) {
		r := kithtest.Do(t, srv.URL, "POST", "/internal/auth-tokens.create", map[string]string{"Authorization": aat}, body)
		if r.Status != http.StatusCreated {
			t.Fatalf("%d %s, want 201", r.Status, r.Body)
		}
	})
	t.Run("Node fetch", func(t *testing.T) {
		wantStatus(t, run(t, "node", "--input-type=module", "-e", `
const r = await fetch(process.env.KITH_URL, {method: "POST",
  headers: {authorization: process.env.KITH_AAT, "content-type": "application/json"}, body: process.env.KITH_BODY});
console.log(r.status);`))
	})
	t.Run("axios", func(t *testing.T) {
		requireNode(t)
		wantStatus(t, run(t, "node", "--input-type=module", "-e", `
import axios from "axios";
const r = await axios.post(process.env.KITH_URL, JSON.parse(process.env.KITH_BODY),
  {headers: {authorization: process.env.KITH_AAT}, validateStatus: () => true});
console.log(r.status);`))
	})
	t.Run("Python urllib", func(t *testing.T) {
		wantStatus(t, run(t, "python3", "-c", `
import os, urllib.request
req = urllib.request.Request(os.environ["KITH_URL"], data=os.environ["KITH_BODY"].encode(), method="POST",
    headers={"authorization": os.environ["KITH_AAT"], "content-type": "application/json"})
print(urllib.request.urlopen(req).status)`))
	})
	t.Run("a browser is refused", func(t *testing.T) {
		// A page Kith itself serves (the demo) is on the API's origin, so a
		// script there needs no preflight to send the token: it is the case
		// CORS cannot stop, and the server must.
		b := browsertest.New(t)
		b.Navigate(srv.URL + "/demo")
		got := browsertest.Eval[string](b, `fetch("/internal/auth-tokens.create", {method: "POST",
			headers: {authorization: `+"`"+aat+"`"+`, "content-type": "application/json"}, body: `+"`"+body+"`"+`})
			.then(async r => r.status + " " + (await r.json()).error.code)`)
		if got != "403 backend_only" {
			t.Fatalf("a page's fetch with the access token answered %q, want 403 backend_only", got)
		}
	})
}
