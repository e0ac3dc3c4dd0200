package keys

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// joseVectors are JWTs the npm jose package signed (testdata/jose-vectors.json).
type joseVectors struct {
	IAT    int64 `json:"iat"`
	Tokens []struct {
		Alg, Kid, Secret, Token string
		PublicKey               string `json:"public_key"`
	} `json:"tokens"`
}

func loadVectors(t *testing.T) joseVectors {
	t.Helper()
	b, err := os.ReadFile("testdata/jose-vectors.json")
	if err != nil {
		t.Fatal(err)
	}
	var v joseVectors
	if err := json.Unmarshal(b, &v); err != nil {
		t.Fatal(err)
	}
	return v
}

func vectorKey(t *testing.T, alg, kid, secret, pub string) *JWTKey {
	t.Helper()
	if alg == AlgHS256 {
		return &JWTKey{Kid: kid, Alg: alg, Secret: []byte(secret)}
	}
	k, err := ParsePublicKey(alg, []byte(pub))
	if err != nil {
		t.Fatalf("%s key: %v", alg, err)
	}
	return &JWTKey{Kid: kid, Alg: alg, Public: k}
}

// only finds among keys as the proof package does: by kid, and without a
// kid only when there is one key.
func only(keys ...*JWTKey) func(string) ([]*JWTKey, error) {
	return func(kid string) ([]*JWTKey, error) {
		if kid == "" && len(keys) > 1 {
			return nil, nil
		}
		var out []*JWTKey
		for _, k := range keys {
			if kid == "" || k.Kid == kid {
				out = append(out, k)
			}
		}
		return out, nil
	}
}

func TestVerifyUserJWT_TokensOfAnIndependentImplementation_M4(t *testing.T) {
	v := loadVectors(t)
	now := time.Unix(v.IAT, 0).Add(10 * time.Minute)
	for _, tok := range v.Tokens {
		t.Run(tok.Alg, func(t *testing.T) {
			key := vectorKey(t, tok.Alg, tok.Kid, tok.Secret, tok.PublicKey)
			c, err := VerifyUserJWT(tok.Token, "app_vectors", only(key), now)
			if err != nil {
				t.Fatalf("jose's %s token: %v", tok.Alg, err)
			}
			if c.UserRef != "jose-user" || c.Email != "jose@example.com" || !c.EmailVerified || c.Name != "Jose Vector" || c.Kid != tok.Kid {
				t.Fatalf("claims %+v", c)
			}
			// Another app's id in aud is refused.
			if _, err := VerifyUserJWT(tok.Token, "app_other", only(key), now); !isJWTError(err, "aud") {
				t.Fatalf("another app: %v, want an aud refusal", err)
			}
		})
	}
}

func isJWTError(err error, word string) bool {
	var e *ErrJWT
	return errors.As(err, &e) && strings.Contains(e.Reason, word)
}

// segments builds a token from a header and claims as given, signed with
// secret under HS256 (or unsigned when secret is nil).
func segments(t *testing.T, header, claims map[string]any, secret []byte) string {
	t.Helper()
	enc := func(v any) string {
		b, _ := json.Marshal(v)
		return base64.RawURLEncoding.EncodeToString(b)
	}
	unsigned := enc(header) + "." + enc(claims)
	if secret == nil {
		return unsigned + "."
	}
	sig, err := jwt.SigningMethodHS256.Sign(unsigned, secret)
	if err != nil {
		t.Fatal(err)
	}
	return unsigned + "." + base64.RawURLEncoding.EncodeToString(sig)
}

