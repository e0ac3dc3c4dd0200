package httpapi

import (
	"context"
	"log/slog"
	"net/http"
	"net/netip"
	"time"

	"github.com/kith-chat/kith/api"
	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/web"
	"github.com/prometheus/client_golang/prometheus"
)

// Limits bound what one client can ask of the server.
type Limits struct {
	// MaxBodyBytes caps request bodies (F6); larger ones get 413. Zero
	// means DefaultLimits.MaxBodyBytes.
	MaxBodyBytes int64
	// TokenRate and TokenBurst limit, per access token, the requests to the
	// session-token endpoints; zero TokenRate turns the limit off.
	TokenRate  float64
	TokenBurst int
	// TrustedProxies are the reverse proxies whose X-Forwarded-For names
	// the client address that budgets are charged to; without them the
	// connection's address is the client's.
	TrustedProxies []netip.Prefix
}

// DefaultLimits are the limits kith serve starts with.
var DefaultLimits = Limits{MaxBodyBytes: 64 << 10, TokenRate: 50, TokenBurst: 100}

// Server holds what the handlers need. Build one with New.
type Server struct {
	store  kith.Store
	apps   *apps.Service
	chat   *chat.Service
	agents *agents.Service
	// secureCookies marks the inbox's cookie Secure on plain HTTP too.
	secureCookies bool
	// crossOrigin refuses the inbox's state-changing requests that a page
	// of another origin made (CSRF).
	crossOrigin *http.CrossOriginProtection
	// presence is who has an inbox open in this process.
	presence *presence
	log      *slog.Logger
	limits   Limits
	now      func() time.Time
	metrics  *metrics
	// tokenBudget limits, per access token, the session-token requests.
	tokenBudget *budget.Buckets
	// budgets limit what browsers write (F8).
	budgets *budgets
	handler http.Handler
}

// Config configures New. The services are built where the program is
// wired (package wiring, for kith serve and the tests alike): the server
// only decodes, authenticates, calls them and encodes.
type Config struct {
	// Store answers the server API's lookups and /readyz; the use cases
	// reach it through the services.
	Store kith.Store
	// Apps and Chat are required. The live-event sockets listen through
	// Chat (chat.Service.Listen); joining its hub to its broker is the
	// wiring's job.
	Apps *apps.Service
	Chat *chat.Service
	// Agents logs agents in to the inbox; required.
	Agents *agents.Service
	// SecureCookies marks the inbox's cookie Secure even on plain HTTP:
	// for a server behind a proxy that ends TLS. Requests that came over
	// TLS get it anyway.
	SecureCookies bool
	Logger        *slog.Logger
	Limits        Limits
	// Registry receives the server's metrics; a new one when nil.
	Registry *prometheus.Registry
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
	// NoDemo turns off /demo, the page that embeds the widget of the
	// default organization's first app.
	NoDemo bool
	// Budgets bound what browsers write (F8); budget.DefaultPolicy when
	// nil, and &budget.Policy{} for none.
	Budgets *budget.Policy
	// MetricsToken is the bearer token GET /metrics asks for; without one
	// /metrics is not served, since the figures tell outsiders how busy a
	// site is and which routes fail.
	MetricsToken string
}

