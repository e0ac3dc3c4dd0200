package identity

import (
	"testing"

	"github.com/kith-chat/kith/internal/kith"
)

// spoofs are values that look like another value, or like nothing, or
// reorder what an agent reads. None of them may be a reference or an
// email.
var spoofs = map[string]string{
	"zero-width space":       "ada\u200b",
	"zero-width joiner":      "a\u200dda",
	"word joiner":            "a\u2060da",
	"byte-order mark":        "\ufeffada",
	"soft hyphen":            "a\u00adda",
	"right-to-left override": "\u202eada",
	"left-to-right isolate":  "a\u2066d\u2069a",
	"arabic letter mark":     "a\u061cda",
	"right-to-left mark":     "ada\u200f",
	"hangul filler":          "ada\u3164",
	"variation selector":     "a\ufe0fda",
	"no-break space":         "a\u00a0da",
	"line separator":         "a\u2028da",
	"replacement character":  "jos\ufffd",
	"private use":            "ada\ue000",
	"noncharacter":           "ada\ufdd0",
	"unassigned":             "ada\U000e0fff",
	"decomposed é (NFD)":     "jose\u0301",
	"tag character":          "ada\U000e0041",
}

func TestUserRef_RefusesInvisibleAndReorderingCharacters_F7(t *testing.T) {
	for name, s := range spoofs {
		if _, err := UserRef("user_ref", s); !hasCode(err, kith.CodeInvalidUserRef) {
			t.Errorf("%s: %v, want invalid_user_ref", name, err)
		}
		if _, err := Ref("workspace_ref", s); !hasCode(err, kith.CodeInvalidField) {
			t.Errorf("workspace_ref with a %s: %v, want invalid_field", name, err)
		}
	}
	for _, s := range []string{"ada-42", "josé", "user@example.com", "Ünïcödé", "山田", "a b", "😀", "ÅNGSTRÖM_1", "a+b/c=d"} {
		if got, err := UserRef("user_ref", s); err != nil || got != s {
			t.Errorf("%q: %q, %v; want it taken unchanged", s, got, err)
		}
	}
}

func TestEmail_RefusesInvisibleAndReorderingCharacters_F7(t *testing.T) {
	for name, s := range spoofs {
		if _, err := Email("email", s+"@example.com"); !hasCode(err, kith.CodeInvalidEmail) {
			t.Errorf("%s: %v, want invalid_email", name, err)
		}
	}
}

func TestText_NamesRefuseBidiAndInvisibleCharacters_F7(t *testing.T) {
	for _, s := range []string{
		"Ada\u202e", "\u202eAda", "A\u2066d\u2069a", "A\u200bda", "\ufeffAda", "Ada\u2060", "Ada\u00ad",
		"\u200b", "\u200d", "\u200c\u200d", "\u3164", "\ufe0f", "Ada\u2028",
	} {
		if _, err := Text("display_name", s, MaxDisplayNameLen); !hasCode(err, kith.CodeInvalidField) {
			t.Errorf("%q: %v, want invalid_field", s, err)
		}
	}
	for _, s := range []string{
		"Ada Lovelace", "José", "👨\u200d👩\u200d👧", "می\u200cخواهم", "山田\u3000太郎", "❤\ufe0f", "Zoë Ødegaard", "O'Brien",
	} {
		if got, err := Text("display_name", s, MaxDisplayNameLen); err != nil || got != s {
			t.Errorf("%q: %q, %v; want it taken unchanged", s, got, err)
		}
	}
}

func TestMessage_RefusesBidiControlsAndInvisibleMessages_F7(t *testing.T) {
	for _, s := range []string{"\u200b\u200b\u200b", "\u200d", " \u2060 ", "pay \u202eevil\u202c", "x\u2067y\u2069", "\ufe0f"} {
		if _, err := Message("body", s, 100); !hasCode(err, kith.CodeInvalidField) {
			t.Errorf("%q: %v, want invalid_field", s, err)
		}
	}
	for _, s := range []string{"hello", "مرحبا بك", "a\u200eb", "👨\u200d👩\u200d👧", "line one\nline two", "long\u200bword"} {
		if got, err := Message("body", s, 100); err != nil || got != s {
			t.Errorf("%q: %q, %v; want it taken", s, got, err)
		}
	}
}

func hasCode(err error, code kith.Code) bool {
	e, ok := err.(*kith.Error)
	return ok && e.Code == code
}
