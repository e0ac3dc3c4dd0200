package chat

import (
	"cmp"
	"context"
	"errors"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// StartRequest is a widget's request for a session (S1): its device token,
// if it has one, and at most one way in.
type StartRequest struct {
	DeviceToken string
	// SessionToken is a token the company's backend obtained (M1, M2).
	SessionToken string
	// Claim is an identity claimed by the browser (M5), already validated.
	Claim *identity.Claim
	// ClaimError says why the identity the browser sent was refused (F3):
	// the session starts anonymous and reports it.
	ClaimError error
	// WorkspaceRef scopes a verified session to a workspace its user is a
	// member of (V4); for an unverified or anonymous session it is only
	// the page's word, and becomes its Label.
	WorkspaceRef string
	// Label is a scope the page picks at any trust level (Open CX
	// externalId): it partitions the user's history (V4).
	Label string
	// OnLogin overrides the app's on_login setting (S5); empty: the app's.
	OnLogin kith.OnLogin
}

// Started is a new widget session.
type Started struct {
	*Caller
	// Token is the session's bearer token, shown this once.
	Token string
	// DeviceToken is the device's token: the one sent, or a new one.
	DeviceToken string
	// User is the session's user; nil for an anonymous visitor who has not
	// written yet, who is known by the device's AnonymousName.
	User *kith.User
	// AuthFailure tells the browser that identification was refused and
	// the session started anonymous instead (F3, V8); nil when it was not.
	// It is the same whatever the reason (F9): see Refusal.
	AuthFailure *kith.Error
	// Refusal is why the claim was refused, for the server's logs and
	// metrics, never for the browser.
	Refusal *kith.Error
}

// refusedClaim is what the browser hears of any refused claim: the same
// answer whether the identifier was invalid (F3), a verified user's (V8) or
// anything else, so that no outsider learns who is a customer (F9).
func refusedClaim() *kith.Error {
	return kith.Errorf(kith.CodeMissingUserAuthToken, "",
		"this identity was not accepted from the browser: identify the user with proof from your backend")
}

// Start starts a widget session for app. Errors: CodeInvalidSessionToken or
// CodeExpiredSessionToken for a bad session token (S2); CodeClaimNotAllowed
// when claiming the anonymous user is asked for and the app does not allow
// it (S5). A refused browser claim is not an error: the session starts
// anonymous and Started.AuthFailure says why.
func (s *Service) Start(ctx context.Context, app *kith.App, req StartRequest) (*Started, error) {
	now := s.now()
	for field, ref := range map[string]string{"workspace_ref": req.WorkspaceRef, "label": req.Label} {
		if ref != "" {
			if _, err := identity.Ref(field, ref); err != nil {
				return nil, err
			}
		}
	}
	var claims *keys.SessionClaims
	if req.SessionToken != "" {
		var err error
		if claims, err = keys.ParseSessionToken(app.SessionSecret, app.ID, req.SessionToken, now); err != nil {
			if errors.Is(err, keys.ErrSessionTokenExpired) {
				return nil, kith.Errorf(kith.CodeExpiredSessionToken, "session_token",
					"the session token has expired: get a fresh one from your backend")
			}
			return nil, kith.Errorf(kith.CodeInvalidSessionToken, "session_token",
				"the session token is not valid for this app")
		}
	}
	failure, _ := req.ClaimError.(*kith.Error)
	if req.ClaimError != nil && failure == nil {
		return nil, req.ClaimError
	}
	// Each transaction finds or makes the device itself, so that a request
	// that fails leaves no device behind and a run that is repeated starts
	// from what the database holds.
	var st *Started
	if claims != nil || (req.Claim != nil && failure == nil) {
		err := s.tx(ctx, app.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
			// A run that succeeded and was then rolled back must not leave
			// its session behind for a later run that refuses the claim.
			st = nil
			dev, devToken, err := s.device(ctx, tx, app, req.DeviceToken, now)
			if err != nil {
				return err
			}
			started, err := s.identified(ctx, tx, app, dev, claims, req, now)
			if err != nil {
				return err
			}
			started.DeviceToken = devToken
			st = started
			return nil
		})
		var refused *claimRefused
		if errors.As(err, &refused) {
			failure, err = refused.reason, nil
			if refused.event != nil && s.eventAllowed(refused.event.UserID) {
				event := *refused.event
				_ = s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
					e := event // a fresh copy for each run: AddEvents sets its id
					return tx.AddEvents(ctx, &e)
				})
			}
		}
		if err != nil {
			return nil, err
		}
	}
	if st == nil {
		err := s.tx(ctx, app.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
			dev, devToken, err := s.device(ctx, tx, app, req.DeviceToken, now)
			if err != nil {
				return err
			}
			sc, err := s.scope(ctx, tx, app, nil, kith.TrustAnonymous, "", req)
			if err != nil {
				return err
			}
			started, err := s.session(ctx, tx, app, dev, nil, kith.TrustAnonymous, kith.MethodAnonymous, sc, now)
			if err != nil {
				return err
			}
			started.DeviceToken = devToken
			if failure != nil {
				started.AuthFailure, started.Refusal = refusedClaim(), failure
			}
			st = started
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	if !st.CanChat() && st.AuthFailure == nil {
		// S3 as Helpshift words it: the user is identified but not verified.
		st.AuthFailure = kith.Errorf(kith.CodeMissingUserAuthToken, "",
			"this app requires identity verification: identify the user with proof from your backend")
	}
	return st, nil
}

// claimRefused ends the transaction of a browser claim that is refused:
// its writes roll back and the session starts anonymous.
type claimRefused struct {
	reason *kith.Error
	event  *kith.IdentityEvent // recorded on its own once the claim rolled back
}

func (e *claimRefused) Error() string { return e.reason.Error() }

// identified starts the session of a user proven by a session token or
// claimed by the browser, and applies on_login to the device's anonymous
// user (S5).
func (s *Service) identified(ctx context.Context, tx kith.Tx, app *kith.App, dev *kith.Device,
	claims *keys.SessionClaims, req StartRequest, now time.Time) (*Started, error) {
	var user *kith.User
	var trust kith.Trust
	var method kith.Method
	var tokenWorkspace string
	if claims != nil {
		// A session token is redeemed by one device (the one that first
		// presents it); that device may present it again.
		switch by, err := tx.Redemption(ctx, app.ID, claims.ID); {
		case errors.Is(err, kith.ErrNotFound):
			if err := tx.Redeem(ctx, app.ID, claims.ID, dev.ID, claims.ExpiresAt); err != nil {
				return nil, err
			}
		case err != nil:
			return nil, err
		case by != dev.ID:
			return nil, kith.Errorf(kith.CodeInvalidSessionToken, "session_token",
				"this session token was already used on another device: get a fresh one for each page")
		}
		u, err := tx.User(ctx, app.OrgID, claims.UserID)
		if errors.Is(err, kith.ErrNotFound) {
			return nil, kith.Errorf(kith.CodeInvalidSessionToken, "session_token", "the session token's user no longer exists")
		}
		if err != nil {
			return nil, err
		}
		user, trust, method = u, kith.TrustVerified, kith.Method(claims.Method)
		if claims.WorkspaceID != "" {
			w, err := tx.Workspace(ctx, app.OrgID, claims.WorkspaceID)
			if err != nil {
				return nil, err
			}
			tokenWorkspace = w.Ref
		}
	} else {
		c := req.Claim
		// V8: a user_ref once verified is never again taken on the
		// browser's word alone.
		if c.UserRef != "" {
			v, err := tx.UserByRef(ctx, app.OrgID, kith.TrustVerified, c.UserRef)
			if err == nil {
				return nil, &claimRefused{
					reason: kith.Errorf(kith.CodeMissingUserAuthToken, "identity.user_ref",
						"a verified user_ref was claimed without proof (V8)"),
					event: &kith.IdentityEvent{OrgID: app.OrgID, UserID: v.ID, AppID: app.ID,
						Kind: kith.EventVerificationFailed, Method: kith.MethodClaimed, CreatedAt: now,
						Detail: map[string]any{"reason": "a verified user_ref was claimed without proof", "device": dev.ID}},
				}
			}
			if !errors.Is(err, kith.ErrNotFound) {
				return nil, err
			}
		}
		res, err := s.Resolver.Resolve(ctx, tx, app, c)
		var ke *kith.Error
		if errors.As(err, &ke) && callerFault(ke.Code) {
			return nil, &claimRefused{reason: ke}
		}
		if err != nil {
			return nil, err
		}
		user, trust, method = res.User, kith.TrustUnverified, kith.MethodClaimed
	}
	sc, err := s.scope(ctx, tx, app, user, trust, tokenWorkspace, req)
	if err != nil {
		return nil, err
	}
	if err := s.onLogin(ctx, tx, app, dev, user, trust, req.OnLogin, now); err != nil {
		return nil, err
	}
	return s.session(ctx, tx, app, dev, user, trust, method, sc, now)
}

// scope is a session's workspace and label (V4).
type scope struct{ workspace, label string }

// scope decides a session's scope. A verified session is in the workspace
// its session token names, or in one the page names that its user is a
// member of: the page cannot put a verified user in a workspace. What an
// unverified or anonymous session names is only the page's word, so it is
// a label, which partitions the user's own history and is shown to agents
// as such. A label the page picks (Open CX externalId) is one at every
// trust level.
func (s *Service) scope(ctx context.Context, tx kith.Tx, app *kith.App, user *kith.User, trust kith.Trust,
	tokenWorkspace string, req StartRequest) (scope, error) {
	if trust != kith.TrustVerified {
		if req.WorkspaceRef != "" && req.Label != "" && req.WorkspaceRef != req.Label {
			return scope{}, kith.Errorf(kith.CodeInvalidField, "label",
				"for a session that is not verified, workspace_ref is the page's label: send it once, as label")
		}
		return scope{label: cmp.Or(req.Label, req.WorkspaceRef)}, nil
	}
	switch {
	case tokenWorkspace != "":
		if req.WorkspaceRef != "" && req.WorkspaceRef != tokenWorkspace {
			return scope{}, kith.Errorf(kith.CodeInvalidField, "workspace_ref",
				"the session token already scopes the session to another workspace")
		}
		return scope{workspace: tokenWorkspace, label: req.Label}, nil
	case req.WorkspaceRef == "":
		return scope{label: req.Label}, nil
	}
	member, err := tx.Workspaces(ctx, app.OrgID, kith.WorkspaceFilter{Ref: req.WorkspaceRef, UserID: user.ID, Page: kith.Page{Limit: 1}})
	if err != nil {
		return scope{}, err
	}
	if len(member) == 0 {
		return scope{}, kith.Errorf(kith.CodeWorkspaceNotAllowed, "workspace_ref",
			"this verified user is not a member of that workspace: your backend puts users in workspaces "+
				"(workspace_ref when it mints the session token), the page cannot; to partition the history, send a label")
	}
	return scope{workspace: req.WorkspaceRef, label: req.Label}, nil
}

// callerFault reports whether code is the caller's fault rather than the
// server's: for a browser claim, such an error starts an anonymous session.
func callerFault(code kith.Code) bool {
	switch code {
	case kith.CodeInternal, kith.CodeUnavailable, kith.CodeConflict:
		return false
	}
	return true
}

// onLogin applies S5 when an identified user logs in on a device that has
// an anonymous user: keep it (it comes back at logout), clear it (its
// conversations are never fetched again on this device), or, if the app
// allows it, claim it: its conversations here move to the verified user.
func (s *Service) onLogin(ctx context.Context, tx kith.Tx, app *kith.App, dev *kith.Device, user *kith.User,
	trust kith.Trust, mode kith.OnLogin, now time.Time) error {
	if mode == "" {
		mode = app.Settings.OnLogin
	}
	switch mode {
	case kith.OnLoginKeep, kith.OnLoginClear:
	case kith.OnLoginClaim:
		if app.Settings.OnLogin != kith.OnLoginClaim {
			return kith.Errorf(kith.CodeClaimNotAllowed, "on_login",
				"this app does not let a login claim the device's anonymous conversations (setting on_login)")
		}
		if trust != kith.TrustVerified {
			mode = kith.OnLoginKeep // only proof of identity may absorb a history
		}
	default:
		return kith.Errorf(kith.CodeInvalidField, "on_login", "on_login must be keep, clear or claim")
	}
	anon := dev.AnonymousUserID
	if anon == "" || anon == user.ID || mode == kith.OnLoginKeep {
		return nil
	}
	event := &kith.IdentityEvent{OrgID: app.OrgID, UserID: anon, AppID: app.ID, Kind: kith.EventAnonymousCleared,
		Method: kith.MethodAnonymous, CreatedAt: now, Detail: map[string]any{"device": dev.ID, "login": user.ID}}
	events := []*kith.IdentityEvent{event}
	if mode == kith.OnLoginClaim {
		n, err := tx.MoveConversations(ctx, app.OrgID, anon, dev.ID, user.ID, true)
		if err != nil {
			return err
		}
		event.Kind = kith.EventAnonymousClaimed
		events = append(events, &kith.IdentityEvent{OrgID: app.OrgID, UserID: user.ID, AppID: app.ID,
			Kind: kith.EventAnonymousClaimed, Method: kith.MethodSessionToken, CreatedAt: now,
			Detail: map[string]any{"device": dev.ID, "anonymous_user": anon, "conversations": n}})
	}
	dev.AnonymousUserID = ""
	if err := tx.UpdateDevice(ctx, dev); err != nil {
		return err
	}
	return tx.AddEvents(ctx, events...)
}

// session stores a new widget session.
func (s *Service) session(ctx context.Context, tx kith.Tx, app *kith.App, dev *kith.Device, user *kith.User,
	trust kith.Trust, method kith.Method, sc scope, now time.Time) (*Started, error) {
	lifetime := IdentifiedSessionLifetime
	if trust == kith.TrustAnonymous {
		lifetime = app.Settings.AnonymousExpiry
		if dev.AnonymousUserID != "" {
			u, err := tx.User(ctx, app.OrgID, dev.AnonymousUserID)
			if err != nil {
				return nil, err
			}
			user = u
		}
	}
	sess := &kith.Session{ID: keys.WidgetSession.NewID(), OrgID: app.OrgID, AppID: app.ID, DeviceID: dev.ID,
		Trust: trust, WorkspaceRef: sc.workspace, Label: sc.label, Method: method, CreatedAt: now, ExpiresAt: now.Add(lifetime),
		LastSeenAt: now}
	if user != nil {
		sess.UserID = user.ID
	}
	token, hash := keys.WidgetSession.New(sess.ID)
	sess.TokenHash = hash
	if err := tx.CreateSession(ctx, sess); err != nil {
		return nil, err
	}
	return &Started{Caller: &Caller{App: app, Session: sess, Device: dev}, Token: token, User: user}, nil
}

// device finds the device of a device token and records its use, or makes
// a new one when the token is absent or unknown (a cleared browser, an
// expired device). It returns the device and its token.
func (s *Service) device(ctx context.Context, tx kith.Tx, app *kith.App, token string, now time.Time) (*kith.Device, string, error) {
	if id, ok := keys.DeviceToken.Parse(token); ok {
		dev, err := tx.Device(ctx, app.OrgID, id)
		switch {
		case err == nil && dev.AppID == app.ID && keys.Match(token, dev.TokenHash):
			dev.LastSeenAt = now
			return dev, token, tx.UpdateDevice(ctx, dev)
		case err != nil && !errors.Is(err, kith.ErrNotFound):
			return nil, "", err
		}
	}
	dev := &kith.Device{ID: keys.DeviceToken.NewID(), OrgID: app.OrgID, AppID: app.ID,
		AnonymousName: identity.FriendlyName(), CreatedAt: now, LastSeenAt: now}
	token, dev.TokenHash = keys.DeviceToken.New(dev.ID)
	return dev, token, tx.CreateDevice(ctx, dev)
}

// Logout revokes the caller's session (S4). The widget then starts an
// anonymous session on the same device, which sees only that device's
// anonymous conversations.
func (s *Service) Logout(ctx context.Context, c *Caller) error {
	return s.tx(ctx, c.App.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
		_, err := s.revoke(ctx, tx, rec, c.App.OrgID, kith.SessionSelector{SessionID: c.Session.ID}, "logout")
		return err
	})
}

