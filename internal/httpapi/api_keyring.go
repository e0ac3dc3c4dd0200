package httpapi

import (
	"bytes"
	"net/http"
	"time"

	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
)

// The server API of an app's keyring (section 9): verification secrets
// (M3), JWT keys (M4) and aliases (W2). It acts on the token's own app and
// needs scope keys beside api: a verification secret or a JWT key lets
// whoever holds it prove any user's identity.

// keysCaller returns the app of a keyring request, refusing a token
// without scope keys.
func keysCaller(r *http.Request) (*kith.App, error) {
	c := callerOf(r)
	if !c.token.Has(kith.ScopeKeys) {
		return nil, kith.Errorf(kith.CodeInsufficientScope, "authorization",
			"managing the app's keys needs an access token with the keys scope")
	}
	return c.app, nil
}

type secretJSON struct {
	ID        string    `json:"id"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) listVerificationSecrets(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	secrets, err := s.apps.VerificationSecrets(r.Context(), app.ID)
	if err != nil {
		return err
	}
	out := list[secretJSON]{Data: []secretJSON{}}
	for _, v := range secrets {
		out.Data = append(out.Data, secretJSON{ID: v.ID, CreatedAt: v.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createVerificationSecret(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	// No body makes a new secret; {"secret": ...} imports the one the
	// company's backend signs with already.
	var req struct {
		Secret string `json:"secret"`
	}
	body, err := readBody(r)
	if err != nil {
		return err
	}
	if len(bytes.TrimSpace(body)) > 0 {
		if err := decodeBytes(body, &req); err != nil {
			return err
		}
	}
	v, err := s.apps.CreateVerificationSecret(r.Context(), app.ID, req.Secret)
	if err != nil {
		return err
	}
	out := secretJSON{ID: v.ID, Secret: v.Secret, CreatedAt: v.CreatedAt}
	if req.Secret != "" {
		out.Secret = "" // the caller has it; an answer that repeats it is one more copy
	}
	writeJSON(w, http.StatusCreated, out)
	return nil
}

func (s *Server) deleteVerificationSecret(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	if err := s.apps.DeleteVerificationSecret(r.Context(), app.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type jwtKeyRequest struct {
	Kid       string `json:"kid"`
	Alg       string `json:"alg"`
	PublicKey string `json:"public_key"`
	JWKSURL   string `json:"jwks_url"`
}

type jwtKeyJSON struct {
	ID        string    `json:"id"`
	Kid       string    `json:"kid"`
	Alg       string    `json:"alg"`
	Kind      string    `json:"kind"`
	JWKSURL   *string   `json:"jwks_url"`
	Secret    string    `json:"secret,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

func newJWTKeyJSON(k *kith.JWTKey) jwtKeyJSON {
	v := jwtKeyJSON{ID: k.ID, Kid: k.Kid, Alg: k.Alg, Kind: "secret", CreatedAt: k.CreatedAt}
	switch {
	case k.JWKSURL != "":
		v.Kind, v.JWKSURL = "jwks", &k.JWKSURL
	case k.PublicKeyPEM != "":
		v.Kind = "public_key"
	}
	return v
}

func (s *Server) listJWTKeys(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	keys, err := s.apps.JWTKeys(r.Context(), app.ID)
	if err != nil {
		return err
	}
	out := list[jwtKeyJSON]{Data: []jwtKeyJSON{}}
	for _, k := range keys {
		out.Data = append(out.Data, newJWTKeyJSON(k))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) addJWTKey(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	var req jwtKeyRequest
	if err := decode(r, &req); err != nil {
		return err
	}
	k, err := s.apps.AddJWTKey(r.Context(), app.ID, apps.JWTKeySpec{Kid: req.Kid, Alg: req.Alg,
		PublicKeyPEM: []byte(req.PublicKey), JWKSURL: req.JWKSURL})
	if err != nil {
		return err
	}
	v := newJWTKeyJSON(k)
	v.Secret = k.Secret // shown this once, for HS256
	writeJSON(w, http.StatusCreated, v)
	return nil
}

func (s *Server) deleteJWTKey(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	if err := s.apps.DeleteJWTKey(r.Context(), app.ID, r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

type aliasJSON struct {
	Alias     string    `json:"alias"`
	CreatedAt time.Time `json:"created_at"`
}

func (s *Server) listAliases(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	aliases, err := s.apps.Aliases(r.Context(), app.ID)
	if err != nil {
		return err
	}
	out := list[aliasJSON]{Data: []aliasJSON{}}
	for _, a := range aliases {
		out.Data = append(out.Data, aliasJSON{Alias: a.Alias, CreatedAt: a.CreatedAt})
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) addAlias(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	var req struct {
		Alias string `json:"alias"`
	}
	if err := decode(r, &req); err != nil {
		return err
	}
	if err := s.apps.AddAlias(r.Context(), app.ID, req.Alias); err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, aliasJSON{Alias: req.Alias, CreatedAt: s.now().UTC()})
	return nil
}

func (s *Server) deleteAlias(w http.ResponseWriter, r *http.Request) error {
	app, err := keysCaller(r)
	if err != nil {
		return err
	}
	if err := s.apps.DeleteAlias(r.Context(), app.ID, r.PathValue("alias")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
