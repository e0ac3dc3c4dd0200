package proof_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"crypto/ed25519"
	"crypto/rand"

	"github.com/go-jose/go-jose/v4"
	"github.com/golang-jwt/jwt/v5"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/keys"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

var ctx = context.Background()

func wantCode(t *testing.T, err error, code kith.Code) {
	t.Helper()
	var ke *kith.Error
	if !errors.As(err, &ke) || ke.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

func claimOf(ref, email string) *identity.Claim {
	c := &identity.Claim{Method: kith.MethodClaimed, Trust: kith.TrustUnverified, UserRef: ref}
	if email != "" {
		c.User.Email = identity.Put(email)
	}
	return c
}

func TestVerify_UserHashOfTheRefProvesTheRefNotTheEmail_M3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		svc := &apps.Service{Store: st}
		secret, err := svc.CreateVerificationSecret(ctx, app.ID, "")
		if err != nil {
			t.Fatal(err)
		}
		v := &proof.Verifier{Keys: st}
		p, err := v.Verify(ctx, app, proof.Offer{Identity: claimOf("captain_planet", "captain@example.com"),
			UserHash: keys.UserHash(secret.Secret, "captain_planet")})
		if err != nil {
			t.Fatal(err)
		}
		c := p.Claim
		if c.Trust != kith.TrustVerified || p.Method != kith.MethodUserHash || p.Key != secret.ID {
			t.Fatalf("proven %+v, want verified by user_hash with %s", p, secret.ID)
		}
		if c.User.Email.Set || c.User.UnverifiedEmail.To != "captain@example.com" {
			t.Fatalf("email %+v, unverified %+v: an email beside a hash of the id must stay unverified", c.User.Email, c.User.UnverifiedEmail)
		}
		// Email alone: the hash covers the email, which is then verified.
		p, err = v.Verify(ctx, app, proof.Offer{Identity: claimOf("", "captain@example.com"),
			UserHash: keys.UserHash(secret.Secret, "captain@example.com")})
		if err != nil || p.Claim.User.Email.To != "captain@example.com" {
			t.Fatalf("an email-only hash: %v, %+v", err, p)
		}
	})
}

func TestVerify_WrongHashesAreRefused_M3_S2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		other, _ := storetest.NewApp(t, st)
		svc := &apps.Service{Store: st}
		v := &proof.Verifier{Keys: st}
		id := claimOf("ada", "")
		// No secret yet: nothing verifies.
		_, err := v.Verify(ctx, app, proof.Offer{Identity: id, UserHash: keys.UserHash("kith_vs_guess", "ada")})
		wantCode(t, err, kith.CodeInvalidUserAuthToken)
		mine, _ := svc.CreateVerificationSecret(ctx, app.ID, "")
		theirs, _ := svc.CreateVerificationSecret(ctx, other.ID, "")
		for name, hash := range map[string]string{
			"another app's secret": keys.UserHash(theirs.Secret, "ada"),
			"another user's hash":  keys.UserHash(mine.Secret, "bob"),
			"not a hash":           "hello",
			"truncated":            keys.UserHash(mine.Secret, "ada")[:40],
		} {
			_, err := v.Verify(ctx, app, proof.Offer{Identity: id, UserHash: hash})
			if err == nil {
				t.Fatalf("%s verified", name)
			}
			wantCode(t, err, kith.CodeInvalidUserAuthToken)
		}
		// A hash without identifiers proves nothing, and says so.
		_, err = v.Verify(ctx, app, proof.Offer{UserHash: keys.UserHash(mine.Secret, "ada")})
		wantCode(t, err, kith.CodeInvalidRequest)
	})
}

