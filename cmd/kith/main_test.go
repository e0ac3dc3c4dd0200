package main_test

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/storetest"
)

// kithBin is the binary under test, built once by TestMain.
var kithBin string

func TestMain(m *testing.M) {
	dir, err := os.MkdirTemp("", "kith-e2e-")
	if err != nil {
		panic(err)
	}
	kithBin = filepath.Join(dir, "kith")
	build := exec.Command("go", "build", "-o", kithBin, ".")
	build.Stdout, build.Stderr = os.Stderr, os.Stderr
	if err := build.Run(); err != nil {
		panic("build kith: " + err.Error())
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// kith runs one CLI command and returns its stdout, stderr and exit code.
func kith(t *testing.T, dir string, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	cmd := exec.Command(kithBin, args...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errOut.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatalf("run kith %v: %v", args, err)
	}
	return out.String(), errOut.String(), 0
}

// kithJSON runs a CLI command that must succeed and decodes its --json
// output.
func kithJSON(t *testing.T, dir string, v any, args ...string) {
	t.Helper()
	out, errOut, code := kith(t, dir, append(args, "--json")...)
	if code != 0 {
		t.Fatalf("kith %v: exit %d: %s", args, code, errOut)
	}
	if err := json.Unmarshal([]byte(out), v); err != nil {
		t.Fatalf("kith %v printed no JSON: %v\n%s", args, err, out)
	}
}

// cleanEnv keeps the KITH_ variables of the developer's shell out of the
// binary's way.
func cleanEnv() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "KITH_") {
			env = append(env, kv)
		}
	}
	return env
}

// server is a running "kith serve".
type server struct {
	cmd  *exec.Cmd
	URL  string
	logs *kithtest.SyncBuffer
	done chan error
}

var listening = regexp.MustCompile(`msg=listening addr=\S+ url=(http://\S+)`)

// serve starts "kith serve" on a free port and waits until it listens.
func serve(t *testing.T, dir string, args ...string) *server {
	t.Helper()
	cmd := exec.Command(kithBin, append([]string{"serve", "--addr", "127.0.0.1:0"}, args...)...)
	cmd.Dir = dir
	cmd.Env = cleanEnv()
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{cmd: cmd, logs: &kithtest.SyncBuffer{}, done: make(chan error, 1)}
	urls := make(chan string, 1)
	var once sync.Once
	go func() {
		sc := bufio.NewScanner(stderr)
		for sc.Scan() {
			line := sc.Text()
			s.logs.Write([]byte(line + "\n"))
			if m := listening.FindStringSubmatch(line); m != nil {
				once.Do(func() { urls <- m[1] })
			}
		}
		// Wait closes the pipe: only once every line has been read, or the
		// last ones (the graceful stop) would be lost.
		s.done <- cmd.Wait()
	}()
	t.Cleanup(func() {
		if cmd.ProcessState == nil {
			cmd.Process.Kill()
			<-s.done
		}
	})
	select {
	case s.URL = <-urls:
	case err := <-s.done:
		t.Fatalf("kith serve exited before listening: %v\n%s", err, s.logs.String())
	case <-time.After(30 * time.Second):
		t.Fatalf("kith serve did not listen within 30 s:\n%s", s.logs.String())
	}
	return s
}

