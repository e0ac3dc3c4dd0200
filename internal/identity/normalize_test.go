package identity_test

import (
	"errors"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
)

// normCase is one input of a normalising function: the value it returns,
// or the code of the error it refuses the input with.
type normCase struct {
	name string
	in   string
	want string    // the normalised value, when code is empty
	code kith.Code // empty: the input is accepted
}

// runNorm runs a table of normCases through fn with the JSON path field.
func runNorm(t *testing.T, field string, fn func(field, s string) (string, error), cases []normCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got, err := fn(field, tc.in)
			if tc.code != "" {
				kithtest.WantError(t, err, tc.code, field)
				if got != "" {
					t.Errorf("value = %q next to an error, want empty", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("%q: unexpected error %v", tc.in, err)
			}
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("%q normalised (-want +got):\n%s", tc.in, diff)
			}
		})
	}
}

var emailCases = []normCase{
	{name: "plain", in: "a@b.com", want: "a@b.com"},
	{name: "seed email", in: "test-user@devrev.ai", want: "test-user@devrev.ai"},
	{name: "upper case lowered", in: "Test-User@DevRev.AI", want: "test-user@devrev.ai"},
	{name: "plus tag and subdomain", in: "First.Last+tag@Mail.Example.co.uk", want: "first.last+tag@mail.example.co.uk"},
	{name: "exactly 254 bytes", in: strings.Repeat("a", 242) + "@example.com", want: strings.Repeat("a", 242) + "@example.com"},

	{name: "empty", in: "", code: kith.CodeInvalidEmail},
	{name: "255 bytes", in: strings.Repeat("a", 243) + "@example.com", code: kith.CodeTooLong},
	{name: "leading space", in: " a@b.com", code: kith.CodeInvalidEmail},
	{name: "trailing space", in: "a@b.com ", code: kith.CodeInvalidEmail},
	{name: "leading tab", in: "\ta@b.com", code: kith.CodeInvalidEmail},
	{name: "trailing newline", in: "a@b.com\n", code: kith.CodeInvalidEmail},
	{name: "only spaces", in: "   ", code: kith.CodeInvalidEmail},
	{name: "display name form", in: "A <a@b.com>", code: kith.CodeInvalidEmail},
	{name: "quoted display name form", in: `"A B" <a@b.com>`, code: kith.CodeInvalidEmail},
	{name: "angle brackets only", in: "<a@b.com>", code: kith.CodeInvalidEmail},
	{name: "comment", in: "a@b.com (work)", code: kith.CodeInvalidEmail},
	{name: "quoted local part", in: `"a b"@b.com`, code: kith.CodeInvalidEmail},
	{name: "no at sign", in: "ab.com", code: kith.CodeInvalidEmail},
	{name: "two at signs", in: "a@@b.com", code: kith.CodeInvalidEmail},
	{name: "no local part", in: "@b.com", code: kith.CodeInvalidEmail},
	{name: "no dot in domain", in: "a@localhost", code: kith.CodeInvalidEmail},
	{name: "empty label in domain", in: "a@b..com", code: kith.CodeInvalidEmail},
	{name: "trailing dot in domain", in: "a@b.com.", code: kith.CodeInvalidEmail},
	{name: "hyphen starts label", in: "a@-b.com", code: kith.CodeInvalidEmail},
	{name: "underscore in domain", in: "a@b_c.com", code: kith.CodeInvalidEmail},
	{name: "domain literal", in: "a@[192.0.2.1]", code: kith.CodeInvalidEmail},
	{name: "unicode domain", in: "a@bücher.de", code: kith.CodeInvalidEmail},
	{name: "two addresses", in: "a@b.com, c@d.com", code: kith.CodeInvalidEmail},
	{name: "header injection CRLF Bcc", in: "a@b.com\r\nBcc: x@y.com", code: kith.CodeInvalidEmail},
	{name: "header injection LF Bcc", in: "a@b.com\nBcc: x@y.com", code: kith.CodeInvalidEmail},
	{name: "header injection in local part", in: "a\r\nBcc: x@y.com", code: kith.CodeInvalidEmail},
	{name: "NUL inside", in: "a\x00@b.com", code: kith.CodeInvalidEmail},
	{name: "NUL after", in: "a@b.com\x00", code: kith.CodeInvalidEmail},
	{name: "DEL inside", in: "a\x7f@b.com", code: kith.CodeInvalidEmail},
	{name: "invalid UTF-8", in: "a\xff@b.com", code: kith.CodeInvalidEmail},
}

