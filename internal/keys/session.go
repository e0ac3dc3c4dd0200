package keys

import (
	"crypto/rand"
	"encoding/base64"
	"errors"
	"time"

	"github.com/golang-jwt/jwt/v5"
)

// SessionIssuer is the iss of every session token.
const SessionIssuer = "kith"

// SessionClaims say whom a session token is for: one user of one app, with
// the trust level and workspace scope the widget session will have.
type SessionClaims struct {
	AppID       string
	UserID      string
	Trust       string
	WorkspaceID string // empty: no workspace scope (V4)
	Method      string
	// AccessTokenID is the access token the company's backend minted it
	// with: agents see which one vouched for a session.
	AccessTokenID string
	ID            string // jti, so that a token can be redeemed once
	IssuedAt      time.Time
	ExpiresAt     time.Time
}

type sessionJWT struct {
	Trust       string `json:"trust"`
	WorkspaceID string `json:"ws,omitempty"`
	Method      string `json:"mth"`
	AccessToken string `json:"aat,omitempty"`
	jwt.RegisteredClaims
}

// NewSessionSecret returns a new secret for signing an app's session
// tokens.
func NewSessionSecret() []byte {
	b := make([]byte, 32)
	rand.Read(b)
	return b
}

// minSecretLen is the shortest secret that signs or checks a token: an app
// loaded without its secret must not accept tokens anyone can sign.
const minSecretLen = 32

// clockSkew is how far ahead of this process's clock another kith process
// may have issued a token.
const clockSkew = 10 * time.Second

// MintSessionToken signs a session token (HS256) with the app's secret. A
// missing ID is filled with 128 random bits.
func MintSessionToken(secret []byte, c SessionClaims) (string, error) {
	if len(secret) < minSecretLen {
		return "", errors.New("keys: session secret too short")
	}
	if c.ID == "" {
		b := make([]byte, 16)
		rand.Read(b)
		c.ID = base64.RawURLEncoding.EncodeToString(b)
	}
	t := jwt.NewWithClaims(jwt.SigningMethodHS256, sessionJWT{
		Trust:       c.Trust,
		WorkspaceID: c.WorkspaceID,
		Method:      c.Method,
		AccessToken: c.AccessTokenID,
		RegisteredClaims: jwt.RegisteredClaims{
			Issuer:    SessionIssuer,
			Subject:   c.UserID,
			Audience:  jwt.ClaimStrings{c.AppID},
			IssuedAt:  jwt.NewNumericDate(c.IssuedAt),
			ExpiresAt: jwt.NewNumericDate(c.ExpiresAt),
			ID:        c.ID,
		},
	})
	return t.SignedString(secret)
}

// Errors of ParseSessionToken.
var (
	ErrSessionTokenInvalid = errors.New("invalid session token")
	ErrSessionTokenExpired = errors.New("expired session token")
)

// ParseSessionToken checks a session token of app appID against the app's
// secret at time now. The algorithm is pinned to HS256: a token signed any
// other way, "none" included, is invalid.
func ParseSessionToken(secret []byte, appID, token string, now time.Time) (*SessionClaims, error) {
	if len(secret) < minSecretLen {
		return nil, ErrSessionTokenInvalid
	}
	var c sessionJWT
	_, err := jwt.ParseWithClaims(token, &c, func(*jwt.Token) (any, error) { return secret, nil },
		jwt.WithValidMethods([]string{jwt.SigningMethodHS256.Alg()}),
		jwt.WithIssuer(SessionIssuer),
		jwt.WithAudience(appID),
		jwt.WithExpirationRequired(),
		jwt.WithTimeFunc(func() time.Time { return now }),
	)
	switch {
	case errors.Is(err, jwt.ErrTokenExpired):
		return nil, ErrSessionTokenExpired
	case err != nil, c.IssuedAt == nil, c.IssuedAt.After(now.Add(clockSkew)):
		// Expiry is exact; only the issue time allows for clocks that
		// differ between processes.
		return nil, ErrSessionTokenInvalid
	}
	return &SessionClaims{
		AppID: appID, UserID: c.Subject, Trust: c.Trust, WorkspaceID: c.WorkspaceID, Method: c.Method,
		AccessTokenID: c.AccessToken, ID: c.ID, IssuedAt: c.IssuedAt.Time, ExpiresAt: c.ExpiresAt.Time,
	}, nil
}
