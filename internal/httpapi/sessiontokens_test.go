package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// records counts the users, accounts and workspaces of the env's org.
func records(t *testing.T, e *httpapitest.Env) [3]int {
	t.Helper()
	ctx := context.Background()
	u, err1 := e.Store.Users(ctx, e.App.OrgID, kith.UserFilter{})
	a, err2 := e.Store.Accounts(ctx, e.App.OrgID, kith.AccountFilter{})
	w, err3 := e.Store.Workspaces(ctx, e.App.OrgID, kith.WorkspaceFilter{})
	for _, err := range []error{err1, err2, err3} {
		if err != nil {
			t.Fatal(err)
		}
	}
	return [3]int{len(u), len(a), len(w)}
}

func wantError(t *testing.T, r *kithtest.Response, status int, code kith.Code, field string) {
	t.Helper()
	if r.Status != status {
		t.Fatalf("status %d, want %d: %s", r.Status, status, r.Body)
	}
	e := r.Err(t)
	if e.Code != string(code) || e.Field != field {
		t.Fatalf("error %s on %q, want %s on %q: %s", e.Code, e.Field, code, field, e.Message)
	}
	if e.Message == "" {
		t.Fatal("error without a message")
	}
}

// sessionUser checks a session token and returns whom it is for.
func sessionUser(t *testing.T, e *httpapitest.Env, token string) *keys.SessionClaims {
	t.Helper()
	c, err := keys.ParseSessionToken(e.App.SessionSecret, e.App.ID, token, time.Now())
	if err != nil {
		t.Fatalf("the session token does not verify with the app's secret: %v", err)
	}
	return c
}

func TestM1_SeedRequestVerbatimNamesThePlaceholderField_M1_F5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create", map[string]string{
			"accept":        "application/json, text/plain, */*",
			"authorization": e.SessionsToken, // as the seed sends it: no Bearer
			"content-type":  "application/json",
		}, kithtest.SeedM1Body)
		wantError(t, r, http.StatusBadRequest, kith.CodeUnknownCustomField, "rev_info.user_traits.custom_fields.tnt__<field1_name>")
		if got := records(t, e); got != [3]int{} {
			t.Fatalf("a refused request wrote users, accounts, workspaces = %v", got)
		}
	})
}

func TestM1_SeedRequestWithDefinedFieldsAnswers201_M1_R3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		storetest.NewField(t, st, e.App, kith.ObjectUser, "tnt__field1_name", kith.FieldText)
		storetest.NewField(t, st, e.App, kith.ObjectAccount, "tnt__field2_name", kith.FieldText)
		for _, path := range []string{"/internal/auth-tokens.create", "/auth-tokens.create"} {
			r := kithtest.Do(t, e.Server.URL, "POST", path, map[string]string{
				"accept": "application/json, text/plain, */*", "authorization": e.SessionsToken,
				"content-type": "application/json",
			}, kithtest.SeedM1BodyDefined)
			if r.Status != http.StatusCreated {
				t.Fatalf("%s: status %d: %s", path, r.Status, r.Body)
			}
			var body struct {
				AccessToken string `json:"access_token"`
				TokenType   string `json:"token_type"`
				ExpiresIn   int    `json:"expires_in"`
			}
			r.Decode(t, &body)
			if body.TokenType != "bearer" || body.ExpiresIn != 3600 || body.AccessToken == "" {
				t.Fatalf("%s answered %s, want a bearer token for 3600 s", path, r.Body)
			}
			c := sessionUser(t, e, body.AccessToken)
			if c.Trust != "verified" || c.WorkspaceID == "" {
				t.Fatalf("session token claims %+v, want verified and scoped to the workspace", c)
			}
		}
		if got := records(t, e); got != [3]int{1, 1, 1} {
			t.Fatalf("users, accounts, workspaces = %v, want one of each (three levels)", got)
		}

		users := e.Do("GET", "/api/v1/users?ref=example@devrev.ai", e.APIToken, nil)
		var list struct {
			Data []struct{ ID string } `json:"data"`
		}
		users.Decode(t, &list)
		if len(list.Data) != 1 {
			t.Fatalf("users with ref example@devrev.ai: %s", users.Body)
		}
		u := e.Do("GET", "/api/v1/users/"+list.Data[0].ID, e.APIToken, nil).JSON(t)
		for _, want := range []string{`"trust":"verified"`, `"email":"test-user@devrev.ai"`, `"display_name":"Devrev Test USer"`,
			`"+911122334455"`, `"tnt__field1_name":"value 1"`, `"account_ref":"devrev.ai"`, `"workspace_ref":"devrev-dev"`} {
			if !strings.Contains(compact(u), want) {
				t.Errorf("user lacks %s: %s", want, compact(u))
			}
		}
	})
}

