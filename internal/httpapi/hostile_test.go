package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/http"
	"net/netip"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/httpapi"
	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// The findings of an attack on Kith from the outside (issue 7), one test
// each, over HTTP against the real server, on both stores where a store is
// involved.

func TestHostile_BytesThatAreNotUTF8NeverMergeTwoUsers_F7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		// Two backends send Latin-1 é and è: encoding/json made both
		// U+FFFD, one verified user who read the other's conversations.
		for _, ref := range []string{"jos\xe9", "jos\xe8", "jos\\ud800", "jos\\udce9"} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, `{"rev_info":{"user_ref":"`+ref+`"}}`)
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "rev_info.user_ref")
		}
		r := e.TryStartSession(map[string]any{"identity": rawJSON(`{"user_ref":"jos\ud800"}`)})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "identity.user_ref")
		if n := userCount(t, e); n != 0 {
			t.Fatalf("%d users made from bytes that are not UTF-8", n)
		}
		// Sent as UTF-8, they are two users.
		e.Mint("josé", "")
		e.Mint("josè", "")
		if n := userCount(t, e); n != 2 {
			t.Fatalf("%d users for josé and josè, want 2", n)
		}
	})
}

func TestHostile_KeysMatchExactlyAndOnce_F7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		for _, tc := range []struct {
			body  string
			code  kith.Code
			field string
		}{
			{`{"rev_info":{"User_Ref":"x"}}`, kith.CodeUnknownField, "rev_info.User_Ref"},
			{`{"rev_info":{"uſer_ref":"x"}}`, kith.CodeUnknownField, "rev_info.uſer_ref"},
			{`{"REV_INFO":{"user_ref":"x"}}`, kith.CodeUnknownField, "REV_INFO"},
			{`{"rev_info":{"user_ref":"x","user_ref":"y"}}`, kith.CodeInvalidRequest, "rev_info.user_ref"},
			{`{"rev_info":{"user_ref":"x","user_traits":{"email":"a@x.com","email":"b@x.com"}}}`,
				kith.CodeInvalidRequest, "rev_info.user_traits.email"},
		} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, tc.body)
			wantError(t, r, http.StatusBadRequest, tc.code, tc.field)
		}
		r := e.TryStartSession(map[string]any{"identity": rawJSON(`{"user_ref":"a","user_ref":"b"}`)})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidRequest, "identity.user_ref")
		r = e.Do("POST", "/widget/authenticate-user", e.SessionsToken, `{"email":"a@x.com","Email":"b@x.com"}`)
		wantError(t, r, http.StatusBadRequest, kith.CodeUnknownField, "Email")
		if n := userCount(t, e); n != 0 {
			t.Fatalf("refused bodies made %d users", n)
		}
	})
}

func TestHostile_SpoofingCharactersAreRefused_F7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		// Names that reorder what the agent reads, or show nothing.
		for _, name := range []string{"Ada\u202eevil", "\u2066Ada\u2069", "\u200b\u200b", "Ada\u200b"} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken,
				mustJSON(map[string]any{"rev_info": map[string]any{"user_ref": "ada", "user_traits": map[string]any{"display_name": name}}}))
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "rev_info.user_traits.display_name")
		}
		for _, ref := range []string{"ada\u200b", "\u202eada", "jose\u0301"} {
			r := e.Do("POST", "/internal/auth-tokens.create", e.SessionsToken, mustJSON(map[string]any{"rev_info": map[string]any{"user_ref": ref}}))
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidUserRef, "rev_info.user_ref")
		}
		if n := userCount(t, e); n != 0 {
			t.Fatalf("refused requests made %d users", n)
		}
		// Messages made of nothing visible, or that reorder themselves.
		s := e.StartSession(nil)
		for _, body := range []string{"\u200b\u200b\u200b", "\u2060", "refund \u202e001$"} {
			r := e.Do("POST", "/widget/v1/conversations", s.Session, map[string]string{"body": body})
			wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "body")
		}
		conv := startConversation(t, e, s.Session, "hello")
		r := e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": "\u2067hi\u2069"})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "body")
		r = e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": "hi", "author_name": "Sam\u202e"})
		wantError(t, r, http.StatusBadRequest, kith.CodeInvalidField, "author_name")
		msgs := e.Do("GET", "/api/v1/conversations/"+conv+"/messages", e.APIToken, nil)
		if n := len(msgs.JSON(t)["data"].([]any)); n != 1 {
			t.Fatalf("%d messages stored, want only the visible one", n)
		}
	})
}

