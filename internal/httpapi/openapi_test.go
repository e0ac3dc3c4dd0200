package httpapi

// These tests keep api/openapi.yaml honest: every route the server
// registers is documented, and every answer of a real server matches the
// schema documented for its status. The answers are checked with the small
// JSON Schema validator at the end of this file, which is strict: it refuses
// keywords it does not understand rather than skip them.

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"go/ast"
	"go/parser"
	"go/token"
	"io"
	"maps"
	"math"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/kith-chat/kith/api"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/storetest"
	"gopkg.in/yaml.v3"
)

// undocumentedRoutes are the routes api/openapi.yaml leaves out on purpose:
// the catch-all 404, the Prometheus metrics and the description itself.
var undocumentedRoutes = map[string]bool{
	"/":                     true,
	"GET /metrics":          true,
	"GET /api/openapi.yaml": true,
}

var oaMethods = []string{"get", "put", "post", "delete", "patch", "head", "options", "trace"}

// loadOpenAPI parses the embedded description, the one the server serves,
// into plain JSON values (numbers are float64, as in decoded answers).
func loadOpenAPI(t *testing.T) map[string]any {
	t.Helper()
	var v any
	if err := yaml.Unmarshal(api.OpenAPI, &v); err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatalf("api/openapi.yaml: %v", err)
	}
	var doc map[string]any
	if err := json.Unmarshal(b, &doc); err != nil {
		t.Fatalf("api/openapi.yaml is not a mapping: %v", err)
	}
	return doc
}

// oaOperations returns the operations of the description by
// "METHOD /path".
func oaOperations(t *testing.T, doc map[string]any) map[string]map[string]any {
	t.Helper()
	paths, ok := doc["paths"].(map[string]any)
	if !ok {
		t.Fatal("api/openapi.yaml has no paths")
	}
	ops := map[string]map[string]any{}
	for path, item := range paths {
		item, ok := item.(map[string]any)
		if !ok {
			t.Fatalf("path %s is not a mapping", path)
		}
		for _, m := range oaMethods {
			if op, ok := item[m].(map[string]any); ok {
				ops[strings.ToUpper(m)+" "+path] = op
			}
		}
	}
	return ops
}

// oaRegisteredRoutes reads the package's Go source and returns the pattern
// of every route it registers, as "METHOD /path" with {name...} wildcards
// written {name}: the string literal first arguments of calls to
// Handle and HandleFunc on a mux, and of calls to helpers that pass their
// first parameter on to one (such as server.go's handle).
func oaRegisteredRoutes(t *testing.T) []string {
	t.Helper()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	var files []*ast.File
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, name, nil, parser.SkipObjectResolution)
		if err != nil {
			t.Fatalf("parse %s: %v", name, err)
		}
		files = append(files, f)
	}

	helpers := map[string]bool{}           // functions that register their first argument
	forwarding := map[*ast.CallExpr]bool{} // the calls inside them that do it
	registers := func(call *ast.CallExpr) bool {
		if len(call.Args) == 0 {
			return false
		}
		switch f := call.Fun.(type) {
		case *ast.Ident:
			return helpers[f.Name]
		case *ast.SelectorExpr:
			if x, ok := f.X.(*ast.Ident); ok && x.Name != "http" && (f.Sel.Name == "Handle" || f.Sel.Name == "HandleFunc") {
				return true
			}
			return helpers[f.Sel.Name]
		}
		return false
	}
	for changed := true; changed; {
		changed = false
		for _, f := range files {
			ast.Inspect(f, func(n ast.Node) bool {
				var name string
				var typ *ast.FuncType
				var body *ast.BlockStmt
				switch n := n.(type) {
				case *ast.AssignStmt:
					lit, ok := n.Rhs[0].(*ast.FuncLit)
					id, isID := n.Lhs[0].(*ast.Ident)
					if !ok || !isID || len(n.Lhs) != 1 {
						return true
					}
					name, typ, body = id.Name, lit.Type, lit.Body
				case *ast.FuncDecl:
					name, typ, body = n.Name.Name, n.Type, n.Body
				default:
					return true
				}
				if body == nil || typ.Params == nil || len(typ.Params.List) == 0 || len(typ.Params.List[0].Names) == 0 {
					return true
				}
				param := typ.Params.List[0].Names[0].Name
				ast.Inspect(body, func(n ast.Node) bool {
					call, ok := n.(*ast.CallExpr)
					if !ok || !registers(call) {
						return true
					}
					if arg, ok := call.Args[0].(*ast.Ident); ok && arg.Name == param {
						forwarding[call] = true
						if !helpers[name] {
							helpers[name], changed = true, true
						}
					}
					return true
				})
				return true
			})
		}
	}

	var routes []string
	for _, f := range files {
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || !registers(call) || forwarding[call] {
				return true
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok || lit.Kind != token.STRING {
				t.Errorf("%s: a route registered with a pattern that is not a string literal; "+
					"openapi_test.go cannot read it", fset.Position(call.Pos()))
				return true
			}
			pattern, err := strconv.Unquote(lit.Value)
			if err != nil {
				t.Fatalf("%s: %v", fset.Position(lit.Pos()), err)
			}
			routes = append(routes, oaRoutePattern(pattern))
			return true
		})
	}
	return routes
}

var oaWildcard = regexp.MustCompile(`\{([A-Za-z_][A-Za-z0-9_]*)(\.\.\.)?\}`)

// oaRoutePattern writes a ServeMux pattern as the description does:
// "GET /api/v1/users/{id}". {$} is dropped and {name...} becomes {name}.
func oaRoutePattern(p string) string {
	p = strings.ReplaceAll(p, "{$}", "")
	return oaWildcard.ReplaceAllString(p, "{$1}")
}

