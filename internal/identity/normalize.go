package identity

import (
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/kith-chat/kith/internal/kith"
	"github.com/nyaruka/phonenumbers"
	"golang.org/x/net/publicsuffix"
	"golang.org/x/text/language"
)

// Size limits of identifiers and traits (F6).
const (
	MaxUserRefLen     = 750 // Helpshift's userId limit, the largest of the four products
	MaxRefLen         = 255 // account_ref, workspace_ref
	MaxEmailLen       = 254 // RFC 5321 path limit
	MaxDisplayNameLen = 255
	MaxURLLen         = 2048
	MaxListLen        = 20 // phone numbers, domains
)

// Email validates an email address and returns it lower-cased: emails
// compare case-insensitively (R5). field is the JSON path named in errors.
func Email(field, s string) (string, error) {
	if s == "" {
		return "", kith.Errorf(kith.CodeInvalidEmail, field, "%s is empty", field)
	}
	if len(s) > MaxEmailLen {
		return "", kith.Errorf(kith.CodeTooLong, field, "%s is longer than %d characters", field, MaxEmailLen)
	}
	if strings.TrimSpace(s) != s {
		return "", kith.Errorf(kith.CodeInvalidEmail, field, "%s has leading or trailing spaces", field)
	}
	if err := identifierChars(field, s, kith.CodeInvalidEmail); err != nil {
		return "", err
	}
	addr, err := mail.ParseAddress(s)
	if err != nil || addr.Address != s || addr.Name != "" {
		return "", kith.Errorf(kith.CodeInvalidEmail, field, "%s is not an email address like name@example.com", field)
	}
	at := strings.LastIndexByte(s, '@')
	domain := asciiLower(s[at+1:])
	if !validHostname(domain) || !strings.Contains(domain, ".") {
		return "", kith.Errorf(kith.CodeInvalidEmail, field, "%s does not end in a valid domain", field)
	}
	// Only ASCII letters are folded, so the length cannot change and no
	// look-alike (the Kelvin sign for k) turns into another address.
	return asciiLower(s), nil
}

var e164 = regexp.MustCompile(`^\+[1-9][0-9]{6,14}$`)