func TestHostile_AccessTokensAreRefusedFromBrowsers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		body := `{"rev_info":{"user_ref":"from-a-page"}}`
		// Spec section 1: an AAT is never accepted from a browser. Every
		// browser request carries Origin or Fetch Metadata.
		for _, h := range []map[string]string{
			{"Origin": "https://evil.example"},
			{"Origin": "null"},
			{"Sec-Fetch-Site": "cross-site"},
			{"Sec-Fetch-Site": "same-site"},
			{"Sec-Fetch-Site": "same-origin"},
		} {
			h["Authorization"] = e.SessionsToken
			r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create", h, body)
			wantError(t, r, http.StatusForbidden, kith.CodeBackendOnly, "")
			if r.Header.Get("Access-Control-Allow-Origin") != "" {
				t.Fatalf("%v: the refusal carries CORS headers", h)
			}
			h["Authorization"] = "Bearer " + e.APIToken
			r = kithtest.Do(t, e.Server.URL, "GET", "/api/v1/users", h, nil)
			wantError(t, r, http.StatusForbidden, kith.CodeBackendOnly, "")
		}
		// A wrong token from a browser gets the same answer: the page learns
		// nothing about the token.
		r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create",
			map[string]string{"Origin": "https://evil.example", "Authorization": "kith_aat_nope"}, body)
		wantError(t, r, http.StatusForbidden, kith.CodeBackendOnly, "")
		if n := userCount(t, e); n != 0 {
			t.Fatalf("browser requests made %d users", n)
		}
		// What backends send passes: nothing, a navigation's "none", and the
		// Sec-Fetch-Mode that Node's fetch adds.
		for _, h := range []map[string]string{{}, {"Sec-Fetch-Site": "none"}, {"Sec-Fetch-Mode": "cors"}} {
			h["Authorization"] = e.SessionsToken
			if r := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create", h, body); r.Status != http.StatusCreated {
				t.Fatalf("%v: %d %s, want 201", h, r.Status, r.Body)
			}
		}
	})
}

// budgetEnv is a server whose budgets are p, behind a proxy it trusts on
// loopback, so that each test visitor can come from an address of its own
// (X-Forwarded-For).
func budgetEnv(t *testing.T, st *store.Store, p budget.Policy) *httpapitest.Env {
	t.Helper()
	return httpapitest.New(t, st, httpapitest.Options{Budgets: &p,
		Limits: httpapi.Limits{MaxBodyBytes: 64 << 10, TrustedProxies: []netip.Prefix{netip.MustParsePrefix("127.0.0.1/32")}}})
}

// visitor is a browser at an address of its own.
type visitor struct {
	e       *httpapitest.Env
	addr    string
	session string
	device  string
}

func newVisitor(t *testing.T, e *httpapitest.Env, addr, deviceToken string) *visitor {
	t.Helper()
	v := &visitor{e: e, addr: addr}
	r := v.do(t, "POST", "/widget/v1/sessions", "", map[string]any{"app_id": e.App.ID, "device_token": deviceToken})
	if r.Status != http.StatusCreated {
		t.Fatalf("start a session from %s: %d %s", addr, r.Status, r.Body)
	}
	var s httpapitest.WidgetSession
	r.Decode(t, &s)
	v.session, v.device = s.Session, s.DeviceToken
	return v
}

func (v *visitor) do(t testing.TB, method, path, session string, body any) *kithtest.Response {
	t.Helper()
	h := map[string]string{"X-Forwarded-For": v.addr}
	if session != "" {
		h["Authorization"] = "Bearer " + session
	}
	return kithtest.Do(t, v.e.Server.URL, method, path, h, body)
}