// TestOpenAPI_DocumentsEveryRoute checks that the description documents
// exactly the routes the server registers.
func TestOpenAPI_DocumentsEveryRoute(t *testing.T) {
	doc := loadOpenAPI(t)
	documented := oaOperations(t, doc)

	routes := oaRegisteredRoutes(t)
	if len(routes) < 5 {
		t.Fatalf("found only %d routes in the package's source (%q): has the registration code changed shape?",
			len(routes), routes)
	}
	registered := map[string]bool{}
	for _, r := range routes {
		if !undocumentedRoutes[r] {
			registered[r] = true
		}
	}
	for _, r := range slices.Sorted(maps.Keys(registered)) {
		if documented[r] == nil {
			t.Errorf("route %q is registered but not documented in api/openapi.yaml", r)
		}
	}
	for _, r := range slices.Sorted(maps.Keys(documented)) {
		if !registered[r] {
			t.Errorf("api/openapi.yaml documents %q, which the server does not register", r)
		}
	}
	for r := range undocumentedRoutes {
		if !slices.Contains(routes, r) {
			t.Errorf("route %q is listed as undocumented on purpose but is no longer registered", r)
		}
	}
}

// oaRuleRef finds a spec rule number such as M1, R3 or F5.
var oaRuleRef = regexp.MustCompile(`\b[A-Z][0-9]{1,2}\b`)

// TestOpenAPI_DocumentIsConsistent checks the description on its own: every
// $ref resolves, every object schema says whether it takes undeclared
// properties, every example matches its schema, and every operation is
// described, cites a spec rule and asks for the right scope.
func TestOpenAPI_DocumentIsConsistent(t *testing.T) {
	doc := loadOpenAPI(t)
	v := &oaValidator{doc: doc}

	if doc["openapi"] != "3.1.0" {
		t.Errorf("openapi = %v, want 3.1.0", doc["openapi"])
	}

	// Every $ref resolves.
	oaWalk(doc, "#", func(path string, m map[string]any) {
		if ref, ok := m["$ref"].(string); ok {
			if _, err := v.resolve(ref); err != nil {
				t.Errorf("%s: %v", path, err)
			}
		}
	})

	// Every schema is one the validator understands, and strict.
	lint := func(path string, s any) {
		for _, msg := range v.lint(s, path) {
			t.Error(msg)
		}
	}
	schemas, _ := oaDig(doc, "components", "schemas").(map[string]any)
	for _, name := range slices.Sorted(maps.Keys(schemas)) {
		lint("#/components/schemas/"+name, schemas[name])
	}
	oaWalk(doc, "#", func(path string, m map[string]any) {
		if s, ok := m["schema"]; ok && !strings.HasPrefix(path, "#/components/schemas/") {
			lint(path+"/schema", s) // of a media type, parameter or header
		}
	})

	// Every example of a media type, parameter or header matches its schema.
	oaWalk(doc, "#", func(path string, m map[string]any) {
		s, ok := m["schema"]
		if !ok {
			return
		}
		if ex, ok := m["example"]; ok {
			for _, e := range v.validate(s, ex) {
				t.Errorf("%s/example: %s", path, e)
			}
		}
		if exs, ok := m["examples"].(map[string]any); ok {
			for name, ex := range exs {
				ex, _ := ex.(map[string]any)
				if ex, ok := ex["$ref"].(string); ok {
					t.Errorf("%s/examples/%s: $ref examples are not checked; write the value inline", path, ex)
					continue
				}
				for _, e := range v.validate(s, ex["value"]) {
					t.Errorf("%s/examples/%s: %s", path, name, e)
				}
			}
		}
	})

	// Every operation is described, cites the spec, and asks for its scope.
	ids := map[string]string{}
	ops := oaOperations(t, doc)
	for _, key := range slices.Sorted(maps.Keys(ops)) {
		op := ops[key]
		id, _ := op["operationId"].(string)
		if id == "" {
			t.Errorf("%s: no operationId", key)
		} else if other, dup := ids[id]; dup {
			t.Errorf("%s: operationId %q is also %s's", key, id, other)
		}
		ids[id] = key
		for _, field := range []string{"summary", "description"} {
			if s, _ := op[field].(string); strings.TrimSpace(s) == "" {
				t.Errorf("%s: no %s", key, field)
			}
		}
		if desc, _ := op["description"].(string); !oaRuleRef.MatchString(desc) {
			t.Errorf("%s: the description cites no spec rule (M1, R3, ...)", key)
		}
		path := strings.SplitN(key, " ", 2)[1]
		var scope string
		switch {
		case strings.HasPrefix(path, "/api/v1/"):
			scope = "api"
		case path == "/healthz" || path == "/readyz":
		default:
			scope = "sessions"
		}
		sec, ok := op["security"].([]any)
		if !ok {
			t.Errorf("%s: no security (use [] for none)", key)
			continue
		}
		if scope == "" && len(sec) != 0 {
			t.Errorf("%s: the health checks take no access token, but security is %v", key, sec)
		}
		if scope != "" && len(sec) == 0 {
			t.Errorf("%s: needs an access token with scope %s, but security is empty", key, scope)
		}
		for _, req := range sec {
			for scheme, scopes := range req.(map[string]any) {
				if !reflect.DeepEqual(scopes, []any{scope}) {
					t.Errorf("%s: security %s asks for scopes %v, want [%s]", key, scheme, scopes, scope)
				}
			}
		}
		responses, _ := op["responses"].(map[string]any)
		if !slices.ContainsFunc(slices.Collect(maps.Keys(responses)), func(s string) bool { return s[0] == '2' }) {
			t.Errorf("%s: no 2xx response", key)
		}
		if scope != "" {
			for _, status := range []string{"401", "403", "503"} {
				if responses[status] == nil {
					t.Errorf("%s: takes an access token but does not document %s", key, status)
				}
			}
		}
	}
}