func TestM1_ConcurrentRequestsForOneNewUserMakeOneOfEach_R1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		body := `{"rev_info":{"user_ref":"racer-1","account_ref":"race.com","workspace_ref":"race-ws",
			"user_traits":{"email":"racer@race.com","display_name":"Racer"}}}`
		const n = 64
		subs := make([]string, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create",
					map[string]string{"Authorization": e.SessionsToken}, body)
				if r.Status != http.StatusCreated {
					t.Errorf("request %d: %d %s", i, r.Status, r.Body)
					return
				}
				var b struct {
					AccessToken string `json:"access_token"`
				}
				r.Decode(t, &b)
				subs[i] = sessionUser(t, e, b.AccessToken).UserID
			})
		}
		wg.Wait()
		if t.Failed() {
			return
		}
		for i, s := range subs {
			if s != subs[0] {
				t.Fatalf("token %d is for %s, token 0 for %s", i, s, subs[0])
			}
		}
		if got := records(t, e); got != [3]int{1, 1, 1} {
			t.Fatalf("users, accounts, workspaces = %v after %d concurrent requests, want one of each", got, n)
		}
	})
}

func TestM1_WorkspaceUnderAnotherAccountIs409AndWritesNothing_R3_R7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		ok := e.Do("POST", "/auth-tokens.create", e.SessionsToken,
			`{"rev_info":{"user_ref":"a","account_ref":"acme.com","workspace_ref":"shared"}}`)
		if ok.Status != http.StatusCreated {
			t.Fatalf("setup: %d %s", ok.Status, ok.Body)
		}
		before := records(t, e)
		r := e.Do("POST", "/auth-tokens.create", e.SessionsToken,
			`{"rev_info":{"user_ref":"b","account_ref":"globex.com","workspace_ref":"shared",
			  "user_traits":{"display_name":"B"},"account_traits":{"display_name":"Globex"}}}`)
		wantError(t, r, http.StatusConflict, kith.CodeWorkspaceMoved, "rev_info.workspace_ref")
		if got := records(t, e); got != before {
			t.Fatalf("after the 409: %v, want %v", got, before)
		}
	})
}

func TestM1_ExpiresInIsDaysCappedByTheApp_M1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		long := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"session_token_max_lifetime=30d"}})
		tests := []struct {
			env       *httpapitest.Env
			expiresIn string
			want      int
		}{
			{e, ``, 3600},
			{e, `,"expires_in":1`, 3600},
			{long, `,"expires_in":2`, 2 * 86400},
			{long, `,"expires_in":90`, 30 * 86400},
			{long, ``, 30 * 86400},
		}
		for _, tt := range tests {
			r := tt.env.Do("POST", "/auth-tokens.create", tt.env.SessionsToken, `{"rev_info":{"user_ref":"exp"}`+tt.expiresIn+`}`)
			var b struct {
				AccessToken string `json:"access_token"`
				ExpiresIn   int    `json:"expires_in"`
			}
			r.Decode(t, &b)
			if b.ExpiresIn != tt.want {
				t.Errorf("expires_in%s: answered %d s, want %d", tt.expiresIn, b.ExpiresIn, tt.want)
			}
			c := sessionUser(t, tt.env, b.AccessToken)
			if got := int(c.ExpiresAt.Sub(c.IssuedAt).Seconds()); got != tt.want {
				t.Errorf("expires_in%s: token lives %d s, want %d", tt.expiresIn, got, tt.want)
			}
		}
		for _, bad := range []string{`0`, `-1`, `"7"`} {
			r := e.Do("POST", "/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"exp"},"expires_in":`+bad+`}`)
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "expires_in")
		}
	})
}

