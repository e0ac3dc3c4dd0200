package keys_test

import (
	"encoding/hex"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/keys"
)

// tokenID is a token id as apps makes them: tok_ and 26 lower-case
// base32hex characters.
const tokenID = "tok_0123456789abcdefghijklmnop"

// wellFormed is a token of the shape NewAAT makes, never issued.
var wellFormed = keys.AAT.Prefix + "0123456789abcdefghijklmnop_" + strings.Repeat("a", 52)

func TestNewAAT_RoundTripsThroughParseAAT(t *testing.T) {
	token, hash := keys.AAT.New(tokenID)
	if !strings.HasPrefix(token, keys.AAT.Prefix+"0123456789abcdefghijklmnop_") {
		t.Fatalf("token %q does not start with the prefix and the id body", token)
	}
	id, ok := keys.AAT.Parse(token)
	if !ok || id != tokenID {
		t.Fatalf("ParseAAT(new token) = %q, %v; want %q, true", id, ok, tokenID)
	}
	if diff := cmp.Diff(keys.Hash(token), hash); diff != "" {
		t.Errorf("returned hash is not HashAAT(token) (-want +got):\n%s", diff)
	}
	if !keys.Match(token, hash) {
		t.Error("MatchAAT(token, its own hash) = false")
	}
	if len(hash) != 32 {
		t.Errorf("hash is %d bytes, want a 32-byte SHA-256", len(hash))
	}
	if len(token) != len(keys.AAT.Prefix)+26+1+52 {
		t.Errorf("token is %d bytes, want prefix, 26-byte id body, _ and a 52-byte (256-bit) secret", len(token))
	}

	other, otherHash := keys.AAT.New(tokenID)
	if other == token || string(otherHash) == string(hash) {
		t.Error("two tokens for the same id are equal: the secret is not random")
	}
	if keys.Match(other, hash) {
		t.Error("a second token for the same id matches the first one's hash")
	}
}

func TestHashAAT_IsSHA256(t *testing.T) {
	// FIPS 180-2 test vector.
	want := "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
	if got := hex.EncodeToString(keys.Hash("abc")); got != want {
		t.Errorf("HashAAT(abc) = %s, want %s", got, want)
	}
}

func TestParseAAT_ShapeOnly(t *testing.T) {
	body := "0123456789abcdefghijklmnop"
	secret := strings.Repeat("a", 52)
	tests := []struct {
		name   string
		token  string
		wantID string // empty: refused
	}{
		{name: "well-formed but never issued: shape only", token: wellFormed, wantID: tokenID},
		{name: "digits 0, 1, 8 and 9 in the secret", token: keys.AAT.Prefix + body + "_" + strings.Repeat("0189", 13), wantID: tokenID},

		{name: "empty", token: ""},
		{name: "prefix only", token: keys.AAT.Prefix},
		{name: "no prefix", token: body + "_" + secret},
		{name: "other prefix", token: "kith_sat_" + body + "_" + secret},
		{name: "upper-case prefix", token: "KITH_AAT_" + body + "_" + secret},
		{name: "Bearer kept", token: "Bearer " + wellFormed},
		{name: "leading space", token: " " + wellFormed},
		{name: "trailing newline", token: wellFormed + "\n"},
		{name: "no secret", token: keys.AAT.Prefix + body},
		{name: "no separator", token: keys.AAT.Prefix + body + secret},
		{name: "empty secret", token: keys.AAT.Prefix + body + "_"},
		{name: "body 25", token: keys.AAT.Prefix + body[1:] + "_" + secret},
		{name: "body 27", token: keys.AAT.Prefix + body + "q_" + secret},
		{name: "secret 51", token: keys.AAT.Prefix + body + "_" + secret[1:]},
		{name: "secret 53", token: keys.AAT.Prefix + body + "_" + secret + "a"},
		{name: "upper-case body", token: keys.AAT.Prefix + strings.ToUpper(body) + "_" + secret},
		{name: "upper-case secret", token: keys.AAT.Prefix + body + "_" + strings.ToUpper(secret)},
		{name: "underscore in secret", token: keys.AAT.Prefix + body + "_" + secret[:51] + "_"},
		{name: "hyphen in body", token: keys.AAT.Prefix + body[:25] + "-_" + secret},
		{name: "padding in secret", token: keys.AAT.Prefix + body + "_" + secret[:51] + "="},
		{name: "NUL in secret", token: keys.AAT.Prefix + body + "_" + secret[:51] + "\x00"},
		{name: "non-ASCII in body", token: keys.AAT.Prefix + body[:24] + "é_" + secret},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			id, ok := keys.AAT.Parse(tc.token)
			if ok != (tc.wantID != "") || id != tc.wantID {
				t.Errorf("ParseAAT(%q) = %q, %v; want %q, %v", tc.token, id, ok, tc.wantID, tc.wantID != "")
			}
		})
	}
}

// MatchAAT's constant time is not something a unit test can see; these
// check only that it answers right.
func TestMatchAAT_ConstantTimeCompare(t *testing.T) {
	token, hash := keys.AAT.New(tokenID)
	flipped := []byte(token)
	flipped[len(flipped)-1] ^= 1
	tests := []struct {
		name   string
		token  string
		stored []byte
		want   bool
	}{
		{name: "its own hash", token: token, stored: hash, want: true},
		{name: "a copy of its hash", token: token, stored: append([]byte(nil), hash...), want: true},

		{name: "last character changed", token: string(flipped), stored: hash},
		{name: "another well-formed token", token: wellFormed, stored: hash},
		{name: "the token itself stored instead of its hash", token: token, stored: []byte(token)},
		{name: "nothing stored", token: token, stored: nil},
		{name: "empty stored", token: token, stored: []byte{}},
		{name: "truncated hash", token: token, stored: hash[:31]},
		{name: "hash with a byte more", token: token, stored: append(append([]byte(nil), hash...), 0)},
		{name: "empty token", token: "", stored: hash},
		{name: "token with a trailing space", token: token + " ", stored: hash},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			if got := keys.Match(tc.token, tc.stored); got != tc.want {
				t.Errorf("MatchAAT = %v, want %v", got, tc.want)
			}
		})
	}
}

// FuzzParseAAT checks that ParseAAT never panics, refuses with an empty id,
// and accepts only what has exactly the shape NewAAT writes.
func FuzzParseAAT(f *testing.F) {
	token, _ := keys.AAT.New(tokenID)
	for _, s := range []string{token, wellFormed, "", keys.AAT.Prefix, "Bearer " + token, token + "\r\n", "\x00",
		token + "_", keys.AAT.Prefix + "_", strings.Repeat("_", 88), strings.Repeat("a", 10_000), "\xff\xfe",
		keys.AAT.Prefix + "0123456789abcdefghijklmnop_" + strings.Repeat("\u00e9", 26)} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		id, ok := keys.AAT.Parse(s)
		if !ok {
			if id != "" {
				t.Fatalf("ParseAAT(%q) refused it but returned id %q", s, id)
			}
			return
		}
		if len(s) != len(keys.AAT.Prefix)+26+1+52 {
			t.Fatalf("ParseAAT(%q) accepted a token of %d bytes", s, len(s))
		}
		if !strings.HasPrefix(id, "tok_") || len(id) != 30 || s[:len(keys.AAT.Prefix)+27] != keys.AAT.Prefix+id[4:]+"_" {
			t.Fatalf("ParseAAT(%q) = %q, not the id in the token", s, id)
		}
		for _, c := range []byte(s[len(keys.AAT.Prefix):]) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_') {
				t.Fatalf("ParseAAT(%q) accepted the byte %q", s, c)
			}
		}
	})
}
