package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
)

// decodeTestRequest has what m1Request lacks: lists of objects, directly
// and inside opt, and a field whose JSON name differs from its Go name.
type decodeTestRequest struct {
	Items    []decodeTestItem      `json:"items"`
	OptItems opt[[]decodeTestItem] `json:"opt_items"`
	Renamed  string                `json:"renamed_field"`
	Nested   *decodeTestRequest    `json:"nested"`
}

type decodeTestItem struct {
	Name string          `json:"name"`
	Sub  *decodeTestItem `json:"sub"`
	Tags []string        `json:"tags"`
}

func TestDecode_SeedRequest_M1(t *testing.T) {
	var req m1Request
	if err := decodeBytes([]byte(kithtest.SeedM1Body), &req); err != nil {
		t.Fatalf("the seed's body: %v", err)
	}
	ri := req.RevInfo
	if ri == nil || ri.UserTraits == nil || ri.AccountTraits == nil || ri.WorkspaceTraits == nil {
		t.Fatalf("rev_info or its traits missing: %+v", ri)
	}
	if diff := cmp.Diff(opt[string]{Set: true, V: "example@devrev.ai"}, ri.UserRef); diff != "" {
		t.Errorf("user_ref (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(opt[[]string]{Set: true, V: []string{"devrev.ai"}}, ri.AccountTraits.Domains); diff != "" {
		t.Errorf("domains (-want +got):\n%s", diff)
	}
	if got := string(ri.UserTraits.CustomFields["tnt__<field1_name>"]); got != `"value 1"` {
		t.Errorf("custom field = %s, want the raw JSON \"value 1\"", got)
	}
	if req.ExpiresIn.Set {
		t.Errorf("expires_in = %+v, want absent", req.ExpiresIn)
	}
}

func TestDecode_UnknownFieldNamesPath_F1(t *testing.T) {
	m1 := func() any { return &m1Request{} }
	own := func() any { return &decodeTestRequest{} }
	tests := []struct {
		name string
		dst  func() any
		body string
		path string
	}{
		{name: "top level", dst: m1, body: `{"rev_info":{"user_ref":"u"},"expires":1}`, path: "expires"},
		{name: "in rev_info", dst: m1, body: `{"rev_info":{"user_reff":"u"}}`, path: "rev_info.user_reff"},
		{name: "in user_traits", dst: m1, body: `{"rev_info":{"user_ref":"u","user_traits":{"emial":"a@b.com"}}}`, path: "rev_info.user_traits.emial"},
		{name: "in account_traits", dst: m1, body: `{"rev_info":{"account_traits":{"domain":["devrev.ai"]}}}`, path: "rev_info.account_traits.domain"},
		{name: "in workspace_traits", dst: m1, body: `{"rev_info":{"workspace_traits":{"name":"x"}}}`, path: "rev_info.workspace_traits.name"},
		{name: "after known fields", dst: m1, body: `{"rev_info":{"user_ref":"u","account_ref":"a","zzz":1}}`, path: "rev_info.zzz"},
		{name: "Helpshift name in a DevRev body", dst: m1, body: `{"rev_info":{"userId":"u"}}`, path: "rev_info.userId"},
		{name: "in a list", dst: own, body: `{"items":[{"name":"a"},{"nmae":"b"}]}`, path: "items[1].nmae"},
		{name: "nested in a list", dst: own, body: `{"items":[{"name":"a","sub":{"name":"b","bad":1}}]}`, path: "items[0].sub.bad"},
		{
			name: "in a list inside opt", dst: own, body: `{"opt_items":[{"name":"a"},{"name":"b"},{"x":1}]}`, path: "opt_items[2].x",
		},
		{name: "renamed field by its Go name", dst: own, body: `{"Renamed":"x"}`, path: "Renamed"},
		{name: "deep pointer nesting", dst: own, body: `{"nested":{"nested":{"items":[{"tags":[],"oops":true}]}}}`, path: "nested.nested.items[0].oops"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := decodeBytes([]byte(tc.body), tc.dst())
			kithtest.WantError(t, err, kith.CodeUnknownField, tc.path)
			if err != nil && !strings.Contains(err.Error(), tc.path) {
				t.Errorf("message %q does not name %s", err.Error(), tc.path)
			}
		})
	}
}

