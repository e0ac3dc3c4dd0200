package chat

import (
	"context"
	"errors"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// Caller is an authenticated widget session, with its app and device.
type Caller struct {
	App     *kith.App
	Session *kith.Session
	Device  *kith.Device
}

// UserID returns the session's user: for an anonymous session, its
// device's anonymous user, empty until the visitor first writes.
func (c *Caller) UserID() string {
	if c.Session.Trust == kith.TrustAnonymous {
		return c.Device.AnonymousUserID
	}
	return c.Session.UserID
}

// Viewer returns whom the session shows conversations to.
func (c *Caller) Viewer() identity.Viewer {
	return identity.Viewer{AppID: c.App.ID, UserID: c.UserID(), DeviceID: c.Device.ID, Trust: c.Session.Trust,
		WorkspaceRef: c.Session.WorkspaceRef, Label: c.Session.Label}
}

// CanChat reports whether the session may see and start conversations: not
// when the app requires verification and the user is identified but
// unverified (S3). Anonymous visitors still can.
func (c *Caller) CanChat() bool {
	return !(c.App.Settings.VerificationRequired && c.Session.Trust == kith.TrustUnverified)
}

func (c *Caller) mustChat() error {
	if !c.CanChat() {
		return kith.Errorf(kith.CodeVerificationRequired, "",
			"this app requires identity verification, and this user is not verified")
	}
	return nil
}

// Authenticate checks a widget session's bearer token and returns the
// caller. Unknown, malformed, revoked and expired sessions are all
// CodeInvalidSession: the widget starts a new session.
func (s *Service) Authenticate(ctx context.Context, token string) (*Caller, error) {
	invalid := errSessionEnded()
	id, ok := keys.WidgetSession.Parse(token)
	if !ok {
		return nil, invalid
	}
	sess, err := s.Store.Session(ctx, id)
	if errors.Is(err, kith.ErrNotFound) {
		keys.Match(token, dummyHash)
		return nil, invalid
	}
	if err != nil {
		return nil, err
	}
	now := s.now()
	if !keys.Match(token, sess.TokenHash) || !sess.Active(now) {
		return nil, invalid
	}
	c, err := s.caller(ctx, sess)
	if err != nil {
		return nil, err
	}
	// Best effort, at most once a minute (the store skips fresher ones):
	// activity keeps anonymous users and their sessions from expiring (S6).
	expires := sess.ExpiresAt
	if sess.Trust == kith.TrustAnonymous {
		expires = now.Add(c.App.Settings.AnonymousExpiry)
	}
	_ = s.Store.TouchSession(ctx, sess.ID, now, expires)
	if user := c.UserID(); user != "" {
		_ = s.Store.TouchUser(ctx, user, now)
	}
	return c, nil
}

// Refresh reloads a caller's session and device, to see a revocation or an
// anonymous user made since.
func (s *Service) Refresh(ctx context.Context, c *Caller) (*Caller, error) {
	sess, err := s.Store.Session(ctx, c.Session.ID)
	if err != nil {
		return nil, err
	}
	if !sess.Active(s.now()) {
		return nil, errSessionEnded()
	}
	return s.caller(ctx, sess)
}

func (s *Service) caller(ctx context.Context, sess *kith.Session) (*Caller, error) {
	app, err := s.Store.App(ctx, sess.AppID)
	if err != nil {
		return nil, err
	}
	dev, err := s.Store.Device(ctx, sess.OrgID, sess.DeviceID)
	if err != nil {
		return nil, err
	}
	return &Caller{App: app, Session: sess, Device: dev}, nil
}

// errSessionEnded is the error of a widget session that is unknown,
// malformed, revoked or expired: the widget starts a new one.
func errSessionEnded() error {
	return kith.Errorf(kith.CodeInvalidSession, "authorization",
		"the widget session is not valid: it may have expired or been revoked; start a new one")
}

// dummyHash is compared against when an id is unknown, so that an unknown
// id costs what a wrong secret does.
var dummyHash = keys.Hash("kith_dummy")
