package keys

import (
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
)

func TestJWKS_FetchesOnlyTheRegisteredURLWithinLimits_M4(t *testing.T) {
	key, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	set := jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: &key.PublicKey, KeyID: "es1", Algorithm: "ES256", Use: "sig"}}}
	var hits, evilHits atomic.Int32
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		json.NewEncoder(w).Encode(set)
	}))
	defer srv.Close()
	evil := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { evilHits.Add(1) }))
	defer evil.Close()

	clock := time.Now()
	j := NewJWKS()
	j.Now = func() time.Time { return clock }
	ctx := context.Background()
	find := func(kid string) ([]*JWTKey, error) { return j.Keys(ctx, srv.URL, AlgES256, kid) }
	sign := func(header map[string]any) string {
		tok := jwt.NewWithClaims(jwt.SigningMethodES256, jwt.MapClaims{"sub": "ada", "exp": clock.Add(time.Hour).Unix()})
		for k, v := range header {
			tok.Header[k] = v
		}
		s, err := tok.SignedString(key)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	for range 3 {
		if _, err := VerifyUserJWT(sign(map[string]any{"kid": "es1"}), "app_x", find, clock); err != nil {
			t.Fatalf("a token of the registered set: %v", err)
		}
	}
	if hits.Load() != 1 {
		t.Fatalf("the set was fetched %d times for 3 tokens, want once (cached)", hits.Load())
	}
	// A token that names another set is refused, and that set never fetched.
	if _, err := VerifyUserJWT(sign(map[string]any{"kid": "es1", "jku": evil.URL}), "app_x", find, clock); err == nil {
		t.Fatal("a token with jku verified")
	}
	if evilHits.Load() != 0 {
		t.Fatal("the URL a token named was fetched")
	}
	// An unknown kid refreshes the set, at most once a minute.
	VerifyUserJWT(sign(map[string]any{"kid": "rotated"}), "app_x", find, clock)
	VerifyUserJWT(sign(map[string]any{"kid": "rotated"}), "app_x", find, clock)
	if hits.Load() != 1 {
		t.Fatalf("an unknown kid within the minute fetched the set again (%d fetches)", hits.Load())
	}
	clock = clock.Add(2 * time.Minute)
	VerifyUserJWT(sign(map[string]any{"kid": "rotated"}), "app_x", find, clock)
	if hits.Load() != 2 {
		t.Fatalf("an unknown kid after a minute: %d fetches, want 2", hits.Load())
	}
}

func TestJWKS_RefusesHugeSlowAndRedirectedSets_M4(t *testing.T) {
	huge := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Write([]byte(`{"keys":[` + strings.Repeat(" ", 100<<10) + `]}`))
	}))
	defer huge.Close()
	slow := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		select {
		case <-time.After(3 * time.Second):
		case <-r.Context().Done():
		}
	}))
	defer slow.Close()
	redirect := httptest.NewServer(http.RedirectHandler("http://169.254.169.254/latest/meta-data", http.StatusFound))
	defer redirect.Close()
	j := NewJWKS()
	j.Client.Timeout = 200 * time.Millisecond
	for name, url := range map[string]string{"huge": huge.URL, "slow": slow.URL, "redirected": redirect.URL} {
		if keys, err := j.Keys(context.Background(), url, AlgES256, "k"); err == nil {
			t.Errorf("%s set: %v, want an error", name, keys)
		}
	}
}

func TestCheckJWKSURL_HTTPSOrThisMachine_M4(t *testing.T) {
	for url, ok := range map[string]bool{
		"https://auth.example.com/.well-known/jwks.json": true,
		"http://127.0.0.1:8080/jwks":                     true,
		"http://localhost/jwks":                          true,
		"http://auth.example.com/jwks":                   false,
		"https://user:pw@auth.example.com/jwks":          false,
		"file:///etc/passwd":                             false,
		"ftp://auth.example.com/jwks":                    false,
		"not a url":                                      false,
	} {
		if err := CheckJWKSURL(url); (err == nil) != ok {
			t.Errorf("%s: %v, want ok=%v", url, err, ok)
		}
	}
}