func TestM1_BadInputIs400NamingTheFieldAndWritesNothing_F1_F2_F4_F6(t *testing.T) {
	long := strings.Repeat("x", 256)
	tests := []struct {
		name, body string
		code       kith.Code
		field      string
	}{
		{"empty body", ``, kith.CodeInvalidRequest, ""},
		{"not JSON", `rev_info=1`, kith.CodeInvalidRequest, ""},
		{"not an object", `[1]`, kith.CodeInvalidRequest, ""},
		{"two values", `{"rev_info":{"user_ref":"a"}} {}`, kith.CodeInvalidRequest, ""},
		{"no rev_info", `{}`, kith.CodeMissingField, "rev_info"},
		{"no user_ref", `{"rev_info":{"account_ref":"a.com"}}`, kith.CodeMissingField, "rev_info.user_ref"},
		{"null user_ref", `{"rev_info":{"user_ref":null}}`, kith.CodeMissingField, "rev_info.user_ref"},
		{"placeholder user_ref", `{"rev_info":{"user_ref":"undefined"}}`, kith.CodeInvalidUserRef, "rev_info.user_ref"},
		{"placeholder user_ref null string", `{"rev_info":{"user_ref":"null"}}`, kith.CodeInvalidUserRef, "rev_info.user_ref"},
		{"placeholder user_ref -1", `{"rev_info":{"user_ref":"-1"}}`, kith.CodeInvalidUserRef, "rev_info.user_ref"},
		{"numeric user_ref", `{"rev_info":{"user_ref":42}}`, kith.CodeInvalidField, "rev_info.user_ref"},
		{"spaces around user_ref", `{"rev_info":{"user_ref":" u "}}`, kith.CodeInvalidUserRef, "rev_info.user_ref"},
		{"placeholder account_ref", `{"rev_info":{"user_ref":"u","account_ref":"undefined"}}`, kith.CodeInvalidField, "rev_info.account_ref"},
		{"bad email", `{"rev_info":{"user_ref":"u","user_traits":{"email":"not-an-email"}}}`, kith.CodeInvalidEmail, "rev_info.user_traits.email"},
		{"phone not E.164", `{"rev_info":{"user_ref":"u","user_traits":{"phone_numbers":["+91 11 2233 4455"]}}}`, kith.CodeInvalidPhoneNumber, "rev_info.user_traits.phone_numbers[0]"},
		{"phone without plus", `{"rev_info":{"user_ref":"u","account_ref":"a.com","account_traits":{"phone_numbers":["+919988998833","919988998833"]}}}`, kith.CodeInvalidPhoneNumber, "rev_info.account_traits.phone_numbers[1]"},
		{"domain with scheme", `{"rev_info":{"user_ref":"u","account_ref":"a.com","account_traits":{"domains":["https://devrev.ai"]}}}`, kith.CodeInvalidDomain, "rev_info.account_traits.domains[0]"},
		{"domain with www", `{"rev_info":{"user_ref":"u","account_ref":"a.com","account_traits":{"domains":["www.devrev.ai"]}}}`, kith.CodeInvalidDomain, "rev_info.account_traits.domains[0]"},
		{"unknown field", `{"rev_info":{"user_ref":"u","user_traits":{"emial":"a@b.com"}}}`, kith.CodeUnknownField, "rev_info.user_traits.emial"},
		{"unknown top-level field", `{"rev_info":{"user_ref":"u"},"expires":1}`, kith.CodeUnknownField, "expires"},
		{"account traits without account", `{"rev_info":{"user_ref":"u","account_traits":{"display_name":"A"}}}`, kith.CodeMissingField, "rev_info.account_ref"},
		{"workspace traits without workspace", `{"rev_info":{"user_ref":"u","workspace_traits":{"display_name":"W"}}}`, kith.CodeMissingField, "rev_info.workspace_ref"},
		{"display name too long", `{"rev_info":{"user_ref":"u","user_traits":{"display_name":"` + long + `"}}}`, kith.CodeTooLong, "rev_info.user_traits.display_name"},
		{"phone list wrong type", `{"rev_info":{"user_ref":"u","user_traits":{"phone_numbers":"+911122334455"}}}`, kith.CodeInvalidField, "rev_info.user_traits.phone_numbers"},
		{"custom field undefined", `{"rev_info":{"user_ref":"u","user_traits":{"custom_fields":{"tnt__nope":1}}}}`, kith.CodeUnknownCustomField, "rev_info.user_traits.custom_fields.tnt__nope"},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, tt.body)
				wantError(t, r, http.StatusBadRequest, tt.code, tt.field)
			})
		}
		if got := records(t, e); got != [3]int{} {
			t.Fatalf("refused requests wrote users, accounts, workspaces = %v", got)
		}
	})
}