// oaWalk calls f for every mapping in v, with its JSON pointer.
func oaWalk(v any, path string, f func(path string, m map[string]any)) {
	switch v := v.(type) {
	case map[string]any:
		f(path, v)
		for _, k := range slices.Sorted(maps.Keys(v)) {
			oaWalk(v[k], path+"/"+strings.ReplaceAll(strings.ReplaceAll(k, "~", "~0"), "/", "~1"), f)
		}
	case []any:
		for i, e := range v {
			oaWalk(e, path+"/"+strconv.Itoa(i), f)
		}
	}
}

// oaDownStore is a store whose database is down.
type oaDownStore struct{ kith.Store }

func (oaDownStore) Ping(context.Context) error {
	return &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable"}
}

func (oaDownStore) AccessToken(context.Context, string) (*kith.AccessToken, error) {
	return nil, &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable"}
}

// TestOpenAPI_ResponsesMatchSchemas calls every documented operation on a
// real server, with valid requests and with bad ones, and checks each answer
// against the schema documented for its status.
func TestOpenAPI_ResponsesMatchSchemas(t *testing.T) {
	doc := loadOpenAPI(t)
	st := storetest.Open(t, "sqlite")
	app, sessionsTok := storetest.NewApp(t, st)
	svc := &apps.Service{Store: st}
	ctx := context.Background()
	newToken := func(scopes ...kith.Scope) string {
		tok, err := svc.CreateToken(ctx, app.ID, scopes, 0)
		if err != nil {
			t.Fatalf("create token %v: %v", scopes, err)
		}
		return tok.Secret
	}
	sessions := sessionsTok.Secret
	apiTok := newToken(kith.ScopeSessions, kith.ScopeAPI)
	apiOnly := newToken(kith.ScopeAPI)
	bearer := func(tok string) string { return "Bearer " + tok }

	c := newDocClient(t, doc, httptest.NewServer(New(Config{Store: st})))

	// Operations, and the description itself.
	c.do(docCall{method: "GET", path: "/healthz", want: 200})
	c.do(docCall{method: "GET", path: "/readyz", want: 200})
	if got := c.raw("GET", "/api/openapi.yaml"); !bytes.Equal(got, api.OpenAPI) {
		t.Errorf("GET /api/openapi.yaml does not serve api/openapi.yaml")
	}

	// Custom fields: those the documented examples use.
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: bearer(apiTok), want: 201,
		body: c.example("#/paths/~1api~1v1~1custom-fields/post/requestBody", "text")})
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: apiTok, want: 201,
		body: map[string]any{"object": "account", "name": "tnt__field2_name", "type": "text"}})
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: bearer(apiTok), want: 201,
		body: c.example("#/paths/~1api~1v1~1custom-fields/post/requestBody", "enum")})
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: bearer(apiTok), want: 201,
		body: map[string]any{"object": "user", "name": "tnt__seats", "type": "number", "values": nil}})
	c.do(docCall{method: "GET", path: "/api/v1/custom-fields", token: bearer(apiTok), want: 200})
	c.do(docCall{method: "GET", path: "/api/v1/custom-fields", query: "object=user", token: apiTok, want: 200})

	// M1, the documented DevRev example (three levels), on both paths and
	// with both spellings of the token; M2, the documented Open CX example.
	devrev := c.example("#/components/requestBodies/SessionTokenRequest", "devrev")
	c.do(docCall{method: "POST", path: "/internal/auth-tokens.create", token: sessions, body: devrev, want: 201})
	c.do(docCall{method: "POST", path: "/auth-tokens.create", token: bearer(sessions), body: devrev, want: 201})
	c.do(docCall{method: "POST", path: "/auth-tokens.create", token: bearer(apiTok), want: 201,
		body: c.example("#/components/requestBodies/SessionTokenRequest", "userOnly")})
	c.do(docCall{method: "POST", path: "/internal/auth-tokens.create", token: sessions, want: 201,
		body: map[string]any{"rev_info": map[string]any{"user_ref": "ws-only", "workspace_ref": "lonely-ws",
			"user_traits": map[string]any{"email": nil, "custom_fields": map[string]any{"tnt__seats": 3}}},
			"expires_in": nil}})
	opencx := c.example("#/paths/~1widget~1authenticate-user/post/requestBody", "opencx")
	m2 := c.do(docCall{method: "POST", path: "/widget/authenticate-user", token: bearer(sessions), body: opencx, want: 200})

	// The server API, on the records M1 and M2 made.
	users := c.do(docCall{method: "GET", path: "/api/v1/users", token: bearer(apiTok), want: 200})
	if n := len(users["data"].([]any)); n != 4 {
		t.Fatalf("GET /api/v1/users: %d users, want 4", n)
	}
	page := c.do(docCall{method: "GET", path: "/api/v1/users", query: "limit=1", token: apiTok, want: 200})
	cursor, _ := page["next_cursor"].(string)
	if cursor == "" {
		t.Fatalf("GET /api/v1/users?limit=1: no next_cursor")
	}
	c.do(docCall{method: "GET", path: "/api/v1/users", query: "limit=200&cursor=" + url.QueryEscape(cursor),
		token: apiTok, want: 200})
	found := c.do(docCall{method: "GET", path: "/api/v1/users",
		query: "ref=example%40devrev.ai&email=TEST-USER%40devrev.ai&trust=verified", token: apiTok, want: 200})
	if n := len(found["data"].([]any)); n != 1 {
		t.Fatalf("GET /api/v1/users by ref, email and trust: %d users, want 1", n)
	}
	devrevUser := found["data"].([]any)[0].(map[string]any)["id"].(string)
	user := c.do(docCall{method: "GET", path: "/api/v1/users/{id}", id: devrevUser, token: apiTok, want: 200})
	if user["account"] == nil || len(user["workspaces"].([]any)) != 1 {
		t.Errorf("GET /api/v1/users/{id}: the DevRev user has no account or workspace: %v", user)
	}
	opencxUser := m2["contact"].(map[string]any)["id"].(string)
	if u := c.do(docCall{method: "GET", path: "/api/v1/users/{id}", id: opencxUser, token: apiTok, want: 200}); u["account"] != nil {
		t.Errorf("GET /api/v1/users/{id}: the Open CX user has an account: %v", u)
	}
	c.do(docCall{method: "GET", path: "/api/v1/users/{id}/events", id: devrevUser, token: apiTok, want: 200})
	c.do(docCall{method: "GET", path: "/api/v1/users/{id}/events", id: devrevUser, query: "limit=1",
		token: apiTok, want: 200})

	accounts := c.do(docCall{method: "GET", path: "/api/v1/accounts", token: apiTok, want: 200})
	if n := len(accounts["data"].([]any)); n != 2 {
		t.Fatalf("GET /api/v1/accounts: %d accounts, want 2 (devrev.ai, and the one made for lonely-ws)", n)
	}
	c.do(docCall{method: "GET", path: "/api/v1/accounts", query: "ref=devrev.ai&limit=5", token: apiTok, want: 200})
	for _, a := range accounts["data"].([]any) {
		c.do(docCall{method: "GET", path: "/api/v1/accounts/{id}", id: a.(map[string]any)["id"].(string),
			token: apiTok, want: 200})
	}
	workspaces := c.do(docCall{method: "GET", path: "/api/v1/workspaces", token: apiTok, want: 200})
	for _, w := range workspaces["data"].([]any) {
		w := w.(map[string]any)
		c.do(docCall{method: "GET", path: "/api/v1/workspaces/{id}", id: w["id"].(string), token: apiTok, want: 200})
		c.do(docCall{method: "GET", path: "/api/v1/workspaces", token: apiTok, want: 200,
			query: "ref=" + url.QueryEscape(w["workspace_ref"].(string)) + "&account_id=" + url.QueryEscape(w["account_id"].(string))})
	}

	// 400.
	typo := map[string]any{"rev_info": map[string]any{"user_ref": "u1", "user_traits": map[string]any{"emial": "a@example.com"}}}
	if e := c.do(docCall{method: "POST", path: "/internal/auth-tokens.create", token: sessions, body: typo, want: 400, code: kith.CodeUnknownField}); c.errorField(e) != "rev_info.user_traits.emial" {
		t.Errorf("unknown field: field = %q, want rev_info.user_traits.emial", c.errorField(e))
	}
	c.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, want: 400,
		body: map[string]any{"email": "jane@example.com", "nickname": "J"}, code: kith.CodeUnknownField})
	c.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, want: 400,
		body: map[string]any{"name": "no email"}, code: kith.CodeMissingField})
	c.do(docCall{method: "POST", path: "/auth-tokens.create", token: sessions, want: 400,
		body: map[string]any{"rev_info": map[string]any{"user_ref": "undefined"}}, code: kith.CodeInvalidUserRef})
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: apiTok, want: 400,
		body: map[string]any{"object": "user", "name": "tnt__x", "type": "text", "required": true}, code: kith.CodeUnknownField})
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: apiTok, want: 400,
		body: map[string]any{"object": "user", "name": "plan", "type": "text"}, code: kith.CodeUnknownCustomField})
	c.do(docCall{method: "GET", path: "/api/v1/users", query: "limit=0", token: apiTok, want: 400})
	c.do(docCall{method: "GET", path: "/api/v1/users", query: "trust=trusted", token: apiTok, want: 400})
	c.do(docCall{method: "GET", path: "/api/v1/users/{id}/events", id: devrevUser, query: "limit=x", token: apiTok, want: 400})
	c.do(docCall{method: "GET", path: "/api/v1/accounts", query: "limit=201", token: apiTok, want: 400})
	c.do(docCall{method: "GET", path: "/api/v1/workspaces", query: "limit=-1", token: apiTok, want: 400})

	// 401 and 403.
	for _, key := range slices.Sorted(maps.Keys(oaOperations(t, doc))) {
		method, path, _ := strings.Cut(key, " ")
		if path == "/healthz" || path == "/readyz" {
			continue
		}
		body := any(nil)
		if method == "POST" {
			body = map[string]any{}
		}
		c.do(docCall{method: method, path: path, id: "usr_x", body: body, want: 401, code: kith.CodeMissingAccessToken})
		c.do(docCall{method: method, path: path, id: "usr_x", body: body, token: "Bearer kith_aat_nope", want: 401,
			code: kith.CodeInvalidAccessToken})
		wrongScope := apiOnly
		if strings.HasPrefix(path, "/api/v1/") {
			wrongScope = sessions
		}
		c.do(docCall{method: method, path: path, id: "usr_x", body: body, token: bearer(wrongScope), want: 403,
			code: kith.CodeInsufficientScope})
	}

	// 404.
	for _, path := range []string{"/api/v1/users/{id}", "/api/v1/users/{id}/events", "/api/v1/accounts/{id}", "/api/v1/workspaces/{id}"} {
		c.do(docCall{method: "GET", path: path, id: "usr_06bdf8q3h2v7g3ltrc1fmgsi5o", token: apiTok, want: 404, code: kith.CodeNotFound})
	}
	other, _ := storetest.NewApp(t, st)
	otherTok, err := svc.CreateToken(ctx, other.ID, []kith.Scope{kith.ScopeAPI}, 0)
	if err != nil {
		t.Fatal(err)
	}
	c.do(docCall{method: "GET", path: "/api/v1/users/{id}", id: devrevUser, token: otherTok.Secret, want: 404}) // V5

	// 409.
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: apiTok, want: 409,
		body: map[string]any{"object": "user", "name": "tnt__field1_name", "type": "number"}, code: kith.CodeConflict})
	c.do(docCall{method: "POST", path: "/internal/auth-tokens.create", token: sessions, want: 409,
		body: map[string]any{"rev_info": map[string]any{"user_ref": "someone-else", "account_ref": "acme.com",
			"workspace_ref": "devrev-dev"}}, code: kith.CodeWorkspaceMoved})
	c.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, want: 409,
		body: map[string]any{"email": "TEST-USER@devrev.ai"}, code: kith.CodeEmailTaken})

	// 413.
	huge := map[string]any{"email": "jane@example.com", "name": strings.Repeat("x", int(DefaultLimits.MaxBodyBytes))}
	c.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, body: huge, want: 413, code: kith.CodeTooLarge})
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: apiTok, body: huge, want: 413, code: kith.CodeTooLarge})

	// 429, on a server with a tight rate limit.
	limited := c.with(httptest.NewServer(New(Config{Store: st, Limits: Limits{TokenRate: 0.001, TokenBurst: 1}})))
	limited.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, body: opencx, want: 200})
	limited.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, body: opencx, want: 429, code: kith.CodeRateLimited})
	limited.do(docCall{method: "POST", path: "/internal/auth-tokens.create", token: sessions, body: devrev, want: 429})
	limited.do(docCall{method: "POST", path: "/auth-tokens.create", token: sessions, body: devrev, want: 429})

	// 503, on a server whose database is down.
	down := c.with(httptest.NewServer(New(Config{Store: oaDownStore{st}})))
	down.do(docCall{method: "GET", path: "/readyz", want: 503})
	for _, key := range slices.Sorted(maps.Keys(oaOperations(t, doc))) {
		method, path, _ := strings.Cut(key, " ")
		if path == "/healthz" || path == "/readyz" {
			continue
		}
		var body any
		if method == "POST" {
			body = map[string]any{}
		}
		down.do(docCall{method: method, path: path, id: "usr_x", body: body, token: apiTok, want: 503,
			code: kith.CodeUnavailable})
	}

	// Every documented operation was called.
	for _, key := range slices.Sorted(maps.Keys(oaOperations(t, doc))) {
		if len(c.seen[key]) == 0 {
			t.Errorf("%s is documented but this test never calls it", key)
		}
	}
	for _, key := range slices.Sorted(maps.Keys(c.seen)) {
		t.Logf("%s: checked %v", key, slices.Sorted(maps.Keys(c.seen[key])))
	}
}

