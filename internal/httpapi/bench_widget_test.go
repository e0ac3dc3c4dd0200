package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"runtime"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/kith-chat/kith/internal/httpapi"
	"github.com/kith-chat/kith/internal/httpapitest"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// BenchmarkSessionStart measures POST /widget/v1/sessions with a session
// token, for a returning verified user on a new device (a device, a
// redemption and a session are written), next to the ceiling: a handler
// that decodes the same JSON and answers 201.
//
//	go test ./internal/httpapi -run '^$' -bench SessionStart -benchtime 3s
func BenchmarkSessionStart(b *testing.B) {
	b.Run("ceiling", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var req struct {
				AppID        string `json:"app_id"`
				SessionToken string `json:"session_token"`
			}
			if err := json.NewDecoder(r.Body).Decode(&req); err != nil {
				http.Error(w, err.Error(), http.StatusBadRequest)
				return
			}
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(http.StatusCreated)
			io.WriteString(w, `{"session":"x","device_token":"y","user":{"id":"u","display_name":"n","trust":"verified"},"can_chat":true}`)
		}))
		defer srv.Close()
		runSessionStart(b, srv.URL, "app", func() string { return "token" })
	})
	for _, kind := range storetest.Kinds {
		b.Run(kind, func(b *testing.B) {
			e := httpapitest.New(b, storetest.OpenWith(b, kind, store.Options{}), httpapitest.Options{})
			first := e.Mint("bench-user", "")
			c, err := keys.ParseSessionToken(e.App.SessionSecret, e.App.ID, first, time.Now())
			if err != nil {
				b.Fatal(err)
			}
			// Tokens for the same user, each with its own jti, as the
			// company's backend would mint one per page view.
			mint := func() string {
				t, err := keys.MintSessionToken(e.App.SessionSecret, keys.SessionClaims{AppID: e.App.ID, UserID: c.UserID,
					Trust: c.Trust, Method: c.Method, IssuedAt: time.Now(), ExpiresAt: time.Now().Add(time.Hour)})
				if err != nil {
					b.Fatal(err)
				}
				return t
			}
			runSessionStart(b, e.Server.URL, e.App.ID, mint)
		})
	}
}

func runSessionStart(b *testing.B, base, appID string, token func() string) {
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 64}}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			body, _ := json.Marshal(map[string]string{"app_id": appID, "session_token": token()})
			resp, err := client.Post(base+"/widget/v1/sessions", "application/json", bytes.NewReader(body))
			if err != nil {
				b.Fatal(err)
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			if resp.StatusCode != http.StatusCreated {
				b.Fatalf("status %d", resp.StatusCode)
			}
		}
	})
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "sessions/s")
}

// fanout is the number of widgets one message goes to.
const fanout = 1000

// BenchmarkLiveFanout measures one agent message delivered live to 1,000
// connected widgets of the same user (each op is one message reaching all
// of them): deliveries per second and the p99 latency from the reply
// request to each widget reading the event. The ceiling is a bare
// WebSocket server writing the same message to 1,000 connections.
//
//	go test ./internal/httpapi -run '^$' -bench LiveFanout -benchtime 20x
func BenchmarkLiveFanout(b *testing.B) {
	b.Run("ceiling", func(b *testing.B) {
		var mu sync.Mutex
		var conns []*websocket.Conn
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, nil)
			if err != nil {
				return
			}
			mu.Lock()
			conns = append(conns, c)
			mu.Unlock()
			<-c.CloseRead(context.Background()).Done()
		}))
		defer srv.Close()
		clients := dialMany(b, "ws"+strings.TrimPrefix(srv.URL, "http"), nil)
		msg := []byte(`{"type":"event","id":1,"kind":"message.created","conversation_id":"cnv","message":{"body":"hello"}}`)
		runFanout(b, clients, func() {
			mu.Lock()
			defer mu.Unlock()
			for _, c := range conns {
				c.Write(context.Background(), websocket.MessageText, msg)
			}
		})
	})
	b.Run("kith_sqlite", func(b *testing.B) {
		e := httpapitest.New(b, storetest.OpenWith(b, "sqlite", store.Options{}), httpapitest.Options{})
		first := e.StartSession(map[string]any{"session_token": e.Mint("fan", "")})
		conv := startConversationB(b, e, first.Session)
		var sessions []string
		for range fanout {
			sessions = append(sessions, e.StartSession(map[string]any{"session_token": e.Mint("fan", "")}).Session)
		}
		clients := dialMany(b, "ws"+strings.TrimPrefix(e.Server.URL, "http")+"/widget/v1/events?app_id="+e.App.ID, sessions)
		runFanout(b, clients, func() {
			r := e.Do("POST", "/api/v1/conversations/"+conv+"/messages", e.APIToken, map[string]string{"body": "hello"})
			if r.Status != http.StatusCreated {
				b.Fatalf("reply: %d %s", r.Status, r.Body)
			}
		})
	})
}

