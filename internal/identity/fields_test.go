package identity_test

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
)

// fieldDefs are one organization's user field definitions, one per type.
var fieldDefs = []*kith.CustomField{
	{Object: kith.ObjectUser, Name: "tnt__plan", Type: kith.FieldEnum, Values: []string{"free", "pro"}},
	{Object: kith.ObjectUser, Name: "tnt__seats", Type: kith.FieldNumber},
	{Object: kith.ObjectUser, Name: "tnt__active", Type: kith.FieldBoolean},
	{Object: kith.ObjectUser, Name: "tnt__renewal", Type: kith.FieldDate},
	{Object: kith.ObjectUser, Name: "tnt__note", Type: kith.FieldText},
}

const fieldsPath = "rev_info.user_traits.custom_fields."

func rawField(name, value string) identity.RawField {
	return identity.RawField{Name: name, Path: fieldsPath + name, Value: json.RawMessage(value)}
}

func TestFieldName_TntPrefixLowerCase_F5(t *testing.T) {
	tests := []struct {
		name string
		ok   bool
	}{
		{"tnt__plan", true},
		{"tnt__a", true},
		{"tnt__0day", true},
		{"tnt__plan_tier_2", true},
		{"tnt__" + strings.Repeat("a", 64), true},

		{"tnt__" + strings.Repeat("a", 65), false},
		{"tnt__", false},
		{"tnt___plan", false},
		{"tnt__Plan", false},
		{"TNT__plan", false},
		{"tnt_plan", false},
		{"tnt__plan-tier", false},
		{"tnt__plan tier", false},
		{"tnt__<field1_name>", false}, // the seed's placeholder, sent as is
		{"plan", false},
		{"", false},
		{" tnt__plan", false},
		{"tnt__plan\n", false},
		{"tnt__plän", false},
	}
	for _, tc := range tests {
		t.Run(fmt.Sprintf("%q", tc.name), func(t *testing.T) {
			err := identity.FieldName("custom_fields", tc.name)
			if tc.ok {
				if err != nil {
					t.Fatalf("unexpected error %v", err)
				}
				return
			}
			kithtest.WantError(t, err, kith.CodeUnknownCustomField, "custom_fields")
		})
	}
}