// docClient calls a server and checks its answers against the description.
type docClient struct {
	t    *testing.T
	v    *oaValidator
	ops  map[string]map[string]any
	base string
	// seen records the statuses checked, by "METHOD /path", across every
	// server of the test.
	seen map[string]map[int]bool
}

type docCall struct {
	method string
	path   string // as documented: /api/v1/users/{id}
	id     string // the value of {id}
	query  string
	token  string // the Authorization header; none when empty
	body   any    // sent as JSON when not nil
	want   int
	code   kith.Code // the error code wanted, if any
}

func newDocClient(t *testing.T, doc map[string]any, srv *httptest.Server) *docClient {
	t.Cleanup(srv.Close)
	return &docClient{t: t, v: &oaValidator{doc: doc}, ops: oaOperations(t, doc),
		base: srv.URL, seen: map[string]map[int]bool{}}
}

// with returns a client for another server that shares c's records of what
// was checked.
func (c *docClient) with(srv *httptest.Server) *docClient {
	c.t.Cleanup(srv.Close)
	d := *c
	d.base = srv.URL
	return &d
}

// raw returns the body of a GET.
func (c *docClient) raw(method, path string) []byte {
	c.t.Helper()
	req, err := http.NewRequest(method, c.base+path, nil)
	if err != nil {
		c.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.t.Fatal(err)
	}
	return b
}