func TestDecode_KeysMatchExactly_F7(t *testing.T) {
	// encoding/json matched keys without regard to case, and with Unicode
	// folding (ſ for s): a validator and the code behind it could then
	// disagree about what was sent. Every variant is an unknown field.
	for _, body := range []string{
		`{"RENAMED_FIELD":"x"}`, `{"Renamed_Field":"x"}`, `{"items":[{"NAME":"a"}]}`,
		`{"rev_info":{"User_Ref":"u"}}`, `{"rev_info":{"uſer_ref":"u"}}`, `{"rev_info":{"user_Kef":"u"}}`,
	} {
		var dst any = &decodeTestRequest{}
		if strings.Contains(body, "rev_info") {
			dst = &m1Request{}
		}
		err := decodeBytes([]byte(body), dst)
		var e *kith.Error
		if !errors.As(err, &e) || e.Code != kith.CodeUnknownField {
			t.Errorf("%s: %v, want unknown_field", body, err)
		}
	}
	var req decodeTestRequest
	if err := decodeBytes([]byte(`{"renamed_field":"x","items":[{"name":"a"}]}`), &req); err != nil || req.Renamed != "x" {
		t.Fatalf("exact keys: %v, %+v", err, req)
	}
}

func TestDecode_DuplicateKeyIs400NamingIt_F7(t *testing.T) {
	// encoding/json let the last copy of a key win silently.
	for body, field := range map[string]string{
		`{"rev_info":{"user_ref":"a","user_ref":"b"}}`:                           "rev_info.user_ref",
		`{"rev_info":{"user_ref":"u"},"rev_info":{"user_ref":"v"}}`:              "rev_info",
		`{"rev_info":{"user_traits":{"custom_fields":{"tnt__a":1,"tnt__a":2}}}}`: "rev_info.user_traits.custom_fields.tnt__a",
		`{"rev_info":{"user_ref":"u","user_ref":"v"}}`:                           "rev_info.user_ref",
	} {
		err := decodeBytes([]byte(body), &m1Request{})
		kithtest.WantError(t, err, kith.CodeInvalidRequest, field)
	}
}

func TestDecode_InvalidUTF8AndLoneSurrogatesAre400NamingTheField_F7(t *testing.T) {
	// encoding/json turned both into U+FFFD, so that jos\xe9 and jos\xe8
	// (Latin-1 é and è) became the same reference.
	for body, field := range map[string]string{
		"{\"rev_info\":{\"user_ref\":\"jos\xe9\"}}":                          "rev_info.user_ref",
		`{"rev_info":{"user_ref":"\ud800"}}`:                                 "rev_info.user_ref",
		`{"rev_info":{"user_ref":"a\udc00b"}}`:                               "rev_info.user_ref",
		`{"rev_info":{"user_ref":"\ud800\u0041"}}`:                           "rev_info.user_ref",
		"{\"rev_info\":{\"user_traits\":{\"phone_numbers\":[\"+91\xff\"]}}}": "rev_info.user_traits.phone_numbers[0]",
		`{"rev_info":{"user_traits":{"custom_fields":{"tnt__x":"\udfff"}}}}`: "rev_info.user_traits.custom_fields.tnt__x",
		"{\"rev_info\":{\"user_traits\":{\"display_name\":\"\xc3\x28\"}}}":   "rev_info.user_traits.display_name",
	} {
		err := decodeBytes([]byte(body), &m1Request{})
		kithtest.WantError(t, err, kith.CodeInvalidField, field)
		if strings.Contains(err.Error(), "jos") {
			t.Errorf("the message repeats the value: %v", err)
		}
	}
	// A valid pair of surrogates is one character, and welcome.
	var req m1Request
	if err := decodeBytes([]byte(`{"rev_info":{"user_ref":"\ud83d\ude00"}}`), &req); err != nil || req.RevInfo.UserRef.V != "😀" {
		t.Fatalf("a surrogate pair: %v, %q", err, req.RevInfo.UserRef.V)
	}
}

