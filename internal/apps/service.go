package apps

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// DefaultOrg is the organization apps go to when none is named.
const DefaultOrg = "default"

// Service manages apps, tokens and fields on a store.
type Service struct {
	Store kith.Store
	// Now returns the current time; time.Now when nil.
	Now func() time.Time
}

func (s *Service) now() time.Time {
	if s.Now != nil {
		return s.Now().UTC().Truncate(time.Microsecond)
	}
	return time.Now().UTC().Truncate(time.Microsecond) // the store keeps microseconds
}

// NewToken is an access token just made: Secret is the token itself, shown
// once and never stored.
type NewToken struct {
	*kith.AccessToken
	Secret string
}

// CreateApp creates an app in the organization org (a name or an org_ id;
// an unknown name creates the organization) with a first access token of
// scope sessions.
func (s *Service) CreateApp(ctx context.Context, org, name string) (*kith.App, *NewToken, error) {
	if _, err := identity.Text("name", name, 255); err != nil {
		return nil, nil, err
	}
	if strings.TrimSpace(name) == "" {
		return nil, nil, kith.Errorf(kith.CodeMissingField, "name", "an app needs a name")
	}
	if org == "" {
		org = DefaultOrg
	}
	var app *kith.App
	var tok *NewToken
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		var err error
		app, tok, err = s.createApp(ctx, tx, org, name)
		return err
	})
	return app, tok, err
}

func (s *Service) createApp(ctx context.Context, tx kith.Tx, org, name string) (*kith.App, *NewToken, error) {
	o, err := findOrCreateOrg(ctx, tx, org, s.now())
	if err != nil {
		return nil, nil, err
	}
	app := &kith.App{OrgID: o.ID, Name: name, Settings: kith.DefaultAppSettings(),
		SessionSecret: keys.NewSessionSecret(), CreatedAt: s.now()}
	if err := tx.CreateApp(ctx, app); err != nil {
		return nil, nil, err
	}
	tok, err := createToken(ctx, tx, app, []kith.Scope{kith.ScopeSessions}, time.Time{}, s.now())
	return app, tok, err
}

func findOrCreateOrg(ctx context.Context, tx kith.Tx, org string, now time.Time) (*kith.Org, error) {
	if strings.HasPrefix(org, "org_") {
		return tx.OrgByID(ctx, org)
	}
	o, err := tx.OrgByName(ctx, org)
	if !errors.Is(err, kith.ErrNotFound) {
		return o, err
	}
	if _, err := identity.Text("org", org, 255); err != nil {
		return nil, err
	}
	o = &kith.Org{Name: org, CreatedAt: now}
	return o, tx.CreateOrg(ctx, o)
}

// Org returns the organization named or identified by org.
func (s *Service) Org(ctx context.Context, org string) (*kith.Org, error) {
	if strings.HasPrefix(org, "org_") {
		return s.Store.OrgByID(ctx, org)
	}
	return s.Store.OrgByName(ctx, org)
}

// App returns an app by id.
func (s *Service) App(ctx context.Context, appID string) (*kith.App, error) {
	return s.Store.App(ctx, appID)
}

// UpdateSettings applies name=value settings to an app, all or none.
func (s *Service) UpdateSettings(ctx context.Context, appID string, set []string) (*kith.App, error) {
	var app *kith.App
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		var err error
		if app, err = tx.App(ctx, appID); err != nil {
			return err
		}
		for _, kv := range set {
			name, value, ok := strings.Cut(kv, "=")
			if !ok {
				return kith.Errorf(kith.CodeInvalidField, kv, "settings are name=value, such as email_unique=false")
			}
			if err := SetSetting(&app.Settings, name, value); err != nil {
				return err
			}
		}
		return tx.UpdateAppSettings(ctx, app.ID, app.Settings)
	})
	return app, err
}

// RotateSessionSecret gives an app a new secret to sign its session tokens
// with. Tokens signed with the old one and not yet redeemed stop working at
// once (they are meant to be redeemed within moments); widget sessions
// already started are not signed and go on.
func (s *Service) RotateSessionSecret(ctx context.Context, appID string) error {
	secret := keys.NewSessionSecret()
	return s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		return tx.UpdateAppSessionSecret(ctx, appID, secret)
	})
}

