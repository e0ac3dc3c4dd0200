package identity

import (
	"bytes"
	"encoding/json"
	"math"
	"regexp"
	"slices"
	"strconv"
	"time"
	"unicode/utf8"

	"github.com/kith-chat/kith/internal/kith"
)

// MaxCustomFields is how many custom fields one object may carry, and
// MaxCustomTextLen how long a text value may be (F6).
const (
	MaxCustomFields  = 100
	MaxCustomTextLen = 4096
)

var fieldName = regexp.MustCompile(`^tnt__[a-z0-9][a-z0-9_]{0,63}$`)

// FieldName checks that name is a custom field name: tnt__ followed by
// lower-case letters, digits and underscores (F5).
func FieldName(field, name string) error {
	if !fieldName.MatchString(name) {
		return kith.Errorf(kith.CodeUnknownCustomField, field,
			"%q is not a custom field name: custom fields are named tnt__<name>, in lower-case letters, digits and underscores",
			name)
	}
	return nil
}

// RawField is a custom field value as sent, before it is checked against
// the field's definition.
type RawField struct {
	Name  string          // tnt__plan
	Path  string          // the JSON path named in errors
	Value json.RawMessage // null clears the field (R2)
}

// CheckFields validates raw values against the organization's definitions
// for one object (F5) and returns the changes to apply: a nil value clears
// the field.
func CheckFields(raw []RawField, defs []*kith.CustomField) (kith.Fields, error) {
	if len(raw) > MaxCustomFields {
		return nil, kith.Errorf(kith.CodeTooLong, raw[0].Path, "more than %d custom fields", MaxCustomFields)
	}
	out := make(kith.Fields, len(raw))
	for _, r := range raw {
		if err := FieldName(r.Path, r.Name); err != nil {
			return nil, err
		}
		i := slices.IndexFunc(defs, func(d *kith.CustomField) bool { return d.Name == r.Name })
		if i < 0 {
			return nil, kith.Errorf(kith.CodeUnknownCustomField, r.Path,
				"custom field %q is not defined: define it first (kith fields create, or POST /api/v1/custom-fields)", r.Name)
		}
		v, err := fieldValue(r, defs[i])
		if err != nil {
			return nil, err
		}
		out[r.Name] = v
	}
	return out, nil
}

// fieldValue decodes one value as its definition's type.
func fieldValue(r RawField, def *kith.CustomField) (any, error) {
	raw := bytes.TrimSpace(r.Value)
	if string(raw) == "null" {
		return nil, nil
	}
	wrong := func(want string) error {
		return kith.Errorf(kith.CodeInvalidCustomField, r.Path, "custom field %s is a %s field: send %s", def.Name, def.Type, want)
	}
	switch def.Type {
	case kith.FieldNumber:
		var n float64
		if json.Unmarshal(raw, &n) != nil || math.IsInf(n, 0) {
			return nil, wrong("a JSON number")
		}
		return n, nil
	case kith.FieldBoolean:
		var b bool
		if json.Unmarshal(raw, &b) != nil {
			return nil, wrong("true or false")
		}
		return b, nil
	}
	var s string
	if json.Unmarshal(raw, &s) != nil {
		return nil, wrong("a string")
	}
	switch def.Type {
	case kith.FieldDate:
		if _, err := time.Parse(time.DateOnly, s); err != nil {
			return nil, wrong("a date as YYYY-MM-DD")
		}
	case kith.FieldEnum:
		if !slices.Contains(def.Values, s) {
			return nil, kith.Errorf(kith.CodeInvalidCustomField, r.Path, "custom field %s takes one of %q", def.Name, def.Values)
		}
	default:
		if utf8.RuneCountInString(s) > MaxCustomTextLen {
			return nil, kith.Errorf(kith.CodeTooLong, r.Path, "%s is longer than %d characters", r.Path, MaxCustomTextLen)
		}
		if err := printable(r.Path, s); err != nil {
			return nil, err
		}
	}
	return s, nil
}

// NewFieldDefinition validates a custom field definition before it is
// stored: a valid name, object and type, and values for (only) an enum.
func NewFieldDefinition(object kith.Object, name string, typ kith.FieldType, values []string) (*kith.CustomField, error) {
	switch object {
	case kith.ObjectUser, kith.ObjectAccount, kith.ObjectWorkspace:
	default:
		return nil, kith.Errorf(kith.CodeInvalidField, "object", "object must be user, account or workspace")
	}
	if err := FieldName("name", name); err != nil {
		return nil, err
	}
	switch typ {
	case kith.FieldText, kith.FieldNumber, kith.FieldBoolean, kith.FieldDate:
		if len(values) > 0 {
			return nil, kith.Errorf(kith.CodeInvalidField, "values", "only enum fields take values")
		}
	case kith.FieldEnum:
		if len(values) == 0 {
			return nil, kith.Errorf(kith.CodeMissingField, "values", "an enum field needs its allowed values")
		}
		if len(values) > 200 {
			return nil, kith.Errorf(kith.CodeTooLong, "values", "more than 200 values")
		}
		for i, v := range values {
			if _, err := Text("values", v, 255); err != nil || v == "" || slices.Contains(values[:i], v) {
				return nil, kith.Errorf(kith.CodeInvalidField, "values["+strconv.Itoa(i)+"]",
					"values[%d] is empty, repeated, too long or not a plain name", i)
			}
		}
	default:
		return nil, kith.Errorf(kith.CodeInvalidField, "type",
			"type must be text, number, boolean, date or enum")
	}
	return &kith.CustomField{Object: object, Name: name, Type: typ, Values: values}, nil
}
