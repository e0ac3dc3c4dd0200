package main_test

import (
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/kithtest"
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

// vendorPages are the "Moving from X to Kith" pages, and the kinds of
// server snippet each must carry, every kind in every language of
// snippetRunners.
var vendorPages = map[string][]string{
	"moving-from-devrev.md":     {"session_token", "jwt"},
	"moving-from-helpcrunch.md": {"user_hash"},
	"moving-from-helpshift.md":  {"user_hash"},
	"moving-from-opencx.md":     {"session_token"},
}

// snippetRunners run a snippet of each language from the file it is
// written to.
var snippetRunners = map[string]struct {
	file string
	cmd  []string
}{
	"sh":     {"snippet.sh", []string{"sh", "snippet.sh"}},
	"js":     {"snippet.mjs", []string{"node", "snippet.mjs"}},
	"go":     {"snippet.go", []string{"go", "run", "snippet.go"}},
	"python": {"snippet.py", []string{"python3", "snippet.py"}},
}

// checkedSnippet is a fenced block a vendor page marks with what it prints:
//
//	<!-- check: user_hash user_ref=user-123 -->   a user hash of that user (M3)
//	<!-- check: jwt user_ref=user-123 -->         a JWT for that user (M4)
//	<!-- check: session_token email=a@b.c -->     a session token, or the JSON answer holding one (M1, M2)
//
// "npm" among the words runs a js snippet beside the npm clients of
// testdata/node.
var checkedSnippet = regexp.MustCompile("(?s)<!-- check: ([^>]*?) -->\n```(sh|js|go|python)\n(.*?)```")

// serverFence opens a block of server code: every one on a vendor page
// must be checked (browser code is fenced as html).
var serverFence = regexp.MustCompile("(?m)^```(js|go|python)$")

type snippetCheck struct {
	kind, field, want string
	npm               bool
}

func parseSnippetCheck(t *testing.T, spec string) snippetCheck {
	t.Helper()
	words := strings.Fields(spec)
	if len(words) == 0 || !slices.Contains([]string{"user_hash", "jwt", "session_token"}, words[0]) {
		t.Fatalf("<!-- check: %s -->: the kind is user_hash, jwt or session_token", spec)
	}
	c := snippetCheck{kind: words[0]}
	for _, w := range words[1:] {
		k, v, ok := strings.Cut(w, "=")
		switch {
		case w == "npm":
			c.npm = true
		case ok && (k == "user_ref" || k == "email") && c.field == "":
			c.field, c.want = k, v
		default:
			t.Fatalf("<!-- check: %s -->: %q is neither npm nor the one user_ref= or email=", spec, w)
		}
	}
	if c.field == "" {
		t.Fatalf("<!-- check: %s -->: name the user, user_ref=... or email=...", spec)
	}
	return c
}

// TestDocs_VendorPagesServerSnippetsVerify_M1_M2_M3_M4 runs the server
// code of the four "Moving from X to Kith" pages (shell, Node, Go and
// Python) against the real binary, each page with an app of its own, and
// hands what each snippet prints to the widget API as a browser would: a
// user hash with the identity it covers, a JWT, a session token. Each must
// start a verified session of the very user the page names, so that a
// developer who copies a snippet gets a proof Kith accepts.
func TestDocs_VendorPagesServerSnippetsVerify_M1_M2_M3_M4(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "k.db")
	type pageApp struct {
		env []string
		app string
		api string // a token of scope api, to read the user back
	}
	apps := map[string]pageApp{}
	for page := range vendorPages {
		// An organization per page: its users are its own.
		var app, secret, jwtKey, api map[string]any
		kithJSON(t, dir, &app, "apps", "create", "--name", page, "--org", "docs-"+strings.TrimSuffix(page, ".md"), "--db", db)
		id := app["app_id"].(string)
		kithJSON(t, dir, &secret, "secrets", "create", "--app", id, "--db", db)
		kithJSON(t, dir, &jwtKey, "jwt-keys", "add", "--app", id, "--kid", "main", "--alg", "HS256", "--db", db)
		kithJSON(t, dir, &api, "tokens", "create", "--app", id, "--scopes", "api", "--db", db)
		apps[page] = pageApp{app: id, api: api["access_token"].(string), env: []string{
			"KITH_APP_ID=" + id, "KITH_AAT=" + app["access_token"].(string),
			"KITH_SECRET=" + secret["secret"].(string), "KITH_JWT_SECRET=" + jwtKey["secret"].(string),
		}}
	}
	srv := serve(t, dir, "--db", db)
	nodeDir, err := filepath.Abs("testdata/node")
	if err != nil {
		t.Fatal(err)
	}

	pages := make([]string, 0, len(vendorPages))
	for page := range vendorPages {
		pages = append(pages, page)
	}
	slices.Sort(pages)
	for _, page := range pages {
		t.Run(page, func(t *testing.T) {
			doc, err := os.ReadFile(filepath.Join("../../docs", page))
			if err != nil {
				t.Fatal(err)
			}
			blocks := checkedSnippet.FindAllStringSubmatch(string(doc), -1)
			server := 0
			for _, b := range blocks {
				if b[2] != "sh" {
					server++
				}
			}
			if n := len(serverFence.FindAllString(string(doc), -1)); n != server {
				t.Errorf("%s has %d js, go or python blocks and %d of them checked: mark server code <!-- check: ... -->, fence browser code as html", page, n, server)
			}
			a := apps[page]
			covered := map[string]map[string]bool{}
			for i, b := range blocks {
				c, lang, code := parseSnippetCheck(t, b[1]), b[2], b[3]
				if covered[c.kind] == nil {
					covered[c.kind] = map[string]bool{}
				}
				covered[c.kind][lang] = true
				t.Run(fmt.Sprintf("%02d_%s_%s", i+1, c.kind, lang), func(t *testing.T) {
					r := snippetRunners[lang]
					if _, err := exec.LookPath(r.cmd[0]); err != nil {
						t.Skipf("%s is not installed: the %s snippet is not checked", r.cmd[0], lang)
					}
					if lang == "sh" {
						for _, tool := range []string{"openssl", "curl"} {
							if _, err := exec.LookPath(tool); err != nil && strings.Contains(code, tool+" ") {
								t.Skipf("%s is not installed: the snippet is not checked", tool)
							}
						}
					}
					sub := t.TempDir()
					if err := os.WriteFile(filepath.Join(sub, r.file), []byte(code), 0o600); err != nil {
						t.Fatal(err)
					}
					cmd := exec.Command(r.cmd[0], r.cmd[1:]...)
					cmd.Dir = sub
					if c.npm {
						requireNode(t)
						cmd = exec.Command("node", "--input-type=module", "-e", code)
						cmd.Dir = nodeDir
					}
					cmd.Env = append(os.Environ(), append(a.env, "KITH_URL="+srv.URL, "GOFLAGS=")...)
					out, err := cmd.CombinedOutput()
					if err != nil {
						t.Fatalf("the snippet failed: %v\n%s", err, out)
					}
					checkSnippetProof(t, srv.URL, a.app, a.api, c, lastLine(string(out)))
				})
			}
			for _, kind := range vendorPages[page] {
				for lang := range snippetRunners {
					if !covered[kind][lang] {
						t.Errorf("%s has no checked %s snippet in %s", page, kind, lang)
					}
				}
			}
		})
	}
}

