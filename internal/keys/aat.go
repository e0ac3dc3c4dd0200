package keys

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base32"
	"strings"
)

// AATPrefix starts every application access token, so that secret
// scanners and people recognise one.
const AATPrefix = "kith_aat_"

// secretEncoding writes random bytes in lower-case letters and digits only,
// so that a token survives copy and paste, URLs and shell quoting.
var secretEncoding = base32.NewEncoding("abcdefghijklmnopqrstuvwxyz234567").WithPadding(base32.NoPadding)

// NewAAT returns a new application access token for the token id id
// (tok_...) and the SHA-256 hash to store in its place. The token is
// kith_aat_<id body>_<secret>, the secret being 256 random bits: the id lets
// the server find the stored hash without a search over secrets.
func NewAAT(id string) (token string, hash []byte) {
	secret := make([]byte, 32)
	rand.Read(secret) // never fails: crypto/rand aborts the program instead
	token = AATPrefix + strings.TrimPrefix(id, "tok_") + "_" + secretEncoding.EncodeToString(secret)
	return token, HashAAT(token)
}

// HashAAT returns the hash under which a token is stored.
func HashAAT(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// ParseAAT returns the token id (tok_...) of a well-formed token, and false
// for anything else. It does not say whether the token is valid: compare
// HashAAT(token) with the stored hash using MatchAAT.
func ParseAAT(token string) (id string, ok bool) {
	rest, ok := strings.CutPrefix(token, AATPrefix)
	if !ok {
		return "", false
	}
	body, secret, ok := strings.Cut(rest, "_")
	if !ok || len(body) != 26 || len(secret) != 52 || !lowerAlnum(body) || !lowerAlnum(secret) {
		return "", false
	}
	return "tok_" + body, true
}

// MatchAAT reports in constant time whether token hashes to stored.
func MatchAAT(token string, stored []byte) bool {
	return subtle.ConstantTimeCompare(HashAAT(token), stored) == 1
}

func lowerAlnum(s string) bool {
	for _, c := range []byte(s) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}
