package proof

import (
	"context"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// userHash is M3: identifiers with an HMAC-SHA256 the company's backend
// made of them with one of the app's verification secrets (Helpshift's
// userAuthToken, HelpCrunch's security_hash, a user_hash). The hash covers
// the user_ref when one is sent, else the lower-cased email. An email sent
// beside a hash of the id alone is not proven: it is kept as an unverified
// trait, which never finds, merges or reaches another user.
func (v *Verifier) userHash(ctx context.Context, app *kith.App, c *identity.Claim, sent string) (*Proven, error) {
	invalid := kith.Errorf(kith.CodeInvalidUserAuthToken, "user_hash",
		"the user hash does not match this identity for any of the app's verification secrets")
	hash, ok := keys.DecodeUserHash(sent)
	if !ok {
		return nil, kith.Errorf(kith.CodeInvalidUserAuthToken, "user_hash",
			"the user hash is not an HMAC-SHA256 in hex or base64")
	}
	secrets, err := v.Keys.VerificationSecrets(ctx, app.ID)
	if err != nil {
		return nil, err
	}
	values := make([]string, len(secrets))
	for i, s := range secrets {
		values[i] = s.Secret
	}
	message := c.UserRef
	if message == "" && c.User.Email.Set {
		message = c.User.Email.To // lower-cased already
	}
	i, ok := keys.MatchUserHash(values, message, hash)
	if !ok {
		return nil, invalid
	}
	proven := *c
	proven.Trust, proven.Method = kith.TrustVerified, kith.MethodUserHash
	if proven.UserRef != "" && proven.User.Email.Set {
		proven.User.UnverifiedEmail, proven.User.Email = proven.User.Email, identity.Update[string]{}
	}
	return &Proven{Claim: &proven, Method: kith.MethodUserHash, Key: secrets[i].ID}, nil
}