func TestCheckFields_TypesAndUnknown_F5(t *testing.T) {
	tests := []struct {
		name  string
		field string
		value string
		want  any       // the checked value, when code is empty
		code  kith.Code // empty: accepted
	}{
		{name: "number integer", field: "tnt__seats", value: `42`, want: 42.0},
		{name: "number negative fraction", field: "tnt__seats", value: `-1.5`, want: -1.5},
		{name: "number exponent", field: "tnt__seats", value: `1e3`, want: 1000.0},
		{name: "number with spaces around", field: "tnt__seats", value: " 7 \n", want: 7.0},
		{name: "number null clears", field: "tnt__seats", value: `null`, want: nil},
		{name: "number from a string refused", field: "tnt__seats", value: `"42"`, code: kith.CodeInvalidCustomField},
		{name: "number NaN is not JSON", field: "tnt__seats", value: `NaN`, code: kith.CodeInvalidCustomField},
		{name: "number NaN as string", field: "tnt__seats", value: `"NaN"`, code: kith.CodeInvalidCustomField},
		{name: "number Infinity", field: "tnt__seats", value: `Infinity`, code: kith.CodeInvalidCustomField},
		{name: "number out of float64 range", field: "tnt__seats", value: `1e400`, code: kith.CodeInvalidCustomField},
		{name: "number from bool", field: "tnt__seats", value: `true`, code: kith.CodeInvalidCustomField},
		{name: "number from list", field: "tnt__seats", value: `[1]`, code: kith.CodeInvalidCustomField},
		{name: "number from object", field: "tnt__seats", value: `{}`, code: kith.CodeInvalidCustomField},
		{name: "number empty value", field: "tnt__seats", value: ``, code: kith.CodeInvalidCustomField},

		{name: "boolean true", field: "tnt__active", value: `true`, want: true},
		{name: "boolean false", field: "tnt__active", value: `false`, want: false},
		{name: "boolean null clears", field: "tnt__active", value: `null`, want: nil},
		{name: "boolean from string", field: "tnt__active", value: `"true"`, code: kith.CodeInvalidCustomField},
		{name: "boolean from number", field: "tnt__active", value: `1`, code: kith.CodeInvalidCustomField},

		{name: "date", field: "tnt__renewal", value: `"2024-02-29"`, want: "2024-02-29"},
		{name: "date null clears", field: "tnt__renewal", value: `null`, want: nil},
		{name: "date not in a leap year", field: "tnt__renewal", value: `"2023-02-29"`, code: kith.CodeInvalidCustomField},
		{name: "date month 13", field: "tnt__renewal", value: `"2024-13-01"`, code: kith.CodeInvalidCustomField},
		{name: "date without zero padding", field: "tnt__renewal", value: `"2024-1-5"`, code: kith.CodeInvalidCustomField},
		{name: "date with time", field: "tnt__renewal", value: `"2024-01-05T00:00:00Z"`, code: kith.CodeInvalidCustomField},
		{name: "date day first", field: "tnt__renewal", value: `"05/01/2024"`, code: kith.CodeInvalidCustomField},
		{name: "date as number", field: "tnt__renewal", value: `20240105`, code: kith.CodeInvalidCustomField},
		{name: "date empty", field: "tnt__renewal", value: `""`, code: kith.CodeInvalidCustomField},

		{name: "enum member", field: "tnt__plan", value: `"pro"`, want: "pro"},
		{name: "enum null clears", field: "tnt__plan", value: `null`, want: nil},
		{name: "enum other case", field: "tnt__plan", value: `"Pro"`, code: kith.CodeInvalidCustomField},
		{name: "enum not a member", field: "tnt__plan", value: `"gold"`, code: kith.CodeInvalidCustomField},
		{name: "enum empty", field: "tnt__plan", value: `""`, code: kith.CodeInvalidCustomField},
		{name: "enum from number", field: "tnt__plan", value: `1`, code: kith.CodeInvalidCustomField},

		{name: "text seed value", field: "tnt__note", value: `"value 1"`, want: "value 1"},
		{name: "text empty", field: "tnt__note", value: `""`, want: ""},
		{name: "text unicode", field: "tnt__note", value: `"h\u00e9llo ☃"`, want: "héllo ☃"},
		{name: "text 4096 runes", field: "tnt__note", value: `"` + strings.Repeat("é", 4096) + `"`, want: strings.Repeat("é", 4096)},
		{name: "text null clears", field: "tnt__note", value: `null`, want: nil},
		{name: "text 4097 runes", field: "tnt__note", value: `"` + strings.Repeat("é", 4097) + `"`, code: kith.CodeTooLong},
		{name: "text with newline", field: "tnt__note", value: `"a\nb"`, code: kith.CodeInvalidField},
		{name: "text with NUL", field: "tnt__note", value: `"a\u0000b"`, code: kith.CodeInvalidField},
		{name: "text from number", field: "tnt__note", value: `5`, code: kith.CodeInvalidCustomField},
		{name: "text from object", field: "tnt__note", value: `{"a":1}`, code: kith.CodeInvalidCustomField},

		{name: "defined for nobody", field: "tnt__missing", value: `"x"`, code: kith.CodeUnknownCustomField},
		{name: "without tnt__", field: "plan", value: `"pro"`, code: kith.CodeUnknownCustomField},
		{name: "upper-case name", field: "tnt__PLAN", value: `"pro"`, code: kith.CodeUnknownCustomField},
		{name: "seed placeholder name", field: "tnt__<field1_name>", value: `"value 1"`, code: kith.CodeUnknownCustomField},
		{name: "unknown even when null", field: "tnt__missing", value: `null`, code: kith.CodeUnknownCustomField},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := identity.CheckFields([]identity.RawField{rawField(tc.field, tc.value)}, fieldDefs)
			if tc.code != "" {
				kithtest.WantError(t, err, tc.code, fieldsPath+tc.field)
				if got != nil {
					t.Errorf("fields = %v next to an error, want nil", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			if diff := cmp.Diff(kith.Fields{tc.field: tc.want}, got); diff != "" {
				t.Errorf("fields (-want +got):\n%s", diff)
			}
		})
	}
}

func TestCheckFields_SeveralAtOnceAllOrNothing_F5_R7(t *testing.T) {
	raw := []identity.RawField{
		rawField("tnt__plan", `"free"`),
		rawField("tnt__seats", `3`),
		rawField("tnt__active", `null`),
		rawField("tnt__renewal", `"2025-12-31"`),
		rawField("tnt__note", `"hi"`),
	}
	got, err := identity.CheckFields(raw, fieldDefs)
	if err != nil {
		t.Fatalf("unexpected error %v", err)
	}
	want := kith.Fields{"tnt__plan": "free", "tnt__seats": 3.0, "tnt__active": nil, "tnt__renewal": "2025-12-31", "tnt__note": "hi"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("fields (-want +got):\n%s", diff)
	}

	// One bad value anywhere: an error naming it, and nothing to apply.
	bad := append(raw[:4:4], rawField("tnt__seats2", `1`))
	got, err = identity.CheckFields(bad, fieldDefs)
	kithtest.WantError(t, err, kith.CodeUnknownCustomField, fieldsPath+"tnt__seats2")
	if got != nil {
		t.Errorf("fields = %v next to an error, want nil", got)
	}
}

func TestCheckFields_NothingSentIsNoChange_R2(t *testing.T) {
	got, err := identity.CheckFields(nil, fieldDefs)
	if err != nil {
		t.Fatalf("unexpected error %v", err)
	}
	if len(got) != 0 {
		t.Errorf("fields = %v, want none", got)
	}
}

func TestCheckFields_AtMost100_F6(t *testing.T) {
	defs := make([]*kith.CustomField, 0, 101)
	raw := make([]identity.RawField, 0, 101)
	for i := range 101 {
		name := fmt.Sprintf("tnt__f%d", i)
		defs = append(defs, &kith.CustomField{Object: kith.ObjectUser, Name: name, Type: kith.FieldNumber})
		raw = append(raw, rawField(name, `1`))
	}
	got, err := identity.CheckFields(raw[:100], defs)
	if err != nil || len(got) != 100 {
		t.Fatalf("100 fields: got %d fields, error %v; want 100 and no error", len(got), err)
	}
	got, err = identity.CheckFields(raw, defs)
	kithtest.WantError(t, err, kith.CodeTooLong, fieldsPath+"tnt__f0")
	if got != nil {
		t.Errorf("fields = %v next to an error, want nil", got)
	}
}

func TestNewFieldDefinition_Validates_F5(t *testing.T) {
	hundreds := func(n int) []string {
		v := make([]string, n)
		for i := range v {
			v[i] = fmt.Sprintf("v%d", i)
		}
		return v
	}
	tests := []struct {
		name      string
		object    kith.Object
		field     string
		typ       kith.FieldType
		values    []string
		code      kith.Code // empty: accepted
		codeField string
	}{
		{name: "user text", object: kith.ObjectUser, field: "tnt__note", typ: kith.FieldText},
		{name: "account number", object: kith.ObjectAccount, field: "tnt__seats", typ: kith.FieldNumber},
		{name: "workspace boolean", object: kith.ObjectWorkspace, field: "tnt__active", typ: kith.FieldBoolean},
		{name: "user date", object: kith.ObjectUser, field: "tnt__renewal", typ: kith.FieldDate},
		{name: "enum", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum, values: []string{"free", "pro"}},
		{name: "enum of 200", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum, values: hundreds(200)},
		{name: "enum value of 255 runes", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum,
			values: []string{strings.Repeat("é", 255)}},
		{name: "text with an empty values list", object: kith.ObjectUser, field: "tnt__note", typ: kith.FieldText, values: []string{}},

		{name: "unknown object", object: "contact", field: "tnt__note", typ: kith.FieldText,
			code: kith.CodeInvalidField, codeField: "object"},
		{name: "empty object", object: "", field: "tnt__note", typ: kith.FieldText,
			code: kith.CodeInvalidField, codeField: "object"},
		{name: "object is checked first", object: "Users", field: "plan", typ: "string",
			code: kith.CodeInvalidField, codeField: "object"},
		{name: "name without tnt__", object: kith.ObjectUser, field: "plan", typ: kith.FieldText,
			code: kith.CodeUnknownCustomField, codeField: "name"},
		{name: "upper-case name", object: kith.ObjectUser, field: "tnt__Plan", typ: kith.FieldText,
			code: kith.CodeUnknownCustomField, codeField: "name"},
		{name: "unknown type", object: kith.ObjectUser, field: "tnt__note", typ: "string",
			code: kith.CodeInvalidField, codeField: "type"},
		{name: "empty type", object: kith.ObjectUser, field: "tnt__note", typ: "",
			code: kith.CodeInvalidField, codeField: "type"},
		{name: "text with values", object: kith.ObjectUser, field: "tnt__note", typ: kith.FieldText, values: []string{"a"},
			code: kith.CodeInvalidField, codeField: "values"},
		{name: "number with values", object: kith.ObjectUser, field: "tnt__seats", typ: kith.FieldNumber, values: []string{"1"},
			code: kith.CodeInvalidField, codeField: "values"},
		{name: "enum without values", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum,
			code: kith.CodeMissingField, codeField: "values"},
		{name: "enum of 201", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum, values: hundreds(201),
			code: kith.CodeTooLong, codeField: "values"},
		{name: "enum repeated value", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum,
			values: []string{"free", "pro", "free"}, code: kith.CodeInvalidField, codeField: "values[2]"},
		{name: "enum empty value", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum,
			values: []string{"free", ""}, code: kith.CodeInvalidField, codeField: "values[1]"},
		{name: "enum value of 256 runes", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum,
			values: []string{strings.Repeat("é", 256)}, code: kith.CodeInvalidField, codeField: "values[0]"},
		{name: "enum value with a control character", object: kith.ObjectUser, field: "tnt__plan", typ: kith.FieldEnum,
			values: []string{"pro\n"}, code: kith.CodeInvalidField, codeField: "values[0]"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := identity.NewFieldDefinition(tc.object, tc.field, tc.typ, tc.values)
			if tc.code != "" {
				kithtest.WantError(t, err, tc.code, tc.codeField)
				if got != nil {
					t.Errorf("definition = %+v next to an error, want nil", got)
				}
				return
			}
			if err != nil {
				t.Fatalf("unexpected error %v", err)
			}
			want := &kith.CustomField{Object: tc.object, Name: tc.field, Type: tc.typ, Values: tc.values}
			if diff := cmp.Diff(want, got); diff != "" {
				t.Errorf("definition (-want +got):\n%s", diff)
			}
		})
	}
}