// example returns the value of a named example of a request body.
func (c *docClient) example(requestBody, name string) any {
	c.t.Helper()
	rb, err := c.v.resolve(requestBody)
	if err != nil {
		c.t.Fatal(err)
	}
	ex := oaDig(rb, "content", "application/json", "examples", name, "value")
	if ex == nil {
		c.t.Fatalf("%s has no example %q", requestBody, name)
	}
	return ex
}

func (c *docClient) errorField(body map[string]any) string {
	s, _ := oaDig(body, "error", "field").(string)
	return s
}

// do makes the call, checks that the status is cl.want, that the status is
// documented for the operation, and that the answer matches its schema and
// headers; it returns the decoded answer.
func (c *docClient) do(cl docCall) map[string]any {
	t := c.t
	t.Helper()
	key := cl.method + " " + cl.path
	op := c.ops[key]
	if op == nil {
		t.Fatalf("%s is not documented", key)
	}
	target := strings.ReplaceAll(cl.path, "{id}", url.PathEscape(cl.id))
	if cl.query != "" {
		target += "?" + cl.query
	}
	var body io.Reader
	var sent []byte
	if cl.body != nil {
		var err error
		if sent, err = json.Marshal(cl.body); err != nil {
			t.Fatal(err)
		}
		body = bytes.NewReader(sent)
	}
	req, err := http.NewRequest(cl.method, c.base+target, body)
	if err != nil {
		t.Fatal(err)
	}
	if cl.token != "" {
		req.Header.Set("Authorization", cl.token)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", cl.method, target, err)
	}
	raw, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		t.Fatalf("%s %s: %v", cl.method, target, err)
	}
	if resp.StatusCode != cl.want {
		t.Fatalf("%s %s: status %d, want %d; body %s", cl.method, target, resp.StatusCode, cl.want, raw)
	}
	where := fmt.Sprintf("%s %s (%d)", cl.method, target, resp.StatusCode)
	if cl.code != "" && !bytes.Contains(raw, []byte(`"code":"`+string(cl.code)+`"`)) {
		t.Errorf("%s: want error code %s, got %s", where, cl.code, raw)
	}
	if c.seen[key] == nil {
		c.seen[key] = map[int]bool{}
	}
	c.seen[key][resp.StatusCode] = true

	var answer any
	if err := json.Unmarshal(raw, &answer); err != nil {
		t.Fatalf("%s: the answer is not JSON: %v: %s", where, err, raw)
	}

	// The request body, against its documented schema: what the server
	// takes the description must take, and a field the server refuses as
	// unknown the description must refuse too.
	if cl.body != nil && cl.want != http.StatusRequestEntityTooLarge {
		var generic any
		_ = json.Unmarshal(sent, &generic)
		schema := oaDig(c.deref(op["requestBody"]), "content", "application/json", "schema")
		switch {
		case schema == nil && cl.method == "POST":
			t.Errorf("%s: no request body schema documented", where)
		case schema == nil:
		case resp.StatusCode < 300:
			for _, e := range c.v.validate(schema, generic) {
				t.Errorf("%s: the server took a request body that the documented schema refuses: %s", where, e)
			}
		case oaDig(answer, "error", "code") == string(kith.CodeUnknownField):
			if len(c.v.validate(schema, generic)) == 0 {
				t.Errorf("%s: the server refused a field as unknown, but the documented schema allows it", where)
			}
		}
	}

	// The answer, against the documented response for its status.
	responses, _ := op["responses"].(map[string]any)
	spec, _ := c.deref(responses[strconv.Itoa(resp.StatusCode)]).(map[string]any)
	if spec == nil {
		t.Errorf("%s: status %d is not documented for %s", where, resp.StatusCode, key)
		return oaObject(answer)
	}
	schema := oaDig(spec, "content", "application/json", "schema")
	if schema == nil {
		t.Errorf("%s: the documented response has no application/json schema", where)
		return oaObject(answer)
	}
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		t.Errorf("%s: Content-Type %q, documented application/json", where, ct)
	}
	for _, e := range c.v.validate(schema, answer) {
		t.Errorf("%s: the answer does not match the documented schema: %s\nanswer: %s", where, e, raw)
	}
	headers, _ := spec["headers"].(map[string]any)
	for name, h := range headers {
		h, _ := c.deref(h).(map[string]any)
		got := resp.Header.Get(name)
		if got == "" {
			if h["required"] == true {
				t.Errorf("%s: no %s header, which is documented as required", where, name)
			}
			continue
		}
		var value any = got
		if n, err := strconv.ParseFloat(got, 64); err == nil {
			value = n
		}
		for _, e := range c.v.validate(h["schema"], value) {
			t.Errorf("%s: header %s: %s", where, name, e)
		}
	}
	return oaObject(answer)
}

