package keys_test

import (
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/hmac"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"
	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/keys"
)

const appID = "app_a"

var (
	secret = []byte("0123456789abcdef0123456789abcdef")
	// now is the fixed clock of these tests, on a whole second as JWT
	// times are.
	now = time.Date(2025, 6, 1, 12, 0, 0, 0, time.UTC)
)

func sessionClaims() keys.SessionClaims {
	return keys.SessionClaims{
		AppID: appID, UserID: "usr_1", Trust: "verified", WorkspaceID: "wsp_1", Method: "session_token",
		ID: "jti-1", IssuedAt: now.Add(-time.Minute), ExpiresAt: now.Add(time.Hour),
	}
}

func mint(t *testing.T, key []byte, c keys.SessionClaims) string {
	t.Helper()
	token, err := keys.MintSessionToken(key, c)
	if err != nil {
		t.Fatalf("MintSessionToken: %v", err)
	}
	return token
}

// claimsMap is what MintSessionToken signs for sessionClaims, for tokens
// built by hand.
func claimsMap() jwt.MapClaims {
	return jwt.MapClaims{
		"iss": keys.SessionIssuer, "sub": "usr_1", "aud": []string{appID}, "jti": "jti-1",
		"iat": now.Add(-time.Minute).Unix(), "exp": now.Add(time.Hour).Unix(),
		"trust": "verified", "ws": "wsp_1", "mth": "session_token",
	}
}

func b64(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// handToken builds header.payload.signature with signature made by sig
// over the signing input (nil: no signature).
func handToken(t *testing.T, header map[string]any, claims jwt.MapClaims, sig func(input string) []byte) string {
	t.Helper()
	input := b64(t, header) + "." + b64(t, claims)
	var s []byte
	if sig != nil {
		s = sig(input)
	}
	return input + "." + base64.RawURLEncoding.EncodeToString(s)
}

func hs256(key []byte) func(string) []byte {
	return func(input string) []byte {
		h := hmac.New(sha256.New, key)
		h.Write([]byte(input))
		return h.Sum(nil)
	}
}

func signWith(t *testing.T, m jwt.SigningMethod, key any, claims jwt.MapClaims) string {
	t.Helper()
	s, err := jwt.NewWithClaims(m, claims).SignedString(key)
	if err != nil {
		t.Fatalf("signing with %s: %v", m.Alg(), err)
	}
	return s
}

func TestMintSessionToken_RoundTrip_M1(t *testing.T) {
	c := sessionClaims()
	got, err := keys.ParseSessionToken(secret, appID, mint(t, secret, c), now)
	if err != nil {
		t.Fatalf("ParseSessionToken: %v", err)
	}
	if diff := cmp.Diff(&c, got); diff != "" {
		t.Errorf("claims (-want +got):\n%s", diff)
	}

	// A token made by hand with the same claims and HS256 is as good: the
	// control for the refusals below.
	hand := handToken(t, map[string]any{"alg": "HS256", "typ": "JWT"}, claimsMap(), hs256(secret))
	if got, err := keys.ParseSessionToken(secret, appID, hand, now); err != nil || got.UserID != "usr_1" {
		t.Fatalf("hand-made HS256 token: claims %+v, error %v; want usr_1 and no error", got, err)
	}
}

func TestMintSessionToken_FillsARandomID_M1(t *testing.T) {
	c := sessionClaims()
	c.ID = ""
	var ids []string
	for range 2 {
		got, err := keys.ParseSessionToken(secret, appID, mint(t, secret, c), now)
		if err != nil {
			t.Fatalf("ParseSessionToken: %v", err)
		}
		if len(got.ID) != 22 { // 128 bits, unpadded base64
			t.Errorf("jti %q is %d characters, want 22", got.ID, len(got.ID))
		}
		ids = append(ids, got.ID)
	}
	if ids[0] == ids[1] {
		t.Errorf("two tokens got the same jti %q", ids[0])
	}
}

func TestParseSessionToken_PinsHS256_RefusesNone(t *testing.T) {
	rsaKey, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	ecKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	_, edKey, err := ed25519.GenerateKey(rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name  string
		token string
	}{
		{name: "alg none via golang-jwt", token: signWith(t, jwt.SigningMethodNone, jwt.UnsafeAllowNoneSignatureType, claimsMap())},
		{name: "alg none by hand", token: handToken(t, map[string]any{"alg": "none", "typ": "JWT"}, claimsMap(), nil)},
		{name: "alg None by hand", token: handToken(t, map[string]any{"alg": "None"}, claimsMap(), nil)},
		{name: "alg NONE by hand", token: handToken(t, map[string]any{"alg": "NONE"}, claimsMap(), nil)},
		{name: "alg none with a valid HS256 signature", token: handToken(t, map[string]any{"alg": "none"}, claimsMap(), hs256(secret))},
		{name: "alg missing", token: handToken(t, map[string]any{"typ": "JWT"}, claimsMap(), hs256(secret))},
		{name: "alg empty", token: handToken(t, map[string]any{"alg": ""}, claimsMap(), hs256(secret))},
		{name: "HS256 without signature", token: handToken(t, map[string]any{"alg": "HS256"}, claimsMap(), nil)},
		{name: "HS256 with the signature cut off", token: strings.TrimRight(mint(t, secret, sessionClaims()), "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")},
		{name: "HS384 with the app's secret", token: signWith(t, jwt.SigningMethodHS384, secret, claimsMap())},
		{name: "HS512 with the app's secret", token: signWith(t, jwt.SigningMethodHS512, secret, claimsMap())},
		{name: "RS256", token: signWith(t, jwt.SigningMethodRS256, rsaKey, claimsMap())},
		{name: "RS256 header, HMAC with the app's secret (key confusion)", token: handToken(t, map[string]any{"alg": "RS256"}, claimsMap(), hs256(secret))},
		{name: "PS256", token: signWith(t, jwt.SigningMethodPS256, rsaKey, claimsMap())},
		{name: "ES256", token: signWith(t, jwt.SigningMethodES256, ecKey, claimsMap())},
		{name: "EdDSA", token: signWith(t, jwt.SigningMethodEdDSA, edKey, claimsMap())},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keys.ParseSessionToken(secret, appID, tc.token, now)
			if !errors.Is(err, keys.ErrSessionTokenInvalid) || got != nil {
				t.Errorf("ParseSessionToken(%s) = %+v, %v; want nil, %v", tc.token, got, err, keys.ErrSessionTokenInvalid)
			}
		})
	}
}