// FuzzCheckFields feeds arbitrary JSON values to every field type: no
// panic, errors are *kith.Error naming the field, and an accepted value has
// its type's Go type.
func FuzzCheckFields(f *testing.F) {
	for _, v := range []string{`42`, `"42"`, `null`, `true`, `"2024-02-29"`, `"pro"`, `"a\nb"`, `1e400`, `NaN`,
		`"\ud800"`, "\"\xff\"", `[`, ``, `{"a":[1,2]}`, `-0`, `"` + strings.Repeat("a", 5000) + `"`} {
		for _, d := range fieldDefs {
			f.Add(d.Name, v)
		}
	}
	f.Fuzz(func(t *testing.T, name, value string) {
		r := rawField(name, value)
		got, err := identity.CheckFields([]identity.RawField{r}, fieldDefs)
		if err != nil {
			var e *kith.Error
			if !errors.As(err, &e) || e.Code == "" || e.Field != r.Path {
				t.Fatalf("%s=%q: error %v (%T), want a *kith.Error naming %q", name, value, err, err, r.Path)
			}
			return
		}
		v, ok := got[name]
		if !ok || len(got) != 1 {
			t.Fatalf("%s=%q: fields %v, want exactly %s", name, value, got, name)
		}
		if v == nil {
			return
		}
		var def *kith.CustomField
		for _, d := range fieldDefs {
			if d.Name == name {
				def = d
			}
		}
		switch def.Type {
		case kith.FieldNumber:
			_, ok = v.(float64)
		case kith.FieldBoolean:
			_, ok = v.(bool)
		default:
			var s string
			s, ok = v.(string)
			if ok && def.Type == kith.FieldText && strings.ContainsAny(s, "\x00\r\n") {
				t.Fatalf("%s=%q: accepted text %q with control characters", name, value, s)
			}
		}
		if !ok {
			t.Fatalf("%s=%q: accepted as %T, not the Go type of a %s field", name, value, v, def.Type)
		}
	})
}