func TestVerify_SecretsRotateWithoutAGap_M3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		svc := &apps.Service{Store: st}
		v := &proof.Verifier{Keys: st}
		check := func(secret string) error {
			_, err := v.Verify(ctx, app, proof.Offer{Identity: claimOf("ada", ""), UserHash: keys.UserHash(secret, "ada")})
			return err
		}
		old, _ := svc.CreateVerificationSecret(ctx, app.ID, "")
		fresh, _ := svc.CreateVerificationSecret(ctx, app.ID, "")
		for _, s := range []*kith.VerificationSecret{old, fresh} {
			if err := check(s.Secret); err != nil {
				t.Fatalf("%s while both are active: %v", s.ID, err)
			}
		}
		if err := svc.DeleteVerificationSecret(ctx, app.ID, old.ID); err != nil {
			t.Fatal(err)
		}
		wantCode(t, check(old.Secret), kith.CodeInvalidUserAuthToken)
		if err := check(fresh.Secret); err != nil {
			t.Fatalf("the remaining secret: %v", err)
		}
		// Another app cannot delete this app's secret.
		other, _ := storetest.NewApp(t, st)
		wantCode(t, svc.DeleteVerificationSecret(ctx, other.ID, fresh.ID), kith.CodeNotFound)
	})
}

func TestVerify_JWTWithARegisteredKey_M4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		svc := &apps.Service{Store: st}
		k, err := svc.AddJWTKey(ctx, app.ID, apps.JWTKeySpec{Kid: "main", Alg: keys.AlgHS256})
		if err != nil {
			t.Fatal(err)
		}
		v := &proof.Verifier{Keys: st}
		sign := func(kid string, claims jwt.MapClaims) string {
			tok := jwt.NewWithClaims(jwt.SigningMethodHS256, claims)
			if kid != "" {
				tok.Header["kid"] = kid
			}
			s, _ := tok.SignedString([]byte(k.Secret))
			return s
		}
		exp := time.Now().Add(time.Hour).Unix()
		p, err := v.Verify(ctx, app, proof.Offer{JWT: sign("main", jwt.MapClaims{"sub": "ada", "email": "ada@example.com",
			"email_verified": true, "name": "Ada", "workspace_ref": "support", "account_ref": "acme.com", "aud": app.ID, "exp": exp})})
		if err != nil {
			t.Fatal(err)
		}
		c := p.Claim
		if c.UserRef != "ada" || c.User.Email.To != "ada@example.com" || c.WorkspaceRef != "support" || c.AccountRef != "acme.com" ||
			p.Method != kith.MethodJWT || p.Key != "main" || c.Trust != kith.TrustVerified {
			t.Fatalf("proven %+v, claim %+v", p, c)
		}
		// email_verified missing: the email is only a trait.
		p, _ = v.Verify(ctx, app, proof.Offer{JWT: sign("main", jwt.MapClaims{"sub": "bob", "email": "bob@example.com", "exp": exp})})
		if p.Claim.User.Email.Set || p.Claim.User.UnverifiedEmail.To != "bob@example.com" {
			t.Fatalf("an email without email_verified: %+v", p.Claim.User)
		}
		// One key: a token may leave out its kid. Two: it must name one.
		if _, err := v.Verify(ctx, app, proof.Offer{JWT: sign("", jwt.MapClaims{"sub": "ada", "exp": exp})}); err != nil {
			t.Fatalf("no kid with one key: %v", err)
		}
		if _, err := svc.AddJWTKey(ctx, app.ID, apps.JWTKeySpec{Kid: "second", Alg: keys.AlgHS256}); err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(ctx, app, proof.Offer{JWT: sign("", jwt.MapClaims{"sub": "ada", "exp": exp})})
		wantCode(t, err, kith.CodeInvalidJWT)
		// A placeholder sub is refused like a placeholder user_ref (F4).
		_, err = v.Verify(ctx, app, proof.Offer{JWT: sign("main", jwt.MapClaims{"sub": "undefined", "exp": exp})})
		wantCode(t, err, kith.CodeInvalidJWT)
		// Another app's token is not this app's.
		other, _ := storetest.NewApp(t, st)
		_, err = v.Verify(ctx, other, proof.Offer{JWT: sign("main", jwt.MapClaims{"sub": "ada", "exp": exp})})
		wantCode(t, err, kith.CodeInvalidJWT)
		// Deleted, the key verifies nothing.
		if err := svc.DeleteJWTKey(ctx, app.ID, k.ID); err != nil {
			t.Fatal(err)
		}
		_, err = v.Verify(ctx, app, proof.Offer{JWT: sign("main", jwt.MapClaims{"sub": "ada", "exp": exp})})
		wantCode(t, err, kith.CodeInvalidJWT)
	})
}