// stop sends SIGTERM and waits for a clean exit.
func (s *server) stop(t *testing.T) {
	t.Helper()
	if err := s.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	select {
	case err := <-s.done:
		if err != nil {
			t.Fatalf("kith serve exited with %v after SIGTERM:\n%s", err, s.logs.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("kith serve did not stop within 30 s of SIGTERM")
	}
	if !strings.Contains(s.logs.String(), "msg=stopped") {
		t.Fatalf("no graceful stop in the logs:\n%s", s.logs.String())
	}
}

func (s *server) do(t *testing.T, method, path, token, body string) *kithtest.Response {
	t.Helper()
	var b any
	if body != "" {
		b = body
	}
	return kithtest.Do(t, s.URL, method, path, map[string]string{"Authorization": token}, b)
}

// TestBinary_TourOnBothStores walks the README's tour against the real
// binary: the admin CLI on a fresh database and beside the running server,
// a session token for a user with an account and a workspace, the user read
// back, a token revoked from the CLI taking effect at once, a clean stop.
func TestBinary_TourOnBothStores(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, kind)

			var app struct{ OrgID, AppID, AccessToken string }
			var raw map[string]string
			kithJSON(t, dir, &raw, "apps", "create", "--name", "Tour", "--db", db)
			app.OrgID, app.AppID, app.AccessToken = raw["org_id"], raw["app_id"], raw["access_token"]
			if !strings.HasPrefix(app.AccessToken, "kith_aat_") || app.AppID == "" || app.OrgID == "" {
				t.Fatalf("apps create printed %v", raw)
			}

			srv := serve(t, dir, "--db", db)

			// The CLI works beside the running server, on the same database.
			var tok struct {
				ID          string   `json:"id"`
				AccessToken string   `json:"access_token"`
				Scopes      []string `json:"scopes"`
				ExpiresAt   *string  `json:"expires_at"`
			}
			kithJSON(t, dir, &tok, "tokens", "create", "--app", app.AppID, "--scopes", "sessions,api", "--expires", "30d", "--db", db)
			if tok.ExpiresAt == nil || len(tok.Scopes) != 2 {
				t.Fatalf("tokens create printed %+v", tok)
			}
			var field map[string]any
			kithJSON(t, dir, &field, "fields", "create", "--app", app.AppID, "--object", "user", "--name", "tnt__plan",
				"--type", "enum", "--values", "free,pro", "--db", db)
			var shown struct {
				Settings map[string]any `json:"settings"`
			}
			kithJSON(t, dir, &shown, "apps", "update", app.AppID, "--set", "session_token_max_lifetime=2h",
				"--set", "email_unique=false", "--db", db)
			if shown.Settings["session_token_max_lifetime"] != "2h" || shown.Settings["email_unique"] != false {
				t.Fatalf("apps update printed settings %v", shown.Settings)
			}

			r := srv.do(t, "POST", "/internal/auth-tokens.create", app.AccessToken, `{"rev_info":{
				"user_ref":"tour-user","account_ref":"acme.com","workspace_ref":"acme-support",
				"user_traits":{"email":"ada@acme.com","display_name":"Ada","custom_fields":{"tnt__plan":"pro"}},
				"account_traits":{"display_name":"Acme","domains":["acme.com"]}},"expires_in":1}`)
			if r.Status != http.StatusCreated {
				t.Fatalf("auth-tokens.create: %d %s", r.Status, r.Body)
			}
			if got := r.JSON(t)["expires_in"]; got != float64(7200) {
				t.Fatalf("expires_in = %v, want 7200 (one day capped by the 2h setting)", got)
			}

			var users struct {
				Data []struct {
					ID string `json:"id"`
				} `json:"data"`
			}
			srv.do(t, "GET", "/api/v1/users?ref=tour-user", "Bearer "+tok.AccessToken, "").Decode(t, &users)
			if len(users.Data) != 1 {
				t.Fatal("the user is not listed by ref")
			}
			u := srv.do(t, "GET", "/api/v1/users/"+users.Data[0].ID, "Bearer "+tok.AccessToken, "")
			for _, want := range []string{`"trust":"verified"`, `"tnt__plan":"pro"`, `"account_ref":"acme.com"`, `"workspace_ref":"acme-support"`} {
				if !strings.Contains(string(u.Body), want) {
					t.Errorf("user lacks %s: %s", want, u.Body)
				}
			}

			out, errOut, code := kith(t, dir, "tokens", "revoke", tok.ID, "--db", db)
			if code != 0 {
				t.Fatalf("tokens revoke: %d %s%s", code, out, errOut)
			}
			if r := srv.do(t, "GET", "/api/v1/users", "Bearer "+tok.AccessToken, ""); r.Status != http.StatusUnauthorized {
				t.Fatalf("a token revoked from the CLI still works on the running server: %d", r.Status)
			}
			var listed []struct {
				ID         string  `json:"id"`
				RevokedAt  *string `json:"revoked_at"`
				LastUsedAt *string `json:"last_used_at"`
			}
			kithJSON(t, dir, &listed, "tokens", "list", "--app", app.AppID, "--db", db)
			var sawRevoked bool
			for _, l := range listed {
				if l.ID == tok.ID {
					sawRevoked = l.RevokedAt != nil && l.LastUsedAt != nil
				}
			}
			if !sawRevoked {
				t.Fatalf("tokens list does not show %s revoked and used: %+v", tok.ID, listed)
			}

			srv.stop(t)
			for _, secret := range []string{app.AccessToken, tok.AccessToken} {
				if strings.Contains(srv.logs.String(), secret[strings.LastIndexByte(secret, '_')+1:]) {
					t.Fatal("the server logged an access token")
				}
			}
		})
	}
}

