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
	"errors"
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

	"github.com/coder/websocket"
	"github.com/kith-chat/kith/api"
	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/storetest"
	"github.com/kith-chat/kith/internal/web"
	"github.com/kith-chat/kith/internal/wiring"
	"gopkg.in/yaml.v3"
)

// undocumentedRoutes are the routes api/openapi.yaml leaves out on purpose:
// the catch-all 404, the Prometheus metrics, the description itself, and
// the CORS preflight of the widget's endpoints, which the browser sends on
// its own for every path under /widget/v1/ (the description says so in its
// introduction; TestOpenAPI_ResponsesMatchSchemas checks its answer).
var undocumentedRoutes = map[string]bool{
	"/":                     true,
	"GET /metrics":          true,
	"GET /api/openapi.yaml": true,
	// The widget's script and the demo page are not API: docs/widget.md.
	"GET /widget.js":      true,
	"GET /static/plug.js": true,
	"GET /demo":           true,
	"OPTIONS /widget/v1/": true,
	// The inbox's page and files are not API either: docs/inbox.md.
	"GET /inbox":                 true,
	"GET /inbox/":                true,
	"GET /inbox/c/{id}":          true,
	"GET /inbox/settings/{page}": true,
	"GET /inbox/inbox.js":        true,
	"GET /inbox/inbox.css":       true,
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
	for _, p := range web.InboxPatterns {
		if !slices.Contains(routes, oaRoutePattern(p)) {
			t.Errorf("web.InboxPatterns has %q, which the server does not register", p)
		}
	}
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
		if strings.HasPrefix(path, "/inbox/api/") {
			// The inbox's endpoints take the agent's cookie, or nothing to
			// log in; every one reads the store, and what changes anything
			// refuses other origins (CSRF).
			if tags, _ := op["tags"].([]any); !slices.Contains(tags, any("Inbox")) {
				t.Errorf("%s: an inbox endpoint not tagged Inbox", key)
			}
			sec, _ := op["security"].([]any)
			wantSec := []any{map[string]any{"InboxCookie": []any{}}}
			if key == "POST /inbox/api/login" {
				wantSec = []any{}
			}
			if !reflect.DeepEqual(sec, wantSec) {
				t.Errorf("%s: security %v, want %v", key, sec, wantSec)
			}
			responses, _ := op["responses"].(map[string]any)
			for _, status := range []string{"401", "503"} {
				if responses[status] == nil {
					t.Errorf("%s: does not document %s", key, status)
				}
			}
			if method, _, _ := strings.Cut(key, " "); method != "GET" && responses["403"] == nil {
				t.Errorf("%s: changes something but does not document 403 (cross_origin)", key)
			}
			continue
		}
		widget := strings.HasPrefix(path, "/widget/v1/")
		var scope string // of the access token the operation takes; none when empty
		switch {
		case strings.HasPrefix(path, "/api/v1/"):
			scope = "api"
		case path == "/healthz" || path == "/readyz" || widget:
		default:
			scope = "sessions"
		}
		sec, ok := op["security"].([]any)
		if !ok {
			t.Errorf("%s: no security (use [] for none)", key)
			continue
		}
		responses, _ := op["responses"].(map[string]any)
		if !slices.ContainsFunc(slices.Collect(maps.Keys(responses)), func(s string) bool { return s[0] == '2' || s == "101" }) {
			t.Errorf("%s: no 2xx response", key)
		}
		need := func(why string, statuses ...string) {
			for _, status := range statuses {
				if responses[status] == nil {
					t.Errorf("%s: %s but does not document %s", key, why, status)
				}
			}
		}
		if widget {
			// The widget's endpoints take a widget session, which has no
			// scopes, or nothing at all: starting a session takes the
			// app_id in its body, the live events take the session in
			// their first message. Every one of them checks the page's
			// origin (403) and reads the store (503).
			if tags, _ := op["tags"].([]any); !slices.Contains(tags, any("Widget")) {
				t.Errorf("%s: a widget endpoint not tagged Widget", key)
			}
			for _, req := range sec {
				for scheme, scopes := range req.(map[string]any) {
					if scheme != "WidgetSession" || !reflect.DeepEqual(scopes, []any{}) {
						t.Errorf("%s: security %s %v, want WidgetSession []", key, scheme, scopes)
					}
				}
			}
			need("is called from pages whose origin it checks, and reads the store,", "403", "503")
			if method, _, _ := strings.Cut(key, " "); method == "POST" || key == "GET /widget/v1/events" {
				need("is something a browser writes, within budgets (F8),", "429")
			}
			if len(sec) != 0 {
				need("takes a widget session", "401")
			}
			continue
		}
		if scope == "" && len(sec) != 0 {
			t.Errorf("%s: the health checks take no access token, but security is %v", key, sec)
		}
		if scope != "" && len(sec) == 0 {
			t.Errorf("%s: needs an access token with scope %s, but security is empty", key, scope)
		}
		want := []any{scope}
		switch {
		case key == "POST /api/v1/custom-fields":
			want = []any{scope, "org"} // definitions hold for every app of the organization
		case strings.Contains(path, "/verification-secrets") || strings.Contains(path, "/jwt-keys") || strings.Contains(path, "/aliases"):
			want = []any{scope, "keys"} // they prove users' identities
		}
		for _, req := range sec {
			for scheme, scopes := range req.(map[string]any) {
				if scheme != "AccessToken" && scheme != "BearerToken" || !reflect.DeepEqual(scopes, want) {
					t.Errorf("%s: security %s asks for scopes %v, want AccessToken or BearerToken %v", key, scheme, scopes, want)
				}
			}
		}
		if scope != "" {
			need("takes an access token", "401", "403", "503")
		}
	}

	// The live events: the WebSocket's messages have schemas, and the
	// description names every close code the server uses.
	events := ops["GET /widget/v1/events"]
	for _, side := range []string{"client", "server"} {
		if oaDig(events, "x-websocket", side) == nil {
			t.Errorf("GET /widget/v1/events: no x-websocket %s schema", side)
		}
	}
	desc, _ := events["description"].(string)
	for _, code := range []websocket.StatusCode{closeSessionEnded, closeAuthFailed, closeTooSlow, closeTooMany} {
		if !strings.Contains(desc, "**"+strconv.Itoa(int(code))+"**") {
			t.Errorf("GET /widget/v1/events: the description does not explain close code %d", code)
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

func (oaDownStore) App(context.Context, string) (*kith.App, error) {
	return nil, &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable"}
}

func (oaDownStore) Session(context.Context, string) (*kith.Session, error) {
	return nil, &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable"}
}

func (oaDownStore) AgentSession(context.Context, string) (*kith.AgentSession, error) {
	return nil, &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable"}
}

func (oaDownStore) CountLoginAttempt(context.Context, string, time.Time, time.Duration) (int, time.Time, error) {
	return 0, time.Time{}, &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable"}
}

// oaUnknownAgentSession is a well-formed inbox cookie no session has.
const oaUnknownAgentSession = "kith_inbox=kith_as_0123456789abcdefghijklmnop_abcdefghijklmnopqrstuvwxyzabcdefghijklmnopqrstuvwxyz"

// oaServer serves a server wired as kith serve wires one (package wiring),
// on the store, clock and limits of cfg.
func oaServer(t testing.TB, cfg Config) *httptest.Server {
	t.Helper()
	svc := wiring.New(cfg.Store, wiring.Options{Logger: cfg.Logger, Now: cfg.Now, PasswordParams: agents.Params{Memory: 64, Time: 1, Threads: 1}})
	if err := svc.Start(t.Context()); err != nil {
		t.Fatalf("start the live events: %v", err)
	}
	cfg.Apps, cfg.Chat, cfg.Agents = svc.Apps, svc.Chat, svc.Agents
	return httptest.NewServer(New(cfg))
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
	apiTok := newToken(kith.ScopeSessions, kith.ScopeAPI, kith.ScopeOrg)
	apiOnly := newToken(kith.ScopeAPI)
	bearer := func(tok string) string { return "Bearer " + tok }

	c := newDocClient(t, doc, oaServer(t, Config{Store: st}))

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

	// The inbox (I3): an admin and an agent log in with the cookie.
	const missingInboxConv = "cnv_06bdf8r0k5e2p6ie3b7q0t9c4g"
	inboxAgents := &agents.Service{Store: st, Params: agents.Params{Memory: 64, Time: 1, Threads: 1}}
	for _, a := range []agents.NewAgent{{Email: "admin@acme.com", Name: "Ada", Role: kith.RoleAdmin},
		{Email: "sam@acme.com", Name: "Sam", Role: kith.RoleAgent}} {
		a.OrgID, a.Password = app.OrgID, "correct horse battery staple"
		if _, err := inboxAgents.Create(ctx, a); err != nil {
			t.Fatal(err)
		}
	}
	login := func(email string) map[string]string {
		c.do(docCall{method: "POST", path: "/inbox/api/login", want: 200,
			body: map[string]string{"email": email, "password": "correct horse battery staple"}})
		cookie, _, _ := strings.Cut(c.setCookie, ";")
		return map[string]string{"Cookie": cookie}
	}
	c.do(docCall{method: "POST", path: "/inbox/api/login", want: 401, code: kith.CodeInvalidCredentials,
		body: map[string]string{"email": "admin@acme.com", "password": "not the password"}})
	c.do(docCall{method: "POST", path: "/inbox/api/login", want: 400, code: kith.CodeMissingField, body: map[string]string{"email": "admin@acme.com"}})
	c.do(docCall{method: "POST", path: "/inbox/api/login", want: 403, code: kith.CodeCrossOrigin, origin: "https://evil.example",
		body: c.example("#/paths/~1inbox~1api~1login/post/requestBody", "login")})
	adminCookie, agentCookie := login("admin@acme.com"), login("sam@acme.com")
	c.do(docCall{method: "GET", path: "/inbox/api/me", header: adminCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/me", want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "GET", path: "/inbox/api/agents", header: adminCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/agents", header: agentCookie, want: 403, code: kith.CodeAdminOnly})
	c.do(docCall{method: "GET", path: "/inbox/api/agents", want: 401, code: kith.CodeLoginRequired})
	kim := c.do(docCall{method: "POST", path: "/inbox/api/agents", header: adminCookie, want: 201,
		body: c.example("#/paths/~1inbox~1api~1agents/post/requestBody", "agent")})
	c.do(docCall{method: "POST", path: "/inbox/api/agents", header: adminCookie, want: 409, code: kith.CodeEmailTaken,
		body: c.example("#/paths/~1inbox~1api~1agents/post/requestBody", "agent")})
	c.do(docCall{method: "POST", path: "/inbox/api/agents", header: adminCookie, want: 400, code: kith.CodeInvalidField,
		body: map[string]string{"email": "lee@acme.com", "name": "Lee", "role": "owner", "password": "correct horse battery staple"}})
	c.do(docCall{method: "POST", path: "/inbox/api/agents", header: agentCookie, want: 403, code: kith.CodeAdminOnly, body: map[string]string{}})
	c.do(docCall{method: "POST", path: "/inbox/api/agents", want: 401, code: kith.CodeLoginRequired, body: map[string]string{}})
	c.do(docCall{method: "POST", path: "/inbox/api/agents/{id}/disable", id: oaString(t, kim, "id"), header: adminCookie, want: 200})
	c.do(docCall{method: "POST", path: "/inbox/api/agents/{id}/disable", id: "agt_nope", header: adminCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "POST", path: "/inbox/api/agents/{id}/disable", id: "agt_nope", want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "POST", path: "/inbox/api/agents/{id}/disable", id: "agt_nope", header: agentCookie, want: 403, code: kith.CodeAdminOnly})
	me := c.do(docCall{method: "GET", path: "/inbox/api/me", header: adminCookie, want: 200})
	c.do(docCall{method: "POST", path: "/inbox/api/agents/{id}/disable", id: oaString(t, me["agent"].(map[string]any), "id"), header: adminCookie,
		want: 400, code: kith.CodeInvalidRequest})
	agentSessions := c.do(docCall{method: "GET", path: "/inbox/api/sessions", header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/sessions", want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "DELETE", path: "/inbox/api/sessions/{id}", id: "ags_nope", header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "DELETE", path: "/inbox/api/sessions/{id}", id: "ags_nope", want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "DELETE", path: "/inbox/api/sessions/{id}", id: "ags_nope", header: agentCookie, origin: "https://evil.example",
		want: 403, code: kith.CodeCrossOrigin})
	c.do(docCall{method: "POST", path: "/inbox/api/logout", header: adminCookie, origin: "https://evil.example", want: 403, code: kith.CodeCrossOrigin})
	c.do(docCall{method: "POST", path: "/inbox/api/logout", header: adminCookie, want: 204})
	c.do(docCall{method: "POST", path: "/inbox/api/logout", header: adminCookie, want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "DELETE", path: "/inbox/api/sessions/{id}", id: oaString(t, agentSessions["data"].([]any)[0].(map[string]any), "id"),
		header: agentCookie, want: 204})

	// The app's keyring (M3, M4, W2), with a token of scopes api and keys.
	keysTok := newToken(kith.ScopeAPI, kith.ScopeKeys)
	secret := c.do(docCall{method: "POST", path: "/api/v1/verification-secrets", token: bearer(keysTok), want: 201})
	c.do(docCall{method: "GET", path: "/api/v1/verification-secrets", token: keysTok, want: 200})
	c.do(docCall{method: "DELETE", path: "/api/v1/verification-secrets/{id}", id: oaString(t, secret, "id"), token: keysTok, want: 204})
	c.do(docCall{method: "DELETE", path: "/api/v1/verification-secrets/{id}", id: "vsk_nope", token: keysTok, want: 404, code: kith.CodeNotFound})
	imported := c.do(docCall{method: "POST", path: "/api/v1/verification-secrets", token: keysTok, want: 201,
		body: c.example("#/paths/~1api~1v1~1verification-secrets/post/requestBody", "import")})
	if _, echoed := imported["secret"]; echoed {
		t.Error("the answer to an imported secret repeats it")
	}
	c.do(docCall{method: "POST", path: "/api/v1/verification-secrets", token: keysTok, want: 400, code: kith.CodeInvalidField,
		body: map[string]any{"secret": "short"}})
	hs := c.do(docCall{method: "POST", path: "/api/v1/jwt-keys", token: keysTok, want: 201,
		body: c.example("#/paths/~1api~1v1~1jwt-keys/post/requestBody", "secret")})
	c.do(docCall{method: "POST", path: "/api/v1/jwt-keys", token: keysTok, want: 201,
		body: c.example("#/paths/~1api~1v1~1jwt-keys/post/requestBody", "jwks")})
	c.do(docCall{method: "POST", path: "/api/v1/jwt-keys", token: keysTok, want: 409, code: kith.CodeConflict,
		body: c.example("#/paths/~1api~1v1~1jwt-keys/post/requestBody", "secret")})
	c.do(docCall{method: "POST", path: "/api/v1/jwt-keys", token: keysTok, want: 400, code: kith.CodeInvalidField,
		body: map[string]any{"kid": "k", "alg": "none"}})
	c.do(docCall{method: "GET", path: "/api/v1/jwt-keys", token: keysTok, want: 200})
	c.do(docCall{method: "DELETE", path: "/api/v1/jwt-keys/{id}", id: oaString(t, hs, "id"), token: keysTok, want: 204})
	c.do(docCall{method: "DELETE", path: "/api/v1/jwt-keys/{id}", id: "jwk_nope", token: keysTok, want: 404, code: kith.CodeNotFound})
	alias := c.example("#/paths/~1api~1v1~1aliases/post/requestBody", "helpshift").(map[string]any)
	c.do(docCall{method: "POST", path: "/api/v1/aliases", token: keysTok, body: alias, want: 201})
	c.do(docCall{method: "POST", path: "/api/v1/aliases", token: keysTok, body: alias, want: 409, code: kith.CodeConflict})
	c.do(docCall{method: "POST", path: "/api/v1/aliases", token: keysTok, body: map[string]any{"alias": "intercom:x"}, want: 400,
		code: kith.CodeInvalidField})
	c.do(docCall{method: "GET", path: "/api/v1/aliases", token: keysTok, want: 200})
	c.do(docCall{method: "DELETE", path: "/api/v1/aliases/{alias}", id: alias["alias"].(string), token: keysTok, want: 204})
	c.do(docCall{method: "DELETE", path: "/api/v1/aliases/{alias}", id: "devrev:nope", token: keysTok, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "GET", path: "/api/v1/jwt-keys", token: apiTok, want: 403, code: kith.CodeInsufficientScope})

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

	// The widget API, the live events, conversations and sessions.
	oaWidgetCalls(t, c, st, app, sessions, apiTok)

	// 401 and 403, on every endpoint that takes an access token.
	for _, key := range slices.Sorted(maps.Keys(oaOperations(t, doc))) {
		method, path, _ := strings.Cut(key, " ")
		if !oaSecuredBy(c.ops[key], "AccessToken") {
			continue
		}
		body := any(nil)
		if c.ops[key]["requestBody"] != nil {
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
		c.do(docCall{method: method, path: path, id: "usr_x", body: body, token: apiTok, origin: "https://shop.example",
			want: 403, code: kith.CodeBackendOnly})
	}
	// Defining a field changes every app: api alone is not enough.
	c.do(docCall{method: "POST", path: "/api/v1/custom-fields", token: bearer(apiOnly), want: 403, code: kith.CodeInsufficientScope,
		body: c.example("#/paths/~1api~1v1~1custom-fields/post/requestBody", "text")})

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
	limited := c.with(oaServer(t, Config{Store: st, Limits: Limits{TokenRate: 0.001, TokenBurst: 1}}))
	limited.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, body: opencx, want: 200})
	limited.do(docCall{method: "POST", path: "/widget/authenticate-user", token: sessions, body: opencx, want: 429, code: kith.CodeRateLimited})
	limited.do(docCall{method: "POST", path: "/internal/auth-tokens.create", token: sessions, body: devrev, want: 429})
	limited.do(docCall{method: "POST", path: "/auth-tokens.create", token: sessions, body: devrev, want: 429})

	// 429 for what browsers write (F8), on a server whose budgets allow
	// one of each (two messages: a conversation's first, and one more).
	one := budget.Rate{Burst: 1, Per: time.Hour}
	tight := c.with(oaServer(t, Config{Store: st, Budgets: &budget.Policy{
		Sessions: budget.Scopes{Address: one}, Conversations: budget.Scopes{Session: one},
		Messages: budget.Scopes{Session: budget.Rate{Burst: 2, Per: time.Hour}}, Identity: budget.Scopes{Session: one},
		Reads: budget.Scopes{Session: one}, Typing: budget.Scopes{Session: one}, SocketOpens: budget.Scopes{Address: one}}}))
	start := map[string]any{"app_id": app.ID}
	tightSession := "Bearer " + oaString(t, tight.do(docCall{method: "POST", path: "/widget/v1/sessions", body: start, want: 201}), "session")
	tight.do(docCall{method: "POST", path: "/widget/v1/sessions", body: start, want: 429, code: kith.CodeRateLimited})
	for _, path := range []string{"/widget/v1/identity", "/widget/v1/conversations"} {
		body := map[string]any{"display_name": "Tess"}
		if path == "/widget/v1/conversations" {
			body = map[string]any{"body": "hello"}
		}
		tight.do(docCall{method: "POST", path: path, token: tightSession, body: body, want: map[string]int{
			"/widget/v1/identity": 200, "/widget/v1/conversations": 201}[path]})
		tight.do(docCall{method: "POST", path: path, token: tightSession, body: body, want: 429, code: kith.CodeRateLimited})
	}
	tightConv := oaString(t, oaDig(tight.do(docCall{method: "GET", path: "/widget/v1/conversations", token: tightSession, want: 200}),
		"data").([]any)[0].(map[string]any), "id")
	msg := map[string]any{"body": "again"}
	tight.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/messages", id: tightConv, token: tightSession, body: msg, want: 201})
	tight.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/messages", id: tightConv, token: tightSession, body: msg,
		want: 429, code: kith.CodeRateLimited})
	tight.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/read", id: tightConv, token: tightSession, want: 204})
	tight.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/read", id: tightConv, token: tightSession, want: 429,
		code: kith.CodeRateLimited})
	tight.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/typing", id: tightConv, token: tightSession, want: 204})
	tight.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/typing", id: tightConv, token: tightSession, want: 429,
		code: kith.CodeRateLimited})
	tight.dial("app_id="+app.ID, "")
	tight.do(docCall{method: "GET", path: "/widget/v1/events", query: "app_id=" + app.ID, want: 429, code: kith.CodeRateLimited,
		header: map[string]string{"Connection": "Upgrade", "Upgrade": "websocket"}})

	// The inbox's conversations and user panel (I1, S7, R8), on a visitor's
	// conversation.
	agentCookie = login("sam@acme.com") // its first session ended above
	visitor := c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: map[string]any{"app_id": app.ID}, want: 201})
	visitorSession := "Bearer " + oaString(t, visitor, "session")
	vc := c.do(docCall{method: "POST", path: "/widget/v1/conversations", token: visitorSession, want: 201,
		body: map[string]any{"body": "Where is my parcel?"}})
	inboxConv := oaString(t, vc["conversation"].(map[string]any), "id")
	c.do(docCall{method: "GET", path: "/inbox/api/team", header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/events", header: agentCookie, want: 400, code: kith.CodeInvalidRequest})
	c.do(docCall{method: "GET", path: "/inbox/api/events", want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "GET", path: "/inbox/api/events", header: agentCookie, origin: "https://evil.example", want: 403, code: kith.CodeCrossOrigin})
	c.do(docCall{method: "GET", path: "/inbox/api/team", want: 401, code: kith.CodeLoginRequired})
	first := c.do(docCall{method: "GET", path: "/inbox/api/conversations", query: "status=open&limit=1&sort=waiting", header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations", query: "q=parcel&trust=anonymous&unread=true&assignee=none", header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations", query: "status=archived", header: agentCookie, want: 400, code: kith.CodeInvalidField})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations", want: 401, code: kith.CodeLoginRequired})
	_ = first
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/counts", header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/counts", want: 401, code: kith.CodeLoginRequired})
	item := c.do(docCall{method: "GET", path: "/inbox/api/conversations/{id}", id: inboxConv, header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/{id}", id: missingInboxConv, header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/{id}", id: inboxConv, want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/messages", id: inboxConv, header: agentCookie, want: 201,
		body: c.example("#/paths/~1inbox~1api~1conversations~1{id}~1messages/post/requestBody", "reply")})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/messages", id: inboxConv, header: agentCookie, want: 400,
		code: kith.CodeMissingField, body: map[string]string{"body": " "}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/messages", id: missingInboxConv, header: agentCookie, want: 404,
		code: kith.CodeNotFound, body: map[string]string{"body": "hi"}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/messages", id: inboxConv, want: 401, code: kith.CodeLoginRequired,
		body: map[string]string{"body": "hi"}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/messages", id: inboxConv, header: agentCookie, origin: "https://evil.example",
		want: 403, code: kith.CodeCrossOrigin, body: map[string]string{"body": "hi"}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/notes", id: inboxConv, header: agentCookie, want: 201,
		body: c.example("#/paths/~1inbox~1api~1conversations~1{id}~1notes/post/requestBody", "note")})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/notes", id: inboxConv, header: agentCookie, want: 400,
		code: kith.CodeUnknownField, body: map[string]any{"body": "x", "private": true}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/notes", id: missingInboxConv, header: agentCookie, want: 404,
		code: kith.CodeNotFound, body: map[string]string{"body": "hi"}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/notes", id: inboxConv, want: 401, code: kith.CodeLoginRequired,
		body: map[string]string{"body": "hi"}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/notes", id: inboxConv, header: agentCookie, origin: "https://evil.example",
		want: 403, code: kith.CodeCrossOrigin, body: map[string]string{"body": "hi"}})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/{id}/thread", id: inboxConv, query: "limit=50", header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/{id}/thread", id: inboxConv, query: "limit=0", header: agentCookie, want: 400,
		code: kith.CodeInvalidField})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/{id}/thread", id: missingInboxConv, header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "GET", path: "/inbox/api/conversations/{id}/thread", id: inboxConv, want: 401, code: kith.CodeLoginRequired})
	samID := oaString(t, c.do(docCall{method: "GET", path: "/inbox/api/me", header: agentCookie, want: 200})["agent"].(map[string]any), "id")
	snooze := c.example("#/paths/~1inbox~1api~1conversations~1{id}/patch/requestBody", "snooze").(map[string]any)
	snooze["snoozed_until"], snooze["assignee_id"] = time.Now().Add(time.Hour).UTC().Format(time.RFC3339), samID
	c.do(docCall{method: "PATCH", path: "/inbox/api/conversations/{id}", id: inboxConv, header: agentCookie, want: 200, body: snooze})
	c.do(docCall{method: "PATCH", path: "/inbox/api/conversations/{id}", id: inboxConv, header: agentCookie, want: 200,
		body: map[string]any{"status": "open", "assignee_id": nil}})
	c.do(docCall{method: "PATCH", path: "/inbox/api/conversations/{id}", id: inboxConv, header: agentCookie, want: 400,
		code: kith.CodeInvalidField, body: map[string]any{"status": "snoozed"}})
	c.do(docCall{method: "PATCH", path: "/inbox/api/conversations/{id}", id: missingInboxConv, header: agentCookie, want: 404,
		code: kith.CodeNotFound, body: map[string]any{"status": "resolved"}})
	c.do(docCall{method: "PATCH", path: "/inbox/api/conversations/{id}", id: inboxConv, want: 401, code: kith.CodeLoginRequired,
		body: map[string]any{"status": "resolved"}})
	c.do(docCall{method: "PATCH", path: "/inbox/api/conversations/{id}", id: inboxConv, header: agentCookie, origin: "https://evil.example",
		want: 403, code: kith.CodeCrossOrigin, body: map[string]any{"status": "resolved"}})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/read", id: inboxConv, header: agentCookie, want: 204})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/read", id: missingInboxConv, header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/read", id: inboxConv, want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/read", id: inboxConv, header: agentCookie, origin: "https://evil.example",
		want: 403, code: kith.CodeCrossOrigin})
	// Typing indicators (I1): the visitor's widget hears the agent's,
	// announced with id 0, named but without the agent's id.
	visitorLive := c.dial("app_id="+app.ID, "")
	visitorLive.send(map[string]any{"type": "auth", "session": oaString(t, visitor, "session"), "after": 0})
	visitorLive.next("LiveReady")
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/typing", id: inboxConv, header: agentCookie, want: 204})
	for i := 0; ; i++ {
		if e := visitorLive.next("LiveEvent"); e["kind"] == "typing.agent" {
			if e["id"] != 0.0 || e["conversation_id"] != inboxConv || e["author_name"] == nil || e["author_id"] != nil {
				t.Errorf("the agent's typing, as the widget hears it: %v", e)
			}
			break
		}
		if i == 20 {
			t.Fatal("live events: the widget did not hear the agent typing")
		}
	}
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/typing", id: missingInboxConv, header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/typing", id: inboxConv, want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "POST", path: "/inbox/api/conversations/{id}/typing", id: inboxConv, header: agentCookie, origin: "https://evil.example",
		want: 403, code: kith.CodeCrossOrigin})
	c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/typing", id: inboxConv, token: visitorSession, want: 204})
	c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/typing", id: missingInboxConv, token: visitorSession, want: 404,
		code: kith.CodeNotFound})
	inboxUser := oaString(t, item["user"].(map[string]any), "id")
	panel := c.do(docCall{method: "GET", path: "/inbox/api/users/{id}", id: inboxUser, header: agentCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/users/{id}", id: "usr_nope", header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "GET", path: "/inbox/api/users/{id}", id: inboxUser, want: 401, code: kith.CodeLoginRequired})
	visitorWS := oaString(t, panel["sessions"].([]any)[0].(map[string]any), "id")
	c.do(docCall{method: "DELETE", path: "/inbox/api/widget-sessions/{id}", id: visitorWS, header: agentCookie, origin: "https://evil.example",
		want: 403, code: kith.CodeCrossOrigin})
	c.do(docCall{method: "DELETE", path: "/inbox/api/widget-sessions/{id}", id: visitorWS, header: agentCookie, want: 204})
	c.do(docCall{method: "DELETE", path: "/inbox/api/widget-sessions/{id}", id: "wss_nope", header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "DELETE", path: "/inbox/api/widget-sessions/{id}", id: visitorWS, want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "DELETE", path: "/inbox/api/users/{id}/widget-sessions", id: inboxUser, header: agentCookie, want: 200})
	c.do(docCall{method: "DELETE", path: "/inbox/api/users/{id}/widget-sessions", id: "usr_nope", header: agentCookie, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "DELETE", path: "/inbox/api/users/{id}/widget-sessions", id: inboxUser, want: 401, code: kith.CodeLoginRequired})
	c.do(docCall{method: "DELETE", path: "/inbox/api/users/{id}/widget-sessions", id: inboxUser, header: agentCookie,
		origin: "https://evil.example", want: 403, code: kith.CodeCrossOrigin})

	// The inbox's settings, for admins (I3, section 9).
	adminCookie = login("admin@acme.com") // its first session ended above
	appPath := "/inbox/api/apps/{app}"
	onApp := func(path string) string { return strings.Replace(path, "{app}", app.ID, 1) }
	c.do(docCall{method: "GET", path: "/inbox/api/apps", header: adminCookie, want: 200})
	c.do(docCall{method: "GET", path: "/inbox/api/apps", header: agentCookie, want: 403, code: kith.CodeAdminOnly})
	c.do(docCall{method: "GET", path: "/inbox/api/apps", want: 401, code: kith.CodeLoginRequired})
	for _, sub := range []string{"", "/tokens", "/verification-secrets", "/jwt-keys", "/aliases", "/custom-fields"} {
		method := "GET"
		var body any
		if sub == "" {
			method, body = "PATCH", map[string]any{"settings": map[string]any{"email_unique": true}}
		}
		path := appPath + sub
		c.do(docCall{method: method, path: path, id: "app_nope", header: adminCookie, want: 404, code: kith.CodeNotFound, body: body})
		c.do(docCall{method: method, path: path, id: app.ID, header: agentCookie, want: 403, code: kith.CodeAdminOnly, body: body})
		c.do(docCall{method: method, path: path, id: app.ID, want: 401, code: kith.CodeLoginRequired, body: body})
		if sub != "" {
			c.do(docCall{method: method, path: path, id: app.ID, header: adminCookie, want: 200})
		}
	}
	c.do(docCall{method: "GET", path: appPath + "/custom-fields", id: app.ID, query: "object=nope", header: adminCookie, want: 400, code: kith.CodeInvalidField})
	c.do(docCall{method: "PATCH", path: appPath, id: app.ID, header: adminCookie, want: 200,
		body: c.example("#/paths/~1inbox~1api~1apps~1{app}/patch/requestBody", "settings")})
	c.do(docCall{method: "PATCH", path: appPath, id: app.ID, header: adminCookie, want: 400, code: kith.CodeInvalidField,
		body: map[string]any{"settings": map[string]any{"on_login": "sometimes"}}})
	c.do(docCall{method: "PATCH", path: appPath, id: app.ID, header: adminCookie, origin: "https://evil.example", want: 403,
		code: kith.CodeCrossOrigin, body: map[string]any{"settings": map[string]any{"email_unique": true}}})
	c.do(docCall{method: "PATCH", path: appPath, id: app.ID, header: adminCookie, want: 200,
		body: map[string]any{"settings": map[string]any{"verification_required": false, "allowed_origins": []string{"*"}}}})
	made := c.do(docCall{method: "POST", path: appPath + "/tokens", id: app.ID, header: adminCookie, want: 201,
		body: c.example("#/paths/~1inbox~1api~1apps~1{app}~1tokens/post/requestBody", "backend")})
	c.do(docCall{method: "POST", path: appPath + "/tokens", id: app.ID, header: adminCookie, want: 400, code: kith.CodeInvalidField,
		body: map[string]any{"scopes": []string{"sessions"}, "expires_in": "soon"}})
	for _, call := range []struct {
		path string
		body any
	}{
		{"/tokens", map[string]any{"scopes": []string{"sessions"}}},
		{"/verification-secrets", nil},
		{"/jwt-keys", c.example("#/paths/~1inbox~1api~1apps~1{app}~1jwt-keys/post/requestBody", "hs256")},
		{"/aliases", c.example("#/paths/~1inbox~1api~1apps~1{app}~1aliases/post/requestBody", "helpshift")},
		{"/custom-fields", c.example("#/paths/~1inbox~1api~1apps~1{app}~1custom-fields/post/requestBody", "plan")},
	} {
		path := appPath + call.path
		c.do(docCall{method: "POST", path: path, id: "app_nope", header: adminCookie, want: 404, code: kith.CodeNotFound, body: call.body})
		c.do(docCall{method: "POST", path: path, id: app.ID, header: agentCookie, want: 403, code: kith.CodeAdminOnly, body: call.body})
		c.do(docCall{method: "POST", path: path, id: app.ID, want: 401, code: kith.CodeLoginRequired, body: call.body})
		if call.path != "/tokens" {
			c.do(docCall{method: "POST", path: path, id: app.ID, header: adminCookie, want: 201, body: call.body})
		}
	}
	for _, call := range []struct {
		path string
		body any
	}{
		{"/jwt-keys", c.example("#/paths/~1inbox~1api~1apps~1{app}~1jwt-keys/post/requestBody", "hs256")},
		{"/aliases", c.example("#/paths/~1inbox~1api~1apps~1{app}~1aliases/post/requestBody", "helpshift")},
		{"/custom-fields", c.example("#/paths/~1inbox~1api~1apps~1{app}~1custom-fields/post/requestBody", "plan")},
	} {
		c.do(docCall{method: "POST", path: appPath + call.path, id: app.ID, header: adminCookie, want: 409, body: call.body})
	}
	c.do(docCall{method: "POST", path: appPath + "/verification-secrets", id: app.ID, header: adminCookie, want: 400,
		code: kith.CodeInvalidField, body: map[string]any{"secret": "short"}})
	c.do(docCall{method: "POST", path: appPath + "/jwt-keys", id: app.ID, header: adminCookie, want: 400,
		code: kith.CodeInvalidField, body: map[string]any{"kid": "../etc", "alg": "HS256"}})
	c.do(docCall{method: "POST", path: appPath + "/aliases", id: app.ID, header: adminCookie, want: 400,
		code: kith.CodeInvalidField, body: map[string]any{"alias": "zendesk:x"}})
	c.do(docCall{method: "POST", path: appPath + "/custom-fields", id: app.ID, header: adminCookie, want: 400,
		body: map[string]any{"object": "user", "name": "plan", "type": "text"}})
	// Deletes: by the record's id (and an unknown one), with the same refusals.
	secretsList := c.do(docCall{method: "GET", path: appPath + "/verification-secrets", id: app.ID, header: adminCookie, want: 200})
	keysList := c.do(docCall{method: "GET", path: appPath + "/jwt-keys", id: app.ID, header: adminCookie, want: 200})
	for _, d := range []struct{ path, id, missing string }{
		{"/tokens/{id}", oaString(t, made, "id"), "tok_nope"},
		{"/verification-secrets/{id}", oaString(t, secretsList["data"].([]any)[0].(map[string]any), "id"), "vsk_nope"},
		{"/jwt-keys/{id}", oaString(t, keysList["data"].([]any)[0].(map[string]any), "id"), "jwk_nope"},
		{"/aliases/{alias}", "helpshift:acme/acme_platform", "helpshift:nope/nope"},
	} {
		path := onApp(appPath + d.path)
		c.do(docCall{method: "DELETE", path: appPath + d.path, id: d.missing, header: agentCookie, want: 403, code: kith.CodeAdminOnly,
			rawPath: strings.NewReplacer("{id}", d.missing, "{alias}", url.PathEscape(d.missing)).Replace(path)})
		c.do(docCall{method: "DELETE", path: appPath + d.path, id: d.missing, want: 401, code: kith.CodeLoginRequired,
			rawPath: strings.NewReplacer("{id}", d.missing, "{alias}", url.PathEscape(d.missing)).Replace(path)})
		c.do(docCall{method: "DELETE", path: appPath + d.path, id: d.missing, header: adminCookie, want: 404, code: kith.CodeNotFound,
			rawPath: strings.NewReplacer("{id}", d.missing, "{alias}", url.PathEscape(d.missing)).Replace(path)})
		c.do(docCall{method: "DELETE", path: appPath + d.path, id: d.id, header: adminCookie, want: 204,
			rawPath: strings.NewReplacer("{id}", d.id, "{alias}", url.PathEscape(d.id)).Replace(path)})
	}

	// 503, on a server whose database is down.
	down := c.with(oaServer(t, Config{Store: oaDownStore{st}}))
	down.do(docCall{method: "GET", path: "/readyz", want: 503})
	for _, key := range slices.Sorted(maps.Keys(oaOperations(t, doc))) {
		method, path, _ := strings.Cut(key, " ")
		if path == "/healthz" || path == "/readyz" {
			continue
		}
		call := docCall{method: method, path: path, id: "usr_x", token: apiTok, want: 503, code: kith.CodeUnavailable}
		if c.ops[key]["requestBody"] != nil {
			call.body = map[string]any{}
		}
		switch {
		case oaSecuredBy(c.ops[key], "InboxCookie"):
			call.token, call.header = "", map[string]string{"Cookie": oaUnknownAgentSession}
		case key == "POST /inbox/api/login":
			call.token, call.body = "", map[string]string{"email": "admin@acme.com", "password": "correct horse battery staple"}
		case oaSecuredBy(c.ops[key], "WidgetSession"):
			call.token = "Bearer " + oaUnknownWidgetSession
		case key == "POST /widget/v1/sessions":
			call.token, call.body = "", map[string]any{"app_id": app.ID}
		case key == "GET /widget/v1/events":
			call.token, call.query = "", "app_id="+app.ID
		}
		down.do(call)
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

// oaUnknownWidgetSession is a well-formed widget session that no server
// knows.
var oaUnknownWidgetSession = "kith_ws_" + strings.Repeat("0", 26) + "_" + strings.Repeat("a", 52)

// oaSecuredBy reports whether an operation takes the security scheme.
func oaSecuredBy(op map[string]any, scheme string) bool {
	sec, _ := op["security"].([]any)
	return slices.ContainsFunc(sec, func(req any) bool { return oaDig(req, scheme) != nil })
}

// oaWidgetCalls calls the widget API (S1-S8, V1-V8), the live events and
// the server API's conversations and sessions (V6, S7) on a real server,
// with good requests and bad ones, and checks every answer against the
// description. app has the default settings and its tokens sessions (scope
// sessions) and apiTok (scopes sessions and api); the function makes an
// app that lists its allowed origins and lets a login claim the anonymous
// history, and one that requires verification.
func oaWidgetCalls(t *testing.T, c *docClient, st kith.Store, app *kith.App, sessions, apiTok string) {
	ctx := context.Background()
	svc := &apps.Service{Store: st}
	bearer := func(tok string) string { return "Bearer " + tok }
	str := func(m map[string]any, keys ...string) string {
		t.Helper()
		s, _ := oaDig(m, keys...).(string)
		if s == "" {
			t.Fatalf("no %s in %v", strings.Join(keys, "."), m)
		}
		return s
	}
	data := func(m map[string]any) []any {
		t.Helper()
		d, ok := m["data"].([]any)
		if !ok {
			t.Fatalf("no data in %v", m)
		}
		return d
	}
	mint := func(aat, userRef string, revInfo map[string]any) string {
		t.Helper()
		ri := map[string]any{"user_ref": userRef}
		maps.Copy(ri, revInfo)
		return str(c.do(docCall{method: "POST", path: "/internal/auth-tokens.create", token: aat, want: 201,
			body: map[string]any{"rev_info": ri}}), "access_token")
	}
	start := func(a *kith.App, origin string, body map[string]any) map[string]any {
		t.Helper()
		b := map[string]any{"app_id": a.ID}
		maps.Copy(b, body)
		return c.do(docCall{method: "POST", path: "/widget/v1/sessions", origin: origin, body: b, want: 201})
	}
	example := func(name string, a *kith.App) map[string]any {
		t.Helper()
		b := maps.Clone(c.example("#/paths/~1widget~1v1~1sessions/post/requestBody", name).(map[string]any))
		b["app_id"] = a.ID
		return b
	}
	session := func(s map[string]any) string { t.Helper(); return bearer(str(s, "session")) }
	sessionID := func(s map[string]any) string {
		t.Helper()
		id, ok := keys.WidgetSession.Parse(str(s, "session"))
		if !ok {
			t.Fatalf("malformed session %q", s["session"])
		}
		return id
	}
	msg := c.example("#/components/requestBodies/MessageRequest", "message")
	reply := c.example("#/paths/~1api~1v1~1conversations~1{id}~1messages/post/requestBody", "reply")
	const missingConv = "cnv_06bdf8r0k5e2p6ie3b7q0t9c4g"
	huge := strings.Repeat("x", int(DefaultLimits.MaxBodyBytes))

	// S1, M6: an anonymous visitor has a name, but no user until they write.
	anon := c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: example("anonymous", app), want: 201})
	if oaDig(anon, "user", "id") != nil || oaDig(anon, "user", "trust") != "anonymous" || anon["auth_failure"] != nil {
		t.Errorf("POST /widget/v1/sessions: an anonymous visitor %v, want no user id, trust anonymous", anon)
	}
	start(app, "", map[string]any{"device_token": nil, "session_token": nil, "identity": nil, "jwt": nil,
		"user_hash": nil, "workspace_ref": nil, "on_login": nil})
	c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: example("returning", app), want: 201})
	c.do(docCall{method: "GET", path: "/widget/v1/conversations", token: session(anon), want: 200})
	started := c.do(docCall{method: "POST", path: "/widget/v1/conversations", token: session(anon), body: msg, want: 201})
	conv, first := str(started, "conversation", "id"), str(started, "message", "id")
	c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/messages", id: conv, token: session(anon), want: 201,
		body: map[string]any{"body": "  It says Free.\n\tBut I pay for Pro.  "}})
	c.do(docCall{method: "POST", path: "/widget/v1/conversations", token: session(anon), want: 201,
		body: map[string]any{"body": "Another question"}})
	p := c.do(docCall{method: "GET", path: "/widget/v1/conversations", query: "limit=1", token: session(anon), want: 200})
	c.do(docCall{method: "GET", path: "/widget/v1/conversations", query: "limit=1&cursor=" + url.QueryEscape(str(p, "next_cursor")),
		token: session(anon), want: 200})
	p = c.do(docCall{method: "GET", path: "/widget/v1/conversations/{id}/messages", id: conv, query: "limit=1",
		token: session(anon), want: 200})
	c.do(docCall{method: "GET", path: "/widget/v1/conversations/{id}/messages", id: conv,
		query: "cursor=" + url.QueryEscape(str(p, "next_cursor")), token: session(anon), want: 200})
	if n := len(data(c.do(docCall{method: "GET", path: "/widget/v1/conversations/{id}/messages", id: conv,
		query: "after=" + first, token: session(anon), want: 200}))); n != 1 {
		t.Errorf("GET /widget/v1/conversations/{id}/messages?after=: %d messages, want the 1 after the first", n)
	}

	// V6: agents see it, and reply; replies are unread until read.
	user := str(c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}", id: conv, token: apiTok, want: 200}), "user_id")
	c.do(docCall{method: "GET", path: "/api/v1/conversations", token: bearer(apiTok), want: 200})
	p = c.do(docCall{method: "GET", path: "/api/v1/conversations", query: "user_id=" + user + "&limit=1", token: apiTok, want: 200})
	c.do(docCall{method: "GET", path: "/api/v1/conversations", token: apiTok, want: 200,
		query: "user_id=" + user + "&limit=1&cursor=" + url.QueryEscape(str(p, "next_cursor"))})
	c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: conv, token: apiTok, body: reply, want: 201})
	if m := c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: conv, token: bearer(apiTok), want: 201,
		body: map[string]any{"body": "Anything else?", "author_name": nil}}); m["author_name"] != "Support" || m["author"] != "agent" {
		t.Errorf("a reply without author_name: %v, want author agent named Support", m)
	}
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}/messages", id: conv, token: apiTok, want: 200})
	p = c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}/messages", id: conv, query: "limit=2", token: apiTok, want: 200})
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}/messages", id: conv, token: apiTok, want: 200,
		query: "limit=2&cursor=" + url.QueryEscape(str(p, "next_cursor"))})
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}/messages", id: conv, query: "after=" + first, token: apiTok, want: 200})
	unread := func() any {
		for _, v := range data(c.do(docCall{method: "GET", path: "/widget/v1/conversations", token: session(anon), want: 200})) {
			if oaDig(v, "id") == conv {
				return oaDig(v, "unread")
			}
		}
		t.Fatalf("the visitor no longer sees %s", conv)
		return nil
	}
	if n := unread(); n != 2.0 {
		t.Errorf("unread = %v, want the 2 replies", n)
	}
	c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/read", id: conv, token: session(anon), want: 204})
	if n := unread(); n != 0.0 {
		t.Errorf("unread = %v after reading, want 0", n)
	}

	// Live events: the replay, a reply as it happens, the end of the
	// session at logout (S4), and a resumption after a drop.
	live := c.dial("app_id="+app.ID, "")
	live.send(map[string]any{"type": "auth", "session": str(anon, "session"), "after": 0})
	if r := live.next("LiveReady"); r["cursor"] != 0.0 {
		t.Errorf("live events: ready %v, want cursor 0", r)
	}
	var cursor float64
	for i := 0; ; i++ {
		e := live.nextMessage()
		if oaDig(e, "message", "body") == "Anything else?" {
			cursor = e["id"].(float64)
			break
		}
		if i == 10 {
			t.Fatal("live events: the replay did not bring the agent's last reply")
		}
	}
	c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: conv, token: apiTok, want: 201,
		body: map[string]any{"body": "Still there?", "author_name": "Sam"}})
	if e := live.nextMessage(); oaDig(e, "message", "body") != "Still there?" || e["conversation_id"] != conv {
		t.Errorf("live events: %v, want the reply", e)
	}
	c.do(docCall{method: "DELETE", path: "/widget/v1/session", token: session(anon), want: 204})
	live.next("LiveSessionRevoked")
	if code := live.closed(); code != closeSessionEnded {
		t.Errorf("live events: closed with %d at logout, want %d", code, closeSessionEnded)
	}
	c.do(docCall{method: "DELETE", path: "/widget/v1/session", token: session(anon), want: 401, code: kith.CodeInvalidSession})
	back := start(app, "", map[string]any{"device_token": str(anon, "device_token")})
	if oaDig(back, "user", "id") != user {
		t.Errorf("after logout the device's visitor is %v, want %s back (S4)", back["user"], user)
	}
	resumed := c.dial("app_id="+app.ID, "")
	resumed.send(map[string]any{"type": "auth", "session": str(back, "session"), "after": cursor})
	if r := resumed.next("LiveReady"); r["cursor"] != cursor {
		t.Errorf("live events: ready %v, want cursor %v", r, cursor)
	}
	if e := resumed.nextMessage(); oaDig(e, "message", "body") != "Still there?" {
		t.Errorf("live events: resumed with %v, want the reply after the cursor", e)
	}
	resumed.send(map[string]any{"type": "auth", "session": str(back, "session")})
	if code := resumed.closed(); code != websocket.StatusPolicyViolation {
		t.Errorf("live events: closed with %d for a second message, want %d", code, websocket.StatusPolicyViolation)
	}
	for _, tok := range []string{oaUnknownWidgetSession, str(anon, "session")} {
		refused := c.dial("app_id="+app.ID, "")
		refused.send(map[string]any{"type": "auth", "session": tok})
		if code := refused.closed(); code != closeAuthFailed {
			t.Errorf("live events: closed with %d for a bad session, want %d", code, closeAuthFailed)
		}
	}
	c.do(docCall{method: "GET", path: "/widget/v1/events", query: "app_id=app_nope", want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "GET", path: "/widget/v1/events", want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "GET", path: "/widget/v1/events", query: "app_id=" + app.ID, want: 400, code: kith.CodeInvalidRequest})
	c.do(docCall{method: "GET", path: "/widget/v1/events", query: "app_id=" + app.ID, want: 400,
		header: map[string]string{"Connection": "Upgrade", "Upgrade": "websocket"}})

	// M1: a verified user with an account and a workspace (V1, V4). A
	// session token is redeemed by one device (S2).
	adaTok := mint(sessions, "widget-ada", map[string]any{"account_ref": "globex.com", "workspace_ref": "globex-support",
		"user_traits": map[string]any{"email": "ada@globex.com", "display_name": "Ada"}})
	body := example("sessionToken", app)
	body["session_token"] = adaTok
	ada := c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: body, want: 201})
	adaUser := str(ada, "user", "id")
	// V4: the page cannot put a verified user in a workspace she is not in.
	stranger := example("sessionToken", app)
	stranger["session_token"], stranger["workspace_ref"] = mint(sessions, "widget-stranger", nil), "globex-support"
	c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: stranger, want: 403, code: kith.CodeWorkspaceNotAllowed})
	if oaDig(ada, "user", "trust") != "verified" || ada["can_chat"] != true {
		t.Errorf("a session token: %v, want a verified user who can chat", ada)
	}
	adaAgain := start(app, "", map[string]any{"session_token": adaTok, "device_token": str(ada, "device_token")})
	c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: map[string]any{"app_id": app.ID, "session_token": adaTok},
		want: 401, code: kith.CodeInvalidSessionToken})
	c.do(docCall{method: "POST", path: "/widget/v1/sessions", want: 400, code: kith.CodeInvalidField,
		body: map[string]any{"app_id": app.ID, "session_token": mint(sessions, "widget-ada",
			map[string]any{"account_ref": "globex.com", "workspace_ref": "globex-support"}), "workspace_ref": "elsewhere"}})
	late := c.with(oaServer(t, Config{Store: st, Now: func() time.Time { return time.Now().Add(2 * time.Hour) }}))
	late.do(docCall{method: "POST", path: "/widget/v1/sessions", want: 401, code: kith.CodeExpiredSessionToken,
		body: map[string]any{"app_id": app.ID, "session_token": mint(sessions, "widget-ada", nil)}})
	c.do(docCall{method: "POST", path: "/widget/v1/sessions", want: 401, code: kith.CodeInvalidSessionToken,
		body: map[string]any{"app_id": app.ID, "session_token": "not-a-token"}})
	c.do(docCall{method: "POST", path: "/widget/v1/sessions", want: 403, code: kith.CodeClaimNotAllowed,
		body: map[string]any{"app_id": app.ID, "session_token": mint(sessions, "widget-ada", nil), "on_login": "claim"}})

	// S8: traits change, never the user_ref; a verified email comes from
	// the backend.
	identityBody := c.example("#/paths/~1widget~1v1~1identity/post/requestBody", "traits")
	c.do(docCall{method: "POST", path: "/widget/v1/identity", token: session(ada), body: identityBody, want: 200})
	for _, bad := range []struct {
		body map[string]any
		code kith.Code
	}{
		{map[string]any{"user_ref": "someone-else"}, kith.CodeInvalidField},
		{map[string]any{"email": "ada@evil.example"}, kith.CodeInvalidField},
		{map[string]any{"nickname": "A"}, kith.CodeUnknownField},
		{map[string]any{"phone_numbers": []string{"12345"}}, kith.CodeInvalidPhoneNumber},
		{map[string]any{"custom_fields": map[string]any{"tnt__nope": "x"}}, kith.CodeUnknownCustomField},
	} {
		c.do(docCall{method: "POST", path: "/widget/v1/identity", token: session(ada), body: bad.body, want: 400, code: bad.code})
	}
	c.do(docCall{method: "POST", path: "/widget/v1/identity", token: session(ada), body: map[string]any{"display_name": huge},
		want: 413, code: kith.CodeTooLarge})

	// V2, V4: her conversation is verified and in her token's workspace.
	adaConv := str(c.do(docCall{method: "POST", path: "/widget/v1/conversations", token: session(ada), body: msg, want: 201}),
		"conversation", "id")
	if ac := c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}", id: adaConv, token: apiTok, want: 200}); ac["verified"] != true ||
		ac["workspace_ref"] != "globex-support" {
		t.Errorf("GET /api/v1/conversations/{id}: %v, want a verified conversation in globex-support", ac)
	}

	// M5: a claimed identity; an unverified session may set the email. One
	// another unverified user holds is withheld, not refused (R6, F9).
	jane := c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: example("identity", app), want: 201})
	if oaDig(jane, "user", "trust") != "unverified" || jane["auth_failure"] != nil {
		t.Errorf("a claimed identity: %v, want an unverified user", jane)
	}
	c.do(docCall{method: "POST", path: "/widget/v1/identity", token: session(jane), want: 200,
		body: map[string]any{"email": "jane.doe@example.com", "phone_numbers": nil, "custom_fields": nil}})
	other := start(app, "", map[string]any{"identity": map[string]any{"user_ref": "jane-43"}})
	c.do(docCall{method: "POST", path: "/widget/v1/identity", token: session(other), want: 200,
		body: map[string]any{"email": "JANE.DOE@example.com"}})
	// V8, F4: refused claims start anonymous sessions that say why.
	if s := start(app, "", map[string]any{"identity": map[string]any{"user_ref": "widget-ada", "display_name": "Not Ada"}}); oaDig(s, "user", "trust") != "anonymous" ||
		oaDig(s, "auth_failure", "code") != string(kith.CodeMissingUserAuthToken) {
		t.Errorf("claiming a verified user_ref: %v, want an anonymous session and missing_user_auth_token (V8)", s)
	}
	if s := start(app, "", map[string]any{"identity": map[string]any{"user_ref": "undefined"}}); s["auth_failure"] == nil {
		t.Errorf("claiming a placeholder user_ref: %v, want an auth_failure (F4)", s)
	}
	// M6: a visitor who names themselves gets their user.
	if u := c.do(docCall{method: "POST", path: "/widget/v1/identity", token: session(start(app, "", nil)), want: 200,
		body: map[string]any{"display_name": "Visitor Vi"}}); oaDig(u, "user", "id") == nil {
		t.Errorf("an anonymous visitor named themselves: %v, want a user id", u)
	}

	// S1: bad requests to start a session.
	for _, bad := range []struct {
		body   map[string]any
		status int
		code   kith.Code
	}{
		{map[string]any{}, 400, kith.CodeMissingField},
		{map[string]any{"app_id": app.ID, "jwt": "eyJhbGciOiJSUzI1NiJ9.e30.c2ln"}, 401, kith.CodeInvalidJWT},
		{map[string]any{"app_id": app.ID, "user_hash": "0f3a", "identity": map[string]any{"user_ref": "u"}}, 401, kith.CodeInvalidUserAuthToken},
		{map[string]any{"app_id": app.ID, "user_hash": "0f3a"}, 400, kith.CodeInvalidRequest},
		{map[string]any{"app_id": app.ID, "session_token": "x", "identity": map[string]any{"user_ref": "u"}}, 400, kith.CodeInvalidRequest},
		{map[string]any{"app_id": app.ID, "workspace_ref": "undefined"}, 400, kith.CodeInvalidField},
		{map[string]any{"app_id": app.ID, "device": "x"}, 400, kith.CodeUnknownField},
		{map[string]any{"app_id": app.ID, "session_token": mint(sessions, "widget-bob", nil), "on_login": "sometimes"}, 400, kith.CodeInvalidField},
		{map[string]any{"app_id": "app_06bdf8pu2b4ls4okgr3k0uc0ro"}, 404, kith.CodeNotFound},
		{map[string]any{"app_id": app.ID, "device_token": huge}, 413, kith.CodeTooLarge},
	} {
		c.do(docCall{method: "POST", path: "/widget/v1/sessions", body: bad.body, want: bad.status, code: bad.code})
	}
	// F3: an identity of the wrong shape is refused, not the request: the
	// session starts anonymous with an auth_failure.
	for _, refused := range []struct {
		identity map[string]any
		code     kith.Code
		field    string
	}{
		{map[string]any{"user_ref": 42}, kith.CodeInvalidField, "identity.user_ref"},
		{map[string]any{"user_ref": "u", "plan": "pro"}, kith.CodeUnknownField, "identity.plan"},
	} {
		s := c.do(docCall{method: "POST", path: "/widget/v1/sessions", want: 201, refusedClaim: true,
			body: map[string]any{"app_id": app.ID, "identity": refused.identity}})
		// The browser is told the same whatever the reason (F9).
		if oaDig(s, "user", "trust") != "anonymous" || oaDig(s, "auth_failure", "code") != string(kith.CodeMissingUserAuthToken) ||
			oaDig(s, "auth_failure", "field") != nil {
			t.Errorf("identity %v: %v, want an anonymous session with the one refusal (not %s at %s)", refused.identity, s,
				refused.code, refused.field)
		}
	}

	// V5: what a session may not see is not found, exactly as what does
	// not exist.
	for _, s := range []map[string]any{ada, jane, start(app, "", nil)} {
		c.do(docCall{method: "GET", path: "/widget/v1/conversations/{id}/messages", id: conv, token: session(s), want: 404, code: kith.CodeNotFound})
		c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/messages", id: conv, token: session(s), body: msg, want: 404, code: kith.CodeNotFound})
		c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/read", id: conv, token: session(s), want: 404, code: kith.CodeNotFound})
	}
	c.do(docCall{method: "GET", path: "/widget/v1/conversations/{id}/messages", id: missingConv, token: session(back), want: 404})

	// 400 and 413 on conversations and messages.
	c.do(docCall{method: "GET", path: "/widget/v1/conversations", query: "limit=0", token: session(back), want: 400, code: kith.CodeInvalidField})
	c.do(docCall{method: "GET", path: "/widget/v1/conversations/{id}/messages", id: conv, query: "limit=x", token: session(back), want: 400})
	c.do(docCall{method: "GET", path: "/api/v1/conversations", query: "limit=0", token: apiTok, want: 400, code: kith.CodeInvalidField})
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}/messages", id: conv, query: "limit=201", token: apiTok, want: 400})
	for _, bad := range []struct {
		body   map[string]any
		status int
		code   kith.Code
	}{
		{map[string]any{}, 400, kith.CodeMissingField},
		{map[string]any{"body": " \n\t "}, 400, kith.CodeMissingField},
		{map[string]any{"body": strings.Repeat("a", 10_001)}, 400, kith.CodeTooLong},
		{map[string]any{"body": "a\x07b"}, 400, kith.CodeInvalidField},
		{map[string]any{"body": 7}, 400, kith.CodeInvalidField},
		{map[string]any{"body": "hi", "subject": "Invoice"}, 400, kith.CodeUnknownField},
		{map[string]any{"body": huge}, 413, kith.CodeTooLarge},
	} {
		c.do(docCall{method: "POST", path: "/widget/v1/conversations", token: session(back), body: bad.body, want: bad.status, code: bad.code})
		c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/messages", id: conv, token: session(back), body: bad.body,
			want: bad.status, code: bad.code})
		c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: conv, token: apiTok, body: bad.body,
			want: bad.status, code: bad.code})
	}
	c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: conv, token: apiTok, want: 400, code: kith.CodeTooLong,
		body: map[string]any{"body": "hi", "author_name": strings.Repeat("a", 256)}})

	// S7: agents list a user's sessions and revoke one, or all; the
	// revoked session's socket closes.
	if n := len(data(c.do(docCall{method: "GET", path: "/api/v1/users/{id}/sessions", id: adaUser, token: apiTok, want: 200}))); n != 2 {
		t.Errorf("GET /api/v1/users/{id}/sessions: %d sessions, want 2", n)
	}
	again := sessionID(adaAgain)
	c.do(docCall{method: "DELETE", path: "/api/v1/sessions/{id}", id: again, token: apiTok, want: 204})
	c.do(docCall{method: "DELETE", path: "/api/v1/sessions/{id}", id: again, token: bearer(apiTok), want: 204})
	for _, v := range data(c.do(docCall{method: "GET", path: "/api/v1/users/{id}/sessions", id: adaUser, token: apiTok, want: 200})) {
		if revoked := oaDig(v, "revoked_at") != nil; revoked != (oaDig(v, "id") == again) || oaDig(v, "active") == revoked {
			t.Errorf("GET /api/v1/users/{id}/sessions: %v, want only %s revoked", v, again)
		}
	}
	c.do(docCall{method: "GET", path: "/widget/v1/conversations", token: session(adaAgain), want: 401, code: kith.CodeInvalidSession})
	adaLive := c.dial("app_id="+app.ID, "")
	adaLive.send(map[string]any{"type": "auth", "session": str(ada, "session")})
	adaLive.next("LiveReady")
	adaLive.next("LiveMessageCreated") // her first message, replayed
	c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: adaConv, token: apiTok, body: reply, want: 201})
	if e := adaLive.next("LiveMessageCreated"); e["conversation_id"] != adaConv {
		t.Errorf("live events: %v, want the reply to %s", e, adaConv)
	}
	if r := c.do(docCall{method: "DELETE", path: "/api/v1/users/{id}/sessions", id: adaUser, token: apiTok, want: 200}); r["revoked"] != 1.0 {
		t.Errorf("DELETE /api/v1/users/{id}/sessions: %v, want 1 revoked (the other one already was)", r)
	}
	adaLive.next("LiveSessionRevoked")
	if code := adaLive.closed(); code != closeSessionEnded {
		t.Errorf("live events: closed with %d when an agent revoked the session, want %d", code, closeSessionEnded)
	}
	c.do(docCall{method: "DELETE", path: "/api/v1/users/{id}/sessions", id: adaUser, token: bearer(apiTok), want: 200})

	// 404, and V5 across organizations.
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}", id: missingConv, token: apiTok, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}/messages", id: missingConv, token: apiTok, want: 404, code: kith.CodeNotFound})
	c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: missingConv, token: apiTok, body: reply, want: 404})
	c.do(docCall{method: "GET", path: "/api/v1/users/{id}/sessions", id: "usr_06bdf8q3h2v7g3ltrc1fmgsi5o", token: apiTok, want: 404})
	c.do(docCall{method: "DELETE", path: "/api/v1/users/{id}/sessions", id: "usr_06bdf8q3h2v7g3ltrc1fmgsi5o", token: apiTok, want: 404})
	c.do(docCall{method: "DELETE", path: "/api/v1/sessions/{id}", id: "wss_iom1tma7v3di8fppv5asph8rhq", token: apiTok, want: 404})
	elsewhere, _ := storetest.NewApp(t, st)
	tok, err := svc.CreateToken(ctx, elsewhere.ID, []kith.Scope{kith.ScopeAPI}, 0)
	if err != nil {
		t.Fatal(err)
	}
	otherOrg := tok.Secret
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}", id: conv, token: otherOrg, want: 404})
	c.do(docCall{method: "GET", path: "/api/v1/conversations/{id}/messages", id: conv, token: otherOrg, want: 404})
	c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: conv, token: otherOrg, body: reply, want: 404})
	c.do(docCall{method: "GET", path: "/api/v1/users/{id}/sessions", id: adaUser, token: otherOrg, want: 404})
	c.do(docCall{method: "DELETE", path: "/api/v1/users/{id}/sessions", id: adaUser, token: otherOrg, want: 404})
	c.do(docCall{method: "DELETE", path: "/api/v1/sessions/{id}", id: sessionID(back), token: otherOrg, want: 404})
	if n := len(data(c.do(docCall{method: "GET", path: "/api/v1/conversations", token: otherOrg, want: 200}))); n != 0 {
		t.Errorf("GET /api/v1/conversations: another organization sees %d conversations (V6)", n)
	}

	// An app that lists its origins and lets a login claim the anonymous
	// history (S5): pages of its origin get CORS answers, others 403.
	const page, evil = "https://shop.example", "https://evil.example"
	shop, shopTok := storetest.NewApp(t, st, "allowed_origins="+page, "on_login=claim")
	shopAPI, err := svc.CreateToken(ctx, shop.ID, []kith.Scope{kith.ScopeAPI}, 0)
	if err != nil {
		t.Fatal(err)
	}
	visitor := start(shop, page, nil)
	shopConv := str(c.do(docCall{method: "POST", path: "/widget/v1/conversations", token: session(visitor), origin: page, body: msg, want: 201}),
		"conversation", "id")
	login := start(shop, page, map[string]any{"session_token": mint(shopTok.Secret, "shop-ada", nil),
		"device_token": str(visitor, "device_token"), "on_login": "claim"})
	claimed := c.do(docCall{method: "GET", path: "/widget/v1/conversations", token: session(login), origin: page, want: 200})
	if d := data(claimed); len(d) != 1 || oaDig(d[0], "id") != shopConv {
		t.Errorf("after a claiming login the user sees %v, want %s (S5)", d, shopConv)
	}
	shopLive := c.dial("app_id="+shop.ID, page)
	shopLive.send(map[string]any{"type": "auth", "session": str(login, "session"), "after": 0})
	shopLive.next("LiveReady")
	c.do(docCall{method: "POST", path: "/api/v1/conversations/{id}/messages", id: shopConv, token: shopAPI.Secret, body: reply, want: 201})
	for i := 0; ; i++ {
		if e := shopLive.next("LiveMessageCreated"); oaDig(e, "message", "author") == "agent" {
			break
		}
		if i == 10 {
			t.Fatal("live events: the claimed conversation's reply did not arrive")
		}
	}
	c.do(docCall{method: "POST", path: "/widget/v1/sessions", origin: evil, body: map[string]any{"app_id": shop.ID},
		want: 403, code: kith.CodeOriginNotAllowed})
	c.do(docCall{method: "GET", path: "/widget/v1/events", query: "app_id=" + shop.ID, origin: evil, want: 403, code: kith.CodeOriginNotAllowed})
	for _, call := range c.sessionCalls() {
		call.id, call.token, call.origin, call.want, call.code = shopConv, session(login), evil, 403, kith.CodeOriginNotAllowed
		c.do(call)
	}
	// The preflight of any widget path (undocumented on purpose) allows
	// the request and reveals nothing.
	req, err := http.NewRequest("OPTIONS", c.base+"/widget/v1/sessions", nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Origin", evil)
	req.Header.Set("Access-Control-Request-Method", "POST")
	req.Header.Set("Access-Control-Request-Headers", "authorization,content-type")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if h := resp.Header; resp.StatusCode != 204 || h.Get("Access-Control-Allow-Origin") != evil ||
		!strings.Contains(h.Get("Access-Control-Allow-Headers"), "Authorization") || !strings.Contains(h.Get("Access-Control-Allow-Methods"), "DELETE") {
		t.Errorf("OPTIONS /widget/v1/sessions: %d %v, want 204 allowing the widget's requests", resp.StatusCode, h)
	}

	// An app that requires verification: identified but unverified users
	// may not chat (S3); their session is not one of another app's (4003).
	strict, _ := storetest.NewApp(t, st, "verification_required=true")
	unverified := start(strict, "", map[string]any{"identity": map[string]any{"user_ref": "strict-u"}})
	if unverified["can_chat"] != false {
		t.Errorf("an unverified user of an app that requires verification: %v, want can_chat false", unverified)
	}
	c.do(docCall{method: "GET", path: "/widget/v1/conversations", token: session(unverified), want: 403, code: kith.CodeVerificationRequired})
	c.do(docCall{method: "POST", path: "/widget/v1/conversations", token: session(unverified), body: msg, want: 403, code: kith.CodeVerificationRequired})
	for _, method := range []string{"GET", "POST"} {
		var body any
		if method == "POST" {
			body = msg
		}
		c.do(docCall{method: method, path: "/widget/v1/conversations/{id}/messages", id: missingConv, token: session(unverified), body: body,
			want: 403, code: kith.CodeVerificationRequired})
	}
	c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/read", id: missingConv, token: session(unverified), want: 403,
		code: kith.CodeVerificationRequired})
	c.do(docCall{method: "POST", path: "/widget/v1/conversations/{id}/typing", id: missingConv, token: session(unverified), want: 403,
		code: kith.CodeVerificationRequired})
	foreign := c.dial("app_id="+app.ID, "")
	foreign.send(map[string]any{"type": "auth", "session": str(unverified, "session"), "after": 0})
	if code := foreign.closed(); code != closeAuthFailed {
		t.Errorf("live events: closed with %d for another app's session, want %d", code, closeAuthFailed)
	}

	// 401: every endpoint that takes a widget session refuses a missing,
	// unknown, ended or wrong one (an access token is not a session).
	for _, call := range c.sessionCalls() {
		for _, tok := range []string{"", bearer(oaUnknownWidgetSession), session(anon), bearer(apiTok), str(back, "session")} {
			call.id, call.token, call.want, call.code = conv, tok, 401, kith.CodeInvalidSession
			c.do(call)
		}
	}
}

