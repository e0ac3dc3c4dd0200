package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/netip"
	"os"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/httpapi"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/wiring"
)

// Server timeouts: a slow or stalled client cannot hold a connection.
const (
	readHeaderTimeout = 5 * time.Second
	readTimeout       = 30 * time.Second
	writeTimeout      = 30 * time.Second
	idleTimeout       = 2 * time.Minute
	shutdownTimeout   = 20 * time.Second
)

func serve(ctx context.Context, args []string, stderr io.Writer) error {
	fs, dbFlag := newFlags("serve")
	addr := fs.String("addr", envOr("KITH_ADDR", "127.0.0.1:8080"), "listen address (env KITH_ADDR)")
	logFormat := fs.String("log-format", envOr("KITH_LOG_FORMAT", "text"), "text or json (env KITH_LOG_FORMAT)")
	logLevel := fs.String("log-level", envOr("KITH_LOG_LEVEL", "info"), "debug, info, warn or error (env KITH_LOG_LEVEL)")
	maxBody := fs.Int64("max-body", httpapi.DefaultLimits.MaxBodyBytes, "largest request body, in bytes")
	tokenRate := fs.Float64("token-rate", httpapi.DefaultLimits.TokenRate, "session-token requests per second per access token (0: no limit)")
	tokenBurst := fs.Int("token-burst", httpapi.DefaultLimits.TokenBurst, "burst of session-token requests per access token")
	var budgets repeated
	fs.Var(&budgets, "budget", "a budget of what browsers write, such as messages.session=20/min (repeatable; env KITH_BUDGETS, comma-separated)")
	proxies := fs.String("trusted-proxies", os.Getenv("KITH_TRUSTED_PROXIES"),
		"reverse proxies (comma-separated addresses or CIDRs) whose X-Forwarded-For names the client (env KITH_TRUSTED_PROXIES)")
	metricsTokenFile := fs.String("metrics-token-file", os.Getenv("KITH_METRICS_TOKEN_FILE"),
		"file holding the bearer token GET /metrics asks for (env KITH_METRICS_TOKEN, or KITH_METRICS_TOKEN_FILE); without one, no /metrics")
	secureCookies := fs.Bool("secure-cookies", os.Getenv("KITH_SECURE_COOKIES") == "true",
		"mark the inbox's cookie Secure on plain HTTP too: set it behind a proxy that ends TLS (env KITH_SECURE_COOKIES=true)")
	inboxIdle := fs.Duration("inbox-idle", agents.DefaultIdle, "an agent's session ends after this long unused")
	inboxLifetime := fs.Duration("inbox-lifetime", agents.DefaultLifetime, "an agent's session ends this long after login, however used")
	demo := fs.Bool("demo", true, "serve /demo, a page with the widget of the default organization's first app")
	housekeeping := fs.Duration("housekeeping", 10*time.Minute, "how often to expire idle anonymous users and old live events")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	log, err := newLogger(stderr, *logFormat, *logLevel)
	if err != nil {
		return err
	}
	st, err := openStore(ctx, *dbFlag, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	log.Info("database ready", "store", st.Dialect())
	svc := wiring.New(st, wiring.Options{Logger: log})
	svc.Agents.Idle, svc.Agents.Lifetime = *inboxIdle, *inboxLifetime
	firstApp, err := svc.Apps.EnsureApp(ctx)
	if err != nil {
		return err
	}

	policy, err := budgetPolicy(budgets)
	if err != nil {
		return err
	}
	trusted, err := parseProxies(*proxies)
	if err != nil {
		return err
	}
	metricsToken, err := secretFrom("KITH_METRICS_TOKEN", *metricsTokenFile)
	if err != nil {
		return err
	}
	if metricsToken == "" {
		log.Info("metrics are off: set KITH_METRICS_TOKEN to serve /metrics to a scraper that sends it as a Bearer token")
	}
	// Live events flow to this process's sockets until the HTTP server has
	// shut down (the deferred stop), not merely until the signal: requests
	// finishing meanwhile still announce what they wrote.
	live, stopLive := context.WithCancel(context.Background())
	defer stopLive()
	if err := svc.Start(live); err != nil {
		return err
	}
	go svc.Chat.RunExpiry(ctx, *housekeeping)
	go svc.Chat.RunSnoozes(ctx, 30*time.Second)
	api := httpapi.New(httpapi.Config{Store: st, Apps: svc.Apps, Chat: svc.Chat, Agents: svc.Agents, Logger: log,
		Limits: httpapi.Limits{
			MaxBodyBytes: *maxBody, TokenRate: *tokenRate, TokenBurst: *tokenBurst, TrustedProxies: trusted},
		Budgets: &policy, NoDemo: !*demo, MetricsToken: metricsToken, SecureCookies: *secureCookies})
	srv := &http.Server{
		Handler:           api,
		ReadHeaderTimeout: readHeaderTimeout,
		ReadTimeout:       readTimeout,
		WriteTimeout:      writeTimeout,
		IdleTimeout:       idleTimeout,
		MaxHeaderBytes:    16 << 10,
		ErrorLog:          slog.NewLogLogger(log.Handler(), slog.LevelWarn),
	}
	ln, err := net.Listen("tcp", *addr)
	if err != nil {
		return err
	}
	log.Info("listening", "addr", ln.Addr().String(), "url", "http://"+ln.Addr().String())
	if firstApp != nil {
		// Said once, on the first start: how to chat within a minute. No
		// secret is printed; the app id is public.
		fmt.Fprintf(stderr, "\nWelcome to Kith. This database had no app, so I made one: %s.\n"+
			"Open http://%s/demo to chat with yourself in the widget, and reply with:\n"+
			"  kith tokens create --app %s --scopes sessions,api\n"+
			"  curl -H \"Authorization: Bearer <token>\" http://%s/api/v1/conversations\n\n",
			firstApp.ID, ln.Addr(), firstApp.ID, ln.Addr())
	}

	done := make(chan error, 1)
	go func() { done <- srv.Serve(ln) }()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), shutdownTimeout)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	if err := <-done; !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	log.Info("stopped")
	return nil
}