func (v *visitor) post(t testing.TB, path string, body any) *kithtest.Response {
	t.Helper()
	return v.do(t, "POST", path, v.session, body)
}

// wantSpent checks a 429 with a Retry-After of whole seconds, naming the
// budget that is spent.
func wantSpent(t *testing.T, r *kithtest.Response, budgetName string) {
	t.Helper()
	wantError(t, r, http.StatusTooManyRequests, kith.CodeRateLimited, "")
	if s, err := strconv.Atoi(r.Header.Get("Retry-After")); err != nil || s < 1 {
		t.Fatalf("Retry-After = %q, want whole seconds", r.Header.Get("Retry-After"))
	}
	if msg := r.Err(t).Message; !strings.Contains(msg, budgetName) {
		t.Fatalf("the refusal %q does not name the budget %q", msg, budgetName)
	}
}

func TestHostile_EveryWidgetWriteHasABudgetPerScope_F8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		perHour := func(n int) budget.Rate { return budget.Rate{Burst: n, Per: time.Hour} }
		e := budgetEnv(t, st, budget.Policy{
			Messages:      budget.Scopes{Session: perHour(4), Device: perHour(6), Address: perHour(8), App: perHour(12)},
			Conversations: budget.Scopes{Session: perHour(2)},
			MessageBytes:  budget.Scopes{Session: perHour(2500)},
			Identity:      budget.Scopes{Session: perHour(2)},
			Reads:         budget.Scopes{Session: perHour(3)},
			Typing:        budget.Scopes{Session: perHour(2)},
		})
		// One session: 2 conversations, then its messages run out at 4.
		a := newVisitor(t, e, "10.0.0.1", "")
		conv := startConversationAs(t, a, "one")
		startConversationAs(t, a, "two")
		wantSpent(t, a.post(t, "/widget/v1/conversations", map[string]string{"body": "three"}), "conversations of this widget session")
		for i := range 2 {
			if r := a.post(t, "/widget/v1/conversations/"+conv+"/messages", map[string]string{"body": "more"}); r.Status != http.StatusCreated {
				t.Fatalf("message %d within the session's budget: %d %s", i+3, r.Status, r.Body)
			}
		}
		wantSpent(t, a.post(t, "/widget/v1/conversations/"+conv+"/messages", map[string]string{"body": "flood"}), "messages of this widget session")
		// A new session on the same device: the device's budget (6) ends it.
		a2 := newVisitor(t, e, "10.0.0.1", a.device)
		conv2 := startConversationAs(t, a2, "again")
		a2.post(t, "/widget/v1/conversations/"+conv2+"/messages", map[string]string{"body": "x"})
		wantSpent(t, a2.post(t, "/widget/v1/conversations/"+conv2+"/messages", map[string]string{"body": "y"}), "messages of this device")
		// A new device at the same address: the address's budget (8) ends it.
		a3 := newVisitor(t, e, "10.0.0.1", "")
		conv3 := startConversationAs(t, a3, "from a new device")
		a3.post(t, "/widget/v1/conversations/"+conv3+"/messages", map[string]string{"body": "x"})
		wantSpent(t, a3.post(t, "/widget/v1/conversations/"+conv3+"/messages", map[string]string{"body": "y"}), "messages from this address")
		// Bytes, identity updates and read markers.
		d := newVisitor(t, e, "10.0.0.4", "")
		wantSpent(t, d.post(t, "/widget/v1/conversations", map[string]string{"body": strings.Repeat("x", 3000)}),
			"message bytes of this widget session")
		for i := range 3 {
			r := d.post(t, "/widget/v1/identity", map[string]any{"display_name": "D"})
			if i < 2 && r.Status != http.StatusOK {
				t.Fatalf("identity update %d: %d %s", i+1, r.Status, r.Body)
			} else if i == 2 {
				wantSpent(t, r, "identity updates of this widget session")
			}
		}
		for i := range 4 {
			r := a.post(t, "/widget/v1/conversations/"+conv+"/read", nil)
			if i < 3 && r.Status != http.StatusNoContent {
				t.Fatalf("read marker %d: %d %s", i+1, r.Status, r.Body)
			} else if i == 3 {
				wantSpent(t, r, "read markers of this widget session")
			}
		}
		for i := range 3 {
			r := a.post(t, "/widget/v1/conversations/"+conv+"/typing", nil)
			if i < 2 && r.Status != http.StatusNoContent {
				t.Fatalf("typing indicator %d: %d %s", i+1, r.Status, r.Body)
			} else if i == 2 {
				wantSpent(t, r, "typing indicators of this widget session")
			}
		}
		// Another visitor is served all along; the app's budget (12) is the
		// last line.
		b := newVisitor(t, e, "10.0.0.2", "")
		convB := startConversationAs(t, b, "hello")
		for range 3 {
			if r := b.post(t, "/widget/v1/conversations/"+convB+"/messages", map[string]string{"body": "fine"}); r.Status != http.StatusCreated {
				t.Fatalf("another visitor refused while the first is cut off: %d %s", r.Status, r.Body)
			}
		}
		c := newVisitor(t, e, "10.0.0.3", "")
		wantSpent(t, c.post(t, "/widget/v1/conversations", map[string]string{"body": "late"}), "messages of this app")
		// Nothing refused was written: 4 + 2 + 2 + 4 messages were taken.
		sums, err := st.Conversations(context.Background(), e.App.OrgID, kith.ConversationFilter{})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, s := range sums {
			msgs, _ := st.Messages(context.Background(), e.App.OrgID, s.ID, kith.Page{Limit: 100})
			total += len(msgs)
		}
		if total != 12 || len(sums) != 5 {
			t.Fatalf("%d messages in %d conversations stored, want the 12 accepted in 5", total, len(sums))
		}
	})
}

