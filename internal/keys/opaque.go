package keys

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
)

// Opaque is a kind of opaque bearer token: <prefix><id>_<secret>, where the
// id names the stored record and the secret is 256 random bits. Only the
// SHA-256 of a token is stored, as kratos keeps its sessions: the id finds
// the record without a search over secrets, the hash proves the secret.
type Opaque struct {
	// Prefix starts every token of the kind, so that secret scanners and
	// people recognise one (kith_aat_).
	Prefix string
	// IDPrefix starts the ids of its records (tok).
	IDPrefix string
}

// The opaque tokens of Kith.
var (
	AAT           = Opaque{Prefix: "kith_aat_", IDPrefix: "tok"} // application access tokens
	WidgetSession = Opaque{Prefix: "kith_ws_", IDPrefix: "wss"}  // widget sessions
	DeviceToken   = Opaque{Prefix: "kith_dev_", IDPrefix: "dev"} // devices
	AgentSession  = Opaque{Prefix: "kith_as_", IDPrefix: "ags"}  // agents' inbox logins
)

// secretEncoding writes random bytes in lower-case letters and digits only,
// so that a token survives copy and paste, URLs and shell quoting.
var secretEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// idEncoding is base32hex in lower case, as the store's ids are.
var idEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// NewID returns a random record id of the kind. Unlike the store's ids it
// is not time-ordered: it is part of the token and need not tell its age.
func (k Opaque) NewID() string {
	b := make([]byte, 16)
	rand.Read(b) // never fails: crypto/rand aborts the program instead
	return k.IDPrefix + "_" + strings.ToLower(idEncoding.EncodeToString(b))
}

// New returns a new token for the record id and the hash to store.
func (k Opaque) New(id string) (token string, hash []byte) {
	secret := make([]byte, 32)
	rand.Read(secret)
	token = k.Prefix + strings.TrimPrefix(id, k.IDPrefix+"_") + "_" + secretEncoding.EncodeToString(secret)
	return token, Hash(token)
}

// Parse returns the record id of a well-formed token, and false for
// anything else. It does not say whether the token is valid: compare its
// Hash with the stored one using Match.
func (k Opaque) Parse(token string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(token, k.Prefix)
	if !ok {
		return "", false
	}
	body, secret, ok := strings.Cut(rest, "_")
	if !ok || len(body) != 26 || len(secret) != 52 || !lowerAlnum(body) || !lowerAlnum(secret) {
		return "", false
	}
	return k.IDPrefix + "_" + body, true
}

// Hash returns the hash under which a token is stored.
func Hash(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Match reports in constant time whether token hashes to stored.
func Match(token string, stored []byte) bool {
	return subtle.ConstantTimeCompare(Hash(token), stored) == 1
}

func lowerAlnum(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