// budgetPolicy is the default budget policy changed by KITH_BUDGETS, then
// by each --budget.
func budgetPolicy(flags []string) (budget.Policy, error) {
	p := budget.DefaultPolicy()
	var all []string
	if env := os.Getenv("KITH_BUDGETS"); env != "" {
		all = strings.Split(env, ",")
	}
	for _, kv := range append(all, flags...) {
		if err := p.Set(strings.TrimSpace(kv)); err != nil {
			return p, fmt.Errorf("%w: --budget: %v", errUsage, err)
		}
	}
	return p, nil
}

// secretFrom reads a secret from the environment variable env, or from
// the file path (Docker and Kubernetes secrets), which wins when given.
func secretFrom(env, path string) (string, error) {
	if path == "" {
		return os.Getenv(env), nil
	}
	b, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("read the %s file: %w", env, err)
	}
	return strings.TrimSpace(string(b)), nil
}

// parseProxies reads a comma-separated list of addresses and CIDRs.
func parseProxies(s string) ([]netip.Prefix, error) {
	var out []netip.Prefix
	for part := range strings.SplitSeq(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if a, err := netip.ParseAddr(part); err == nil {
			out = append(out, netip.PrefixFrom(a.Unmap(), a.Unmap().BitLen()))
			continue
		}
		p, err := netip.ParsePrefix(part)
		if err != nil {
			return nil, fmt.Errorf("%w: --trusted-proxies: %q is not an address or a CIDR such as 10.0.0.0/8", errUsage, part)
		}
		out = append(out, p.Masked())
	}
	return out, nil
}

func newLogger(w io.Writer, format, level string) (*slog.Logger, error) {
	var lvl slog.Level
	if err := lvl.UnmarshalText([]byte(level)); err != nil {
		return nil, fmt.Errorf("%w: --log-level %q: want debug, info, warn or error", errUsage, level)
	}
	opts := &slog.HandlerOptions{Level: lvl}
	switch format {
	case "text":
		return slog.New(slog.NewTextHandler(w, opts)), nil
	case "json":
		return slog.New(slog.NewJSONHandler(w, opts)), nil
	}
	return nil, fmt.Errorf("%w: --log-format %q: want text or json", errUsage, format)
}

func migrate(ctx context.Context, args []string, stdout io.Writer) error {
	fs, dbFlag := newFlags("migrate")
	if _, err := parse(fs, args); err != nil {
		return err
	}
	st, err := openStore(ctx, *dbFlag, store.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	fmt.Fprintln(stdout, "migrations applied to the "+st.Dialect()+" database")
	return nil
}