func TestDecode_TypeErrorNamesField_F1(t *testing.T) {
	m1 := func() any { return &m1Request{} }
	tests := []struct {
		name  string
		dst   func() any
		body  string
		code  kith.Code
		field string
	}{
		{name: "user_ref number", dst: m1, body: `{"rev_info":{"user_ref":5}}`, code: kith.CodeInvalidField, field: "rev_info.user_ref"},
		{name: "user_ref object", dst: m1, body: `{"rev_info":{"user_ref":{"id":"u"}}}`, code: kith.CodeInvalidField, field: "rev_info.user_ref"},
		{name: "user_ref bool", dst: m1, body: `{"rev_info":{"user_ref":true}}`, code: kith.CodeInvalidField, field: "rev_info.user_ref"},
		{name: "expires_in string", dst: m1, body: `{"expires_in":"7"}`, code: kith.CodeInvalidField, field: "expires_in"},
		{name: "expires_in out of range", dst: m1, body: `{"expires_in":1e400}`, code: kith.CodeInvalidField, field: "expires_in"},
		{name: "rev_info string", dst: m1, body: `{"rev_info":"u"}`, code: kith.CodeInvalidField, field: "rev_info"},
		{name: "rev_info list", dst: m1, body: `{"rev_info":[]}`, code: kith.CodeInvalidField, field: "rev_info"},
		{name: "email number", dst: m1, body: `{"rev_info":{"user_traits":{"email":1}}}`, code: kith.CodeInvalidField, field: "rev_info.user_traits.email"},
		{name: "phone_numbers a string", dst: m1, body: `{"rev_info":{"user_traits":{"phone_numbers":"+911122334455"}}}`,
			code: kith.CodeInvalidField, field: "rev_info.user_traits.phone_numbers"},
		{name: "phone number a number", dst: m1, body: `{"rev_info":{"user_traits":{"phone_numbers":[911122334455]}}}`,
			code: kith.CodeInvalidField, field: "rev_info.user_traits.phone_numbers[0]"},
		{name: "domains an object", dst: m1, body: `{"rev_info":{"account_traits":{"domains":{}}}}`,
			code: kith.CodeInvalidField, field: "rev_info.account_traits.domains"},
		{name: "custom_fields a list", dst: m1, body: `{"rev_info":{"user_traits":{"custom_fields":[]}}}`,
			code: kith.CodeInvalidField, field: "rev_info.user_traits.custom_fields"},
		{name: "in a list of objects", dst: func() any { return &decodeTestRequest{} }, body: `{"items":[{"name":"a"},{"name":5}]}`,
			code: kith.CodeInvalidField, field: "items[1].name"},

		{name: "body a list", dst: m1, body: `[]`, code: kith.CodeInvalidRequest},
		{name: "body a string", dst: m1, body: `"rev_info"`, code: kith.CodeInvalidRequest},
		{name: "body a number", dst: m1, body: `5`, code: kith.CodeInvalidRequest},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := decodeBytes([]byte(tc.body), tc.dst())
			kithtest.WantError(t, err, tc.code, tc.field)
			if tc.field != "" && err != nil && !strings.Contains(err.Error(), tc.field+" must be ") {
				t.Errorf("message %q does not say what %s must be", err.Error(), tc.field)
			}
		})
	}
}

func TestDecode_NullVsAbsent_R2(t *testing.T) {
	tests := []struct {
		name  string
		body  string
		email opt[string]
		phone opt[[]string]
		exp   opt[float64]
	}{
		{name: "absent", body: `{"rev_info":{"user_traits":{}}}`},
		{
			name:  "null",
			body:  `{"expires_in":null,"rev_info":{"user_traits":{"email":null,"phone_numbers":null}}}`,
			email: opt[string]{Set: true, Null: true}, phone: opt[[]string]{Set: true, Null: true},
			exp: opt[float64]{Set: true, Null: true},
		},
		{
			name:  "empty values are set, not null",
			body:  `{"expires_in":0,"rev_info":{"user_traits":{"email":"","phone_numbers":[]}}}`,
			email: opt[string]{Set: true}, phone: opt[[]string]{Set: true, V: []string{}},
			exp: opt[float64]{Set: true},
		},
		{
			name:  "values",
			body:  `{"expires_in":1.5,"rev_info":{"user_traits":{"email":"a@b.com","phone_numbers":["+911122334455"]}}}`,
			email: opt[string]{Set: true, V: "a@b.com"}, phone: opt[[]string]{Set: true, V: []string{"+911122334455"}},
			exp: opt[float64]{Set: true, V: 1.5},
		},
		{
			name:  "the string null is a value",
			body:  `{"rev_info":{"user_traits":{"email":"null"}}}`,
			email: opt[string]{Set: true, V: "null"},
		},
		{
			name:  "null with spaces around",
			body:  `{"rev_info":{"user_traits":{"email": null }}}`,
			email: opt[string]{Set: true, Null: true},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			var req m1Request
			if err := decodeBytes([]byte(tc.body), &req); err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			u := req.RevInfo.UserTraits
			if diff := cmp.Diff(tc.email, u.Email); diff != "" {
				t.Errorf("email (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.phone, u.PhoneNumbers); diff != "" {
				t.Errorf("phone_numbers (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.exp, req.ExpiresIn); diff != "" {
				t.Errorf("expires_in (-want +got):\n%s", diff)
			}
			if u.DisplayName.Set {
				t.Errorf("display_name = %+v, want absent", u.DisplayName)
			}
		})
	}
}

func TestDecode_RefusesEmptyBadAndTrailingBodies_F1(t *testing.T) {
	tests := []struct {
		name string
		body string
	}{
		{name: "empty", body: ``},
		{name: "spaces", body: " \n\t "},
		{name: "two objects", body: `{} {}`},
		{name: "object then garbage", body: `{"rev_info":null} x`},
		{name: "cut short", body: `{"rev_info":{"user_ref":"u"`},
		{name: "syntax error", body: `{"rev_info",}`},
		{name: "single quotes", body: `{'rev_info':{}}`},
		{name: "trailing comma", body: `{"rev_info":{},}`},
		{name: "NUL", body: "\x00"},
		{name: "invalid UTF-8 outside strings", body: "{\xff}"},
		{name: "object then ]", body: `{"rev_info":{"user_ref":"u"}}]`},
		{name: "object then }", body: `{"rev_info":{"user_ref":"u"}}}`},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			err := decodeBytes([]byte(tc.body), &m1Request{})
			kithtest.WantError(t, err, kith.CodeInvalidRequest, "")
		})
	}
}