func TestEmail_LowerCasesAndRefusesSpaces_F2(t *testing.T) {
	runNorm(t, "rev_info.user_traits.email", identity.Email, emailCases)
}

// Domains are ASCII host names: a non-ASCII letter that merely lower-cases
// to an ASCII one (KELVIN SIGN to k, capital I with a dot to i) is not
// "kith.ai" and must not be accepted as it.
func TestEmail_RefusesNonASCIIDomainLookalikes_F2(t *testing.T) {
	runNorm(t, "email", identity.Email, []normCase{
		{name: "kelvin sign", in: "a@\u212Aith.ai", code: kith.CodeInvalidEmail},
		{name: "capital I with dot", in: "a@k\u0130th.ai", code: kith.CodeInvalidEmail},
	})
}

// A valid email must come out no longer than the limit it was checked
// against, or normalising the stored value again refuses it.
func TestEmail_LowerCasingKeepsWithinLimit_F6(t *testing.T) {
	in := strings.Repeat("\u023A", 121) + "@example.com" // 254 bytes
	if len(in) != identity.MaxEmailLen {
		t.Fatalf("test input is %d bytes, want %d", len(in), identity.MaxEmailLen)
	}
	got, err := identity.Email("email", in)
	if err != nil {
		t.Skipf("refused, which is fine: %v", err)
	}
	if len(got) > identity.MaxEmailLen {
		t.Errorf("Email returned %d bytes, over the %d-byte limit", len(got), identity.MaxEmailLen)
	}
}

var phoneCases = []normCase{
	{name: "seed user phone", in: "+911122334455", want: "+911122334455"},
	{name: "seed account phone", in: "+919988998833", want: "+919988998833"},
	{name: "US", in: "+12015550123", want: "+12015550123"},
	{name: "UK", in: "+441212345678", want: "+441212345678"},

	{name: "empty", in: "", code: kith.CodeInvalidPhoneNumber},
	{name: "missing plus", in: "911122334455", code: kith.CodeInvalidPhoneNumber},
	{name: "double plus", in: "++911122334455", code: kith.CodeInvalidPhoneNumber},
	{name: "00 prefix", in: "00911122334455", code: kith.CodeInvalidPhoneNumber},
	{name: "spaces", in: "+91 11 2233 4455", code: kith.CodeInvalidPhoneNumber},
	{name: "hyphens", in: "+91-11-2233-4455", code: kith.CodeInvalidPhoneNumber},
	{name: "parentheses", in: "+1 (201) 555-0123", code: kith.CodeInvalidPhoneNumber},
	{name: "leading space", in: " +911122334455", code: kith.CodeInvalidPhoneNumber},
	{name: "trailing newline", in: "+911122334455\n", code: kith.CodeInvalidPhoneNumber},
	{name: "letters", in: "+91112233445X", code: kith.CodeInvalidPhoneNumber},
	{name: "vanity letters", in: "+1800FLOWERS", code: kith.CodeInvalidPhoneNumber},
	{name: "extension", in: "+12015550123;ext=1", code: kith.CodeInvalidPhoneNumber},
	{name: "full-width digits", in: "+９１１１２２３３４４５５", code: kith.CodeInvalidPhoneNumber},
	{name: "country code 0", in: "+0911122334455", code: kith.CodeInvalidPhoneNumber},
	{name: "plus only", in: "+", code: kith.CodeInvalidPhoneNumber},
	{name: "too short for E.164", in: "+123456", code: kith.CodeInvalidPhoneNumber},
	{name: "too long for E.164", in: "+1234567890123456", code: kith.CodeInvalidPhoneNumber},
	{name: "well-formed but unassigned country code", in: "+9991122334455", code: kith.CodeInvalidPhoneNumber},
	{name: "well-formed but too short for India", in: "+91112233", code: kith.CodeInvalidPhoneNumber},
	{name: "well-formed but invalid US area code", in: "+10005550123", code: kith.CodeInvalidPhoneNumber},
	{name: "header injection", in: "+911122334455\r\nBcc: x@y.com", code: kith.CodeInvalidPhoneNumber},
}

