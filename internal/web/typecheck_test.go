package web_test

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/kith-chat/kith/internal/web/bundle"
)

// TestSources_TypeCheck runs the TypeScript compiler over the widget's and
// the inbox's sources: esbuild bundles them without looking at their types,
// so a wrong field name or a missing null check would otherwise reach the
// browser. The compiler comes from web/package.json (npm ci --prefix web);
// without it the test is skipped, except in CI (KITH_TEST_REQUIRE_NODE).
func TestSources_TypeCheck(t *testing.T) {
	root, err := bundle.Root(".")
	if err != nil {
		t.Fatal(err)
	}
	tsc := filepath.Join(root, "web", "node_modules", ".bin", "tsc")
	if _, err := os.Stat(tsc); err != nil {
		if os.Getenv("KITH_TEST_REQUIRE_NODE") != "" {
			t.Fatalf("KITH_TEST_REQUIRE_NODE is set but %s is missing: npm ci --prefix web", tsc)
		}
		t.Skip("skipping: no TypeScript compiler (npm ci --prefix web)")
	}
	for _, project := range []string{"web/widget", "web/inbox"} {
		t.Run(filepath.Base(project), func(t *testing.T) {
			cmd := exec.Command(tsc, "--noEmit", "--pretty", "false", "-p", project)
			cmd.Dir = root
			if out, err := cmd.CombinedOutput(); err != nil {
				t.Fatalf("tsc --noEmit -p %s: %v\n%s", project, err, out)
			}
		})
	}
}