func lastLine(out string) string {
	lines := strings.Split(strings.TrimSpace(out), "\n")
	return strings.TrimSpace(lines[len(lines)-1])
}

// checkSnippetProof starts a widget session with what a snippet printed
// and checks that it is a verified session of the user the page names.
func checkSnippetProof(t *testing.T, url, app, api string, c snippetCheck, printed string) {
	t.Helper()
	body := map[string]any{"app_id": app}
	switch c.kind {
	case "user_hash":
		body["identity"] = map[string]any{c.field: c.want}
		body["user_hash"] = printed
	case "jwt":
		body["jwt"] = printed
	case "session_token":
		// curl prints the whole answer: M1's access_token, M2's token.
		var answer struct {
			AccessToken string `json:"access_token"`
			Token       string `json:"token"`
		}
		if json.Unmarshal([]byte(printed), &answer) == nil {
			printed = answer.AccessToken + answer.Token
		}
		body["session_token"] = printed
	}
	r := kithtest.Do(t, url, "POST", "/widget/v1/sessions", nil, body)
	var started struct {
		User struct {
			ID    string `json:"id"`
			Trust string `json:"trust"`
		} `json:"user"`
	}
	if r.Status != http.StatusCreated {
		t.Fatalf("the snippet printed %q; as %s it answers %d %s, want 201", printed, c.kind, r.Status, r.Body)
	}
	r.Decode(t, &started)
	if started.User.Trust != "verified" || started.User.ID == "" {
		t.Fatalf("the snippet printed %q; as %s it starts %s, want a verified user", printed, c.kind, r.Body)
	}
	var u map[string]any
	kithtest.Do(t, url, "GET", "/api/v1/users/"+started.User.ID, map[string]string{"Authorization": "Bearer " + api}, nil).Decode(t, &u)
	if got, _ := u[c.field].(string); !strings.EqualFold(got, c.want) || c.field == "user_ref" && got != c.want {
		t.Fatalf("the %s verified %s %q, want %q (the user the page names)", c.kind, c.field, got, c.want)
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