func startConversationAs(t *testing.T, v *visitor, body string) string {
	t.Helper()
	r := v.post(t, "/widget/v1/conversations", map[string]string{"body": body})
	if r.Status != http.StatusCreated {
		t.Fatalf("start a conversation from %s: %d %s", v.addr, r.Status, r.Body)
	}
	var b struct {
		Conversation struct{ ID string } `json:"conversation"`
	}
	r.Decode(t, &b)
	return b.Conversation.ID
}

func TestHostile_ForwardedForIsTrustedOnlyFromTrustedProxies_F8(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	p := budget.Policy{Sessions: budget.Scopes{Address: budget.Rate{Burst: 1, Per: time.Hour}}}
	// Without trusted proxies a client cannot pick its budget by naming an
	// address.
	e := httpapitest.New(t, st, httpapitest.Options{Budgets: &p})
	for i, addr := range []string{"10.0.0.1", "10.0.0.2"} {
		r := kithtest.Do(t, e.Server.URL, "POST", "/widget/v1/sessions", map[string]string{"X-Forwarded-For": addr},
			map[string]any{"app_id": e.App.ID})
		if i == 0 && r.Status != http.StatusCreated {
			t.Fatalf("first session: %d %s", r.Status, r.Body)
		} else if i == 1 {
			wantSpent(t, r, "widget sessions from this address")
		}
	}
}

