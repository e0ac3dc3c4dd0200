package httpapi_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// tokenEndpoints are every endpoint that takes an access token, with a
// request that would succeed with a good one.
var tokenEndpoints = []struct{ method, path, body string }{
	{"POST", "/internal/auth-tokens.create", `{"rev_info":{"user_ref":"sec"}}`},
	{"POST", "/auth-tokens.create", `{"rev_info":{"user_ref":"sec"}}`},
	{"POST", "/widget/authenticate-user", `{"email":"sec@example.com"}`},
	{"GET", "/api/v1/users", ""},
	{"GET", "/api/v1/accounts", ""},
	{"GET", "/api/v1/workspaces", ""},
	{"GET", "/api/v1/custom-fields", ""},
	{"POST", "/api/v1/custom-fields", `{"object":"user","name":"tnt__sec","type":"text"}`},
}

func TestAAT_BadTokensAre401_S2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		clock := time.Now()
		e := httpapitest.New(t, st, httpapitest.Options{Now: func() time.Time { return clock }})
		ctx := context.Background()

		revoked, err := e.Apps.CreateToken(ctx, e.App.ID, []kith.Scope{kith.ScopeSessions, kith.ScopeAPI}, 0)
		if err != nil {
			t.Fatal(err)
		}
		if err := e.Apps.RevokeToken(ctx, revoked.ID); err != nil {
			t.Fatal(err)
		}
		expiring, err := e.Apps.CreateToken(ctx, e.App.ID, []kith.Scope{kith.ScopeSessions, kith.ScopeAPI}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		// Same id, another secret: the shape is right, the hash is not.
		wrong := e.APIToken[:len(e.APIToken)-4] + "aaaa"
		if wrong == e.APIToken {
			wrong = e.APIToken[:len(e.APIToken)-4] + "bbbb"
		}

		tests := []struct {
			name, header string
			code         kith.Code
			at           time.Time
		}{
			{"missing", "", kith.CodeMissingAccessToken, clock},
			{"malformed", "Bearer hello", kith.CodeInvalidAccessToken, clock},
			{"wrong secret", "Bearer " + wrong, kith.CodeInvalidAccessToken, clock},
			{"unknown id", "Bearer kith_aat_" + strings.Repeat("0", 26) + "_" + strings.Repeat("a", 52), kith.CodeInvalidAccessToken, clock},
			{"revoked", "Bearer " + revoked.Secret, kith.CodeInvalidAccessToken, clock},
			{"expired", expiring.Secret, kith.CodeExpiredAccessToken, clock.Add(2 * time.Hour)},
			{"a session token is not an AAT", "Bearer eyJhbGciOiJIUzI1NiJ9.e30.x", kith.CodeInvalidAccessToken, clock},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				clock = tt.at
				defer func() { clock = time.Now() }()
				for _, ep := range tokenEndpoints {
					r := kithtest.Do(t, e.Server.URL, ep.method, ep.path, map[string]string{"Authorization": tt.header}, nilIfEmpty(ep.body))
					if r.Status != http.StatusUnauthorized || r.Err(t).Code != string(tt.code) {
						t.Errorf("%s %s: %d %s, want 401 %s", ep.method, ep.path, r.Status, r.Body, tt.code)
					}
				}
			})
		}
		// The expiring token works while it lasts.
		if r := e.Do("GET", "/api/v1/users", expiring.Secret, nil); r.Status != http.StatusOK {
			t.Fatalf("an unexpired token: %d %s", r.Status, r.Body)
		}
	})
}

func TestAAT_ScopesAreEnforced_403(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		apiOnly := e.NewToken(kith.ScopeAPI)
		for _, ep := range tokenEndpoints {
			token := e.SessionsToken // lacks api
			if !strings.HasPrefix(ep.path, "/api/") {
				token = apiOnly // lacks sessions
			}
			r := e.Do(ep.method, ep.path, token, nilIfEmpty(ep.body))
			wantError(t, r, http.StatusForbidden, kith.CodeInsufficientScope, "authorization")
		}
	})
}

func TestAAT_RecordsLastUse(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.Do("GET", "/api/v1/users", e.APIToken, nil)
		toks, err := e.Apps.Tokens(context.Background(), e.App.ID)
		if err != nil {
			t.Fatal(err)
		}
		var used int
		for _, tok := range toks {
			if !tok.LastUsedAt.IsZero() {
				used++
			}
		}
		if used != 1 {
			t.Fatalf("%d tokens record a last use, want exactly the one used", used)
		}
	})
}