// revoke revokes the active sessions sel selects and records each
// revocation. It returns how many it revoked: none when they had ended
// already.
func (s *Service) revoke(ctx context.Context, tx kith.Tx, rec *recorder, orgID string, sel kith.SessionSelector, why string) (int, error) {
	now := s.now()
	revoked, err := tx.RevokeSessions(ctx, orgID, sel, now)
	if err != nil {
		return 0, err
	}
	for _, sess := range revoked {
		if err := s.revoked(ctx, tx, rec, sess, why, now); err != nil {
			return 0, err
		}
	}
	return len(revoked), nil
}

// revoked records a revocation: an identity event for its user (R8) and a
// live event that closes the session's connections.
func (s *Service) revoked(ctx context.Context, tx kith.Tx, rec *recorder, sess *kith.Session, why string, now time.Time) error {
	if sess.UserID != "" {
		err := tx.AddEvents(ctx, &kith.IdentityEvent{OrgID: sess.OrgID, UserID: sess.UserID, AppID: sess.AppID,
			Kind: kith.EventSessionRevoked, Method: sess.Method, CreatedAt: now,
			Detail: map[string]any{"session": sess.ID, "reason": why}})
		if err != nil {
			return err
		}
	}
	return rec.record(ctx, &kith.LiveEvent{OrgID: sess.OrgID, AppID: sess.AppID, Kind: kith.LiveSessionRevoked,
		SessionID: sess.ID, Payload: []byte(`{}`), CreatedAt: now})
}