func TestHostile_OneSessionHoldsFewSockets_F8(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := budgetEnv(t, st, budget.Policy{Sockets: budget.Caps{Session: 2, Device: 3, Address: 4}})
	a := newVisitor(t, e, "127.0.0.1", "")
	e.DialEvents(a.session, 0)
	second := e.DialEvents(a.session, 0)
	if _, code := e.TryDialEvents(a.session); code != 4029 {
		t.Fatalf("a third socket for a session capped at 2 closed with %d, want 4029", code)
	}
	// A socket closed frees its place.
	second.Close()
	for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(50 * time.Millisecond) {
		if _, code := e.TryDialEvents(a.session); code == 0 {
			break
		} else if time.Now().After(deadline) {
			t.Fatalf("after closing one, a new socket still closes with %d", code)
		}
	}
	// Another session of the same device gets the device's last place.
	b := newVisitor(t, e, "127.0.0.1", a.device)
	e.DialEventsWhenFree(b.session)
	if _, code := e.TryDialEvents(b.session); code != 4029 {
		t.Fatalf("a fourth socket for a device capped at 3 closed with %d, want 4029", code)
	}
	// The address holds 3 now; one more device takes the 4th, and then
	// the handshake itself is refused.
	c := newVisitor(t, e, "127.0.0.1", "")
	e.DialEventsWhenFree(c.session)
	r := kithtest.Do(t, e.Server.URL, "GET", "/widget/v1/events?app_id="+e.App.ID,
		map[string]string{"Connection": "Upgrade", "Upgrade": "websocket"}, nil)
	wantSpent(t, r, "sockets open at once")
}

// TestHostile_OverloadRefusesTheFloodAndServesVisitors_F8 floods the widget
// API from a few addresses at several times what the store can write,
// while well-behaved visitors chat: the flood gets 429s (or 503s) with
// Retry-After, the visitors are all served, what was accepted is stored,
// and memory stays bounded. It asserts no time.
func TestHostile_OverloadRefusesTheFloodAndServesVisitors_F8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := budgetEnv(t, st, budget.DefaultPolicy())
		var before runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&before)

		const attackers, perAttacker, floodPerSession = 4, 2, 150
		var flooders []*visitor
		var floodConvs []string
		for a := range attackers {
			for range perAttacker {
				v := newVisitor(t, e, fmt.Sprintf("203.0.113.%d", a+1), "")
				flooders = append(flooders, v)
				floodConvs = append(floodConvs, startConversationAs(t, v, "I am about to flood"))
			}
		}
		var visitors []*visitor
		for i := range 12 {
			visitors = append(visitors, newVisitor(t, e, fmt.Sprintf("198.51.100.%d", i+1), ""))
		}

		floodStart := time.Now()
		var accepted, refused atomic.Int64
		var wg sync.WaitGroup
		bad := make(chan string, 16)
		for i, v := range flooders {
			for range 4 { // four connections per session, hammering
				wg.Go(func() {
					for range floodPerSession / 4 {
						r, err := kithtest.Try(e.Server.URL, "POST", "/widget/v1/conversations/"+floodConvs[i]+"/messages",
							map[string]string{"Authorization": "Bearer " + v.session, "X-Forwarded-For": v.addr},
							map[string]string{"body": "flood"})
						switch {
						case err != nil:
							bad <- err.Error()
							return
						case r.Status == http.StatusCreated:
							accepted.Add(1)
						case (r.Status == http.StatusTooManyRequests || r.Status == http.StatusServiceUnavailable) &&
							r.Header.Get("Retry-After") != "":
							refused.Add(1)
						default:
							bad <- fmt.Sprintf("the flood got %d %s", r.Status, r.Body)
							return
						}
					}
				})
			}
		}
		served := make([]int, len(visitors))
		for i, v := range visitors {
			wg.Go(func() {
				r, err := kithtest.Try(e.Server.URL, "POST", "/widget/v1/conversations",
					map[string]string{"Authorization": "Bearer " + v.session, "X-Forwarded-For": v.addr}, map[string]string{"body": "hello"})
				if err != nil || r.Status != http.StatusCreated {
					bad <- fmt.Sprintf("a visitor's first message during the flood: %v %v", err, r)
					return
				}
				served[i]++
				var b struct {
					Conversation struct{ ID string } `json:"conversation"`
				}
				if json.Unmarshal(r.Body, &b) != nil {
					bad <- "a visitor's answer is not JSON"
					return
				}
				for range 3 {
					r, err := kithtest.Try(e.Server.URL, "POST", "/widget/v1/conversations/"+b.Conversation.ID+"/messages",
						map[string]string{"Authorization": "Bearer " + v.session, "X-Forwarded-For": v.addr}, map[string]string{"body": "still here"})
					if err != nil || r.Status != http.StatusCreated {
						bad <- fmt.Sprintf("a visitor's message during the flood: %v %v", err, r)
						return
					}
					served[i]++
				}
			})
		}
		wg.Wait()
		close(bad)
		for msg := range bad {
			t.Fatal(msg)
		}
		for i, n := range served {
			if n != 4 {
				t.Fatalf("visitor %d was served %d of 4 messages", i, n)
			}
		}
		// Each flooding session could write its budget (20, the first
		// message included) and what refilled while the flood lasted, and
		// no more.
		rate := budget.DefaultPolicy().Messages.Session
		refill := int(math.Ceil(time.Since(floodStart).Seconds() * float64(rate.Burst) / rate.Per.Seconds()))
		max := int64(attackers * perAttacker * (rate.Burst - 1 + refill))
		if accepted.Load() > max || refused.Load() == 0 {
			t.Fatalf("the flood: %d accepted, %d refused; want at most %d accepted and the rest refused",
				accepted.Load(), refused.Load(), max)
		}
		stored := 0
		for _, conv := range floodConvs {
			msgs, err := st.Messages(context.Background(), e.App.OrgID, conv, kith.Page{Limit: 1000})
			if err != nil {
				t.Fatal(err)
			}
			stored += len(msgs) - 1
		}
		if int64(stored) != accepted.Load() {
			t.Fatalf("%d flood messages stored, %d accepted", stored, accepted.Load())
		}
		var after runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&after)
		if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
			t.Fatalf("the heap grew by %d MiB under the flood", grew>>20)
		}
	})
}