func TestPhoneNumber_E164Only_F2(t *testing.T) {
	runNorm(t, "rev_info.user_traits.phone_numbers[0]", identity.PhoneNumber, phoneCases)
}

var domainCases = []normCase{
	{name: "seed domain", in: "devrev.ai", want: "devrev.ai"},
	{name: "upper case lowered", in: "DevRev.AI", want: "devrev.ai"},
	{name: "hyphen", in: "my-company.com", want: "my-company.com"},
	{name: "registrable under co.uk", in: "example.co.uk", want: "example.co.uk"},
	{name: "punycode IDN", in: "xn--bcher-kva.de", want: "xn--bcher-kva.de"},
	{name: "63-byte label", in: strings.Repeat("a", 63) + ".com", want: strings.Repeat("a", 63) + ".com"},

	{name: "empty", in: "", code: kith.CodeInvalidDomain},
	{name: "https URL", in: "https://devrev.ai", code: kith.CodeInvalidDomain},
	{name: "http URL", in: "http://devrev.ai", code: kith.CodeInvalidDomain},
	{name: "scheme-relative", in: "//devrev.ai", code: kith.CodeInvalidDomain},
	{name: "www subdomain", in: "www.devrev.ai", code: kith.CodeInvalidDomain},
	{name: "subdomain under co.uk", in: "sub.example.co.uk", code: kith.CodeInvalidDomain},
	{name: "path", in: "devrev.ai/path", code: kith.CodeInvalidDomain},
	{name: "trailing slash", in: "devrev.ai/", code: kith.CodeInvalidDomain},
	{name: "port", in: "devrev.ai:443", code: kith.CodeInvalidDomain},
	{name: "query", in: "devrev.ai?x=1", code: kith.CodeInvalidDomain},
	{name: "fragment", in: "devrev.ai#top", code: kith.CodeInvalidDomain},
	{name: "email", in: "user@devrev.ai", code: kith.CodeInvalidDomain},
	{name: "inner space", in: "dev rev.ai", code: kith.CodeInvalidDomain},
	{name: "leading space", in: " devrev.ai", code: kith.CodeInvalidDomain},
	{name: "trailing newline", in: "devrev.ai\n", code: kith.CodeInvalidDomain},
	{name: "trailing dot", in: "devrev.ai.", code: kith.CodeInvalidDomain},
	{name: "leading dot", in: ".devrev.ai", code: kith.CodeInvalidDomain},
	{name: "empty label", in: "devrev..ai", code: kith.CodeInvalidDomain},
	{name: "hyphen starts label", in: "-devrev.ai", code: kith.CodeInvalidDomain},
	{name: "hyphen ends label", in: "devrev-.ai", code: kith.CodeInvalidDomain},
	{name: "underscore", in: "dev_rev.ai", code: kith.CodeInvalidDomain},
	{name: "64-byte label", in: strings.Repeat("a", 64) + ".com", code: kith.CodeInvalidDomain},
	{name: "public suffix co.uk", in: "co.uk", code: kith.CodeInvalidDomain},
	{name: "bare TLD", in: "com", code: kith.CodeInvalidDomain},
	{name: "localhost", in: "localhost", code: kith.CodeInvalidDomain},
	{name: "unknown TLD", in: "example.notatld", code: kith.CodeInvalidDomain},
	{name: "local TLD", in: "printer.local", code: kith.CodeInvalidDomain},
	{name: "IPv4", in: "192.0.2.1", code: kith.CodeInvalidDomain},
	{name: "IPv6", in: "[::1]", code: kith.CodeInvalidDomain},
	{name: "unicode IDN", in: "bücher.de", code: kith.CodeInvalidDomain},
	{name: "NUL", in: "devrev.ai\x00", code: kith.CodeInvalidDomain},
	{name: "invalid UTF-8", in: "devrev\xff.ai", code: kith.CodeInvalidDomain},
	{name: "header injection", in: "devrev.ai\r\nHost: evil.com", code: kith.CodeInvalidDomain},
}