// UpdateIdentity changes the caller's traits from the browser (S8): never
// the user_ref; custom fields are kept as unverified; a verified user's
// email comes only from the company's backend. An anonymous visitor's user
// is made if it does not exist yet.
func (s *Service) UpdateIdentity(ctx context.Context, c *Caller, t identity.UserTraits) (*kith.User, error) {
	if t.Email.Set && c.Session.Trust != kith.TrustUnverified {
		if c.Session.Trust == kith.TrustVerified {
			return nil, kith.Errorf(kith.CodeInvalidField, "email", "a verified user's email comes from your backend, not the browser")
		}
		return nil, kith.Errorf(kith.CodeInvalidField, "email", "identify the user (Kith.init with an identity) before giving an email")
	}
	t.UnverifiedCustomFields, t.CustomFields = t.CustomFields, nil
	var user *kith.User
	err := s.callerTx(ctx, c, func(ctx context.Context, tx kith.Tx, rec *recorder, c *Caller) error {
		id, err := s.ensureUser(ctx, tx, c)
		if err != nil {
			return err
		}
		u, err := tx.User(ctx, c.App.OrgID, id)
		if err != nil {
			return err
		}
		if _, err := s.Resolver.Update(ctx, tx, c.App, u, t, kith.MethodClaimed); err != nil {
			return err
		}
		user = u
		return nil
	})
	return user, err
}

