package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
)

// keyring runs the commands of an app's keys: its verification secrets
// (M3), its JWT keys (M4) and its aliases (W2).
//
//	kith secrets create --app APP_ID [--from-file FILE], kith secrets list --app APP_ID
//	kith secrets delete SECRET_ID --app APP_ID
//	kith jwt-keys add --app APP_ID --kid KID --alg ALG [--public-key FILE | --jwks-url URL]
//	kith jwt-keys list --app APP_ID, kith jwt-keys delete KEY_ID --app APP_ID
//	kith aliases add|delete ALIAS --app APP_ID, kith aliases list --app APP_ID
func keyring(ctx context.Context, group string, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: kith %s needs a subcommand", errUsage, group)
	}
	sub, args := args[0], args[1:]
	cmd := group + " " + sub
	fs, dbFlag := newFlags(cmd)
	asJSON := fs.Bool("json", false, "print JSON")
	appID := fs.String("app", "", "app id")
	var kid, alg, publicKey, jwksURL, fromFile *string
	positional := 0
	switch cmd {
	case "secrets create":
		fromFile = fs.String("from-file", "", "import the secret your backend signs with already, from this file (- for stdin), instead of making one")
	case "secrets list", "jwt-keys list", "aliases list":
	case "secrets delete", "jwt-keys delete", "aliases add", "aliases delete":
		positional = 1
	case "jwt-keys add":
		kid = fs.String("kid", "", "the key id the tokens name in their header")
		alg = fs.String("alg", "", "HS256, RS256, ES256 or EdDSA")
		publicKey = fs.String("public-key", "", "a PEM file with the public key (RS256, ES256, EdDSA)")
		jwksURL = fs.String("jwks-url", "", "the URL of a key set (JWKS) to fetch the keys from")
	default:
		return fmt.Errorf("%w: unknown command kith %s", errUsage, cmd)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != positional {
		return fmt.Errorf("%w: kith %s takes %d argument(s)", errUsage, cmd, positional)
	}
	if *appID == "" {
		return fmt.Errorf("%w: kith %s needs --app APP_ID", errUsage, cmd)
	}
	st, err := openStore(ctx, *dbFlag, store.Options{Conns: 2})
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &apps.Service{Store: st}
	out := printer{w: stdout, json: *asJSON}

	switch cmd {
	case "secrets create":
		imported, err := readSecretFile(*fromFile)
		if err != nil {
			return err
		}
		v, err := svc.CreateVerificationSecret(ctx, *appID, imported)
		if err != nil {
			return explain(err)
		}
		if imported != "" {
			return out.print(map[string]any{"id": v.ID, "created_at": v.CreatedAt.Format(time.RFC3339)},
				"Imported verification secret %s: user hashes your backend makes with it verify from now on.\n", v.ID)
		}
		return out.print(map[string]any{"id": v.ID, "secret": v.Secret, "created_at": v.CreatedAt.Format(time.RFC3339)},
			"Created verification secret %s. Your backend signs user hashes with it (HMAC-SHA256); shown once:\n\n  %s\n\n"+
				"The app's other secrets go on working until you delete them.\n", v.ID, v.Secret)
	case "secrets list":
		list, err := svc.VerificationSecrets(ctx, *appID)
		if err != nil {
			return explain(err)
		}
		views := make([]secretView, len(list))
		for i, v := range list {
			views[i] = secretView{ID: v.ID, CreatedAt: v.CreatedAt.Format(time.RFC3339)}
		}
		return out.table(views, []string{"SECRET ID", "CREATED"}, len(views), func(i int) []string {
			return []string{views[i].ID, views[i].CreatedAt}
		})
	case "secrets delete":
		if err := svc.DeleteVerificationSecret(ctx, *appID, pos[0]); err != nil {
			return explain(err)
		}
		return out.print(map[string]any{"id": pos[0], "deleted": true}, "Deleted verification secret %s: hashes made with it no longer verify.\n", pos[0])
	case "jwt-keys add":
		spec := apps.JWTKeySpec{Kid: *kid, Alg: *alg, JWKSURL: *jwksURL}
		if *publicKey != "" {
			if spec.PublicKeyPEM, err = os.ReadFile(*publicKey); err != nil {
				return fmt.Errorf("read --public-key: %w", err)
			}
		}
		k, err := svc.AddJWTKey(ctx, *appID, spec)
		if err != nil {
			return explain(err)
		}
		v := newJWTKeyView(k)
		if k.Secret != "" {
			return out.print(struct {
				jwtKeyView
				Secret string `json:"secret"`
			}{v, k.Secret}, "Added JWT key %s (kid %s, %s). Your backend signs tokens with this shared secret; shown once:\n\n  %s\n",
				k.ID, k.Kid, k.Alg, k.Secret)
		}
		return out.print(v, "Added JWT key %s (kid %s, %s).\n", k.ID, k.Kid, k.Alg)
	case "jwt-keys list":
		list, err := svc.JWTKeys(ctx, *appID)
		if err != nil {
			return explain(err)
		}
		views := make([]jwtKeyView, len(list))
		for i, k := range list {
			views[i] = newJWTKeyView(k)
		}
		return out.table(views, []string{"KEY ID", "KID", "ALG", "KIND", "CREATED"}, len(views), func(i int) []string {
			v := views[i]
			return []string{v.ID, v.Kid, v.Alg, v.Kind, v.CreatedAt}
		})
	case "jwt-keys delete":
		if err := svc.DeleteJWTKey(ctx, *appID, pos[0]); err != nil {
			return explain(err)
		}
		return out.print(map[string]any{"id": pos[0], "deleted": true}, "Deleted JWT key %s: tokens it signed no longer verify.\n", pos[0])
	case "aliases add":
		if err := svc.AddAlias(ctx, *appID, pos[0]); err != nil {
			return explain(err)
		}
		return out.print(map[string]any{"alias": pos[0], "app_id": *appID}, "%s now answers to %s.\n", *appID, pos[0])
	case "aliases list":
		list, err := svc.Aliases(ctx, *appID)
		if err != nil {
			return explain(err)
		}
		views := make([]aliasView, len(list))
		for i, a := range list {
			views[i] = aliasView{Alias: a.Alias, AppID: a.AppID, CreatedAt: a.CreatedAt.Format(time.RFC3339)}
		}
		return out.table(views, []string{"ALIAS", "CREATED"}, len(views), func(i int) []string {
			return []string{views[i].Alias, views[i].CreatedAt}
		})
	case "aliases delete":
		if err := svc.DeleteAlias(ctx, *appID, pos[0]); err != nil {
			return explain(err)
		}
		return out.print(map[string]any{"alias": pos[0], "deleted": true}, "Removed the alias %s.\n", pos[0])
	}
	return nil
}

