package chat

import (
	"context"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// IssueSessionToken is what the company's backend asks for when it vouches
// for a user (M1, M2): it resolves the claim to a user, account and
// workspace (section 4), all or nothing (R7), and signs a session token
// for that user, valid for ttl, which one device may redeem with Start.
// accessTokenID is the access token the backend asked with: the sessions
// the token starts say which one vouched for them. Errors are the
// Resolver's.
func (s *Service) IssueSessionToken(ctx context.Context, app *kith.App, accessTokenID string, claim *identity.Claim, ttl time.Duration) (
	string, *identity.Resolution, error) {
	var res *identity.Resolution
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		r, err := s.Resolver.Resolve(ctx, tx, app, claim)
		if err != nil {
			return err
		}
		res = r
		return nil
	})
	if err != nil {
		return "", nil, err
	}
	now := s.now()
	sc := keys.SessionClaims{AppID: app.ID, UserID: res.User.ID, Trust: string(kith.TrustVerified),
		Method: string(claim.Method), AccessTokenID: accessTokenID, IssuedAt: now, ExpiresAt: now.Add(ttl)}
	if res.Workspace != nil {
		sc.WorkspaceID = res.Workspace.ID
	}
	token, err := keys.MintSessionToken(app.SessionSecret, sc)
	if err != nil {
		return "", nil, err
	}
	return token, res, nil
}
