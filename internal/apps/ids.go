package apps

import (
	"crypto/rand"
	"encoding/base32"
	"strings"
)

// newTokenID returns a token id. Unlike other ids it is random rather than
// time-ordered: it is part of the token, and need not tell when the token
// was made.
func newTokenID() string {
	b := make([]byte, 16)
	rand.Read(b)
	return "tok_" + strings.ToLower(base32.HexEncoding.WithPadding(base32.NoPadding).EncodeToString(b))
}