// deref follows a $ref, if v is one.
func (c *docClient) deref(v any) any {
	m, ok := v.(map[string]any)
	if !ok {
		return v
	}
	ref, ok := m["$ref"].(string)
	if !ok {
		return v
	}
	target, err := c.v.resolve(ref)
	if err != nil {
		c.t.Fatal(err)
	}
	return c.deref(target)
}

func oaObject(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// oaDig walks down mappings by key, returning nil when a key is missing.
func oaDig(v any, keys ...string) any {
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			return nil
		}
		v = m[k]
	}
	return v
}

// TestOpenAPI_ValidatorRejectsDrift proves that the checks above can fail:
// the validator refuses answers that do not match the description.
func TestOpenAPI_ValidatorRejectsDrift(t *testing.T) {
	v := &oaValidator{doc: loadOpenAPI(t)}
	good := map[string]any{
		"id": "acc_1", "account_ref": nil, "display_name": "Acme", "domains": []any{"acme.com"},
		"phone_numbers": []any{}, "custom_fields": map[string]any{"tnt__plan": "pro", "tnt__seats": 3.0},
		"created_at": "2026-03-14T09:26:53.589793Z", "updated_at": "2026-03-14T09:26:53Z",
	}
	if errs := v.validate(map[string]any{"$ref": "#/components/schemas/Account"}, good); len(errs) != 0 {
		t.Fatalf("a valid account is refused: %v", errs)
	}
	with := func(change func(m map[string]any)) map[string]any {
		m := maps.Clone(good)
		change(m)
		return m
	}
	schema := func(ptr string) any { return map[string]any{"$ref": "#/components/schemas/" + ptr} }
	bad := map[string]struct {
		schema any
		value  any
	}{
		"undeclared property":       {schema("Account"), with(func(m map[string]any) { m["tenant"] = "x" })},
		"missing required property": {schema("Account"), with(func(m map[string]any) { delete(m, "domains") })},
		"null where not nullable":   {schema("Account"), with(func(m map[string]any) { m["display_name"] = nil })},
		"wrong type":                {schema("Account"), with(func(m map[string]any) { m["domains"] = "acme.com" })},
		"wrong item type":           {schema("Account"), with(func(m map[string]any) { m["phone_numbers"] = []any{1.0} })},
		"null custom field value":   {schema("Account"), with(func(m map[string]any) { m["custom_fields"] = map[string]any{"tnt__x": nil} })},
		"not a date-time":           {schema("Account"), with(func(m map[string]any) { m["created_at"] = "yesterday" })},
		"not in enum":               {schema("Error"), map[string]any{"error": map[string]any{"code": "oops", "message": "m"}}},
		"nested undeclared":         {schema("Error"), map[string]any{"error": map[string]any{"code": "not_found", "message": "m", "status": 404.0}}},
		"number where string|null":  {schema("UserSummary/properties/account_id"), 1.0},
		"empty string for null ref": {schema("User/properties/account"), ""},
		"neither branch of oneOf":   {schema("User/properties/account"), map[string]any{"id": "acc_1"}},
		"not an integer":            {schema("SessionToken/properties/expires_in"), 3600.5},
		"not a list wrapper":        {schema("UserList"), []any{}},
	}
	for name, c := range bad {
		if errs := v.validate(c.schema, c.value); len(errs) == 0 {
			t.Errorf("%s: the validator took %v for %v", name, c.value, c.schema)
		}
	}
	for _, s := range []any{
		map[string]any{"type": "object", "patternProperties": map[string]any{}},
		map[string]any{"$ref": "#/components/schemas/NoSuchSchema"},
		map[string]any{"type": "strings"},
	} {
		if errs := v.validate(s, map[string]any{}); len(errs) == 0 {
			t.Errorf("the validator took schema %v, which it does not understand", s)
		}
	}
	if msgs := v.lint(map[string]any{"type": "object", "properties": map[string]any{"a": map[string]any{"type": "string"}}}, "#"); len(msgs) == 0 {
		t.Errorf("lint took an object schema that does not say whether it takes undeclared properties")
	}
	if msgs := v.lint(map[string]any{"type": "object", "additionalProperties": false, "required": []any{"b"},
		"properties": map[string]any{"a": map[string]any{"type": "string"}}}, "#"); len(msgs) == 0 {
		t.Errorf("lint took a schema that requires a property it does not declare")
	}
}