func TestParseSessionToken_WrongAudienceOrExpired(t *testing.T) {
	valid := mint(t, secret, sessionClaims())
	withClaims := func(edit func(jwt.MapClaims)) string {
		c := claimsMap()
		edit(c)
		return signWith(t, jwt.SigningMethodHS256, secret, c)
	}
	expiredWithOtherSecret := sessionClaims()
	expiredWithOtherSecret.ExpiresAt = now.Add(-time.Second)
	tests := []struct {
		name   string
		secret []byte
		app    string
		token  string
		at     time.Time
		want   error // nil: accepted
	}{
		{name: "valid", secret: secret, app: appID, token: valid, at: now},
		{name: "valid a second before it expires", secret: secret, app: appID, token: valid, at: now.Add(time.Hour - time.Second)},

		{name: "expired at its exp", secret: secret, app: appID, token: valid, at: now.Add(time.Hour), want: keys.ErrSessionTokenExpired},
		{name: "expired a day later", secret: secret, app: appID, token: valid, at: now.Add(24 * time.Hour), want: keys.ErrSessionTokenExpired},
		{name: "another app's audience", secret: secret, app: "app_b", token: valid, at: now, want: keys.ErrSessionTokenInvalid},
		{name: "empty app id", secret: secret, app: "", token: valid, at: now, want: keys.ErrSessionTokenInvalid},
		{name: "another app's secret", secret: []byte("another secret of thirty-two b!!"), app: appID, token: valid, at: now, want: keys.ErrSessionTokenInvalid},
		{
			name: "expired and signed with another secret: invalid, not expired", secret: secret, app: appID,
			token: mint(t, []byte("another secret of thirty-two b!!"), expiredWithOtherSecret), at: now,
			want: keys.ErrSessionTokenInvalid,
		},
		{name: "no aud", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { delete(c, "aud") }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "aud for another app", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { c["aud"] = "app_b" }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "no exp", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { delete(c, "exp") }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "another issuer", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { c["iss"] = "devrev" }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "no issuer", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { delete(c, "iss") }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "issued in the future", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { c["iat"] = now.Add(time.Hour).Unix() }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "not valid before a later time", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { c["nbf"] = now.Add(time.Minute).Unix() }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "exp as a string", secret: secret, app: appID, token: withClaims(func(c jwt.MapClaims) { c["exp"] = "tomorrow" }), at: now, want: keys.ErrSessionTokenInvalid},
		{name: "empty token", secret: secret, app: appID, token: "", at: now, want: keys.ErrSessionTokenInvalid},
		{name: "not a JWT", secret: secret, app: appID, token: "not a token", at: now, want: keys.ErrSessionTokenInvalid},
		{name: "three empty parts", secret: secret, app: appID, token: "..", at: now, want: keys.ErrSessionTokenInvalid},
		{name: "an AAT", secret: secret, app: appID, token: wellFormed, at: now, want: keys.ErrSessionTokenInvalid},
		{name: "Bearer prefix kept", secret: secret, app: appID, token: "Bearer " + valid, at: now, want: keys.ErrSessionTokenInvalid},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := keys.ParseSessionToken(tc.secret, tc.app, tc.token, tc.at)
			if tc.want == nil {
				if err != nil || got == nil || got.UserID != "usr_1" || got.AppID != tc.app {
					t.Fatalf("claims %+v, error %v; want usr_1 of %s and no error", got, err, tc.app)
				}
				return
			}
			if !errors.Is(err, tc.want) || got != nil {
				t.Errorf("claims %+v, error %v; want nil, %v", got, err, tc.want)
			}
		})
	}
}