// CreateToken makes a new access token for an app. A zero ttl never
// expires.
func (s *Service) CreateToken(ctx context.Context, appID string, scopes []kith.Scope, ttl time.Duration) (*NewToken, error) {
	if len(scopes) == 0 {
		return nil, kith.Errorf(kith.CodeMissingField, "scopes", "a token needs at least one scope: sessions, api")
	}
	for _, sc := range scopes {
		if sc != kith.ScopeSessions && sc != kith.ScopeAPI && sc != kith.ScopeOrg && sc != kith.ScopeKeys {
			return nil, kith.Errorf(kith.CodeInvalidField, "scopes", "unknown scope: the scopes are sessions, api, org and keys")
		}
	}
	if ttl < 0 {
		return nil, kith.Errorf(kith.CodeInvalidField, "expires", "the lifetime must be positive")
	}
	var expires time.Time
	if ttl > 0 {
		expires = s.now().Add(ttl)
	}
	var tok *NewToken
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		app, err := tx.App(ctx, appID)
		if err != nil {
			return err
		}
		tok, err = createToken(ctx, tx, app, scopes, expires, s.now())
		return err
	})
	return tok, err
}

func createToken(ctx context.Context, tx kith.Tx, app *kith.App, scopes []kith.Scope, expires, now time.Time) (*NewToken, error) {
	t := &kith.AccessToken{ID: keys.AAT.NewID(), AppID: app.ID, OrgID: app.OrgID, Scopes: scopes,
		CreatedAt: now, ExpiresAt: expires}
	secret, hash := keys.AAT.New(t.ID)
	t.Hash = hash
	if err := tx.CreateAccessToken(ctx, t); err != nil {
		return nil, err
	}
	return &NewToken{AccessToken: t, Secret: secret}, nil
}

// Tokens lists an app's access tokens, revoked and expired ones included.
func (s *Service) Tokens(ctx context.Context, appID string) ([]*kith.AccessToken, error) {
	if _, err := s.Store.App(ctx, appID); err != nil {
		return nil, err
	}
	return s.Store.AccessTokens(ctx, appID)
}

// RevokeToken revokes an access token at once.
func (s *Service) RevokeToken(ctx context.Context, id string) error {
	return s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		return tx.RevokeAccessToken(ctx, id, s.now())
	})
}

// CreateField defines a custom field for the organization of an app (F5).
func (s *Service) CreateField(ctx context.Context, orgID string, object kith.Object, name string,
	typ kith.FieldType, values []string) (*kith.CustomField, error) {
	f, err := identity.NewFieldDefinition(object, name, typ, values)
	if err != nil {
		return nil, err
	}
	f.OrgID, f.CreatedAt = orgID, s.now()
	var created *kith.CustomField
	err = s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		def := *f // CreateCustomField sets the id: each run has its own copy
		err := tx.CreateCustomField(ctx, &def)
		if errors.Is(err, kith.ErrConflict) {
			return kith.Errorf(kith.CodeConflict, "name", "this organization's %s objects already have a custom field of that name", object)
		}
		created = &def
		return err
	})
	return created, err
}

// EnsureApp makes a first app, in the default organization, when the
// database has none, so that a new server can be tried at once; it returns
// that app, or nil when there were apps already.
func (s *Service) EnsureApp(ctx context.Context) (*kith.App, error) {
	var app *kith.App
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		app = nil // each run decides afresh: an earlier one may have made an app, then rolled back
		// In the transaction: of several processes starting at once on an
		// empty database, one makes the app and the others see it.
		existing, err := tx.Apps(ctx, "")
		if err != nil || len(existing) > 0 {
			return err
		}
		app, _, err = s.createApp(ctx, tx, DefaultOrg, "Default app")
		return err
	})
	return app, err
}

// DemoApp returns the app /demo embeds: the default organization's first
// app.
func (s *Service) DemoApp(ctx context.Context) (*kith.App, error) {
	org, err := s.Store.OrgByName(ctx, DefaultOrg)
	if err != nil {
		return nil, err
	}
	list, err := s.Store.Apps(ctx, org.ID)
	if err != nil {
		return nil, err
	}
	if len(list) == 0 {
		return nil, kith.NotFound("app")
	}
	return list[0], nil
}
