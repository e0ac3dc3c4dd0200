package keys

import (
	"strings"
	"testing"
)

// Vectors computed outside Go, with OpenSSL:
//
//	printf '%s' captain_planet | openssl dgst -sha256 -hmac kith_vs_vectorsecret
//	printf '%s' captain_planet | openssl dgst -sha256 -hmac kith_vs_vectorsecret -binary | base64
const vectorSecret = "kith_vs_vectorsecret"

var hashVectors = []struct{ message, hex, base64 string }{
	{"captain_planet", "32831832ba774547245a326e38f3ce4a22455c9876d70134e73c50c5ee404107",
		"MoMYMrp3RUckWjJuOPPOSiJFXJh21wE05zxQxe5AQQc="},
	{"captain@example.com", "c682f94a4f0d99c06cd694fff55c050265eec9d43e6bb5c98b9f495a85b79663",
		"xoL5Sk8NmcBs1pT/9VwFAmXuydQ+a7XJi59JWoW3lmM="},
}

func TestUserHash_MatchesOpenSSL_M3(t *testing.T) {
	for _, v := range hashVectors {
		if got := UserHash(vectorSecret, v.message); got != v.hex {
			t.Errorf("UserHash(%q) = %s, OpenSSL says %s", v.message, got, v.hex)
		}
	}
}

func TestDecodeUserHash_EveryEncodingBackendsUse_M3(t *testing.T) {
	for _, v := range hashVectors {
		std := v.base64
		url := strings.NewReplacer("+", "-", "/", "_").Replace(std)
		for name, sent := range map[string]string{
			"hex": v.hex, "HEX": strings.ToUpper(v.hex),
			"base64": std, "base64 unpadded": strings.TrimRight(std, "="),
			"base64url": url, "base64url unpadded": strings.TrimRight(url, "="),
		} {
			b, ok := DecodeUserHash(sent)
			if !ok {
				t.Errorf("%s %q: not read", name, sent)
				continue
			}
			if _, ok := MatchUserHash([]string{vectorSecret}, v.message, b); !ok {
				t.Errorf("%s of %q does not match", name, v.message)
			}
		}
	}
	for _, bad := range []string{"", "abc", strings.Repeat("a", 63), strings.Repeat("z", 64), "MoMYMrp3RUck", strings.Repeat("A", 200)} {
		if _, ok := DecodeUserHash(bad); ok {
			t.Errorf("%q read as a hash", bad)
		}
	}
}

func TestMatchUserHash_TriesEverySecret_M3(t *testing.T) {
	b, _ := DecodeUserHash(hashVectors[0].hex)
	i, ok := MatchUserHash([]string{"kith_vs_other", vectorSecret, "kith_vs_third"}, hashVectors[0].message, b)
	if !ok || i != 1 {
		t.Fatalf("matched %d (%v), want the second secret", i, ok)
	}
	if _, ok := MatchUserHash([]string{"kith_vs_other"}, hashVectors[0].message, b); ok {
		t.Fatal("a hash matched a secret that did not make it")
	}
	if _, ok := MatchUserHash([]string{vectorSecret}, "captain_planet ", b); ok {
		t.Fatal("a hash matched another message")
	}
	if _, ok := MatchUserHash(nil, hashVectors[0].message, b); ok {
		t.Fatal("a hash matched with no secret at all")
	}
}

func FuzzDecodeUserHash(f *testing.F) {
	for _, v := range hashVectors {
		f.Add(v.hex)
		f.Add(v.base64)
	}
	f.Add("")
	f.Add(strings.Repeat("=", 100))
	f.Fuzz(func(t *testing.T, s string) {
		if b, ok := DecodeUserHash(s); ok && len(b) != 32 {
			t.Fatalf("%q decoded to %d bytes", s, len(b))
		}
	})
}
