package httpapi_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"sync/atomic"
	"testing"

	"github.com/kith-chat/kith/internal/httpapi"
	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// benchBody is an M1 request with a user, an account and a workspace, as a
// typical integration sends it.
const benchBody = `{"rev_info":{"user_ref":%q,"account_ref":"bench.com","workspace_ref":"bench-ws",
"user_traits":{"email":%q,"display_name":"Bench User","phone_numbers":["+911122334455"]},
"account_traits":{"display_name":"Bench","domains":["bench.com"]},
"workspace_traits":{"display_name":"Bench WS"}}}`

// BenchmarkM1 measures auth-tokens.create over real HTTP on each store, for
// a new user every request and for a returning user whose traits did not
// change, next to the ceiling of the same machine in the same run: a
// handler that only decodes the same JSON and answers 201. Compare ratios,
// not absolute times (docs/benchmarks.md).
//
//	go test ./internal/httpapi -run '^$' -bench M1 -benchtime 3s
func BenchmarkM1(b *testing.B) {
	b.Run("ceiling", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var req struct {
				RevInfo struct {
					UserRef      string `json:"user_ref"`
					AccountRef   string `json:"account_ref"`
					WorkspaceRef string `json:"workspace_ref"`
					UserTraits   struct {
						Email        string   `json:"email"`
						DisplayName  string   `json:"display_name"`
						PhoneNumbers []string `json:"phone_numbers"`
					} `json:"user_traits"`
					AccountTraits struct {
						DisplayName string   `json:"display_name"`
						Domains     []string `json:"domains"`
					} `json:"account_traits"`
					WorkspaceTraits struct {
						DisplayName string `json:"display_name"`
					} `json:"workspace_traits"`
				} `json:"rev_info"`
			}
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"access_token":"x","token_type":"bearer","expires_in":3600}`)
		}))
		defer srv.Close()
		runM1(b, srv.URL, "", false)
	})
	for _, kind := range storetest.Kinds {
		for _, returning := range []bool{false, true} {
			name := kind + "/new_user"
			if returning {
				name = kind + "/returning_user"
			}
			b.Run(name, func(b *testing.B) {
				st := storetest.OpenWith(b, kind, store.Options{})
				e := httpapitest.New(b, st, httpapitest.Options{Limits: httpapi.Limits{MaxBodyBytes: 1 << 16}})
				runM1(b, e.Server.URL, e.SessionsToken, returning)
			})
		}
	}
}

func runM1(b *testing.B, base, token string, returning bool) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	var n atomic.Int64
	body := func() []byte {
		ref := "bench-returning"
		if !returning {
			ref = fmt.Sprintf("bench-%d", n.Add(1))
		}
		return fmt.Appendf(nil, benchBody, ref, ref+"@bench.com")
	}
	post := func(payload []byte) {
		req, _ := http.NewRequest("POST", base+"/internal/auth-tokens.create", bytes.NewReader(payload))
		req.Header.Set("Authorization", token)
		resp, err := client.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
	if returning {
		post(body()) // the user exists before the clock starts
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			post(body())
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "req/s")
}