type secretView struct {
	ID        string `json:"id"`
	CreatedAt string `json:"created_at"`
}

type aliasView struct {
	Alias     string `json:"alias"`
	AppID     string `json:"app_id"`
	CreatedAt string `json:"created_at"`
}

type jwtKeyView struct {
	ID        string  `json:"id"`
	Kid       string  `json:"kid"`
	Alg       string  `json:"alg"`
	Kind      string  `json:"kind"` // secret, public_key or jwks
	JWKSURL   *string `json:"jwks_url"`
	CreatedAt string  `json:"created_at"`
}

func newJWTKeyView(k *kith.JWTKey) jwtKeyView {
	v := jwtKeyView{ID: k.ID, Kid: k.Kid, Alg: k.Alg, Kind: "secret", CreatedAt: k.CreatedAt.Format(time.RFC3339)}
	switch {
	case k.JWKSURL != "":
		v.Kind, v.JWKSURL = "jwks", &k.JWKSURL
	case k.PublicKeyPEM != "":
		v.Kind = "public_key"
	}
	return v
}

// readSecretFile reads a secret to import from a file, or stdin for "-":
// never from an argument, which shells keep in their history. One
// trailing newline, as editors and echo leave, is not part of it.
func readSecretFile(path string) (string, error) {
	if path == "" {
		return "", nil
	}
	var b []byte
	var err error
	if path == "-" {
		b, err = io.ReadAll(io.LimitReader(os.Stdin, 4096))
	} else {
		b, err = os.ReadFile(path)
	}
	if err != nil {
		return "", fmt.Errorf("read --from-file: %w", err)
	}
	s := strings.TrimSuffix(strings.TrimSuffix(string(b), "\n"), "\r")
	if s == "" {
		return "", fmt.Errorf("%w: --from-file %s is empty", errUsage, path)
	}
	return s, nil
}