func TestM1_EmailTakenIs409NamingTheField_R6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		first := e.Do("POST", "/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"a","user_traits":{"email":"Same@Example.com"}}}`)
		if first.Status != http.StatusCreated {
			t.Fatalf("setup: %d %s", first.Status, first.Body)
		}
		r := e.Do("POST", "/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"b","user_traits":{"email":"same@example.COM"}}}`)
		wantError(t, r, http.StatusConflict, kith.CodeEmailTaken, "rev_info.user_traits.email")

		shared := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"email_unique=false"}})
		for _, ref := range []string{"a", "b"} {
			r := shared.Do("POST", "/auth-tokens.create", shared.SessionsToken, `{"rev_info":{"user_ref":"`+ref+`","user_traits":{"email":"same@example.com"}}}`)
			if r.Status != http.StatusCreated {
				t.Fatalf("with email_unique=false, user %s: %d %s", ref, r.Status, r.Body)
			}
		}
	})
}

func TestM2_AuthenticateUserFindsTheContactByEmail_M2_R5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		storetest.NewField(t, st, e.App, kith.ObjectUser, "tnt__plan", kith.FieldEnum, "free", "pro")
		type answer struct {
			Token   string `json:"token"`
			Contact struct {
				ID string `json:"id"`
			} `json:"contact"`
		}
		var first, second answer
		r := e.Do("POST", "/widget/authenticate-user", e.SessionsToken, `{"email":"Ada@Example.com","name":"Ada",
			"avatar_url":"https://example.com/ada.png","phone":"+911122334455","language":"en-GB","custom_data":{"plan":"pro"}}`)
		if r.Status != http.StatusOK {
			t.Fatalf("status %d: %s", r.Status, r.Body)
		}
		r.Decode(t, &first)
		if c := sessionUser(t, e, first.Token); c.UserID != first.Contact.ID || c.Trust != "verified" {
			t.Fatalf("token is for %s (%s), contact is %s", c.UserID, c.Trust, first.Contact.ID)
		}
		e.Do("POST", "/widget/authenticate-user", e.SessionsToken, `{"email":"ada@example.com"}`).Decode(t, &second)
		if second.Contact.ID != first.Contact.ID {
			t.Fatalf("the same email gave contacts %s and %s", first.Contact.ID, second.Contact.ID)
		}
		u := compact(e.Do("GET", "/api/v1/users/"+first.Contact.ID, e.APIToken, nil).JSON(t))
		for _, want := range []string{`"email":"ada@example.com"`, `"display_name":"Ada"`, `"tnt__plan":"pro"`,
			`"language":"en-GB"`, `"avatar_url":"https://example.com/ada.png"`, `"user_ref":null`} {
			if !strings.Contains(u, want) {
				t.Errorf("contact lacks %s: %s", want, u)
			}
		}

		for _, tt := range []struct{ body, code, field string }{
			{`{}`, string(kith.CodeMissingField), "email"},
			{`{"email":"nope"}`, string(kith.CodeInvalidEmail), "email"},
			{`{"email":"a@b.com","phone":"12345"}`, string(kith.CodeInvalidPhoneNumber), "phone"},
			{`{"email":"a@b.com","avatar_url":"javascript:alert(1)"}`, string(kith.CodeInvalidField), "avatar_url"},
			{`{"email":"a@b.com","custom_data":{"plan":"gold"}}`, string(kith.CodeInvalidCustomField), "custom_data.plan"},
			{`{"email":"a@b.com","custom_data":{"seats":3}}`, string(kith.CodeUnknownCustomField), "custom_data.seats"},
		} {
			r := e.Do("POST", "/widget/authenticate-user", e.SessionsToken, tt.body)
			wantError(t, r, http.StatusBadRequest, kith.Code(tt.code), tt.field)
		}
	})
}

// compact renders a decoded JSON value back to compact JSON for substring
// checks.
func compact(v map[string]any) string {
	return fmt.Sprint(mustJSON(v))
}