// sessionCalls returns a call, with an empty body where one is taken, for
// every documented operation that takes a widget session.
func (c *docClient) sessionCalls() []docCall {
	var calls []docCall
	for _, key := range slices.Sorted(maps.Keys(c.ops)) {
		op := c.ops[key]
		if !oaSecuredBy(op, "WidgetSession") {
			continue
		}
		method, path, _ := strings.Cut(key, " ")
		call := docCall{method: method, path: path}
		if op["requestBody"] != nil {
			call.body = map[string]any{}
		}
		calls = append(calls, call)
	}
	return calls
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
	// setCookie is the Set-Cookie header of the last answer.
	setCookie string
}

type docCall struct {
	method string
	path   string // as documented: /api/v1/users/{id}
	id     string // the value of {id}, and of every other parameter of the path
	// rawPath, when set, is the path sent, for paths with two parameters.
	rawPath string
	query   string
	token   string // the Authorization header; none when empty
	origin  string // the Origin header, as a page's request has it; none when empty
	header  map[string]string
	body    any // sent as JSON when not nil
	want    int
	code    kith.Code // the error code wanted, if any
	// refusedClaim marks a body whose identity is not of the documented
	// shape: the server answers 201 with an anonymous session and an
	// auth_failure (F3), which is not taking the body as valid.
	refusedClaim bool
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
	target := oaPathParam.ReplaceAllLiteralString(cl.path, url.PathEscape(cl.id))
	if cl.rawPath != "" {
		target = cl.rawPath
	}
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
	if cl.origin != "" {
		req.Header.Set("Origin", cl.origin)
	}
	for k, v := range cl.header {
		req.Header.Set(k, v)
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
	c.setCookie = resp.Header.Get("Set-Cookie")
	where := fmt.Sprintf("%s %s (%d)", cl.method, target, resp.StatusCode)
	if cl.code != "" && !bytes.Contains(raw, []byte(`"code":"`+string(cl.code)+`"`)) {
		t.Errorf("%s: want error code %s, got %s", where, cl.code, raw)
	}
	if c.seen[key] == nil {
		c.seen[key] = map[int]bool{}
	}
	c.seen[key][resp.StatusCode] = true

	ct := resp.Header.Get("Content-Type")
	var answer any
	if strings.HasPrefix(ct, "application/json") {
		if err := json.Unmarshal(raw, &answer); err != nil {
			t.Fatalf("%s: the answer is not JSON: %v: %s", where, err, raw)
		}
	}

	// CORS: a page whose origin the app allows gets it back; a refused
	// one gets no CORS headers, so it cannot read the answer.
	if cl.origin != "" {
		acao := resp.Header.Get("Access-Control-Allow-Origin")
		switch {
		case oaDig(answer, "error", "code") == string(kith.CodeOriginNotAllowed):
			if acao != "" {
				t.Errorf("%s: a refused origin got Access-Control-Allow-Origin %q", where, acao)
			}
		case resp.StatusCode < 300 && acao != cl.origin:
			t.Errorf("%s: Access-Control-Allow-Origin %q, want %q", where, acao, cl.origin)
		}
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
		case resp.StatusCode < 300 && !cl.refusedClaim:
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
	c.checkHeaders(where, spec, resp)
	content, _ := spec["content"].(map[string]any)
	switch {
	case len(content) == 0:
		if len(raw) != 0 {
			t.Errorf("%s: the documented response has no body, but the answer has one: %s", where, raw)
		}
		return nil
	case content["application/json"] != nil && (content["text/plain"] == nil || !strings.HasPrefix(ct, "text/plain")):
		if !strings.HasPrefix(ct, "application/json") {
			t.Errorf("%s: Content-Type %q, documented application/json", where, ct)
		}
		for _, e := range c.v.validate(oaDig(content, "application/json", "schema"), answer) {
			t.Errorf("%s: the answer does not match the documented schema: %s\nanswer: %s", where, e, raw)
		}
	case content["text/plain"] != nil:
		if !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("%s: Content-Type %q, documented text/plain", where, ct)
		}
		for _, e := range c.v.validate(oaDig(content, "text/plain", "schema"), string(raw)) {
			t.Errorf("%s: the answer does not match the documented schema: %s\nanswer: %s", where, e, raw)
		}
	default:
		t.Errorf("%s: the documented response has neither an application/json nor a text/plain schema", where)
	}
	return oaObject(answer)
}

// checkHeaders checks the headers of an answer against those documented
// for its status.
func (c *docClient) checkHeaders(where string, spec map[string]any, resp *http.Response) {
	t := c.t
	t.Helper()
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
}

// docSocket is a live-event WebSocket whose messages are checked against
// the schemas the description names in the operation's x-websocket.
type docSocket struct {
	c      *docClient
	conn   *websocket.Conn
	client any // the schema of what the client sends
	server any // the schema of what the server sends
}

// dial opens GET /widget/v1/events with the query and, when not empty, the
// page's origin, and checks that the handshake answers the documented 101.
func (c *docClient) dial(query, origin string) *docSocket {
	t := c.t
	t.Helper()
	const key = "GET /widget/v1/events"
	op := c.ops[key]
	if op == nil {
		t.Fatalf("%s is not documented", key)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	opts := &websocket.DialOptions{HTTPHeader: http.Header{}}
	if origin != "" {
		opts.HTTPHeader.Set("Origin", origin)
	}
	target := "ws" + strings.TrimPrefix(c.base, "http") + "/widget/v1/events?" + query
	conn, resp, err := websocket.Dial(ctx, target, opts)
	if err != nil {
		t.Fatalf("dial %s: %v", target, err)
	}
	t.Cleanup(func() { conn.CloseNow() })
	conn.SetReadLimit(1 << 20)
	where := fmt.Sprintf("GET %s (%d)", target, resp.StatusCode)
	if c.seen[key] == nil {
		c.seen[key] = map[int]bool{}
	}
	c.seen[key][resp.StatusCode] = true
	responses, _ := op["responses"].(map[string]any)
	if spec, _ := c.deref(responses[strconv.Itoa(resp.StatusCode)]).(map[string]any); spec == nil {
		t.Errorf("%s: status %d is not documented for %s", where, resp.StatusCode, key)
	} else {
		c.checkHeaders(where, spec, resp)
	}
	return &docSocket{c: c, conn: conn,
		client: oaDig(op, "x-websocket", "client"), server: oaDig(op, "x-websocket", "server")}
}

// send sends v, which must match the documented client message.
func (s *docSocket) send(v any) {
	t := s.c.t
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var generic any
	_ = json.Unmarshal(b, &generic)
	for _, e := range s.c.v.validate(s.client, generic) {
		t.Errorf("live events: the test sends %s, which the documented client message refuses: %s", b, e)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.conn.Write(ctx, websocket.MessageText, b); err != nil {
		t.Fatalf("live events: send %s: %v", b, err)
	}
}

// read returns the next message, checked against the documented server
// messages and against schema, when not nil; or the error that ended the
// socket.
func (s *docSocket) read(schema any) (map[string]any, error) {
	t := s.c.t
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	typ, b, err := s.conn.Read(ctx)
	if err != nil {
		return nil, err
	}
	if typ != websocket.MessageText {
		t.Errorf("live events: a binary message: %x", b)
	}
	var m any
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatalf("live events: a message is not JSON: %s", b)
	}
	for _, sch := range []any{s.server, schema} {
		if sch == nil {
			continue
		}
		for _, e := range s.c.v.validate(sch, m) {
			t.Errorf("live events: the message does not match the documented schema: %s\nmessage: %s", e, b)
		}
	}
	return oaObject(m), nil
}

// next returns the next message, which must match the component schema
// named (LiveReady, LiveEvent, ...).
func (s *docSocket) next(name string) map[string]any {
	s.c.t.Helper()
	m, err := s.read(map[string]any{"$ref": "#/components/schemas/" + name})
	if err != nil {
		s.c.t.Fatalf("live events: no %s: %v", name, err)
	}
	return m
}

// nextMessage returns the next message.created event, skipping (after
// checking them) the other events, such as the conversation.updated of a
// conversation read.
func (s *docSocket) nextMessage() map[string]any {
	s.c.t.Helper()
	for range 100 {
		if e := s.next("LiveEvent"); e["kind"] == "message.created" {
			return e
		}
	}
	s.c.t.Fatal("live events: no message.created among 100 events")
	return nil
}

// closed waits for the server to close the socket, checking the messages
// before, and returns the close code.
func (s *docSocket) closed() websocket.StatusCode {
	t := s.c.t
	t.Helper()
	for range 100 {
		_, err := s.read(nil)
		if err == nil {
			continue
		}
		var ce websocket.CloseError
		if !errors.As(err, &ce) {
			t.Fatalf("live events: the socket failed without a close frame: %v", err)
		}
		return ce.Code
	}
	t.Fatal("live events: the socket was not closed")
	return 0
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
		"unknown live event kind":   {schema("LiveServerMessage"), map[string]any{"type": "event", "id": 1.0, "kind": "typing"}},
		"live event without id":     {schema("LiveEvent"), map[string]any{"type": "event", "kind": "session.revoked"}},
		"auth_failure not an error": {schema("WidgetSessionStarted/properties/auth_failure"), map[string]any{"code": "oops", "message": "m"}},
		"session not a token":       {schema("WidgetSessionStarted/properties/session"), "kith_aat_x"},
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

// oaPathParam is the {name} of a documented path, which a docCall's id
// fills.
var oaPathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// oaString returns the string at key of an answer, failing the test if
// there is none.
func oaString(t *testing.T, m map[string]any, key string) string {
	t.Helper()
	v, _ := m[key].(string)
	if v == "" {
		t.Fatalf("no %s in %v", key, m)
	}
	return v
}