func TestDomain_BareRegistrableNamesOnly_F2(t *testing.T) {
	runNorm(t, "rev_info.account_traits.domains[0]", identity.Domain, domainCases)
}

func TestDomain_RefusesNonASCIILookalikes_F2(t *testing.T) {
	runNorm(t, "domain", identity.Domain, []normCase{
		{name: "kelvin sign", in: "\u212Aith.ai", code: kith.CodeInvalidDomain},
		{name: "capital I with dot", in: "k\u0130th.ai", code: kith.CodeInvalidDomain},
	})
}

var userRefCases = []normCase{
	{name: "seed ref shaped like an email is allowed for M1", in: "example@devrev.ai", want: "example@devrev.ai"},
	{name: "number", in: "12345", want: "12345"},
	{name: "case kept", in: "User-42", want: "User-42"},
	{name: "inner space", in: "John Smith", want: "John Smith"},
	{name: "unicode", in: "ünïcødé-☃", want: "ünïcødé-☃"},
	{name: "word containing a placeholder", in: "nullable", want: "nullable"},
	{name: "750 bytes", in: strings.Repeat("a", 750), want: strings.Repeat("a", 750)},
	{name: "750 bytes of 2-byte runes", in: strings.Repeat("é", 375), want: strings.Repeat("é", 375)},

	{name: "empty", in: "", code: kith.CodeMissingField},
	{name: "null", in: "null", code: kith.CodeInvalidUserRef},
	{name: "NULL", in: "NULL", code: kith.CodeInvalidUserRef},
	{name: "Null with spaces", in: "  Null ", code: kith.CodeInvalidUserRef},
	{name: "undefined", in: "undefined", code: kith.CodeInvalidUserRef},
	{name: "Undefined", in: "Undefined", code: kith.CodeInvalidUserRef},
	{name: "anonymous", in: "anonymous", code: kith.CodeInvalidUserRef},
	{name: "ANONYMOUS", in: "ANONYMOUS", code: kith.CodeInvalidUserRef},
	{name: "zero", in: "0", code: kith.CodeInvalidUserRef},
	{name: "minus one", in: "-1", code: kith.CodeInvalidUserRef},
	{name: "minus one with tab", in: "\t-1", code: kith.CodeInvalidUserRef},
	{name: "nil", in: "nil", code: kith.CodeInvalidUserRef},
	{name: "None", in: "None", code: kith.CodeInvalidUserRef},
	{name: "NaN", in: "NaN", code: kith.CodeInvalidUserRef},
	{name: "guest", in: "Guest", code: kith.CodeInvalidUserRef},
	{name: "object Object", in: "[object Object]", code: kith.CodeInvalidUserRef},
	{name: "empty object", in: "{}", code: kith.CodeInvalidUserRef},
	{name: "N/A", in: "N/A", code: kith.CodeInvalidUserRef},
	{name: "only spaces", in: "   ", code: kith.CodeInvalidUserRef},
	{name: "751 bytes", in: strings.Repeat("a", 751), code: kith.CodeTooLong},
	{name: "752 bytes of 376 runes", in: strings.Repeat("é", 376), code: kith.CodeTooLong},
	{name: "leading space", in: " user-42", code: kith.CodeInvalidUserRef},
	{name: "trailing space", in: "user-42 ", code: kith.CodeInvalidUserRef},
	{name: "trailing newline", in: "user-42\n", code: kith.CodeInvalidUserRef},
	{name: "leading no-break space", in: "\u00a0user-42", code: kith.CodeInvalidUserRef},
	{name: "NUL inside", in: "user\x0042", code: kith.CodeInvalidUserRef},
	{name: "CRLF inside", in: "user\r\n42", code: kith.CodeInvalidUserRef},
	{name: "escape inside", in: "user\x1b[31m42", code: kith.CodeInvalidUserRef},
	{name: "C1 control inside", in: "user\u008542", code: kith.CodeInvalidUserRef},
	{name: "invalid UTF-8", in: "user\xff42", code: kith.CodeInvalidUserRef},
	{name: "byte-order mark hiding a placeholder", in: "\ufeffnull", code: kith.CodeInvalidUserRef},
	{name: "zero-width space inside", in: "user\u200b42", code: kith.CodeInvalidUserRef},
	{name: "right-to-left override", in: "\u202euser", code: kith.CodeInvalidUserRef},
}