func TestM1_ExpiresInTooLargeOrTooSmall_M1_F6(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	r := e.Do("POST", "/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"big"},"expires_in":1e300}`)
	if r.Status != http.StatusCreated || r.JSON(t)["expires_in"] != float64(3600) {
		t.Fatalf("a huge expires_in: %d %s, want the app's cap of 3600 s", r.Status, r.Body)
	}
	for _, tiny := range []string{`0.000001`, `0.0001`} {
		r := e.Do("POST", "/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"tiny"},"expires_in":`+tiny+`}`)
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "expires_in")
	}
	r = e.Do("POST", "/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"small"},"expires_in":0.01}`)
	if r.Status != http.StatusCreated || r.JSON(t)["expires_in"] != float64(864) {
		t.Fatalf("0.01 days: %d %s, want 864 s", r.Status, r.Body)
	}
}

func TestM1_TheFieldsOfDevRevsServerSDK_M1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{Settings: []string{"session_token_max_lifetime=2h"}})
		mint := func(body string) *kithtest.Response {
			return e.Do("POST", "/auth-tokens.create", e.SessionsToken, body)
		}
		ok := func(body string, expiresIn float64) {
			t.Helper()
			r := mint(body)
			if r.Status != http.StatusCreated || r.JSON(t)["expires_in"] != expiresIn {
				t.Fatalf("%s: %d %s, want 201 with expires_in %v", body, r.Status, r.Body, expiresIn)
			}
		}
		ok(`{"rev_info":{"user_ref":"sdk"},"expires_in_mins":30}`, 1800)
		ok(`{"rev_info":{"user_ref":"sdk"},"expires_in_mins":1440}`, 7200) // capped by the app
		ok(`{"rev_info":{"user_ref":"sdk"},"requested_token_type":"urn:devrev:params:oauth:token-type:session"}`, 7200)
		ok(`{"rev_info":{"user_ref":"sdk"},"requested_token_type":"urn:devrev:params:oauth:token-type:session:rev",
			"grant_type":"urn:devrev:params:oauth:grant-type:token-issue","aud":["x"],"client_id":"c","scope":"s","token_hint":"h"}`, 7200)
		// DevRev's old names, read as the new ones.
		ok(`{"rev_info":{"user_ref":"sdk-org","org_ref":"old.example","org_traits":{"display_name":"Old Name"}}}`, 7200)
		accounts := e.Do("GET", "/api/v1/accounts?ref=old.example", e.APIToken, nil).JSON(t)["data"].([]any)
		if len(accounts) != 1 || accounts[0].(map[string]any)["display_name"] != "Old Name" {
			t.Fatalf("org_ref and org_traits made %v, want the account old.example named Old Name", accounts)
		}
		for _, tc := range []struct {
			body  string
			code  kith.Code
			field string
		}{
			{`{"rev_info":{"user_ref":"sdk"},"requested_token_type":"urn:devrev:params:oauth:token-type:aat"}`, kith.CodeInvalidField, "requested_token_type"},
			{`{"rev_info":{"user_ref":"sdk"},"grant_type":"urn:ietf:params:oauth:grant-type:token-exchange"}`, kith.CodeInvalidField, "grant_type"},
			{`{"rev_info":{"user_ref":"sdk"},"act_as":"don:identity:dvrv-us-1:devo/0:devu/1"}`, kith.CodeInvalidField, "act_as"},
			{`{"rev_info":{"user_ref":"sdk"},"subject_token":"x"}`, kith.CodeInvalidField, "subject_token"},
			{`{"rev_info":{"user_ref":"sdk"},"expires_in":1,"expires_in_mins":5}`, kith.CodeInvalidRequest, "expires_in_mins"},
			{`{"rev_info":{"user_ref":"sdk"},"expires_in_mins":0.5}`, kith.CodeInvalidField, "expires_in_mins"},
			{`{"rev_info":{"user_ref":"sdk"},"expires_in_mins":2000}`, kith.CodeInvalidField, "expires_in_mins"},
			{`{"rev_info":{"user_id":"don:identity:dvrv-us-1:devo/0:revu/1"}}`, kith.CodeInvalidField, "rev_info.user_id"},
			{`{"rev_info":{"user_ref":"sdk","org_ref":"a.com","account_ref":"b.com"}}`, kith.CodeInvalidRequest, "rev_info.org_ref"},
		} {
			wantError(t, mint(tc.body), http.StatusBadRequest, tc.code, tc.field)
		}
	})
}