func TestBinary_ServeWithoutConfigurationUsesSQLiteInKithData_D1(t *testing.T) {
	dir := t.TempDir()
	srv := serve(t, dir)
	r := srv.do(t, "GET", "/readyz", "", "")
	if r.Status != http.StatusOK {
		t.Fatalf("/readyz: %d %s", r.Status, r.Body)
	}
	if _, err := os.Stat(filepath.Join(dir, "kith-data", "kith.db")); err != nil {
		t.Fatalf("no database in ./kith-data: %v", err)
	}
	// First run: a default app, and the way to /demo, to chat at once. It
	// is printed just after the listening line: wait for it.
	welcome := regexp.MustCompile(`made one: (app_[a-z0-9]+)\.\nOpen (http://\S+/demo)`)
	m := welcome.FindStringSubmatch(srv.logs.String())
	for deadline := time.Now().Add(10 * time.Second); m == nil && time.Now().Before(deadline); {
		time.Sleep(20 * time.Millisecond)
		m = welcome.FindStringSubmatch(srv.logs.String())
	}
	if m == nil {
		t.Fatalf("the first start does not say how to open /demo:\n%s", srv.logs.String())
	}
	demo := kithtest.Do(t, srv.URL, "GET", "/demo", nil, nil)
	if demo.Status != http.StatusOK || !strings.Contains(string(demo.Body), m[1]) || !strings.Contains(string(demo.Body), "/widget.js") {
		t.Fatalf("/demo: %d, want a page embedding the widget for %s", demo.Status, m[1])
	}
	for _, secret := range []string{"kith_aat_", "kith_ws_"} {
		if strings.Contains(srv.logs.String(), secret) {
			t.Fatalf("the first start printed a secret (%s...)", secret)
		}
	}
	srv.stop(t)
}

func TestBinary_MigrateAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "x.db")
	cmd := exec.Command(kithBin, "migrate")
	cmd.Env = append(cleanEnv(), "KITH_DB="+db)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kith migrate: %v: %s", err, out)
	}
	if _, err := os.Stat(db); err != nil {
		t.Fatalf("KITH_DB was not used: %v", err)
	}
	// KITH_DB_FILE names a file that holds the address (a secret, say).
	secret := filepath.Join(dir, "db-address")
	other := filepath.Join(dir, "y.db")
	if err := os.WriteFile(secret, []byte(other+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd = exec.Command(kithBin, "migrate")
	cmd.Env = append(cleanEnv(), "KITH_DB_FILE="+secret)
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("kith migrate with KITH_DB_FILE: %v: %s", err, out)
	}
	if _, err := os.Stat(other); err != nil {
		t.Fatalf("KITH_DB_FILE was not used: %v", err)
	}
}

func TestBinary_CLIErrorsSayWhatIsWrong(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	var app map[string]string
	kithJSON(t, dir, &app, "apps", "create", "--name", "E", "--db", db)
	tests := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"frobnicate"}, 2, `unknown command "frobnicate"`},
		{[]string{"apps", "update", app["app_id"], "--set", "colour=blue", "--db", db}, 1, `unknown setting "colour"`},
		{[]string{"apps", "update", app["app_id"], "--set", "on_login=maybe", "--db", db}, 1, "on_login"},
		{[]string{"apps", "show", "app_nope", "--db", db}, 1, "app not found"},
		{[]string{"tokens", "create", "--app", app["app_id"], "--scopes", "admin", "--db", db}, 1, "unknown scope: the scopes are sessions, api, org and keys"},
		{[]string{"tokens", "create", "--scopes", "api", "--db", db}, 2, "needs --app"},
		{[]string{"fields", "create", "--app", app["app_id"], "--object", "user", "--name", "plan", "--type", "text", "--db", db}, 1, "tnt__"},
		{[]string{"fields", "create", "--app", app["app_id"], "--object", "user", "--name", "tnt__x", "--type", "colour", "--db", db}, 1, "type must be"},
	}
	for _, tt := range tests {
		_, stderr, code := kith(t, dir, tt.args...)
		if code != tt.code || !strings.Contains(stderr, tt.want) {
			t.Errorf("kith %v: exit %d, stderr %q; want exit %d mentioning %q", tt.args, code, stderr, tt.code, tt.want)
		}
	}
}

// TestBinary_ShutdownFinishesRequestsInFlight checks that SIGTERM lets a
// request being served complete.
func TestBinary_ShutdownFinishesRequestsInFlight(t *testing.T) {
	dir := t.TempDir()
	var app map[string]string
	db := filepath.Join(dir, "k.db")
	kithJSON(t, dir, &app, "apps", "create", "--name", "S", "--db", db)
	srv := serve(t, dir, "--db", db)

	// A body sent slowly keeps the request in flight across the signal.
	pr, pw := io.Pipe()
	req, _ := http.NewRequestWithContext(context.Background(), "POST", srv.URL+"/auth-tokens.create", pr)
	req.Header.Set("Authorization", app["access_token"])
	result := make(chan int, 1)
	go func() {
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			result <- -1
			return
		}
		resp.Body.Close()
		result <- resp.StatusCode
	}()
	pw.Write([]byte(`{"rev_info":`))
	time.Sleep(200 * time.Millisecond)
	srv.cmd.Process.Signal(syscall.SIGTERM)
	time.Sleep(200 * time.Millisecond)
	pw.Write([]byte(`{"user_ref":"late"}}`))
	pw.Close()
	if status := <-result; status != http.StatusCreated {
		t.Fatalf("the request in flight during shutdown got %d, want 201", status)
	}
	if err := <-srv.done; err != nil {
		t.Fatalf("exit after SIGTERM: %v", err)
	}
}