func TestHostile_RefusedClaimsTellAnOutsiderNothing_F9(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		ada := e.StartSession(map[string]any{"session_token": e.Mint("ada", `"user_traits":{"email":"ada@example.com"}`)})
		e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "bob", "email": "bob@example.com"}})
		// Is ada a customer? Is bob@example.com in use? The answers are the
		// same as for nobody at all.
		answer := func(identity map[string]any) string {
			s := e.StartSession(map[string]any{"identity": identity})
			if s.AuthFailure == nil {
				return "accepted as " + s.User.Trust
			}
			return s.User.Trust + " " + mustJSON(s.AuthFailure)
		}
		if a, b := answer(map[string]any{"user_ref": "ada"}), answer(map[string]any{"user_ref": "undefined"}); a != b {
			t.Fatalf("a verified user's ref answers %s, a placeholder %s", a, b)
		}
		taken := answer(map[string]any{"user_ref": "probe-1", "email": "bob@example.com"})
		free := answer(map[string]any{"user_ref": "probe-2", "email": "nobody@example.com"})
		if taken != free || taken != "accepted as unverified" {
			t.Fatalf("a claimed email answers %q, a free one %q; want both accepted", taken, free)
		}
		probe := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "probe-3"}})
		for _, email := range []string{"bob@example.com", "free@example.com"} {
			r := e.Do("POST", "/widget/v1/identity", probe.Session, map[string]any{"email": email})
			if r.Status != http.StatusOK {
				t.Fatalf("updateIdentity with %s: %d %s, want 200 either way", email, r.Status, r.Body)
			}
		}
		// Claiming ada's ref again and again does not fill her timeline.
		for range 30 {
			e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "ada"}})
		}
		events := e.Do("GET", "/api/v1/users/"+*ada.User.ID+"/events", e.APIToken, nil)
		if n := strings.Count(string(events.Body), `"kind":"verification_failed"`); n == 0 || n > 5 {
			t.Fatalf("%d verification_failed events on ada after 31 refused claims, want between 1 and 5", n)
		}
	})
}