func TestDecode_TooLarge_F6(t *testing.T) {
	r := httptest.NewRequest(http.MethodPost, "/auth-tokens.create", strings.NewReader(kithtest.SeedM1Body))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, 64)
	err := decode(r, &m1Request{})
	kithtest.WantError(t, err, kith.CodeTooLarge, "")

	r = httptest.NewRequest(http.MethodPost, "/auth-tokens.create", strings.NewReader(kithtest.SeedM1Body))
	r.Body = http.MaxBytesReader(httptest.NewRecorder(), r.Body, int64(len(kithtest.SeedM1Body)))
	if err := decode(r, &m1Request{}); err != nil {
		t.Errorf("a body exactly at the limit: %v", err)
	}
}

// FuzzDecode checks that decodeBytes never panics on any body and fails
// only with a *kith.Error that has a code.
func FuzzDecode(f *testing.F) {
	for _, s := range []string{
		kithtest.SeedM1Body, `{}`, `null`, ``, `[]`, `{"rev_info":{"user_ref":5}}`, `{"rev_info":{"user_reff":"u"}}`,
		`{"rev_info":{"bogus":1},"rev_info":{}}`, `{"rev_info":{}}]`, `{"expires_in":1e400}`,
		`{"rev_info":{"user_traits":{"email":"a@b.com\r\nBcc: x@y.com"}}}`, "\x00", "{\"\xff\":1}", "{\xff}",
		`{"rev_info":{"user_traits":{"custom_fields":{"tnt__x":` + strings.Repeat("[", 5000) + `}}}}`,
		strings.Repeat(`{"rev_info":`, 2000), `{"REV_INFO":{"USER_REF":"u"}}`, `{"rev_info":{"user_\u0052ef":"u"}}`,
		`{"rev_info":{"user_traits":{"phone_numbers":[null,1,"x"]}}}`, `{"` + strings.Repeat("k", 10_000) + `":1}`,
		`{"rev_info":{"user_ref":"\ud800"}}`, `{"rev_info":{"user_ref":"u"}} {"rev_info":{}}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		var req m1Request
		err := decodeBytes(body, &req)
		if err == nil {
			return
		}
		var e *kith.Error
		if !errors.As(err, &e) {
			t.Fatalf("%q: error %v is a %T, want *kith.Error", body, err, err)
		}
		if e.Code == "" {
			t.Fatalf("%q: error %v has no code", body, err)
		}
		switch e.Code {
		case kith.CodeInvalidRequest, kith.CodeInvalidField, kith.CodeUnknownField:
		default:
			t.Fatalf("%q: code %s, want invalid_request, invalid_field or unknown_field", body, e.Code)
		}
		if e.Code == kith.CodeInvalidField && e.Field == "" {
			t.Fatalf("%q: invalid_field error %v names no field", body, err)
		}
	})
}

// BenchmarkDecode measures what strict decoding costs: the seed's M1 body
// read by decodeBytes (JSON v2, exact keys, no duplicates, valid UTF-8,
// unknown keys refused, opt fields), next to the ceiling of encoding/json
// reading it loosely into a plain struct of the same shape, in the same run
// (docs/benchmarks.md).
//
//	go test ./internal/httpapi -run '^$' -bench Decode -benchmem
func BenchmarkDecode(b *testing.B) {
	body := []byte(kithtest.SeedM1Body)
	b.Run("ceiling_encoding_json", func(b *testing.B) {
		type traits struct {
			Email        string                     `json:"email"`
			DisplayName  string                     `json:"display_name"`
			PhoneNumbers []string                   `json:"phone_numbers"`
			Domains      []string                   `json:"domains"`
			CustomFields map[string]json.RawMessage `json:"custom_fields"`
		}
		var req struct {
			RevInfo struct {
				UserRef         string  `json:"user_ref"`
				AccountRef      string  `json:"account_ref"`
				WorkspaceRef    string  `json:"workspace_ref"`
				UserTraits      *traits `json:"user_traits"`
				AccountTraits   *traits `json:"account_traits"`
				WorkspaceTraits *traits `json:"workspace_traits"`
			} `json:"rev_info"`
		}
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			if err := json.Unmarshal(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
	b.Run("strict", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		for b.Loop() {
			var req m1Request
			if err := decodeBytes(body, &req); err != nil {
				b.Fatal(err)
			}
		}
	})
}
