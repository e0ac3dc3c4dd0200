package main_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/storetest"
)

// kithStdin runs a CLI command with stdin.
func kithStdin(t *testing.T, dir, stdin string, args ...string) (string, string, int) {
	t.Helper()
	cmd := exec.Command(kithBin, args...)
	cmd.Dir, cmd.Env, cmd.Stdin = dir, cleanEnv(), strings.NewReader(stdin)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return out.String(), errOut.String(), ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return out.String(), errOut.String(), 0
}

// TestBinary_AgentsFromTheCLILogInToTheRunningServer_I3 makes agents with
// the CLI beside a running server, on both stores: the password from
// stdin or a file, never an argument; the agent logs in over HTTP; a
// disabled one is cut off.
func TestBinary_AgentsFromTheCLILogInToTheRunningServer_I3(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dir := t.TempDir()
			db := storetest.DSN(t, kind)
			srv := serve(t, dir, "--db", db)
			const pw = "a passphrase long enough"
			out, errOut, code := kithStdin(t, dir, pw+"\n", "agents", "create", "--email", "Ada@Acme.com", "--name", "Ada",
				"--role", "admin", "--password-file", "-", "--json", "--db", db)
			if code != 0 {
				t.Fatalf("agents create: exit %d: %s", code, errOut)
			}
			var ada map[string]any
			if err := json.Unmarshal([]byte(out), &ada); err != nil || ada["email"] != "ada@acme.com" || strings.Contains(out, pw) {
				t.Fatalf("agents create printed %s: want the agent, its email lower-cased, no password", out)
			}
			pwFile := filepath.Join(dir, "pw")
			os.WriteFile(pwFile, []byte("sam's own long passphrase\n"), 0o600)
			var sam map[string]any
			kithJSON(t, dir, &sam, "agents", "create", "--email", "sam@acme.com", "--name", "Sam", "--password-file", pwFile, "--db", db)
			if sam["role"] != "agent" {
				t.Fatalf("the default role is %v, want agent", sam["role"])
			}
			if _, errOut, code := kithStdin(t, dir, pw+"\n", "agents", "create", "--email", "ada@acme.com", "--name", "Ada 2",
				"--password-file", "-", "--db", db); code != 1 || !strings.Contains(errOut, "email_taken") {
				t.Fatalf("a second agent with the email: exit %d, %s", code, errOut)
			}
			if _, errOut, code := kithStdin(t, dir, "", "agents", "create", "--email", "x@acme.com", "--name", "X", "--db", db); code != 2 ||
				!strings.Contains(errOut, "--password-file") {
				t.Fatalf("no terminal and no password file: exit %d, %s; want a usage error naming --password-file", code, errOut)
			}
			var list []map[string]any
			kithJSON(t, dir, &list, "agents", "list", "--db", db)
			if len(list) != 2 || strings.Contains(mustMarshal(list), "argon2") {
				t.Fatalf("agents list: %v", list)
			}

			login := func(email, password string) *kithtest.Response {
				return kithtest.Do(t, srv.URL, "POST", "/inbox/api/login", nil, map[string]string{"email": email, "password": password})
			}
			if r := login("sam@acme.com", "sam's own long passphrase"); r.Status != http.StatusOK {
				t.Fatalf("Sam logs in: %d %s", r.Status, r.Body)
			}
			r := login("ada@acme.com", pw)
			if r.Status != http.StatusOK {
				t.Fatalf("Ada logs in: %d %s", r.Status, r.Body)
			}
			cookie, _, _ := strings.Cut(r.Header.Get("Set-Cookie"), ";")
			var disabled map[string]any
			kithJSON(t, dir, &disabled, "agents", "disable", ada["id"].(string), "--db", db)
			if disabled["disabled_at"] == nil {
				t.Fatalf("agents disable: %v", disabled)
			}
			if r := kithtest.Do(t, srv.URL, "GET", "/inbox/api/me", map[string]string{"Cookie": cookie}, nil); r.Status != http.StatusUnauthorized {
				t.Fatalf("the disabled agent's session on the running server: %d %s, want 401", r.Status, r.Body)
			}
			srv.stop(t)
			if strings.Contains(srv.logs.String(), pw) {
				t.Fatal("the server logged a password")
			}
		})
	}
}

func mustMarshal(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}