func TestHostile_TheBrowserCannotPutAVerifiedUserInAWorkspace_V4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		e.Mint("insider", `"account_ref":"acme.com","workspace_ref":"acme-vip"`) // makes the workspace
		tok := e.Mint("outsider", "")
		r := e.TryStartSession(map[string]any{"session_token": tok, "workspace_ref": "acme-vip"})
		wantError(t, r, http.StatusForbidden, kith.CodeWorkspaceNotAllowed, "workspace_ref")
		outsider, err := st.UserByRef(context.Background(), e.App.OrgID, kith.TrustVerified, "outsider")
		if err != nil {
			t.Fatal(err)
		}
		if ss, _ := st.Sessions(context.Background(), e.App.OrgID, outsider.ID); len(ss) != 0 {
			t.Fatalf("the refused start left %d sessions", len(ss))
		}
		// What an unverified session names reaches agents as a label, not
		// as a workspace.
		s := e.StartSession(map[string]any{"identity": map[string]any{"user_ref": "claimer"}, "workspace_ref": "acme-vip"})
		conv := startConversation(t, e, s.Session, "let me in")
		got := e.Do("GET", "/api/v1/conversations/"+conv, e.APIToken, nil).JSON(t)
		if got["workspace_ref"] != nil || got["label"] != "acme-vip" {
			t.Fatalf("agents see workspace_ref %v and label %v, want only the label", got["workspace_ref"], got["label"])
		}
	})
}

func TestHostile_AnAPITokenReachesItsOwnAppUnlessItHasScopeOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := httpapitest.New(t, st, httpapitest.Options{})
		ctx := context.Background()
		// A second app of the same organization, with a conversation.
		other, otherTok, err := e.Apps.CreateApp(ctx, e.App.OrgID, "second site")
		if err != nil {
			t.Fatal(err)
		}
		mint := kithtest.Do(t, e.Server.URL, "POST", "/internal/auth-tokens.create",
			map[string]string{"Authorization": otherTok.Secret}, `{"rev_info":{"user_ref":"shared-user"}}`)
		var minted struct {
			AccessToken string `json:"access_token"`
		}
		mint.Decode(t, &minted)
		started := kithtest.Do(t, e.Server.URL, "POST", "/widget/v1/sessions", nil,
			map[string]any{"app_id": other.ID, "session_token": minted.AccessToken})
		var s httpapitest.WidgetSession
		started.Decode(t, &s)
		conv := startConversation(t, e, s.Session, "on the second site")
		user := *s.User.ID

		// The first app's api token: the shared directory, not the other
		// app's conversations or sessions.
		mine := e.APIToken
		if r := e.Do("GET", "/api/v1/users/"+user, mine, nil); r.Status != http.StatusOK {
			t.Fatalf("the organization's directory: %d %s", r.Status, r.Body)
		}
		for _, call := range []struct{ method, path string }{
			{"GET", "/api/v1/conversations/" + conv},
			{"GET", "/api/v1/conversations/" + conv + "/messages"},
			{"POST", "/api/v1/conversations/" + conv + "/messages"},
		} {
			r := e.Do(call.method, call.path, mine, map[string]string{"body": "hi"})
			wantError(t, r, http.StatusNotFound, kith.CodeNotFound, "")
		}
		if list := e.Do("GET", "/api/v1/conversations", mine, nil).JSON(t)["data"].([]any); len(list) != 0 {
			t.Fatalf("the first app lists %d of the second app's conversations", len(list))
		}
		if list := e.Do("GET", "/api/v1/users/"+user+"/sessions", mine, nil).JSON(t)["data"].([]any); len(list) != 0 {
			t.Fatalf("the first app lists %d of the second app's sessions", len(list))
		}
		if r := e.Do("DELETE", "/api/v1/users/"+user+"/sessions", mine, nil); r.JSON(t)["revoked"] != float64(0) {
			t.Fatalf("the first app revoked the second app's sessions: %s", r.Body)
		}
		sessions, _ := st.Sessions(ctx, e.App.OrgID, user)
		wantError(t, e.Do("DELETE", "/api/v1/sessions/"+sessions[0].ID, mine, nil), http.StatusNotFound, kith.CodeNotFound, "")
		if r := e.Do("GET", "/widget/v1/conversations", s.Session, nil); r.Status != http.StatusOK {
			t.Fatalf("the second app's session was revoked by the first app's token: %d", r.Status)
		}
		// With scope org, the whole organization.
		org := e.NewToken(kith.ScopeAPI, kith.ScopeOrg)
		if r := e.Do("POST", "/api/v1/conversations/"+conv+"/messages", org, map[string]string{"body": "hello from support"}); r.Status != http.StatusCreated {
			t.Fatalf("an org token replying to another app's conversation: %d %s", r.Status, r.Body)
		}
		if r := e.Do("DELETE", "/api/v1/sessions/"+sessions[0].ID, org, nil); r.Status != http.StatusNoContent {
			t.Fatalf("an org token revoking another app's session: %d %s", r.Status, r.Body)
		}
	})
}

