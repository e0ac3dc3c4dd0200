package store

import (
	"encoding/base32"
	"strings"

	"github.com/google/uuid"
)

// idEncoding keeps the byte order of the ids: base32hex in lower case sorts
// like the bytes it encodes, so ids made later sort later.
var idEncoding = base32.HexEncoding.WithPadding(base32.NoPadding)

// newID returns a new id with a prefix that says what it names ("usr_...").
// The body is a UUIDv7, time-ordered so that inserts stay at the right edge
// of the primary key index and lists ordered by id are ordered by creation.
func newID(prefix string) string {
	u := uuid.Must(uuid.NewV7())
	return prefix + "_" + strings.ToLower(idEncoding.EncodeToString(u[:]))
}

// Id prefixes.
const (
	prefixOrg       = "org"
	prefixApp       = "app"
	prefixToken     = "tok"
	prefixField     = "fld"
	prefixUser      = "usr"
	prefixAccount   = "acc"
	prefixWorkspace = "wsp"
	prefixEvent     = "evt"
	prefixConv      = "cnv"
	prefixMessage   = "msg"
	prefixAgent     = "agt"
	prefixAgentSess = "ags"
	prefixNote      = "nte"
)
