package main_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/budget"
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

// testName is a test's name as docs/rules.md writes it, in backquotes.
var testName = regexp.MustCompile("`((?:Test|Fuzz)[A-Za-z0-9_]+)`")

// TestDocs_RulesIndexListsEveryCitedTest keeps docs/rules.md current: every
// test whose name cites a rule (..._R4, ..._V3_S1) is listed under each rule
// it cites, and every test the page lists exists.
func TestDocs_RulesIndexListsEveryCitedTest(t *testing.T) {
	page, err := os.ReadFile("../../docs/rules.md")
	if err != nil {
		t.Fatal(err)
	}
	listed := map[string]map[string]bool{} // rule -> tests
	row := regexp.MustCompile(`(?m)^\| ([A-Z][0-9]+) \| .* \| (.*) \|$`)
	for _, m := range row.FindAllStringSubmatch(string(page), -1) {
		listed[m[1]] = map[string]bool{}
		for _, name := range testName.FindAllStringSubmatch(m[2], -1) {
			listed[m[1]][name[1]] = true
		}
	}
	if len(listed) == 0 {
		t.Fatal("docs/rules.md has no rule rows")
	}

	exists := map[string]bool{}
	cites := regexp.MustCompile(`_([DFIMRSVW][0-9]+)`)
	err = filepath.WalkDir("../..", func(path string, d os.DirEntry, err error) error {
		if err != nil || d.IsDir() && (d.Name() == ".git" || d.Name() == "node_modules") {
			return err
		}
		if d.IsDir() || !strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, parser.SkipObjectResolution)
		if err != nil {
			return err
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Recv != nil || !(strings.HasPrefix(fn.Name.Name, "Test") || strings.HasPrefix(fn.Name.Name, "Fuzz")) {
				continue
			}
			name := fn.Name.Name
			exists[name] = true
			for _, m := range cites.FindAllStringSubmatch(name, -1) {
				// A rule id is a whole part of the name: _R4 or _R4_..., not _E164.
				if rest := name[strings.Index(name, m[0])+len(m[0]):]; rest != "" && rest[0] != '_' {
					continue
				}
				switch tests, ok := listed[m[1]]; {
				case !ok:
					t.Errorf("%s (%s) cites %s, which docs/rules.md does not describe", name, path, m[1])
				case !tests[name]:
					t.Errorf("docs/rules.md does not list %s under %s", name, m[1])
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	for rule, tests := range listed {
		for name := range tests {
			if !exists[name] {
				t.Errorf("docs/rules.md lists %s under %s, but there is no such test", name, rule)
			}
		}
	}
}

// TestDocs_OperationsListsEveryBudgetWithItsDefault_F8 keeps the budgets
// table of docs/operations.md equal to budget.DefaultPolicy.
func TestDocs_OperationsListsEveryBudgetWithItsDefault_F8(t *testing.T) {
	page, err := os.ReadFile("../../docs/operations.md")
	if err != nil {
		t.Fatal(err)
	}
	documented := map[string]string{}
	for _, m := range regexp.MustCompile("(?m)^\\| `([a-z_]+\\.[a-z]+)` \\| `([^`]+)` \\|").FindAllStringSubmatch(string(page), -1) {
		documented[m[1]] = m[2]
	}
	p := budget.DefaultPolicy()
	for _, name := range p.Names() {
		want, _ := p.Get(name)
		got, ok := documented[name]
		if !ok {
			t.Errorf("docs/operations.md does not list the budget %s", name)
			continue
		}
		if strings.HasPrefix(name, "sockets.") {
			if got != want {
				t.Errorf("docs/operations.md says %s is %s, the default is %s", name, got, want)
			}
			continue
		}
		if g, err := budget.ParseRate(got); err != nil || g.String() != want {
			t.Errorf("docs/operations.md says %s is %s, the default is %s", name, got, want)
		}
		delete(documented, name)
	}
	for name := range documented {
		if !strings.HasPrefix(name, "sockets.") {
			t.Errorf("docs/operations.md lists %s, which is no budget", name)
		}
	}
}
