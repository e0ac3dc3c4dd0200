package apps

import (
	"context"
	"errors"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
)

// An app's keyring: the verification secrets its backend makes user hashes
// with (M3), the keys its customers' JWTs are signed with (M4), and the
// aliases its vendor's embed code knows it by (W2). The CLI and the server
// API share these.

// Imported verification secrets: what a vendor's dashboard shows is a few
// dozen characters; fewer than 16 bytes is too weak to sign with.
const (
	minImportedSecret = 16
	maxImportedSecret = 512
)

// CreateVerificationSecret adds a verification secret to an app: a new one,
// or, when imported is not empty, the one the company's backend already
// signs with (a Helpshift secret), so that moving keeps its code and its
// secret. The ones the app has already go on working until they are
// deleted.
func (s *Service) CreateVerificationSecret(ctx context.Context, appID, imported string) (*kith.VerificationSecret, error) {
	id, secret := keys.NewVerificationSecret()
	if imported != "" {
		if err := checkImportedSecret(imported); err != nil {
			return nil, err
		}
		secret = imported
	}
	var out *kith.VerificationSecret
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		app, err := tx.App(ctx, appID)
		if err != nil {
			return err
		}
		v := &kith.VerificationSecret{ID: id, OrgID: app.OrgID, AppID: app.ID, Secret: secret, CreatedAt: s.now()}
		if err := tx.CreateVerificationSecret(ctx, v); err != nil {
			return err
		}
		out = v
		return nil
	})
	return out, err
}

// checkImportedSecret refuses a secret too short to sign with, too long to
// be one, or with characters no dashboard shows (a newline pasted along).
// The message never repeats the value.
func checkImportedSecret(secret string) error {
	if len(secret) < minImportedSecret || len(secret) > maxImportedSecret {
		return kith.Errorf(kith.CodeInvalidField, "secret", "an imported secret is %d to %d bytes long", minImportedSecret, maxImportedSecret)
	}
	if !utf8.ValidString(secret) {
		return kith.Errorf(kith.CodeInvalidField, "secret", "an imported secret is valid UTF-8")
	}
	for _, r := range secret {
		if r <= ' ' || r == 0x7f {
			return kith.Errorf(kith.CodeInvalidField, "secret", "an imported secret has no spaces or control characters")
		}
	}
	return nil
}

// VerificationSecrets lists an app's verification secrets.
func (s *Service) VerificationSecrets(ctx context.Context, appID string) ([]*kith.VerificationSecret, error) {
	if _, err := s.Store.App(ctx, appID); err != nil {
		return nil, err
	}
	return s.Store.VerificationSecrets(ctx, appID)
}

// DeleteVerificationSecret deletes one of an app's verification secrets:
// user hashes made with it stop verifying at once.
func (s *Service) DeleteVerificationSecret(ctx context.Context, appID, id string) error {
	return s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		return tx.DeleteVerificationSecret(ctx, appID, id)
	})
}

// JWTKeySpec is a key to register: a kid, its algorithm, and at most one of
// a PEM public key and a JWKS URL (neither: an HS256 secret is made).
type JWTKeySpec struct {
	Kid, Alg     string
	PublicKeyPEM []byte
	JWKSURL      string
}