func TestAPI_AnotherOrganizationsIdsAre404_V5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		victim := httpapitest.New(t, st, httpapitest.Options{})
		attacker := httpapitest.New(t, st, httpapitest.Options{})
		if victim.App.OrgID == attacker.App.OrgID {
			t.Fatal("the two apps share an organization")
		}
		r := victim.Do("POST", "/auth-tokens.create", victim.SessionsToken,
			`{"rev_info":{"user_ref":"secret-user","account_ref":"victim.com","workspace_ref":"victim-ws"}}`)
		if r.Status != http.StatusCreated {
			t.Fatalf("setup: %d %s", r.Status, r.Body)
		}
		var ids struct{ user, account, workspace string }
		var list struct {
			Data []struct {
				ID        string `json:"id"`
				AccountID string `json:"account_id"`
			} `json:"data"`
		}
		victim.Do("GET", "/api/v1/users?ref=secret-user", victim.APIToken, nil).Decode(t, &list)
		ids.user, ids.account = list.Data[0].ID, list.Data[0].AccountID
		victim.Do("GET", "/api/v1/workspaces?ref=victim-ws", victim.APIToken, nil).Decode(t, &list)
		ids.workspace = list.Data[0].ID

		for _, path := range []string{"/api/v1/users/" + ids.user, "/api/v1/users/" + ids.user + "/events",
			"/api/v1/accounts/" + ids.account, "/api/v1/workspaces/" + ids.workspace} {
			got := attacker.Do("GET", path, attacker.APIToken, nil)
			missing := attacker.Do("GET", path[:strings.LastIndexByte(path[:len(path)-1], '/')+1]+"usr_doesnotexist", attacker.APIToken, nil)
			if strings.HasSuffix(path, "/events") {
				missing = attacker.Do("GET", "/api/v1/users/usr_doesnotexist/events", attacker.APIToken, nil)
			}
			wantError(t, got, http.StatusNotFound, kith.CodeNotFound, "")
			if string(got.Body) != string(missing.Body) {
				t.Errorf("%s: a stranger's id answers %s, a missing one %s; they must be the same", path, got.Body, missing.Body)
			}
			if ok := victim.Do("GET", path, victim.APIToken, nil); ok.Status != http.StatusOK {
				t.Errorf("%s: the owner gets %d", path, ok.Status)
			}
		}
		for _, path := range []string{"/api/v1/users?ref=secret-user", "/api/v1/accounts?ref=victim.com",
			"/api/v1/workspaces?ref=victim-ws", "/api/v1/users", "/api/v1/custom-fields"} {
			attacker.Do("GET", path, attacker.APIToken, nil).Decode(t, &list)
			if len(list.Data) != 0 {
				t.Errorf("%s lists another organization's records: %+v", path, list.Data)
			}
		}
	})
}

func TestSecrets_NeverInResponsesOrLogs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		secrets := []string{e.SessionsToken, e.APIToken}
		var bodies []string
		for _, tok := range secrets {
			for _, ep := range tokenEndpoints {
				for _, header := range []string{tok, "Bearer " + tok, "Bearer " + tok + "x", tok[:20]} {
					r := kithtest.Do(t, e.Server.URL, ep.method, ep.path, map[string]string{"Authorization": header}, nilIfEmpty(ep.body))
					bodies = append(bodies, string(r.Body), mustJSON(r.Header))
				}
			}
			// A token pasted into a body and a query string is not echoed either.
			r := e.Do("POST", "/auth-tokens.create", tok, `{"rev_info":{"user_ref":"`+tok+`x","user_traits":{"email":"`+tok+`"}}}`)
			bodies = append(bodies, string(r.Body))
			r = e.Do("GET", "/api/v1/users?ref="+tok, e.APIToken, nil)
			bodies = append(bodies, string(r.Body))
		}
		logs := e.Logs.String()
		if !strings.Contains(logs, `"msg":"request"`) {
			t.Fatal("the server logged no requests; the check below would prove nothing")
		}
		for _, secret := range secrets {
			secretPart := secret[strings.LastIndexByte(secret, '_')+1:]
			if strings.Contains(logs, secretPart) {
				t.Errorf("an access token's secret appears in the logs")
			}
			for _, b := range bodies {
				if strings.Contains(b, secretPart) {
					t.Errorf("an access token's secret appears in a response: %s", b)
				}
			}
		}
	})
}

func TestAAT_EndpointsSendNoCORSHeaders(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	for _, ep := range tokenEndpoints {
		r := kithtest.Do(t, e.Server.URL, "OPTIONS", ep.path, map[string]string{
			"Origin": "https://evil.example", "Access-Control-Request-Method": ep.method,
			"Access-Control-Request-Headers": "authorization",
		}, nil)
		if v := r.Header.Get("Access-Control-Allow-Origin"); v != "" {
			t.Errorf("%s answers a browser preflight with Access-Control-Allow-Origin %q; AATs are for servers", ep.path, v)
		}
	}
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
