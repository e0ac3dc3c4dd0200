package keys

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"strings"
)

// VerificationSecret is the kind of an app's verification secrets, the
// keys its backend makes user hashes with (M3). Unlike the opaque tokens
// they are kept as they are: checking an HMAC needs the key itself.
var VerificationSecret = Opaque{Prefix: "kith_vs_", IDPrefix: "vsk"}

// NewVerificationSecret returns a new verification secret and its record
// id. The secret is the whole string, prefix included: it is what the
// company's backend passes to its HMAC function as the key.
func NewVerificationSecret() (id, secret string) {
	id = VerificationSecret.NewID()
	b := make([]byte, 32)
	rand.Read(b)
	return id, VerificationSecret.Prefix + secretEncoding.EncodeToString(b)
}

// UserHash returns the HMAC-SHA256 of message under secret, in hex: what
// the company's backend sends as Helpshift's userAuthToken, HelpCrunch's
// security_hash or a user_hash (M3).
func UserHash(secret, message string) string {
	return hex.EncodeToString(userHash(secret, message))
}

func userHash(secret, message string) []byte {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(message))
	return m.Sum(nil)
}

// hashEncodings are the ways backends write an HMAC-SHA256: hex (either
// case), and base64 standard or URL-safe, padded or not.
var hashEncodings = []func(string) ([]byte, error){
	func(s string) ([]byte, error) { return hex.DecodeString(strings.ToLower(s)) },
	base64.StdEncoding.DecodeString, base64.RawStdEncoding.DecodeString,
	base64.URLEncoding.DecodeString, base64.RawURLEncoding.DecodeString,
}

// DecodeUserHash reads a user hash in any of the accepted encodings, and
// reports false when it is none of them or not 32 bytes long.
func DecodeUserHash(sent string) ([]byte, bool) {
	if len(sent) > 128 {
		return nil, false
	}
	for _, decode := range hashEncodings {
		if b, err := decode(sent); err == nil && len(b) == sha256.Size {
			return b, true
		}
	}
	return nil, false
}

// MatchUserHash reports which of the secrets made the decoded hash of
// message, comparing in constant time and trying every secret, so that
// the time taken does not say which one matched or whether any did.
func MatchUserHash(secrets []string, message string, sent []byte) (index int, ok bool) {
	index = -1
	for i, secret := range secrets {
		if hmac.Equal(userHash(secret, message), sent) && index < 0 {
			index = i
		}
	}
	return index, index >= 0
}