// PhoneNumber validates a phone number in E.164 form (+911122334455) and
// checks with the phone-number library that it is a number some country
// could assign (F2).
func PhoneNumber(field, s string) (string, error) {
	if !e164.MatchString(s) {
		return "", kith.Errorf(kith.CodeInvalidPhoneNumber, field,
			"%s is not in E.164 form: a plus sign, the country code and the number, no spaces (+911122334455)", field)
	}
	n, err := phonenumbers.Parse(s, "")
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", kith.Errorf(kith.CodeInvalidPhoneNumber, field, "%s is not a valid phone number for any country", field)
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// Domain validates a bare registrable domain name (devrev.ai), lower-cased.
// URLs, ports, paths and subdomains such as www.devrev.ai are refused (F2),
// so that one company has one spelling of its domain.
func Domain(field, s string) (string, error) {
	d := asciiLower(s)
	if strings.Contains(d, "://") || strings.ContainsAny(d, "/:?#@ ") {
		return "", kith.Errorf(kith.CodeInvalidDomain, field,
			"%s is not a bare domain name: leave out the scheme, port and path (example.com)", field)
	}
	if !validHostname(d) {
		return "", kith.Errorf(kith.CodeInvalidDomain, field, "%s is not a valid domain name", field)
	}
	tld := d[strings.LastIndexByte(d, '.')+1:]
	if _, icann := publicsuffix.PublicSuffix(tld); !icann {
		return "", kith.Errorf(kith.CodeInvalidDomain, field, "%s does not end in a known top-level domain", field)
	}
	registrable, err := publicsuffix.EffectiveTLDPlusOne(d)
	if err != nil {
		return "", kith.Errorf(kith.CodeInvalidDomain, field, "%s is a public suffix such as co.uk, not a company's domain", field)
	}
	if registrable != d {
		return "", kith.Errorf(kith.CodeInvalidDomain, field,
			"%s is a subdomain: send the registrable domain (example.com, not www.example.com)", field)
	}
	return d, nil
}

// asciiLower lower-cases ASCII letters only. Other bytes are kept, so that
// validation afterwards still sees (and refuses, where it must) anything
// that is not ASCII.
func asciiLower(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'Z' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}

// validHostname checks the shape of a lower-case DNS name: dot-separated
// labels of letters, digits and inner hyphens, 63 bytes at most each.
func validHostname(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	for label := range strings.SplitSeq(h, ".") {
		if label == "" || len(label) > 63 || label[0] == '-' || label[len(label)-1] == '-' {
			return false
		}
		for _, c := range []byte(label) {
			if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// placeholders are values that reach us when the company's code sends a
// variable that was never set, or a stand-in for "nobody" (F4). Any of them
// used as a reference would merge every logged-out visitor into one user.
var placeholders = map[string]bool{
	"": true, "null": true, "undefined": true, "nil": true, "none": true, "nan": true,
	"anonymous": true, "anon": true, "guest": true, "unknown": true, "user": true,
	"0": true, "-1": true, "false": true, "true": true, "n/a": true, "na": true, "-": true,
	"{}": true, "[]": true, "[object object]": true, "<user_ref>": true, "<nil>": true,
}

// UserRef validates a user reference (R1, F4): not a placeholder, no
// leading or trailing spaces, no control characters, 750 bytes at most.
// References compare exactly, so the value is returned unchanged.
func UserRef(field, s string) (string, error) {
	return ref(field, s, MaxUserRefLen, kith.CodeInvalidUserRef)
}

// Ref validates an account or workspace reference like UserRef, with a
// shorter limit.
func Ref(field, s string) (string, error) { return ref(field, s, MaxRefLen, kith.CodeInvalidField) }

func ref(field, s string, maxLen int, code kith.Code) (string, error) {
	if placeholders[strings.ToLower(strings.TrimSpace(s))] {
		if s == "" {
			return "", kith.Errorf(kith.CodeMissingField, field, "%s is empty", field)
		}
		return "", kith.Errorf(code, field, "%s is a placeholder such as null or undefined, not a reference: send the id from your own system", field)
	}
	if len(s) > maxLen {
		return "", kith.Errorf(kith.CodeTooLong, field, "%s is longer than %d bytes", field, maxLen)
	}
	if strings.TrimSpace(s) != s {
		return "", kith.Errorf(code, field, "%s has leading or trailing spaces", field)
	}
	if err := identifierChars(field, s, code); err != nil {
		return "", err
	}
	return s, nil
}

// identifierChars checks the characters of a reference or an email (F7):
// valid UTF-8, nothing invisible or reordering (refChar), and in
// normalization form C, so that two values that look the same are the same.
func identifierChars(field, s string, code kith.Code) error {
	if !utf8.ValidString(s) {
		return kith.Errorf(code, field, "%s is not valid UTF-8", field)
	}
	if i := firstBad(s, refChar); i >= 0 {
		// Invisible characters (zero-width spaces, byte-order marks, bidi
		// controls) would make two references that look the same, or hide
		// a placeholder.
		return kith.Errorf(code, field,
			"%s contains a control, invisible or unprintable character (at byte %d): send letters, digits, punctuation, symbols and plain spaces", field, i)
	}
	if !nfc(s) {
		return kith.Errorf(code, field, "%s is not in Unicode normalization form C: normalize it (NFC) before sending", field)
	}
	return nil
}

// Text validates a name shown to people, such as a display name: valid
// UTF-8, at most maxLen characters, no control, bidi or invisible
// character but those that scripts and emoji need (nameChar), and at least
// one visible character when not empty (F7).
func Text(field, s string, maxLen int) (string, error) {
	if utf8.RuneCountInString(s) > maxLen {
		return "", kith.Errorf(kith.CodeTooLong, field, "%s is longer than %d characters", field, maxLen)
	}
	if err := printable(field, s); err != nil {
		return "", err
	}
	if i := firstBad(s, nameChar); i >= 0 {
		return "", kith.Errorf(kith.CodeInvalidField, field,
			"%s contains a bidi control or an invisible character (at byte %d)", field, i)
	}
	if s != "" && !anyVisible(s) {
		return "", kith.Errorf(kith.CodeInvalidField, field, "%s has no visible character", field)
	}
	return s, nil
}

// Message validates the text of a message (F6, F7): not blank, at most
// maxLen characters, valid UTF-8, no control character but newlines and
// tabs, no bidi control (embedding, override, isolate), and at least one
// visible character. Zero-width joiners and the like stay: emoji and
// several scripts need them. It returns the text without surrounding
// spaces.
func Message(field, s string, maxLen int) (string, error) {
	s = strings.TrimSpace(s)
	switch {
	case s == "":
		return "", kith.Errorf(kith.CodeMissingField, field, "%s is empty: write a message", field)
	case utf8.RuneCountInString(s) > maxLen:
		return "", kith.Errorf(kith.CodeTooLong, field, "%s is longer than %d characters", field, maxLen)
	case !utf8.ValidString(s):
		return "", kith.Errorf(kith.CodeInvalidField, field, "%s is not valid UTF-8", field)
	case strings.IndexFunc(s, func(r rune) bool { return unicode.IsControl(r) && r != '\n' && r != '\t' }) >= 0:
		return "", kith.Errorf(kith.CodeInvalidField, field, "%s contains control characters", field)
	case strings.IndexFunc(s, bidiControl) >= 0:
		return "", kith.Errorf(kith.CodeInvalidField, field,
			"%s contains a bidi control (embedding, override or isolate), which would show the text reordered", field)
	case !anyVisible(s):
		return "", kith.Errorf(kith.CodeInvalidField, field, "%s has no visible character", field)
	}
	return s, nil
}

func printable(field, s string) error {
	if !utf8.ValidString(s) {
		return kith.Errorf(kith.CodeInvalidField, field, "%s is not valid UTF-8", field)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return kith.Errorf(kith.CodeInvalidField, field, "%s contains control characters", field)
	}
	return nil
}

// Language validates a BCP 47 language tag (en, pt-BR) and returns its
// canonical spelling.
func Language(field, s string) (string, error) {
	tag, err := language.Parse(s)
	if err != nil || len(s) > 35 {
		return "", kith.Errorf(kith.CodeInvalidField, field, "%s is not a language tag like en or pt-BR", field)
	}
	return tag.String(), nil
}

// URL validates an http or https URL such as an avatar.
func URL(field, s string) (string, error) {
	if len(s) > MaxURLLen {
		return "", kith.Errorf(kith.CodeTooLong, field, "%s is longer than %d bytes", field, MaxURLLen)
	}
	if !strings.HasPrefix(s, "https://") && !strings.HasPrefix(s, "http://") {
		return "", kith.Errorf(kith.CodeInvalidField, field, "%s must be an http or https URL", field)
	}
	if err := printable(field, s); err != nil {
		return "", err
	}
	return s, nil
}

// List validates each element of a list with fn and drops duplicates,
// keeping the order in which they were sent.
func List(field string, in []string, fn func(field, s string) (string, error)) ([]string, error) {
	if len(in) > MaxListLen {
		return nil, kith.Errorf(kith.CodeTooLong, field, "%s has more than %d entries", field, MaxListLen)
	}
	out := make([]string, 0, len(in))
	seen := make(map[string]bool, len(in))
	for i, s := range in {
		v, err := fn(field+"["+strconv.Itoa(i)+"]", s)
		if err != nil {
			return nil, err
		}
		if !seen[v] {
			seen[v] = true
			out = append(out, v)
		}
	}
	return out, nil
}