func TestUserRef_RefusesPlaceholders_F4(t *testing.T) {
	runNorm(t, "rev_info.user_ref", identity.UserRef, userRefCases)
}

func TestRef_AccountAndWorkspaceRefs_F4(t *testing.T) {
	runNorm(t, "rev_info.account_ref", identity.Ref, []normCase{
		{name: "seed account ref", in: "devrev.ai", want: "devrev.ai"},
		{name: "seed workspace ref", in: "devrev-dev", want: "devrev-dev"},
		{name: "255 bytes", in: strings.Repeat("a", 255), want: strings.Repeat("a", 255)},

		{name: "empty", in: "", code: kith.CodeMissingField},
		{name: "placeholder", in: "undefined", code: kith.CodeInvalidField},
		{name: "256 bytes", in: strings.Repeat("a", 256), code: kith.CodeTooLong},
		{name: "trailing space", in: "acme ", code: kith.CodeInvalidField},
		{name: "control character", in: "ac\x07me", code: kith.CodeInvalidField},
	})
}

func TestText_LimitsInCharactersAndRefusesControls_F6(t *testing.T) {
	text := func(field, s string) (string, error) { return identity.Text(field, s, identity.MaxDisplayNameLen) }
	runNorm(t, "rev_info.user_traits.display_name", valueIgnoredOnError(text), []normCase{
		{name: "seed display name", in: "Devrev Test USer", want: "Devrev Test USer"},
		{name: "empty", in: "", want: ""},
		{name: "255 two-byte runes", in: strings.Repeat("é", 255), want: strings.Repeat("é", 255)},

		{name: "256 runes", in: strings.Repeat("é", 256), code: kith.CodeTooLong},
		{name: "newline", in: "Ada\nLovelace", code: kith.CodeInvalidField},
		{name: "invalid UTF-8", in: "Ada\xff", code: kith.CodeInvalidField},
	})
}

// valueIgnoredOnError drops the value fn returns next to an error: Text and
// URL return their input along with a control-character error, and their
// callers look only at the error.
func valueIgnoredOnError(fn func(field, s string) (string, error)) func(field, s string) (string, error) {
	return func(field, s string) (string, error) {
		v, err := fn(field, s)
		if err != nil {
			return "", err
		}
		return v, nil
	}
}

func TestLanguage_CanonicalBCP47(t *testing.T) {
	runNorm(t, "language", identity.Language, []normCase{
		{name: "en", in: "en", want: "en"},
		{name: "pt-BR lower-case region", in: "pt-br", want: "pt-BR"},

		{name: "empty", in: "", code: kith.CodeInvalidField},
		{name: "not a tag", in: "english please", code: kith.CodeInvalidField},
		{name: "longer than 35 bytes", in: "en-" + strings.Repeat("abcdefgh-", 4) + "x", code: kith.CodeInvalidField},
	})
}