func TestHostile_MetricsAreServedOnlyWithTheirToken(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	for token, want := range map[string]int{"": 401, "wrong": 401, httpapitest.MetricsToken: 200} {
		if r := e.Do("GET", "/metrics", token, nil); r.Status != want {
			t.Errorf("/metrics with token %q: %d, want %d", token, r.Status, want)
		}
	}
	// Without a token configured, there are no metrics to read at all.
	off := httpapitest.New(t, st, httpapitest.Options{NoMetrics: true})
	if r := off.Do("GET", "/metrics", "anything", nil); r.Status != http.StatusNotFound {
		t.Fatalf("/metrics without a configured token: %d, want 404", r.Status)
	}
}

func TestHostile_EveryAnswerForbidsContentSniffing(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	for _, path := range []string{"/api/v1/users", "/widget/v1/conversations", "/nope", "/widget.js", "/healthz", "/demo"} {
		r := e.Do("GET", path, e.APIToken, nil)
		if got := r.Header.Get("X-Content-Type-Options"); got != "nosniff" {
			t.Errorf("GET %s (%d): X-Content-Type-Options %q, want nosniff", path, r.Status, got)
		}
	}
}

func TestHostile_ANewAppServesOnlyItsOwnOriginsPages(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	start := func(origin string) *kithtest.Response {
		return kithtest.Do(t, e.Server.URL, "POST", "/widget/v1/sessions", map[string]string{"Origin": origin},
			map[string]any{"app_id": e.App.ID})
	}
	// A page elsewhere cannot borrow a new app...
	wantError(t, start("https://evil.example"), http.StatusForbidden, kith.CodeOriginNotAllowed, "origin")
	// ...while Kith's own pages (the demo) work at once.
	if r := start(e.Server.URL); r.Status != http.StatusCreated {
		t.Fatalf("Kith's own origin: %d %s", r.Status, r.Body)
	}
	for _, set := range []string{"allowed_origins=https://shop.example", "allowed_origins=*"} {
		if _, err := e.Apps.UpdateSettings(context.Background(), e.App.ID, []string{set}); err != nil {
			t.Fatal(err)
		}
		if r := start("https://shop.example"); r.Status != http.StatusCreated {
			t.Fatalf("with %s, the shop: %d %s", set, r.Status, r.Body)
		}
	}
	if r := start("https://anywhere.example"); r.Status != http.StatusCreated {
		t.Fatalf("with allowed_origins=*, any origin: %d %s", r.Status, r.Body)
	}
}

func TestHostile_RefusalsRepeatNoValueThatWasSent_F1(t *testing.T) {
	st := storetest.Open(t, "sqlite")
	e := httpapitest.New(t, st, httpapitest.Options{})
	org := e.NewToken(kith.ScopeAPI, kith.ScopeOrg)
	const secret = "kith_secret_pasted_here"
	for _, body := range []map[string]any{
		{"object": secret, "name": "tnt__x", "type": "text"},
		{"object": "user", "name": "tnt__plan", "type": "enum", "values": []string{"free", secret, secret}},
		{"object": "user", "name": "tnt__plan", "type": secret},
	} {
		r := e.Do("POST", "/api/v1/custom-fields", org, body)
		if r.Status != http.StatusBadRequest || strings.Contains(string(r.Body), secret) {
			t.Fatalf("%v: %d %s, want a 400 that does not repeat the value", body, r.Status, r.Body)
		}
	}
}
