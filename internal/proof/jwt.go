package proof

import (
	"context"
	"errors"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// jwt is M4: a JWT the company signed with a key registered on the app,
// chosen by its kid and pinned to its algorithm. Its sub (or external_id,
// user_id) is the user_ref; its email is verified only with
// email_verified: true, and kept as an unverified trait otherwise; its
// account_ref and workspace_ref place the user as M1's do.
func (v *Verifier) jwt(ctx context.Context, app *kith.App, token string) (*Proven, error) {
	registered, err := v.Keys.JWTKeys(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	find := func(kid string) ([]*keys.JWTKey, error) { return v.candidates(ctx, registered, kid) }
	uc, err := keys.VerifyUserJWT(token, app.ID, find, v.now())
	var bad *keys.ErrJWT
	if errors.As(err, &bad) {
		return nil, kith.Errorf(kith.CodeInvalidJWT, "jwt", "the JWT is not valid for this app: %s", bad.Reason)
	}
	if err != nil {
		return nil, err
	}
	c := &identity.Claim{Method: kith.MethodJWT, Trust: kith.TrustVerified,
		Paths: identity.Paths{UserRef: "jwt", Email: "jwt", AccountRef: "jwt", WorkspaceRef: "jwt"}}
	invalid := func(what string) error {
		return kith.Errorf(kith.CodeInvalidJWT, "jwt", "the JWT is not valid for this app: its %s is not valid", what)
	}
	if uc.UserRef != "" {
		if c.UserRef, err = identity.UserRef("jwt", uc.UserRef); err != nil {
			return nil, invalid("sub")
		}
	}
	if uc.Email != "" {
		email, err := identity.Email("jwt", uc.Email)
		if err != nil {
			return nil, invalid("email")
		}
		if uc.EmailVerified {
			c.User.Email = identity.Put(email)
		} else {
			c.User.UnverifiedEmail = identity.Put(email)
		}
	}
	if uc.Name != "" {
		name, err := identity.Text("jwt", uc.Name, identity.MaxDisplayNameLen)
		if err != nil {
			return nil, invalid("name")
		}
		c.User.DisplayName = identity.Put(name)
	}
	for _, ref := range []struct {
		in  string
		out *string
	}{{uc.AccountRef, &c.AccountRef}, {uc.WorkspaceRef, &c.WorkspaceRef}} {
		if ref.in != "" {
			if *ref.out, err = identity.Ref("jwt", ref.in); err != nil {
				return nil, invalid("account_ref or workspace_ref")
			}
		}
	}
	kid := uc.Kid
	if kid == "" && len(registered) == 1 {
		kid = registered[0].Kid
	}
	return &Proven{Claim: c, Method: kith.MethodJWT, Key: kid}, nil
}

// candidates are the app's keys a token's kid may name: the registered key
// of that kid, and the keys of that kid in the registered key sets. A token
// without a kid may use the app's one key only.
func (v *Verifier) candidates(ctx context.Context, registered []*kith.JWTKey, kid string) ([]*keys.JWTKey, error) {
	jwks := v.JWKS
	if jwks == nil {
		jwks = keys.NewJWKS()
		v.JWKS = jwks
	}
	var out []*keys.JWTKey
	if kid == "" {
		if len(registered) != 1 || registered[0].JWKSURL != "" {
			return nil, nil // the token must say which key
		}
	}
	for _, r := range registered {
		switch {
		case r.JWKSURL != "":
			if kid == "" {
				continue
			}
			set, err := jwks.Keys(ctx, r.JWKSURL, r.Alg, kid)
			if err != nil {
				return nil, &keys.ErrJWT{Reason: "the app's key set could not be fetched"}
			}
			out = append(out, set...)
		case kid != "" && r.Kid != kid:
		case r.Alg == keys.AlgHS256:
			out = append(out, &keys.JWTKey{Kid: r.Kid, Alg: r.Alg, Secret: []byte(r.Secret)})
		default:
			pub, err := keys.ParsePublicKey(r.Alg, []byte(r.PublicKeyPEM))
			if err != nil {
				continue // checked when it was registered
			}
			out = append(out, &keys.JWTKey{Kid: r.Kid, Alg: r.Alg, Public: pub})
		}
	}
	return out, nil
}
