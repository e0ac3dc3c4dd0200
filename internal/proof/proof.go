// Package proof turns what a widget offers when it starts a session into
// who the user is: proven by the company's backend (a session token, M1 and
// M2; a user hash, M3; a customer-signed JWT, M4), claimed by the browser
// (M5), or a typed failure (S2). Each way in is one small function of its
// own; Verify picks the one the offer uses, so that starting a session
// does not grow a branch per vendor: every vendor's embed code sends one of
// these.
package proof

import (
	"context"
	"errors"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// Offer is what a widget offers as its user's identity: at most one of a
// session token, a JWT, and identifiers, these with or without a user hash
// (S1).
type Offer struct {
	SessionToken string
	JWT          string
	// Identity are the identifiers the page sent (M5), already read; with
	// UserHash they are what the hash proves (M3).
	Identity *identity.Claim
	// IdentityError is why the identifiers could not be read (F3): the
	// session starts anonymous, and the reason is kept for the operator.
	IdentityError *kith.Error
	UserHash      string
}

// Proven is what an offer comes to. Exactly one of Token and Claim is set,
// or neither for an anonymous visitor.
type Proven struct {
	// Token is a session token's claims (M1, M2): its user exists already.
	Token *keys.SessionClaims
	// Claim is an identity to resolve: verified for M3 and M4, unverified
	// for M5.
	Claim *identity.Claim
	// Method is how the identity was established.
	Method kith.Method
	// Key names what proved it: the access token that minted the session
	// token, the verification secret, the JWT's kid. Empty for a claim.
	Key string
	// Refused is why identifiers the page sent were not taken (F3); the
	// session starts anonymous.
	Refused *kith.Error
}

// Keys are the app records a proof is checked against.
type Keys interface {
	VerificationSecrets(ctx context.Context, appID string) ([]*kith.VerificationSecret, error)
	JWTKeys(ctx context.Context, appID string) ([]*kith.JWTKey, error)
}

// Verifier checks offers.
type Verifier struct {
	Keys Keys
	// JWKS fetches the key sets registered as URLs; keys.NewJWKS() when nil.
	JWKS *keys.JWKS
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

func (v *Verifier) now() time.Time {
	if v.Now != nil {
		return v.Now()
	}
	return time.Now()
}

// Verify checks an offer made to app. Errors are S2's, 401s the widget
// raises its failure event with: CodeInvalidSessionToken and
// CodeExpiredSessionToken, CodeInvalidUserAuthToken for a user hash that
// does not match, CodeInvalidJWT; and CodeInvalidRequest for an offer of
// more than one way in. A proof that is sent is always checked: a wrong
// one never falls back to a claim.
func (v *Verifier) Verify(ctx context.Context, app *kith.App, o Offer) (*Proven, error) {
	ways := 0
	for _, sent := range []bool{o.SessionToken != "", o.JWT != "", o.Identity != nil || o.IdentityError != nil} {
		if sent {
			ways++
		}
	}
	switch {
	case ways > 1:
		return nil, kith.Errorf(kith.CodeInvalidRequest, "", "send at most one of session_token, jwt and identity")
	case o.UserHash != "" && o.Identity == nil && o.IdentityError == nil:
		return nil, kith.Errorf(kith.CodeInvalidRequest, "user_hash", "a user_hash proves an identity: send it with identity")
	case o.SessionToken != "":
		return v.sessionToken(app, o.SessionToken)
	case o.JWT != "":
		return v.jwt(ctx, app, o.JWT)
	case o.IdentityError != nil:
		if o.UserHash != "" {
			// Identifiers that cannot be read prove nothing, with or
			// without a hash: the proof was not made for them.
			return nil, kith.Errorf(kith.CodeInvalidUserAuthToken, "user_hash",
				"the user hash was sent with identifiers that are not valid")
		}
		return &Proven{Method: kith.MethodClaimed, Refused: o.IdentityError}, nil
	case o.UserHash != "":
		return v.userHash(ctx, app, o.Identity, o.UserHash)
	case o.Identity != nil:
		return &Proven{Claim: o.Identity, Method: kith.MethodClaimed}, nil
	}
	return &Proven{Method: kith.MethodAnonymous}, nil
}

// sessionToken is M1 and M2: a token the company's backend obtained with
// its access token, signed with the app's secret.
func (v *Verifier) sessionToken(app *kith.App, token string) (*Proven, error) {
	claims, err := keys.ParseSessionToken(app.SessionSecret, app.ID, token, v.now())
	if errors.Is(err, keys.ErrSessionTokenExpired) {
		return nil, kith.Errorf(kith.CodeExpiredSessionToken, "session_token",
			"the session token has expired: get a fresh one from your backend")
	}
	if err != nil {
		return nil, kith.Errorf(kith.CodeInvalidSessionToken, "session_token", "the session token is not valid for this app")
	}
	return &Proven{Token: claims, Method: kith.Method(claims.Method), Key: claims.AccessTokenID}, nil
}