// An app whose secret is missing must not accept tokens that anyone can
// sign with an empty key.
func TestParseSessionToken_RefusesEmptySecret(t *testing.T) {
	forged := handToken(t, map[string]any{"alg": "HS256"}, claimsMap(), hs256(nil))
	for _, key := range [][]byte{nil, {}} {
		if got, err := keys.ParseSessionToken(key, appID, forged, now); !errors.Is(err, keys.ErrSessionTokenInvalid) {
			t.Errorf("empty secret: claims %+v, error %v; want %v", got, err, keys.ErrSessionTokenInvalid)
		}
	}
}

// FuzzParseSessionToken checks that any string gives either claims or one
// of the two errors, never a panic, and that accepted tokens are for the
// app and not expired.
func FuzzParseSessionToken(f *testing.F) {
	valid, _ := keys.MintSessionToken(secret, sessionClaims())
	none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claimsMap()).SignedString(jwt.UnsafeAllowNoneSignatureType)
	for _, s := range []string{valid, none, "", "..", "a.b.c", valid + ".", "\x00", "\xff.\xff.\xff",
		strings.Repeat("a", 10_000), "eyJhbGciOiJIUzI1NiJ9.e30.", valid + "\r\nX-Injected: 1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, token string) {
		got, err := keys.ParseSessionToken(secret, appID, token, now)
		switch {
		case err == nil:
			if got == nil || got.AppID != appID || !got.ExpiresAt.After(now) {
				t.Fatalf("%q accepted with claims %+v", token, got)
			}
		case errors.Is(err, keys.ErrSessionTokenInvalid), errors.Is(err, keys.ErrSessionTokenExpired):
			if got != nil {
				t.Fatalf("%q: claims %+v next to error %v", token, got, err)
			}
		default:
			t.Fatalf("%q: error %v is neither invalid nor expired", token, err)
		}
	})
}
