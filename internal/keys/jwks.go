package keys

import (
	"context"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/go-jose/go-jose/v4"
)

// JWKS fetches and caches the key sets registered on apps as URLs (M4).
// A set is fetched only from the URL registered, never from one a token
// names, with a time and size limit; it is kept for TTL and fetched again
// after, and when a token names a kid the cached set lacks (a rotation),
// at most once a MinRefresh.
type JWKS struct {
	Client     *http.Client
	TTL        time.Duration
	MinRefresh time.Duration
	MaxBytes   int64
	Now        func() time.Time

	mu   sync.Mutex
	sets map[string]*jwksEntry
}

type jwksEntry struct {
	keys    []*JWTKey
	fetched time.Time
	err     error
}

// NewJWKS returns a cache with Kith's limits: 5 s and 64 KiB per fetch,
// sets kept 10 minutes, refreshed for an unknown kid at most once a minute.
func NewJWKS() *JWKS {
	return &JWKS{Client: &http.Client{Timeout: 5 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }},
		TTL: 10 * time.Minute, MinRefresh: time.Minute, MaxBytes: 64 << 10, Now: time.Now}
}

// CheckJWKSURL says whether a key-set URL may be registered: https, or
// http to this machine only (for development), with no credentials in it.
func CheckJWKSURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil || u.Host == "" || u.User != nil || u.Fragment != "" {
		return errors.New("not a URL such as https://example.com/.well-known/jwks.json")
	}
	host := u.Hostname()
	loopback := host == "localhost" || host == "127.0.0.1" || host == "::1"
	if u.Scheme != "https" && !(u.Scheme == "http" && loopback) {
		return errors.New("a key set must be fetched over https")
	}
	return nil
}

// Keys returns the keys of the set at url pinned to alg whose kid is kid
// (any kid when empty).
func (j *JWKS) Keys(ctx context.Context, url, alg, kid string) ([]*JWTKey, error) {
	j.mu.Lock()
	if j.sets == nil {
		j.sets = map[string]*jwksEntry{}
	}
	e := j.sets[url]
	now := j.Now()
	stale := e == nil || now.Sub(e.fetched) > j.TTL ||
		(kid != "" && !e.has(kid) && now.Sub(e.fetched) > j.MinRefresh)
	j.mu.Unlock()
	if stale {
		keys, err := j.fetch(ctx, url, alg)
		e = &jwksEntry{keys: keys, fetched: now, err: err}
		j.mu.Lock()
		j.sets[url] = e
		j.mu.Unlock()
	}
	if e.err != nil {
		return nil, e.err
	}
	var out []*JWTKey
	for _, k := range e.keys {
		if kid == "" || k.Kid == kid {
			out = append(out, k)
		}
	}
	return out, nil
}

func (e *jwksEntry) has(kid string) bool {
	for _, k := range e.keys {
		if k.Kid == kid {
			return true
		}
	}
	return false
}

func (j *JWKS) fetch(ctx context.Context, url, alg string) ([]*JWTKey, error) {
	req, err := http.NewRequestWithContext(ctx, "GET", url, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "application/json")
	resp, err := j.Client.Do(req)
	if err != nil {
		return nil, fmt.Errorf("fetch the key set: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("fetch the key set: %s", resp.Status)
	}
	body, err := io.ReadAll(io.LimitReader(resp.Body, j.MaxBytes+1))
	if err != nil {
		return nil, fmt.Errorf("fetch the key set: %w", err)
	}
	if int64(len(body)) > j.MaxBytes {
		return nil, fmt.Errorf("the key set is larger than %d bytes", j.MaxBytes)
	}
	var set jose.JSONWebKeySet
	if err := json.Unmarshal(body, &set); err != nil {
		return nil, errors.New("the key set is not a JWKS document")
	}
	var out []*JWTKey
	for _, k := range set.Keys {
		if !k.Valid() || !k.IsPublic() || (k.Use != "" && k.Use != "sig") || (k.Algorithm != "" && k.Algorithm != alg) {
			continue
		}
		var pub any
		switch key := k.Key.(type) {
		case *rsa.PublicKey, *ecdsa.PublicKey, ed25519.PublicKey:
			pub = key
		default:
			continue
		}
		if checkKeyAlg(alg, pub) != nil || strings.TrimSpace(k.KeyID) == "" {
			continue
		}
		out = append(out, &JWTKey{Kid: k.KeyID, Alg: alg, Public: pub})
	}
	return out, nil
}