func TestVerify_JWTOfAKeySet_M4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		pub, priv, _ := ed25519.GenerateKey(rand.Reader)
		set := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			json.NewEncoder(w).Encode(jose.JSONWebKeySet{Keys: []jose.JSONWebKey{{Key: pub, KeyID: "ed1", Algorithm: "EdDSA"}}})
		}))
		defer set.Close()
		app, _ := storetest.NewApp(t, st)
		if _, err := (&apps.Service{Store: st}).AddJWTKey(ctx, app.ID, apps.JWTKeySpec{Kid: "set", Alg: keys.AlgEdDSA, JWKSURL: set.URL}); err != nil {
			t.Fatal(err)
		}
		tok := jwt.NewWithClaims(jwt.SigningMethodEdDSA, jwt.MapClaims{"sub": "ada", "exp": time.Now().Add(time.Hour).Unix()})
		tok.Header["kid"] = "ed1"
		signed, _ := tok.SignedString(priv)
		p, err := (&proof.Verifier{Keys: st}).Verify(ctx, app, proof.Offer{JWT: signed})
		if err != nil || p.Claim.UserRef != "ada" {
			t.Fatalf("a token of the registered key set: %v, %+v", err, p)
		}
	})
}

func TestVerify_OneWayInAtMost_S1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		v := &proof.Verifier{Keys: st}
		for _, o := range []proof.Offer{
			{SessionToken: "a.b.c", JWT: "d.e.f"},
			{SessionToken: "a.b.c", Identity: claimOf("ada", "")},
			{JWT: "d.e.f", Identity: claimOf("ada", "")},
		} {
			_, err := v.Verify(ctx, app, o)
			wantCode(t, err, kith.CodeInvalidRequest)
		}
		p, err := v.Verify(ctx, app, proof.Offer{})
		if err != nil || p.Method != kith.MethodAnonymous || p.Claim != nil || p.Token != nil {
			t.Fatalf("nothing offered: %+v, %v; want an anonymous visitor", p, err)
		}
	})
}

// TestVerify_AnImportedSecretVerifiesTheHashesTheBackendMakesAlready_M3:
// a company moving from Helpshift keeps its backend's secret and code.
func TestVerify_AnImportedSecretVerifiesTheHashesTheBackendMakesAlready_M3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		svc := &apps.Service{Store: st}
		const helpshiftSecret = "f00dfacefeedbeefcafe0123456789ab"
		if _, err := svc.CreateVerificationSecret(ctx, app.ID, helpshiftSecret); err != nil {
			t.Fatal(err)
		}
		v := &proof.Verifier{Keys: st}
		p, err := v.Verify(ctx, app, proof.Offer{Identity: claimOf("piano_man", ""), UserHash: keys.UserHash(helpshiftSecret, "piano_man")})
		if err != nil || p.Claim.Trust != kith.TrustVerified {
			t.Fatalf("a hash made with the imported secret: %v, %+v", err, p)
		}
		for _, bad := range []string{"short", strings.Repeat("x", 513), "sixteen bytes ok but spaces", "line\nbreak-1234567890", "\xff\xfe" + strings.Repeat("a", 20)} {
			_, err := svc.CreateVerificationSecret(ctx, app.ID, bad)
			var ke *kith.Error
			if !errors.As(err, &ke) || ke.Code != kith.CodeInvalidField || ke.Field != "secret" || strings.Contains(ke.Message, bad) {
				t.Errorf("importing %q: %v, want invalid_field on secret, the value not repeated", bad, err)
			}
		}
		list, err := svc.VerificationSecrets(ctx, app.ID)
		if err != nil || len(list) != 1 {
			t.Fatalf("secrets after refused imports: %d, %v; want the one imported", len(list), err)
		}
	})
}