func TestURL_HTTPOnly(t *testing.T) {
	runNorm(t, "avatar_url", valueIgnoredOnError(identity.URL), []normCase{
		{name: "https", in: "https://example.com/a.png", want: "https://example.com/a.png"},
		{name: "http", in: "http://example.com/a.png", want: "http://example.com/a.png"},

		{name: "javascript", in: "javascript:alert(1)", code: kith.CodeInvalidField},
		{name: "data", in: "data:image/png;base64,AAAA", code: kith.CodeInvalidField},
		{name: "relative", in: "/a.png", code: kith.CodeInvalidField},
		{name: "too long", in: "https://example.com/" + strings.Repeat("a", identity.MaxURLLen), code: kith.CodeTooLong},
		{name: "control character", in: "https://example.com/\r\nx", code: kith.CodeInvalidField},
	})
}

func TestList_NormalisesDedupsAndLimits_F2_F6(t *testing.T) {
	const field = "rev_info.account_traits.domains"
	tests := []struct {
		name      string
		in        []string
		fn        func(field, s string) (string, error)
		want      []string
		code      kith.Code
		codeField string
	}{
		{name: "nil", in: nil, fn: identity.Domain, want: []string{}},
		{name: "seed domains", in: []string{"devrev.ai"}, fn: identity.Domain, want: []string{"devrev.ai"}},
		{
			name: "duplicates after lower-casing dropped, order kept",
			in:   []string{"Example.com", "devrev.ai", "DEVREV.AI", "example.com"},
			fn:   identity.Domain, want: []string{"example.com", "devrev.ai"},
		},
		{
			name: "phone duplicates dropped",
			in:   []string{"+919988998833", "+911122334455", "+919988998833"},
			fn:   identity.PhoneNumber, want: []string{"+919988998833", "+911122334455"},
		},
		{name: "20 entries", in: manyDomains(20), fn: identity.Domain, want: manyDomains(20)},

		{name: "21 entries", in: manyDomains(21), fn: identity.Domain, code: kith.CodeTooLong, codeField: field},
		{
			name: "21 entries even if they are duplicates",
			in:   slicesRepeat("devrev.ai", 21), fn: identity.Domain, code: kith.CodeTooLong, codeField: field,
		},
		{
			name: "bad element named by index",
			in:   []string{"devrev.ai", "www.devrev.ai"}, fn: identity.Domain,
			code: kith.CodeInvalidDomain, codeField: field + "[1]",
		},
		{
			name: "bad phone named by index",
			in:   []string{"+911122334455", "+91 99 8899 8833"}, fn: identity.PhoneNumber,
			code: kith.CodeInvalidPhoneNumber, codeField: field + "[1]",
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := identity.List(field, tc.in, tc.fn)
			if tc.code != "" {
				kithtest.WantError(t, err, tc.code, tc.codeField)
				if got != nil {
					t.Errorf("list = %q next to an error, want nil", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if diff := cmp.Diff(tc.want, got, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("list (-want +got):\n%s", diff)
			}
		})
	}
}

func manyDomains(n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = "example" + string(rune('a'+i)) + ".com"
	}
	return out
}

func slicesRepeat(s string, n int) []string {
	out := make([]string, n)
	for i := range out {
		out[i] = s
	}
	return out
}

// fuzzSeeds are hostile inputs every normalising fuzzer starts from.
var fuzzSeeds = []string{
	"", " ", "\x00", "\r\n", "\xff\xfe", "a@b.com\r\nBcc: x@y.com", "+911122334455\r\nBcc: x@y.com",
	"devrev.ai\r\nHost: evil.com", "null\x00", "\u212Aith.ai", "a@\u212Aith.ai", "\u0130", "\ufeffnull",
	"\u202enull", strings.Repeat("a", 10_000), strings.Repeat("\u023A", 200) + "@example.com",
	strings.Repeat("é", 400), "=?utf-8?q?a?=@b.com", `"a\"b"@c.com`, "a@[IPv6:::1]",
}

// fuzzNorm checks the properties every normalising function has: it never
// panics; it refuses with a *kith.Error that has a code and names the
// field; and what it accepts is valid UTF-8, free of control characters (and
// of any space, unless innerSpaces), and normalises to itself.
func fuzzNorm(t *testing.T, fn func(field, s string) (string, error), in string, innerSpaces bool) (string, bool) {
	t.Helper()
	const field = "f"
	out, err := fn(field, in)
	if err != nil {
		var e *kith.Error
		if !errors.As(err, &e) {
			t.Fatalf("%q: error %v is a %T, want *kith.Error", in, err, err)
		}
		if e.Code == "" || e.Field != field {
			t.Fatalf("%q: error %v has no code or names field %q, want %q", in, err, e.Field, field)
		}
		if out != "" {
			t.Fatalf("%q: value %q next to an error", in, out)
		}
		return "", false
	}
	if !utf8.ValidString(out) {
		t.Fatalf("%q: accepted as %q, which is not valid UTF-8", in, out)
	}
	if i := strings.IndexFunc(out, unicode.IsControl); i >= 0 {
		t.Fatalf("%q: accepted as %q, which has a control character at byte %d", in, out, i)
	}
	if innerSpaces {
		if strings.TrimSpace(out) != out {
			t.Fatalf("%q: accepted as %q, which has leading or trailing spaces", in, out)
		}
	} else if i := strings.IndexFunc(out, unicode.IsSpace); i >= 0 {
		t.Fatalf("%q: accepted as %q, which has a space at byte %d", in, out, i)
	}
	if again, err := fn(field, out); err != nil || again != out {
		t.Fatalf("%q: accepted as %q, but normalising that again gives %q, %v", in, out, again, err)
	}
	return out, true
}

func addSeeds(f *testing.F, cases []normCase) {
	for _, tc := range cases {
		f.Add(tc.in)
	}
	for _, s := range fuzzSeeds {
		f.Add(s)
	}
}

func FuzzEmail(f *testing.F) {
	addSeeds(f, emailCases)
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := fuzzNorm(t, identity.Email, in, false)
		if ok && (!strings.Contains(out, "@") || out != strings.ToLower(out)) {
			t.Fatalf("%q: accepted as %q, which has no @ or is not lower-case", in, out)
		}
	})
}

