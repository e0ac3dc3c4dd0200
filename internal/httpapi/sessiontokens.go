package httpapi

import (
	"context"
	"net/http"
	"time"

	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// createSessionToken is M1, DevRev's auth-tokens.create: the company's
// backend vouches for a user and gets a session token for the widget.
func (s *Server) createSessionToken(w http.ResponseWriter, r *http.Request) error {
	app, tok, err := s.tokenCaller(r)
	if err != nil {
		return err
	}
	var req m1Request
	if err := decode(r, &req); err != nil {
		return err
	}
	claim, asked, err := req.claim()
	if err != nil {
		return err
	}
	ttl := app.Settings.SessionTokenMaxLifetime
	if asked > 0 && asked < float64(ttl) {
		ttl = time.Duration(asked).Truncate(time.Second)
	}
	token, _, err := s.issue(r.Context(), app, tok, claim, ttl)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, map[string]any{
		"access_token": token,
		"token_type":   "bearer",
		"expires_in":   int(ttl.Seconds()),
	})
	return nil
}

// authenticateUser is M2, Open CX's authenticate-user: the email is the
// verified identity.
func (s *Server) authenticateUser(w http.ResponseWriter, r *http.Request) error {
	app, tok, err := s.tokenCaller(r)
	if err != nil {
		return err
	}
	var req m2Request
	if err := decode(r, &req); err != nil {
		return err
	}
	claim, err := req.claim()
	if err != nil {
		return err
	}
	token, res, err := s.issue(r.Context(), app, tok, claim, app.Settings.SessionTokenMaxLifetime)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, map[string]any{
		"token":   token,
		"contact": map[string]string{"id": res.User.ID},
	})
	return nil
}

// tokenCaller authenticates a session-token request and applies the
// per-token rate limit.
func (s *Server) tokenCaller(r *http.Request) (*kith.App, *kith.AccessToken, error) {
	app, tok, err := s.authenticate(r, kith.ScopeSessions)
	if err != nil {
		return nil, nil, err
	}
	if err := take(budget.Charge{Buckets: s.tokenBudget, Key: tok.ID, N: 1, What: "session-token requests with this access token"}); err != nil {
		return nil, nil, err
	}
	return app, tok, nil
}

// issue has a verified claim's session token issued, and counts it.
func (s *Server) issue(ctx context.Context, app *kith.App, tok *kith.AccessToken, claim *identity.Claim, ttl time.Duration) (string, *identity.Resolution, error) {
	token, res, err := s.chat.IssueSessionToken(ctx, app, tok.ID, claim, ttl)
	if err != nil {
		return "", nil, err
	}
	if res.Created {
		s.metrics.usersCreated.WithLabelValues(string(claim.Trust)).Inc()
	}
	s.metrics.sessionTokens.WithLabelValues(string(claim.Method)).Inc()
	return token, res, nil
}
