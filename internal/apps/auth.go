package apps

import (
	"context"
	"errors"
	"time"

	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// touchEvery is how stale a token's last-used time may get before a request
// writes it again: often enough for people, rare enough to keep writes off
// the hot path. The store applies the same minute when it writes.
const touchEvery = time.Minute

// dummyHash is compared against when a token id is unknown, so that an
// unknown id costs the same time as a wrong secret.
var dummyHash = keys.Hash("kith_aat_dummy")

// Authenticate checks an application access token and returns its app. The
// errors never contain the token: CodeMissingAccessToken, then
// CodeInvalidAccessToken (malformed, unknown, wrong or revoked),
// CodeExpiredAccessToken, and CodeInsufficientScope when the token lacks
// scope.
func (s *Service) Authenticate(ctx context.Context, token string, scope kith.Scope) (*kith.App, *kith.AccessToken, error) {
	if token == "" {
		return nil, nil, kith.Errorf(kith.CodeMissingAccessToken, "authorization",
			"send the application access token in the Authorization header")
	}
	invalid := kith.Errorf(kith.CodeInvalidAccessToken, "authorization",
		"the application access token is not valid: it may be mistyped or revoked")
	id, ok := keys.AAT.Parse(token)
	if !ok {
		return nil, nil, invalid
	}
	t, err := s.Store.AccessToken(ctx, id)
	if errors.Is(err, kith.ErrNotFound) {
		keys.Match(token, dummyHash)
		return nil, nil, invalid
	}
	if err != nil {
		return nil, nil, err
	}
	if !keys.Match(token, t.Hash) || t.Revoked() {
		return nil, nil, invalid
	}
	now := s.now()
	if t.Expired(now) {
		return nil, nil, kith.Errorf(kith.CodeExpiredAccessToken, "authorization",
			"the application access token expired at %s", t.ExpiresAt.Format(time.RFC3339))
	}
	if !t.Has(scope) {
		return nil, nil, kith.Errorf(kith.CodeInsufficientScope, "authorization",
			"this application access token lacks the %q scope", scope)
	}
	app, err := s.Store.App(ctx, t.AppID)
	if err != nil {
		return nil, nil, err
	}
	if now.Sub(t.LastUsedAt) > touchEvery {
		// Best effort: a failure to record the last use must not fail the
		// request that used the token.
		_ = s.Store.TouchAccessToken(ctx, t.ID, now)
		t.LastUsedAt = now
	}
	return app, t, nil
}