// New returns a server for the services in cfg. It panics when one is
// missing: that is a wiring mistake, not something to serve around.
func New(cfg Config) *Server {
	switch {
	case cfg.Store == nil:
		panic("httpapi.New: Config.Store is nil")
	case cfg.Apps == nil:
		panic("httpapi.New: Config.Apps is nil")
	case cfg.Chat == nil:
		panic("httpapi.New: Config.Chat is nil")
	case cfg.Agents == nil:
		panic("httpapi.New: Config.Agents is nil")
	case cfg.Chat.Hub == nil:
		panic("httpapi.New: Config.Chat has no Hub: no socket would hear anything")
	}
	s := &Server{store: cfg.Store, apps: cfg.Apps, chat: cfg.Chat, agents: cfg.Agents, secureCookies: cfg.SecureCookies,
		log: cfg.Logger, limits: cfg.Limits, now: cfg.Now, crossOrigin: http.NewCrossOriginProtection(), presence: newPresence()}
	if s.log == nil {
		s.log = slog.New(slog.DiscardHandler)
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.limits.MaxBodyBytes <= 0 {
		s.limits.MaxBodyBytes = DefaultLimits.MaxBodyBytes
	}
	reg := cfg.Registry
	if reg == nil {
		reg = prometheus.NewRegistry()
	}
	s.metrics = newMetrics(reg)
	s.tokenBudget = budget.NewBuckets(tokenRate(s.limits.TokenRate, s.limits.TokenBurst), 0, s.now)
	policy := budget.DefaultPolicy()
	if cfg.Budgets != nil {
		policy = *cfg.Budgets
	}
	s.budgets = newBudgets(policy, s.now)
	s.handler = s.routes(reg, cfg)
	return s
}

// ServeHTTP serves every route of Kith.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.handler.ServeHTTP(w, r) }

func (s *Server) routes(reg *prometheus.Registry, cfg Config) http.Handler {
	mux := http.NewServeMux()
	handle := func(pattern string, h handlerFunc) {
		mux.Handle(pattern, s.adapt(h))
	}

	// Operations.
	mux.HandleFunc("GET /healthz", s.healthz)
	mux.HandleFunc("GET /readyz", s.readyz)
	mux.Handle("GET /metrics", s.adapt(metricsAuth(cfg.MetricsToken, metricsHandler(reg))))
	mux.HandleFunc("GET /api/openapi.yaml", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/yaml")
		_, _ = w.Write(api.OpenAPI)
	})

	// Session tokens, called by the company's backend (M1, M2).
	handle("POST /internal/auth-tokens.create", s.createSessionToken)
	handle("POST /auth-tokens.create", s.createSessionToken)
	handle("POST /widget/authenticate-user", s.authenticateUser)

	// The widget script (W1), also at DevRev's path so that the PLuG
	// snippet works with only its host changed (W2), and the demo page.
	mux.Handle("GET /widget.js", web.Script())
	mux.Handle("GET /static/plug.js", web.Script())
	if !cfg.NoDemo {
		mux.Handle("GET /demo", web.Demo(func(ctx context.Context) (string, error) {
			app, err := s.apps.DemoApp(ctx)
			if err != nil {
				return "", err
			}
			return app.ID, nil
		}))
	}

	// The widget, called from the company's pages (S1-S8, V1-V7).
	mux.HandleFunc("OPTIONS /widget/v1/", preflight)
	handle("POST /widget/v1/sessions", s.startSession)
	handle("DELETE /widget/v1/session", s.widget(s.endSession))
	handle("POST /widget/v1/identity", s.widget(s.updateIdentity))
	handle("GET /widget/v1/conversations", s.widget(s.widgetConversations))
	handle("POST /widget/v1/conversations", s.widget(s.widgetStartConversation))
	handle("GET /widget/v1/conversations/{id}/messages", s.widget(s.widgetMessages))
	handle("POST /widget/v1/conversations/{id}/messages", s.widget(s.widgetSend))
	handle("POST /widget/v1/conversations/{id}/read", s.widget(s.widgetRead))
	handle("POST /widget/v1/conversations/{id}/typing", s.widget(s.widgetTyping))
	handle("GET /widget/v1/events", s.widgetEvents)

	// Server API (scope api).
	handle("GET /api/v1/users", s.api(s.listUsers))
	handle("GET /api/v1/users/{id}", s.api(s.getUser))
	handle("GET /api/v1/users/{id}/events", s.api(s.listUserEvents))
	handle("GET /api/v1/accounts", s.api(s.listAccounts))
	handle("GET /api/v1/accounts/{id}", s.api(s.getAccount))
	handle("GET /api/v1/workspaces", s.api(s.listWorkspaces))
	handle("GET /api/v1/workspaces/{id}", s.api(s.getWorkspace))
	handle("GET /api/v1/custom-fields", s.api(s.listCustomFields))
	handle("POST /api/v1/custom-fields", s.api(s.createCustomField))
	handle("GET /api/v1/conversations", s.api(s.listConversations))
	handle("GET /api/v1/conversations/{id}", s.api(s.getConversation))
	handle("GET /api/v1/conversations/{id}/messages", s.api(s.listMessages))
	handle("POST /api/v1/conversations/{id}/messages", s.api(s.replyToConversation))
	handle("GET /api/v1/users/{id}/sessions", s.api(s.listUserSessions))
	handle("DELETE /api/v1/users/{id}/sessions", s.api(s.revokeUserSessions))
	handle("DELETE /api/v1/sessions/{id}", s.api(s.revokeSession))
	// The app's keyring (scopes api and keys).
	handle("GET /api/v1/verification-secrets", s.api(s.listVerificationSecrets))
	handle("POST /api/v1/verification-secrets", s.api(s.createVerificationSecret))
	handle("DELETE /api/v1/verification-secrets/{id}", s.api(s.deleteVerificationSecret))
	handle("GET /api/v1/jwt-keys", s.api(s.listJWTKeys))
	handle("POST /api/v1/jwt-keys", s.api(s.addJWTKey))
	handle("DELETE /api/v1/jwt-keys/{id}", s.api(s.deleteJWTKey))
	handle("GET /api/v1/aliases", s.api(s.listAliases))
	handle("POST /api/v1/aliases", s.api(s.addAlias))
	handle("DELETE /api/v1/aliases/{alias}", s.api(s.deleteAlias))

	// The inbox's page and files (I1), web.InboxPatterns; its API is
	// under /inbox/api/.
	inbox := web.Inbox()
	mux.Handle("GET /inbox", inbox)
	mux.Handle("GET /inbox/{$}", inbox)
	mux.Handle("GET /inbox/c/{id}", inbox)
	mux.Handle("GET /inbox/settings/{page}", inbox)
	mux.Handle("GET /inbox/inbox.js", inbox)
	mux.Handle("GET /inbox/inbox.css", inbox)

	// The inbox's API, for agents logged in with its cookie (I1, I3).
	handle("POST /inbox/api/login", s.inboxLogin)
	handle("POST /inbox/api/logout", s.inbox(s.inboxLogout))
	handle("GET /inbox/api/me", s.inbox(s.inboxMe))
	handle("GET /inbox/api/sessions", s.inbox(s.inboxSessions))
	handle("DELETE /inbox/api/sessions/{id}", s.inbox(s.inboxEndSession))
	handle("GET /inbox/api/agents", s.inboxAdmin(s.inboxAgents))
	handle("POST /inbox/api/agents", s.inboxAdmin(s.inboxCreateAgent))
	handle("POST /inbox/api/agents/{id}/disable", s.inboxAdmin(s.inboxDisableAgent))
	// Settings, for admins: an admin holds an api, keys and org token's
	// rights over their organization's apps, so the server API's handlers
	// serve them.
	handle("GET /inbox/api/apps", s.inboxAdmin(s.inboxApps))
	handle("PATCH /inbox/api/apps/{app}", s.inboxAdminOnApp(s.inboxUpdateApp))
	handle("GET /inbox/api/apps/{app}/tokens", s.inboxAdminOnApp(s.inboxTokens))
	handle("POST /inbox/api/apps/{app}/tokens", s.inboxAdminOnApp(s.inboxCreateToken))
	handle("DELETE /inbox/api/apps/{app}/tokens/{id}", s.inboxAdminOnApp(s.inboxRevokeToken))
	handle("GET /inbox/api/apps/{app}/verification-secrets", s.inboxAdminOnApp(s.listVerificationSecrets))
	handle("POST /inbox/api/apps/{app}/verification-secrets", s.inboxAdminOnApp(s.createVerificationSecret))
	handle("DELETE /inbox/api/apps/{app}/verification-secrets/{id}", s.inboxAdminOnApp(s.deleteVerificationSecret))
	handle("GET /inbox/api/apps/{app}/jwt-keys", s.inboxAdminOnApp(s.listJWTKeys))
	handle("POST /inbox/api/apps/{app}/jwt-keys", s.inboxAdminOnApp(s.addJWTKey))
	handle("DELETE /inbox/api/apps/{app}/jwt-keys/{id}", s.inboxAdminOnApp(s.deleteJWTKey))
	handle("GET /inbox/api/apps/{app}/aliases", s.inboxAdminOnApp(s.listAliases))
	handle("POST /inbox/api/apps/{app}/aliases", s.inboxAdminOnApp(s.addAlias))
	handle("DELETE /inbox/api/apps/{app}/aliases/{alias}", s.inboxAdminOnApp(s.deleteAlias))
	handle("GET /inbox/api/apps/{app}/custom-fields", s.inboxAdminOnApp(s.listCustomFields))
	handle("POST /inbox/api/apps/{app}/custom-fields", s.inboxAdminOnApp(s.createCustomField))
	handle("GET /inbox/api/team", s.inbox(s.inboxTeam))
	handle("GET /inbox/api/events", s.inboxEvents)
	handle("GET /inbox/api/conversations", s.inbox(s.inboxConversations))
	handle("GET /inbox/api/conversations/counts", s.inbox(s.inboxCounts))
	handle("GET /inbox/api/conversations/{id}", s.inbox(s.inboxConversation))
	handle("PATCH /inbox/api/conversations/{id}", s.inbox(s.inboxChange))
	handle("GET /inbox/api/conversations/{id}/thread", s.inbox(s.inboxThread))
	handle("POST /inbox/api/conversations/{id}/messages", s.inbox(s.inboxReply))
	handle("POST /inbox/api/conversations/{id}/notes", s.inbox(s.inboxNote))
	handle("POST /inbox/api/conversations/{id}/read", s.inbox(s.inboxRead))
	handle("POST /inbox/api/conversations/{id}/typing", s.inbox(s.inboxTyping))
	handle("GET /inbox/api/users/{id}", s.inbox(s.inboxUser))
	handle("DELETE /inbox/api/users/{id}/widget-sessions", s.inbox(s.inboxRevokeUserWidgetSessions))
	handle("DELETE /inbox/api/widget-sessions/{id}", s.inbox(s.inboxRevokeWidgetSession))

	// Anything else is a JSON 404, not the mux's text one.
	handle("/", func(w http.ResponseWriter, r *http.Request) error {
		return kith.Errorf(kith.CodeNotFound, "", "no such endpoint: %s %s", r.Method, r.URL.Path)
	})

	return s.middleware(mux)
}

// adapt turns a handlerFunc into an http.Handler that answers its error.
func (s *Server) adapt(h handlerFunc) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if err := h(w, r); err != nil {
			s.writeError(w, r, err)
		}
	})
}

// Chat returns the chat service the server was given, for tests that run
// the domain's housekeeping (anonymous expiry) beside the server.
func (s *Server) Chat() *chat.Service { return s.chat }