// TestVerifyUserJWT_AttackCatalogue_M4 refuses, without a side effect,
// every token of the catalogue in issue 8.
func TestVerifyUserJWT_AttackCatalogue_M4(t *testing.T) {
	now := time.Date(2026, 12, 1, 12, 0, 0, 0, time.UTC)
	secret := []byte("kith_jwt_attacksecret")
	hs := &JWTKey{Kid: "hs", Alg: AlgHS256, Secret: secret}
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	pubDER, _ := x509.MarshalPKIXPublicKey(&rsaKey.PublicKey)
	pubPEM := pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: pubDER})
	rs := &JWTKey{Kid: "rs", Alg: AlgRS256, Public: &rsaKey.PublicKey}
	keys := only(hs, rs)
	good := map[string]any{"sub": "ada", "exp": now.Add(time.Hour).Unix(), "iat": now.Add(-time.Minute).Unix()}
	with := func(k string, v any) map[string]any {
		c := map[string]any{}
		for kk, vv := range good {
			c[kk] = vv
		}
		if v == nil {
			delete(c, k)
		} else {
			c[k] = v
		}
		return c
	}
	hsHeader := map[string]any{"alg": "HS256", "kid": "hs", "typ": "JWT"}
	valid := segments(t, hsHeader, good, secret)
	if _, err := VerifyUserJWT(valid, "app_x", keys, now); err != nil {
		t.Fatalf("the valid token of the catalogue: %v", err)
	}
	parts := strings.Split(valid, ".")
	otherPayload := strings.Split(segments(t, hsHeader, with("sub", "mallory"), secret), ".")[1]

	tests := map[string]string{
		"alg none":                            segments(t, map[string]any{"alg": "none", "kid": "hs"}, good, nil),
		"alg NONE":                            segments(t, map[string]any{"alg": "NONE", "kid": "hs"}, good, nil),
		"alg nOnE":                            segments(t, map[string]any{"alg": "nOnE", "kid": "hs"}, good, nil),
		"HS256 keyed with the RSA public":     segments(t, map[string]any{"alg": "HS256", "kid": "rs"}, good, pubPEM),
		"an algorithm the key does not allow": segments(t, map[string]any{"alg": "HS384", "kid": "hs"}, good, secret),
		"bad signature":                       parts[0] + "." + parts[1] + "." + strings.Repeat("A", len(parts[2])),
		"swapped payload":                     parts[0] + "." + otherPayload + "." + parts[2],
		"truncated":                           valid[:len(valid)-10],
		"no signature":                        parts[0] + "." + parts[1] + ".",
		"thousands of dots":                   strings.Repeat(".", 5000),
		"a megabyte":                          parts[0] + "." + strings.Repeat("A", 1<<20) + "." + parts[2],
		"no exp":                              segments(t, hsHeader, with("exp", nil), secret),
		"expired":                             segments(t, hsHeader, with("exp", now.Add(-2*time.Minute).Unix()), secret),
		"nbf in the future":                   segments(t, hsHeader, with("nbf", now.Add(time.Hour).Unix()), secret),
		"iat in the future":                   segments(t, hsHeader, with("iat", now.Add(time.Hour).Unix()), secret),
		"iat older than 24 h":                 segments(t, hsHeader, with("iat", now.Add(-25*time.Hour).Unix()), secret),
		"wrong aud":                           segments(t, hsHeader, with("aud", "app_someone_else"), secret),
		"unknown kid":                         segments(t, map[string]any{"alg": "HS256", "kid": "nope"}, good, secret),
		"kid shaped like a path":              segments(t, map[string]any{"alg": "HS256", "kid": "../../etc/passwd"}, good, secret),
		"kid shaped like SQL":                 segments(t, map[string]any{"alg": "HS256", "kid": "hs' OR '1'='1"}, good, secret),
		"jku header":                          segments(t, map[string]any{"alg": "HS256", "kid": "hs", "jku": "https://evil.example/jwks"}, good, secret),
		"x5u header":                          segments(t, map[string]any{"alg": "HS256", "kid": "hs", "x5u": "https://evil.example/cert"}, good, secret),
		"jwk header":                          segments(t, map[string]any{"alg": "HS256", "kid": "hs", "jwk": map[string]any{"kty": "oct", "k": "AA"}}, good, secret),
		"no user":                             segments(t, hsHeader, with("sub", nil), secret),
		"an unverified email and no sub":      segments(t, hsHeader, map[string]any{"email": "a@b.co", "exp": now.Add(time.Hour).Unix()}, secret),
		"no kid while the app has two keys":   segments(t, map[string]any{"alg": "HS256"}, good, secret),
	}
	for name, token := range tests {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, err := VerifyUserJWT(token, "app_x", keys, now)
			var e *ErrJWT
			if !errors.As(err, &e) {
				t.Fatalf("%v, want the token refused", err)
			}
			if d := time.Since(start); d > 5*time.Second {
				t.Fatalf("refused after %v: a refusal must be cheap", d)
			}
		})
	}
}

func TestParsePublicKey_PinnedToItsAlgorithm_M4(t *testing.T) {
	rsaKey, _ := rsa.GenerateKey(rand.Reader, 2048)
	small, _ := rsa.GenerateKey(rand.Reader, 1024)
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ec384, _ := ecdsa.GenerateKey(elliptic.P384(), rand.Reader)
	pemOf := func(k any) []byte {
		der, err := x509.MarshalPKIXPublicKey(k)
		if err != nil {
			t.Fatal(err)
		}
		return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
	}
	private := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("x")})
	for _, tc := range []struct {
		alg string
		pem []byte
		ok  bool
	}{
		{AlgRS256, pemOf(&rsaKey.PublicKey), true},
		{AlgES256, pemOf(&ec.PublicKey), true},
		{AlgES256, pemOf(&rsaKey.PublicKey), false},
		{AlgRS256, pemOf(&ec.PublicKey), false},
		{AlgRS256, pemOf(&small.PublicKey), false},
		{AlgES256, pemOf(&ec384.PublicKey), false},
		{AlgEdDSA, pemOf(&ec.PublicKey), false},
		{AlgRS256, private, false},
		{AlgRS256, []byte("not pem"), false},
	} {
		_, err := ParsePublicKey(tc.alg, tc.pem)
		if (err == nil) != tc.ok {
			t.Errorf("%s with %.30q: %v, want ok=%v", tc.alg, tc.pem, err, tc.ok)
		}
	}
}

func FuzzVerifyUserJWT(f *testing.F) {
	secret := []byte("kith_jwt_fuzz")
	f.Add("eyJhbGciOiJub25lIn0.e30.")
	f.Add(strings.Repeat(".", 100))
	f.Add("a.b.c")
	f.Fuzz(func(t *testing.T, token string) {
		now := time.Now()
		c, err := VerifyUserJWT(token, "app_x", only(&JWTKey{Kid: "k", Alg: AlgHS256, Secret: secret}), now)
		if err == nil && c.UserRef == "" && !c.EmailVerified {
			t.Fatalf("%q verified with nobody in it", token)
		}
	})
}