func FuzzPhoneNumber(f *testing.F) {
	addSeeds(f, phoneCases)
	f.Add("+4402079460958") // a national prefix after the country code
	f.Add("+390612345678")  // Italian leading zero
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := fuzzNorm(t, identity.PhoneNumber, in, false)
		if ok && (len(out) < 8 || len(out) > 16 || out[0] != '+' || strings.Trim(out[1:], "0123456789") != "") {
			t.Fatalf("%q: accepted as %q, which is not E.164", in, out)
		}
	})
}

func FuzzDomain(f *testing.F) {
	addSeeds(f, domainCases)
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := fuzzNorm(t, identity.Domain, in, false)
		if ok && (out != strings.ToLower(out) || strings.ContainsAny(out, "/:@?#") || len(out) > 253 ||
			!strings.Contains(out, ".")) {
			t.Fatalf("%q: accepted as %q, which is not a bare lower-case domain name", in, out)
		}
	})
}

func FuzzUserRef(f *testing.F) {
	addSeeds(f, userRefCases)
	f.Fuzz(func(t *testing.T, in string) {
		out, ok := fuzzNorm(t, identity.UserRef, in, true)
		if !ok {
			return
		}
		if out != in {
			t.Fatalf("%q: accepted as %q; references compare exactly and must come back unchanged", in, out)
		}
		if len(out) > identity.MaxUserRefLen {
			t.Fatalf("%q: accepted, but longer than %d bytes", in, identity.MaxUserRefLen)
		}
	})
}
