// Package kithtest starts a real Kith HTTP server on a real store for
// tests, with an app, its access tokens and helpers to call it.
package kithtest

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/httpapi"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// Env is a running server with one app.
type Env struct {
	t      testing.TB
	Store  *store.Store
	Server *httptest.Server
	Apps   *apps.Service
	App    *kith.App
	// SessionsToken has scope sessions only; APIToken has sessions and api.
	SessionsToken, APIToken string
	// Logs holds every line the server logged, as JSON.
	Logs *SyncBuffer
}

// Options tune New.
type Options struct {
	Limits httpapi.Limits
	Now    func() time.Time
	// Settings are name=value app settings.
	Settings []string
}

// New starts a server on st with a new app in a new organization.
func New(t testing.TB, st *store.Store, opts Options) *Env {
	t.Helper()
	if opts.Limits == (httpapi.Limits{}) {
		opts.Limits = httpapi.Limits{MaxBodyBytes: 64 << 10} // no rate limit unless asked
	}
	logs := &SyncBuffer{}
	srv := httpapi.New(httpapi.Config{
		Store:  st,
		Logger: slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Limits: opts.Limits,
		Now:    opts.Now,
	})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &Env{t: t, Store: st, Server: ts, Apps: &apps.Service{Store: st, Now: opts.Now}, Logs: logs}
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

// Response is an answer from the server.
type Response struct {
	Status int
	Header http.Header
	Body   []byte
}

// JSON decodes the body into a map.
func (r *Response) JSON(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Body, &m); err != nil {
		t.Fatalf("response is not a JSON object: %v\n%s", err, r.Body)
	}
	return m
}

// Decode decodes the body into v.
func (r *Response) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Body, v); err != nil {
		t.Fatalf("decode response: %v\n%s", err, r.Body)
	}
}

// Error is the F1 error body of a response.
type Error struct {
	Code, Message, Field string
}

// Err decodes the F1 error body, failing the test if there is none.
func (r *Response) Err(t testing.TB) Error {
	t.Helper()
	var body struct {
		Error *Error `json:"error"`
	}
	if err := json.Unmarshal(r.Body, &body); err != nil || body.Error == nil {
		t.Fatalf("status %d without an error body: %s", r.Status, r.Body)
	}
	return *body.Error
}

// Do sends a request with the token in the Authorization header (none if
// empty). body is sent as is if it is a string or []byte, else as JSON.
func (e *Env) Do(method, path, token string, body any) *Response {
	e.t.Helper()
	return Do(e.t, e.Server.URL, method, path, map[string]string{"Authorization": bearer(token)}, body)
}

func bearer(token string) string {
	if token == "" {
		return ""
	}
	return "Bearer " + token
}

// Do sends one request to base+path with headers.
func Do(t testing.TB, base, method, path string, headers map[string]string, body any) *Response {
	t.Helper()
	var rd io.Reader
	switch b := body.(type) {
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, base+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	for k, v := range headers {
		if v != "" {
			req.Header.Set(k, v)
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return &Response{Status: resp.StatusCode, Header: resp.Header, Body: b}
}

// SyncBuffer is a bytes.Buffer safe for concurrent writers.
type SyncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *SyncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

// String returns everything written so far.
func (b *SyncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}