// oaValidator checks JSON values against the subset of JSON Schema (2020-12,
// as OpenAPI 3.1 uses it) that api/openapi.yaml is written in. A keyword it
// does not know is an error, never ignored.
type oaValidator struct{ doc map[string]any }

// oaAnnotations are keywords that do not constrain a value.
var oaAnnotations = map[string]bool{
	"description": true, "title": true, "example": true, "examples": true, "default": true,
	"deprecated": true, "readOnly": true, "writeOnly": true,
}

func (v *oaValidator) resolve(ref string) (any, error) {
	rest, ok := strings.CutPrefix(ref, "#/")
	if !ok {
		return nil, fmt.Errorf("$ref %q: only references into this document (#/...) are supported", ref)
	}
	var cur any = v.doc
	for _, part := range strings.Split(rest, "/") {
		part = strings.ReplaceAll(strings.ReplaceAll(part, "~1", "/"), "~0", "~")
		m, ok := cur.(map[string]any)
		if !ok || m[part] == nil {
			return nil, fmt.Errorf("$ref %q does not resolve", ref)
		}
		cur = m[part]
	}
	return cur, nil
}

// validate returns what is wrong with value for schema; nothing if it
// matches.
func (v *oaValidator) validate(schema, value any) []string {
	var errs []string
	v.check(schema, value, "$", &errs, 0)
	return errs
}

func (v *oaValidator) check(schema, value any, at string, errs *[]string, depth int) {
	fail := func(format string, args ...any) { *errs = append(*errs, at+": "+fmt.Sprintf(format, args...)) }
	if depth > 64 {
		fail("schema nested too deep (a $ref cycle?)")
		return
	}
	s, ok := schema.(map[string]any)
	if !ok {
		switch schema {
		case true:
		case false:
			fail("no value is allowed here")
		default:
			fail("schema %v is not a mapping", schema)
		}
		return
	}
	obj, isObj := value.(map[string]any)
	arr, isArr := value.([]any)
	str, isStr := value.(string)
	num, isNum := value.(float64)
	for _, kw := range slices.Sorted(maps.Keys(s)) {
		arg := s[kw]
		switch kw {
		case "$ref":
			target, err := v.resolve(fmt.Sprint(arg))
			if err != nil {
				fail("%v", err)
				continue
			}
			v.check(target, value, at, errs, depth+1)
		case "type":
			var types []string
			switch a := arg.(type) {
			case string:
				types = []string{a}
			case []any:
				for _, t := range a {
					types = append(types, fmt.Sprint(t))
				}
			}
			matched := false
			for _, t := range types {
				m, known := oaTypeMatches(t, value)
				if !known {
					fail("unknown type %q in schema", t)
					return
				}
				matched = matched || m
			}
			if !matched {
				fail("want %s, got %s", strings.Join(types, " or "), oaJSONType(value))
				return
			}
		case "enum":
			options, _ := arg.([]any)
			if !slices.ContainsFunc(options, func(e any) bool { return reflect.DeepEqual(e, value) }) {
				fail("%v is not one of %v", value, arg)
			}
		case "const":
			if !reflect.DeepEqual(arg, value) {
				fail("want %v, got %v", arg, value)
			}
		case "required":
			if isObj {
				names, _ := arg.([]any)
				for _, name := range names {
					if _, ok := obj[fmt.Sprint(name)]; !ok {
						fail("required property %q is missing", name)
					}
				}
			}
		case "properties":
			if isObj {
				props, _ := arg.(map[string]any)
				for _, name := range slices.Sorted(maps.Keys(obj)) {
					if p, ok := props[name]; ok {
						v.check(p, obj[name], at+"."+name, errs, depth+1)
					}
				}
			}
		case "additionalProperties":
			if isObj {
				props, _ := s["properties"].(map[string]any)
				for _, name := range slices.Sorted(maps.Keys(obj)) {
					if _, declared := props[name]; declared {
						continue
					}
					if arg == false {
						fail("property %q is not declared in the schema", name)
						continue
					}
					v.check(arg, obj[name], at+"."+name, errs, depth+1)
				}
			}
		case "items":
			for i, e := range arr {
				v.check(arg, e, fmt.Sprintf("%s[%d]", at, i), errs, depth+1)
			}
		case "oneOf", "anyOf":
			n := 0
			subs, _ := arg.([]any)
			for _, sub := range subs {
				var subErrs []string
				v.check(sub, value, at, &subErrs, depth+1)
				if len(subErrs) == 0 {
					n++
				}
			}
			if n == 0 || kw == "oneOf" && n > 1 {
				fail("%v matches %d of the %s schemas", value, n, kw)
			}
		case "pattern":
			if isStr {
				re, err := regexp.Compile(fmt.Sprint(arg))
				if err != nil {
					fail("bad pattern: %v", err)
				} else if !re.MatchString(str) {
					fail("%q does not match %s", str, arg)
				}
			}
		case "minLength", "maxLength":
			if isStr {
				n, b := float64(utf8.RuneCountInString(str)), oaFloat(arg)
				if kw == "minLength" && n < b || kw == "maxLength" && n > b {
					fail("length %v is past %s %v", n, kw, arg)
				}
			}
		case "minItems", "maxItems":
			if isArr {
				n, b := float64(len(arr)), oaFloat(arg)
				if kw == "minItems" && n < b || kw == "maxItems" && n > b {
					fail("%v items is past %s %v", n, kw, arg)
				}
			}
		case "minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum":
			if isNum {
				b := oaFloat(arg)
				if kw == "minimum" && num < b || kw == "maximum" && num > b ||
					kw == "exclusiveMinimum" && num <= b || kw == "exclusiveMaximum" && num >= b {
					fail("%v is past %s %v", num, kw, b)
				}
			}
		case "format":
			if arg == "date-time" && isStr {
				if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
					fail("%q is not an RFC 3339 date-time", str)
				}
			}
		default:
			if !oaAnnotations[kw] {
				fail("schema keyword %q is not supported by openapi_test.go's validator", kw)
			}
		}
	}
}