// ensureUser returns the user of c, a caller read inside tx (callerTx),
// making an anonymous visitor's user on their first write (M6). It updates
// c, which belongs to this run of the transaction.
func (s *Service) ensureUser(ctx context.Context, tx kith.Tx, c *Caller) (string, error) {
	if c.Session.Trust != kith.TrustAnonymous {
		return c.Session.UserID, nil
	}
	if c.Device.AnonymousUserID == "" {
		now := s.now()
		u := &kith.User{OrgID: c.App.OrgID, Trust: kith.TrustAnonymous, DisplayName: c.Device.AnonymousName,
			CreatedAt: now, UpdatedAt: now}
		if err := tx.CreateUser(ctx, u); err != nil {
			return "", err
		}
		err := tx.AddEvents(ctx, &kith.IdentityEvent{OrgID: u.OrgID, UserID: u.ID, AppID: c.App.ID,
			Kind: kith.EventUserCreated, Method: kith.MethodAnonymous, CreatedAt: now,
			Detail: map[string]any{"trust": kith.TrustAnonymous, "device": c.Device.ID}})
		if err != nil {
			return "", err
		}
		c.Device.AnonymousUserID = u.ID
		if err := tx.UpdateDevice(ctx, c.Device); err != nil {
			return "", err
		}
	}
	// The session names its user, so that agents list it among the user's
	// sessions (S7) and expiry ends it with the user (S6).
	if c.Session.UserID != c.Device.AnonymousUserID {
		c.Session.UserID = c.Device.AnonymousUserID
		if err := tx.UpdateSession(ctx, c.Session); err != nil {
			return "", err
		}
	}
	return c.Device.AnonymousUserID, nil
}
