package chat

import (
	"cmp"
	"context"
	"encoding/json"
	"errors"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
)

// StartRequest is a widget's request for a session (S1): its device token,
// if it has one, and what it offers as its user's identity.
type StartRequest struct {
	DeviceToken string
	// Offer is at most one way in (M1-M5), checked by the Service's Proofs.
	Offer proof.Offer
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

// Start starts a widget session for app. Errors: S2's for a proof that
// does not hold (proof.Verifier.Verify); CodeClaimNotAllowed when claiming
// the anonymous user is asked for and the app does not allow it (S5);
// CodeWorkspaceNotAllowed (V4). A refused browser claim is not an error:
// the session starts anonymous and Started.AuthFailure says so.
func (s *Service) Start(ctx context.Context, app *kith.App, req StartRequest) (*Started, error) {
	now := s.now()
	for field, ref := range map[string]string{"workspace_ref": req.WorkspaceRef, "label": req.Label} {
		if ref != "" {
			if _, err := identity.Ref(field, ref); err != nil {
				return nil, err
			}
		}
	}
	p, err := s.Proofs.Verify(ctx, app, req.Offer)
	if err != nil {
		return nil, err
	}
	failure := p.Refused
	// Each transaction finds or makes the device itself, so that a request
	// that fails leaves no device behind and a run that is repeated starts
	// from what the database holds.
	var st *Started
	if p.Token != nil || p.Claim != nil {
		err := s.tx(ctx, app.OrgID, func(ctx context.Context, tx kith.Tx, rec *recorder) error {
			// A run that succeeded and was then rolled back must not leave
			// its session behind for a later run that refuses the claim.
			st = nil
			dev, devToken, err := s.device(ctx, tx, app, req.DeviceToken, now)
			if err != nil {
				return err
			}
			started, err := s.identified(ctx, tx, app, dev, p, req, now)
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
			started, err := s.session(ctx, tx, app, dev, nil, kith.TrustAnonymous, kith.MethodAnonymous, "", sc, now)
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

// identified starts the session of a user a proof or a claim names, and
// applies on_login to the device's anonymous user (S5).
func (s *Service) identified(ctx context.Context, tx kith.Tx, app *kith.App, dev *kith.Device,
	p *proof.Proven, req StartRequest, now time.Time) (*Started, error) {
	var user *kith.User
	var trust kith.Trust
	var workspace string // the workspace the proof puts the user in
	switch {
	case p.Token != nil:
		u, ws, err := s.redeem(ctx, tx, app, dev, p.Token)
		if err != nil {
			return nil, err
		}
		user, trust, workspace = u, kith.TrustVerified, ws
	case p.Claim.Trust == kith.TrustVerified:
		// M3, M4: the company's backend proved these identifiers; they
		// resolve in the verified namespace as M1's do.
		res, err := s.Resolver.Resolve(ctx, tx, app, p.Claim)
		if err != nil {
			return nil, err
		}
		user, trust = res.User, kith.TrustVerified
		if res.Workspace != nil {
			workspace = res.Workspace.Ref
		}
	default:
		u, err := s.claimed(ctx, tx, app, dev, p.Claim, now)
		if err != nil {
			return nil, err
		}
		user, trust = u, kith.TrustUnverified
	}
	sc, err := s.scope(ctx, tx, app, user, trust, workspace, req)
	if err != nil {
		return nil, err
	}
	if err := s.onLogin(ctx, tx, app, dev, user, trust, p.Method, req.OnLogin, now); err != nil {
		return nil, err
	}
	return s.session(ctx, tx, app, dev, user, trust, p.Method, p.Key, sc, now)
}

// redeem takes a session token (M1, M2) on a device: one device redeems a
// token (the one that first presents it, which may present it again). It
// returns the token's user and the workspace it scopes the session to.
func (s *Service) redeem(ctx context.Context, tx kith.Tx, app *kith.App, dev *kith.Device, claims *keys.SessionClaims) (
	*kith.User, string, error) {
	switch by, err := tx.Redemption(ctx, app.ID, claims.ID); {
	case errors.Is(err, kith.ErrNotFound):
		if err := tx.Redeem(ctx, app.ID, claims.ID, dev.ID, claims.ExpiresAt); err != nil {
			return nil, "", err
		}
	case err != nil:
		return nil, "", err
	case by != dev.ID:
		return nil, "", kith.Errorf(kith.CodeInvalidSessionToken, "session_token",
			"this session token was already used on another device: get a fresh one for each page")
	}
	u, err := tx.User(ctx, app.OrgID, claims.UserID)
	if errors.Is(err, kith.ErrNotFound) {
		return nil, "", kith.Errorf(kith.CodeInvalidSessionToken, "session_token", "the session token's user no longer exists")
	}
	if err != nil {
		return nil, "", err
	}
	if claims.WorkspaceID == "" {
		return u, "", nil
	}
	w, err := tx.Workspace(ctx, app.OrgID, claims.WorkspaceID)
	if err != nil {
		return nil, "", err
	}
	return u, w.Ref, nil
}

// claimed resolves identifiers the browser claims (M5) in the unverified
// namespace. V8: what has been verified is never again taken on the
// browser's word: a user_ref a verified user has, or, for an identity of
// an email alone, the email of a verified user who has no user_ref.
func (s *Service) claimed(ctx context.Context, tx kith.Tx, app *kith.App, dev *kith.Device, c *identity.Claim,
	now time.Time) (*kith.User, error) {
	var verified *kith.User
	switch {
	case c.UserRef != "":
		v, err := tx.UserByRef(ctx, app.OrgID, kith.TrustVerified, c.UserRef)
		if err != nil && !errors.Is(err, kith.ErrNotFound) {
			return nil, err
		}
		verified = v
	case c.User.Email.Set && c.User.Email.To != "":
		holders, err := tx.UsersByEmail(ctx, app.OrgID, kith.TrustVerified, c.User.Email.To)
		if err != nil {
			return nil, err
		}
		for _, h := range holders {
			if h.Ref == "" {
				verified = h
			}
		}
	}
	if verified != nil {
		return nil, &claimRefused{
			reason: kith.Errorf(kith.CodeMissingUserAuthToken, c.Paths.UserRef,
				"an identity verified before was claimed without proof (V8)"),
			event: &kith.IdentityEvent{OrgID: app.OrgID, UserID: verified.ID, AppID: app.ID,
				Kind: kith.EventVerificationFailed, Method: kith.MethodClaimed, CreatedAt: now,
				Detail: map[string]any{"reason": "an identity verified before was claimed without proof", "device": dev.ID}},
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
	return res.User, nil
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
	trust kith.Trust, method kith.Method, mode kith.OnLogin, now time.Time) error {
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
		moving, err := tx.Conversations(ctx, app.OrgID, kith.ConversationFilter{UserID: anon, DeviceID: dev.ID})
		if err != nil {
			return err
		}
		n, err := tx.MoveConversations(ctx, app.OrgID, anon, dev.ID, user.ID, true)
		if err != nil {
			return err
		}
		// Agents see, in each thread, where its trust changed (I1).
		mark, _ := json.Marshal(kith.TrustChange{From: kith.TrustAnonymous, To: kith.TrustVerified, Method: method})
		for _, c := range moving {
			if err := tx.CreateNote(ctx, &kith.Note{OrgID: app.OrgID, ConversationID: c.ID, Kind: kith.NoteTrust,
				AgentName: "Kith", Body: string(mark), CreatedAt: now}); err != nil {
				return err
			}
		}
		event.Kind = kith.EventAnonymousClaimed
		events = append(events, &kith.IdentityEvent{OrgID: app.OrgID, UserID: user.ID, AppID: app.ID,
			Kind: kith.EventAnonymousClaimed, Method: method, CreatedAt: now,
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
	trust kith.Trust, method kith.Method, proofKey string, sc scope, now time.Time) (*Started, error) {
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
		Trust: trust, WorkspaceRef: sc.workspace, Label: sc.label, Method: method, Proof: proofKey, CreatedAt: now,
		ExpiresAt: now.Add(lifetime), LastSeenAt: now}
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