// oaFloat reads a numeric keyword argument; NaN, which fails every
// comparison, for anything else.
func oaFloat(v any) float64 {
	if f, ok := v.(float64); ok {
		return f
	}
	return math.NaN()
}

// oaTypeMatches reports whether value is of the JSON Schema type t, and
// whether t is a type at all.
func oaTypeMatches(t string, value any) (matches, known bool) {
	switch t {
	case "null":
		return value == nil, true
	case "boolean":
		_, ok := value.(bool)
		return ok, true
	case "string":
		_, ok := value.(string)
		return ok, true
	case "number":
		_, ok := value.(float64)
		return ok, true
	case "integer":
		n, ok := value.(float64)
		return ok && n == math.Trunc(n), true
	case "array":
		_, ok := value.([]any)
		return ok, true
	case "object":
		_, ok := value.(map[string]any)
		return ok, true
	}
	return false, false
}

func oaJSONType(value any) string {
	switch v := value.(type) {
	case nil:
		return "null"
	case bool:
		return "boolean"
	case string:
		return fmt.Sprintf("string %q", v)
	case float64:
		return fmt.Sprintf("number %v", v)
	case []any:
		return "array"
	case map[string]any:
		return "object"
	}
	return fmt.Sprintf("%T", value)
}

// oaKeywords are the keywords the validator understands.
var oaKeywords = map[string]bool{
	"$ref": true, "type": true, "enum": true, "const": true, "required": true, "properties": true,
	"additionalProperties": true, "items": true, "oneOf": true, "anyOf": true, "pattern": true,
	"minLength": true, "maxLength": true, "minItems": true, "maxItems": true, "minimum": true,
	"maximum": true, "exclusiveMinimum": true, "exclusiveMaximum": true, "format": true,
}

// lint checks a schema and the schemas inside it: every keyword is one the
// validator knows, every object schema with properties says whether it
// takes undeclared ones and requires only properties it declares, and
// every example matches the schema it illustrates.
func (v *oaValidator) lint(schema any, at string) []string {
	var msgs []string
	var walk func(s any, at string)
	walk = func(s any, at string) {
		m, ok := s.(map[string]any)
		if !ok {
			if s != true && s != false {
				msgs = append(msgs, at+": a schema must be a mapping")
			}
			return
		}
		for _, kw := range slices.Sorted(maps.Keys(m)) {
			if !oaKeywords[kw] && !oaAnnotations[kw] {
				msgs = append(msgs, fmt.Sprintf("%s: schema keyword %q is not supported by openapi_test.go's validator", at, kw))
			}
		}
		if ref, ok := m["$ref"].(string); ok {
			if _, err := v.resolve(ref); err != nil {
				msgs = append(msgs, at+": "+err.Error())
			}
		}
		for _, kw := range []string{"minLength", "maxLength", "minItems", "maxItems", "minimum", "maximum",
			"exclusiveMinimum", "exclusiveMaximum"} {
			if arg, ok := m[kw]; ok {
				if _, isNum := arg.(float64); !isNum {
					msgs = append(msgs, fmt.Sprintf("%s: %s must be a number, not %v", at, kw, arg))
				}
			}
		}
		var types []any
		switch typ := m["type"].(type) {
		case string:
			types = []any{typ}
		case []any:
			types = typ
		}
		for _, typ := range types {
			if _, known := oaTypeMatches(fmt.Sprint(typ), nil); !known {
				msgs = append(msgs, fmt.Sprintf("%s: unknown type %v", at, typ))
			}
		}
		if ex, ok := m["example"]; ok {
			for _, e := range v.validate(m, ex) {
				msgs = append(msgs, at+"/example: "+e)
			}
		}
		props, hasProps := m["properties"].(map[string]any)
		if hasProps {
			if _, ok := m["additionalProperties"]; !ok {
				msgs = append(msgs, at+": an object schema with properties must say additionalProperties (false, true or a schema)")
			}
			for _, name := range slices.Sorted(maps.Keys(props)) {
				walk(props[name], at+"/properties/"+name)
			}
		}
		if req, ok := m["required"].([]any); ok {
			for _, name := range req {
				if _, ok := props[fmt.Sprint(name)]; !ok {
					msgs = append(msgs, fmt.Sprintf("%s: requires %q, which it does not declare", at, name))
				}
			}
		}
		if ap, ok := m["additionalProperties"].(map[string]any); ok {
			walk(ap, at+"/additionalProperties")
		}
		if items, ok := m["items"]; ok {
			walk(items, at+"/items")
		}
		for _, kw := range []string{"oneOf", "anyOf"} {
			subs, _ := m[kw].([]any)
			for i, sub := range subs {
				walk(sub, fmt.Sprintf("%s/%s/%d", at, kw, i))
			}
		}
	}
	walk(schema, at)
	return msgs
}
