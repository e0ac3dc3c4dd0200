// Package httpapitest starts a real Kith HTTP server on a real store for
// tests, with an app and its access tokens.
package httpapitest

import (
	"context"
	"log/slog"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/httpapi"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
	"github.com/kith-chat/kith/internal/wiring"
)

// MetricsToken is the token the test servers ask GET /metrics for.
const MetricsToken = "kith-test-metrics-token"

// Env is a running server with one app.
type Env struct {
	t      testing.TB
	Store  *store.Store
	API    *httpapi.Server
	Server *httptest.Server
	Apps   *apps.Service
	Agents *agents.Service
	App    *kith.App
	// SessionsToken has scope sessions only; APIToken has sessions and api.
	SessionsToken, APIToken string
	// Logs holds every line the server logged, as JSON.
	Logs *kithtest.SyncBuffer
}

// Options tune New.
type Options struct {
	Limits httpapi.Limits
	Now    func() time.Time
	// Settings are name=value app settings.
	Settings []string
	// Budgets bound what browsers write; none when nil.
	Budgets *budget.Policy
	// NoMetrics starts the server without a metrics token, so that
	// /metrics is not served; else it asks for MetricsToken.
	NoMetrics bool
}

// New starts a server on st with a new app in a new organization.
func New(t testing.TB, st *store.Store, opts Options) *Env {
	t.Helper()
	if opts.Limits.MaxBodyBytes == 0 && opts.Limits.TokenRate == 0 {
		opts.Limits = httpapi.Limits{MaxBodyBytes: 64 << 10, TrustedProxies: opts.Limits.TrustedProxies} // no rate limit unless asked
	}
	if opts.Budgets == nil {
		opts.Budgets = &budget.Policy{} // no budget unless asked
	}
	logs := &kithtest.SyncBuffer{}
	log := slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	// Wired as kith serve wires itself, with the test's clock and logs.
	// Passwords hash cheaply: -race makes argon2id's real costs slow.
	svc := wiring.New(st, wiring.Options{Logger: log, Now: opts.Now, PasswordParams: agents.Params{Memory: 64, Time: 1, Threads: 1}})
	live, stop := context.WithCancel(context.Background())
	t.Cleanup(stop) // after ts.Close, as kith serve stops after its HTTP server
	if err := svc.Start(live); err != nil {
		t.Fatalf("start the live events: %v", err)
	}
	metricsToken := MetricsToken
	if opts.NoMetrics {
		metricsToken = ""
	}
	srv := httpapi.New(httpapi.Config{
		Store:        st,
		Apps:         svc.Apps,
		Chat:         svc.Chat,
		Agents:       svc.Agents,
		Logger:       log,
		Limits:       opts.Limits,
		Now:          opts.Now,
		Budgets:      opts.Budgets,
		MetricsToken: metricsToken,
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &Env{t: t, Store: st, API: srv, Server: ts, Apps: svc.Apps, Agents: svc.Agents, Logs: logs}
	app, tok := storetest.NewApp(t, st, opts.Settings...)
	e.App, e.SessionsToken = app, tok.Secret
	e.APIToken = e.NewToken(kith.ScopeSessions, kith.ScopeAPI)
	return e
}

// NewToken makes another access token for the app with the given scopes.
func (e *Env) NewToken(scopes ...kith.Scope) string {
	e.t.Helper()
	tok, err := e.Apps.CreateToken(context.Background(), e.App.ID, scopes, 0)
	if err != nil {
		e.t.Fatalf("create token: %v", err)
	}
	return tok.Secret
}

// Do sends a request with the token in the Authorization header (none if
// empty). body is sent as is if it is a string or []byte, else as JSON.
func (e *Env) Do(method, path, token string, body any) *kithtest.Response {
	e.t.Helper()
	return kithtest.Do(e.t, e.Server.URL, method, path, map[string]string{"Authorization": bearer(token)}, body)
}

func bearer(token string) string {
	if token == "" {
		return ""
	}
	return "Bearer " + token
}