func startConversationB(b testing.TB, e *httpapitest.Env, session string) string {
	r := e.Do("POST", "/widget/v1/conversations", session, map[string]string{"body": "hi"})
	var c struct {
		Conversation struct{ ID string } `json:"conversation"`
	}
	r.Decode(b, &c)
	return c.Conversation.ID
}

// dialMany opens fanout connections; with sessions, each authenticates as
// one of them and reads up to "ready" and the replay of the first message.
func dialMany(b testing.TB, url string, sessions []string) []*websocket.Conn {
	conns := make([]*websocket.Conn, fanout)
	ctx := context.Background()
	for i := range conns {
		c, _, err := websocket.Dial(ctx, url, nil)
		if err != nil {
			b.Fatalf("dial %d: %v", i, err)
		}
		b.Cleanup(func() { c.CloseNow() })
		if sessions != nil {
			auth, _ := json.Marshal(map[string]any{"type": "auth", "session": sessions[i], "after": 0})
			c.Write(ctx, websocket.MessageText, auth)
			for range 2 { // ready, then the conversation's first message
				if _, _, err := c.Read(ctx); err != nil {
					b.Fatalf("read %d: %v", i, err)
				}
			}
		}
		conns[i] = c
	}
	return conns
}

// runFanout sends b.N messages with send and waits, each time, for every
// connection to read it.
func runFanout(b *testing.B, clients []*websocket.Conn, send func()) {
	latencies := make([]time.Duration, 0, b.N*len(clients))
	var mu sync.Mutex
	b.ResetTimer()
	for range b.N {
		var wg sync.WaitGroup
		start := time.Now()
		for _, c := range clients {
			wg.Go(func() {
				ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
				defer cancel()
				if _, _, err := c.Read(ctx); err != nil {
					b.Error(err)
					return
				}
				d := time.Since(start)
				mu.Lock()
				latencies = append(latencies, d)
				mu.Unlock()
			})
		}
		send()
		wg.Wait()
	}
	b.StopTimer()
	slices.Sort(latencies)
	b.ReportMetric(float64(len(latencies))/b.Elapsed().Seconds(), "deliveries/s")
	if len(latencies) > 0 {
		b.ReportMetric(float64(latencies[len(latencies)*99/100].Microseconds())/1000, "p99-ms")
	}
}

// BenchmarkIdleConnections measures what an idle live connection costs:
// heap and goroutines per connection, client and server sides together in
// this process, for Kith and for a bare WebSocket server (the ceiling).
//
//	go test ./internal/httpapi -run '^$' -bench IdleConnections -benchtime 1x
func BenchmarkIdleConnections(b *testing.B) {
	measure := func(b *testing.B, open func() []*websocket.Conn) {
		for range b.N {
			before := heap()
			conns := open()
			after := heap()
			b.ReportMetric(float64(after.heap-before.heap)/float64(len(conns))/1024, "KiB/conn")
			b.ReportMetric(float64(after.goroutines-before.goroutines)/float64(len(conns)), "goroutines/conn")
			for _, c := range conns {
				c.CloseNow()
			}
		}
	}
	b.Run("ceiling", func(b *testing.B) {
		srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			c, err := websocket.Accept(w, r, nil)
			if err == nil {
				<-c.CloseRead(context.Background()).Done()
			}
		}))
		defer srv.Close()
		measure(b, func() []*websocket.Conn { return dialMany(b, "ws"+strings.TrimPrefix(srv.URL, "http"), nil) })
	})
	b.Run("kith_sqlite", func(b *testing.B) {
		e := httpapitest.New(b, storetest.OpenWith(b, "sqlite", store.Options{}), httpapitest.Options{Limits: httpapi.Limits{}})
		s := e.StartSession(map[string]any{"session_token": e.Mint("idle", "")})
		startConversationB(b, e, s.Session)
		sessions := make([]string, fanout)
		for i := range sessions {
			sessions[i] = s.Session
		}
		measure(b, func() []*websocket.Conn {
			return dialMany(b, "ws"+strings.TrimPrefix(e.Server.URL, "http")+"/widget/v1/events?app_id="+e.App.ID, sessions)
		})
	})
}

type mem struct {
	heap       uint64
	goroutines int
}

// heap reads the live heap (what the last collection kept), after letting
// the connections settle and collecting twice, so that garbage of the
// setup is not counted.
func heap() mem {
	time.Sleep(200 * time.Millisecond)
	runtime.GC()
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return mem{heap: m.HeapAlloc, goroutines: runtime.NumGoroutine()}
}
