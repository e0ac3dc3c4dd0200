package main_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestDocs_SessionTokenSnippetsWork_M1 runs the Node, Go and Python examples
// of docs/api.md against the real binary, so that the examples a developer
// copies keep working.
func TestDocs_SessionTokenSnippetsWork_M1(t *testing.T) {
	doc, err := os.ReadFile("../../docs/api.md")
	if err != nil {
		t.Fatal(err)
	}
	blocks := regexp.MustCompile("(?s)```(js|go|python)\n(.*?)```").FindAllStringSubmatch(string(doc), -1)
	runners := map[string]struct {
		file string
		cmd  []string
	}{
		"js":     {"snippet.mjs", []string{"node", "snippet.mjs"}},
		"go":     {"snippet.go", []string{"go", "run", "snippet.go"}},
		"python": {"snippet.py", []string{"python3", "snippet.py"}},
	}
	if len(blocks) != len(runners) {
		t.Fatalf("docs/api.md has %d js/go/python blocks, want one of each", len(blocks))
	}

	dir := t.TempDir()
	var app map[string]string
	db := filepath.Join(dir, "k.db")
	kithJSON(t, dir, &app, "apps", "create", "--name", "Docs", "--db", db)
	srv := serve(t, dir, "--db", db)

	for _, b := range blocks {
		lang, code := b[1], b[2]
		t.Run(lang, func(t *testing.T) {
			r := runners[lang]
			if _, err := exec.LookPath(r.cmd[0]); err != nil {
				t.Skipf("%s is not installed: the %s example is not checked", r.cmd[0], lang)
			}
			sub := t.TempDir()
			if err := os.WriteFile(filepath.Join(sub, r.file), []byte(code), 0o600); err != nil {
				t.Fatal(err)
			}
			cmd := exec.Command(r.cmd[0], r.cmd[1:]...)
			cmd.Dir = sub
			cmd.Env = append(os.Environ(), "KITH_URL="+srv.URL, "KITH_AAT="+app["access_token"], "GOFLAGS=")
			out, err := cmd.CombinedOutput()
			if err != nil {
				t.Fatalf("the %s example failed: %v\n%s", lang, err, out)
			}
			if !strings.HasPrefix(strings.TrimSpace(string(out)), "eyJ") {
				t.Fatalf("the %s example printed %q, want a session token", lang, out)
			}
		})
	}
}
