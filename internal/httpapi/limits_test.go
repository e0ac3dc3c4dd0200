package httpapi_test

import (
	"net/http"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/httpapi"
	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/storetest"
)

func TestLimits_LargeBodyIs413_F6(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{Limits: httpapi.Limits{MaxBodyBytes: 1024}})
	big := `{"rev_info":{"user_ref":"u","user_traits":{"display_name":"` + strings.Repeat("x", 2048) + `"}}}`
	orgToken := e.NewToken(kith.ScopeSessions, kith.ScopeAPI, kith.ScopeOrg)
	for _, path := range []string{"/internal/auth-tokens.create", "/widget/authenticate-user", "/api/v1/custom-fields"} {
		r := e.Do("POST", path, orgToken, big)
		wantError(t, r, http.StatusRequestEntityTooLarge, kith.CodeTooLarge, "")
	}
	if got := records(t, e); got != [3]int{} {
		t.Fatalf("a refused body wrote %v", got)
	}
}

func TestLimits_TokenRateIs429WithRetryAfter(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	clock := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	e := httpapitest.New(t, st, httpapitest.Options{
		Limits: httpapi.Limits{MaxBodyBytes: 1 << 16, TokenRate: 1, TokenBurst: 3},
		Now:    func() time.Time { return clock },
	})
	mint := func(token string) *kithtest.Response {
		return e.Do("POST", "/auth-tokens.create", token, `{"rev_info":{"user_ref":"rl"}}`)
	}
	for i := range 3 {
		if r := mint(e.SessionsToken); r.Status != http.StatusCreated {
			t.Fatalf("request %d within the burst: %d %s", i, r.Status, r.Body)
		}
	}
	r := mint(e.SessionsToken)
	wantError(t, r, http.StatusTooManyRequests, kith.CodeRateLimited, "")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After = %q, want a whole number of seconds", r.Header.Get("Retry-After"))
	}
	// The limit is per token: another token of the same app is not slowed.
	if r := mint(e.NewToken(kith.ScopeSessions)); r.Status != http.StatusCreated {
		t.Fatalf("another token: %d %s", r.Status, r.Body)
	}
	clock = clock.Add(2 * time.Second)
	if r := mint(e.SessionsToken); r.Status != http.StatusCreated {
		t.Fatalf("after waiting: %d %s", r.Status, r.Body)
	}
}

func TestHealth_LiveReadyAndMetrics(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	for _, path := range []string{"/healthz", "/readyz"} {
		if r := e.Do("GET", path, "", nil); r.Status != http.StatusOK {
			t.Fatalf("%s: %d %s", path, r.Status, r.Body)
		}
	}
	e.Do("POST", "/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"m"}}`)
	m := e.Do("GET", "/metrics", httpapitest.MetricsToken, nil)
	for _, want := range []string{`kith_session_tokens_issued_total{method="session_token"} 1`,
		`kith_http_requests_total{code="201",method="POST",route="POST /auth-tokens.create"} 1`,
		`kith_users_created_total{trust="verified"} 1`} {
		if !strings.Contains(string(m.Body), want) {
			t.Errorf("metrics lack %s", want)
		}
	}
	st.Close()
	r := e.Do("GET", "/readyz", "", nil)
	if r.Status != http.StatusServiceUnavailable {
		t.Fatalf("/readyz with the database closed: %d, want 503", r.Status)
	}
	if r := e.Do("GET", "/healthz", "", nil); r.Status != http.StatusOK {
		t.Fatalf("/healthz must not depend on the database: %d", r.Status)
	}
}

func TestRoutes_UnknownPathIsJSON404_F1(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	wantError(t, e.Do("GET", "/nope", "", nil), http.StatusNotFound, kith.CodeNotFound, "")
	wantError(t, e.Do("DELETE", "/api/v1/users", e.APIToken, nil), http.StatusNotFound, kith.CodeNotFound, "")
}