// AddJWTKey registers a key for the customers' JWTs of an app. For HS256 it
// makes the shared secret, returned in the key.
func (s *Service) AddJWTKey(ctx context.Context, appID string, spec JWTKeySpec) (*kith.JWTKey, error) {
	k := &kith.JWTKey{ID: keys.JWTSecret.NewID(), Kid: spec.Kid, Alg: spec.Alg, CreatedAt: s.now()}
	if !keys.ValidKid(spec.Kid) {
		return nil, kith.Errorf(kith.CodeInvalidField, "kid", "kid must be 1 to 128 letters, digits, dots, dashes or underscores")
	}
	if !slices.Contains(keys.Algs, spec.Alg) {
		return nil, kith.Errorf(kith.CodeInvalidField, "alg", "alg must be one of %s", strings.Join(keys.Algs, ", "))
	}
	switch {
	case len(spec.PublicKeyPEM) > 0 && spec.JWKSURL != "":
		return nil, kith.Errorf(kith.CodeInvalidRequest, "jwks_url", "send a public key or a JWKS URL, not both")
	case spec.Alg == keys.AlgHS256:
		if len(spec.PublicKeyPEM) > 0 || spec.JWKSURL != "" {
			return nil, kith.Errorf(kith.CodeInvalidField, "alg", "an HS256 key is a shared secret that Kith makes: send no public key or JWKS URL")
		}
		k.Secret = keys.NewJWTSecret()
	case len(spec.PublicKeyPEM) > 0:
		if _, err := keys.ParsePublicKey(spec.Alg, spec.PublicKeyPEM); err != nil {
			return nil, kith.Errorf(kith.CodeInvalidField, "public_key", "public_key: %v", err)
		}
		k.PublicKeyPEM = string(spec.PublicKeyPEM)
	case spec.JWKSURL != "":
		if err := keys.CheckJWKSURL(spec.JWKSURL); err != nil {
			return nil, kith.Errorf(kith.CodeInvalidField, "jwks_url", "jwks_url: %v", err)
		}
		k.JWKSURL = spec.JWKSURL
	default:
		return nil, kith.Errorf(kith.CodeMissingField, "public_key", "an %s key needs its public key (PEM) or a JWKS URL", spec.Alg)
	}
	err := s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		app, err := tx.App(ctx, appID)
		if err != nil {
			return err
		}
		row := *k // each run its own copy
		row.OrgID, row.AppID = app.OrgID, app.ID
		if err := tx.CreateJWTKey(ctx, &row); errors.Is(err, kith.ErrConflict) {
			return kith.Errorf(kith.CodeConflict, "kid", "this app has a key with that kid already")
		} else if err != nil {
			return err
		}
		k.OrgID, k.AppID = row.OrgID, row.AppID
		return nil
	})
	if err != nil {
		return nil, err
	}
	return k, nil
}

// JWTKeys lists an app's JWT keys.
func (s *Service) JWTKeys(ctx context.Context, appID string) ([]*kith.JWTKey, error) {
	if _, err := s.Store.App(ctx, appID); err != nil {
		return nil, err
	}
	return s.Store.JWTKeys(ctx, appID)
}

// DeleteJWTKey deletes one of an app's JWT keys: tokens it signed stop
// verifying at once.
func (s *Service) DeleteJWTKey(ctx context.Context, appID, id string) error {
	return s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		return tx.DeleteJWTKey(ctx, appID, id)
	})
}

// AddAlias gives an app another id that widgets may send as app_id: the id
// the vendor's embed code carries, written as docs/widget.md says
// (helpshift:DOMAIN/PLATFORM_ID, helpcrunch:ORGANIZATION/APPLICATION_ID,
// opencx:TOKEN, devrev:APP_ID).
func (s *Service) AddAlias(ctx context.Context, appID, alias string) error {
	if err := CheckAlias(alias); err != nil {
		return err
	}
	return s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		app, err := tx.App(ctx, appID)
		if err != nil {
			return err
		}
		err = tx.AddAppAlias(ctx, &kith.AppAlias{Alias: alias, AppID: app.ID, CreatedAt: s.now()})
		if errors.Is(err, kith.ErrConflict) {
			return kith.Errorf(kith.CodeConflict, "alias", "an app has this alias already")
		}
		return err
	})
}

// CheckAlias says whether alias may name an app: a vendor's prefix, then
// the vendor's ids, in the characters references take.
func CheckAlias(alias string) error {
	vendor, rest, ok := strings.Cut(alias, ":")
	if !ok || rest == "" || !slices.Contains([]string{"helpshift", "helpcrunch", "opencx", "devrev"}, vendor) {
		return kith.Errorf(kith.CodeInvalidField, "alias",
			"an alias is vendor:ids, such as helpshift:DOMAIN/PLATFORM_ID, helpcrunch:ORGANIZATION/APPLICATION_ID, opencx:TOKEN or devrev:APP_ID")
	}
	if _, err := identity.Ref("alias", alias); err != nil {
		return err
	}
	return nil
}

// Aliases lists an app's aliases.
func (s *Service) Aliases(ctx context.Context, appID string) ([]*kith.AppAlias, error) {
	if _, err := s.Store.App(ctx, appID); err != nil {
		return nil, err
	}
	return s.Store.AppAliases(ctx, appID)
}

// DeleteAlias removes one of an app's aliases.
func (s *Service) DeleteAlias(ctx context.Context, appID, alias string) error {
	return s.Store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		return tx.DeleteAppAlias(ctx, appID, alias)
	})
}

// AppFor finds the app a widget names: by its id, or by an alias.
func (s *Service) AppFor(ctx context.Context, idOrAlias string) (*kith.App, error) {
	if strings.HasPrefix(idOrAlias, "app_") {
		return s.Store.App(ctx, idOrAlias)
	}
	return s.Store.AppByAlias(ctx, idOrAlias)
}
