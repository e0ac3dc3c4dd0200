package httpapi

import (
	"encoding/json"
	"strings"

	"github.com/go-json-experiment/json/jsontext"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// The helpers below turn wire values into validated claim updates. For an
// optional trait, null and "" both clear it (R2): a backend that renders a
// missing value as an empty string means "none", not "an empty name".

type checkFunc func(field, s string) (string, error)

func textUpdate(path string, o opt[string], check checkFunc) (identity.Update[string], error) {
	if !o.Set {
		return identity.Update[string]{}, nil
	}
	if o.Null || o.V == "" {
		return identity.Update[string]{Set: true}, nil
	}
	v, err := check(path, o.V)
	return identity.Put(v), err
}

func listUpdate(path string, o opt[[]string], check checkFunc) (identity.Update[[]string], error) {
	if !o.Set {
		return identity.Update[[]string]{}, nil
	}
	if o.Null {
		return identity.Update[[]string]{Set: true}, nil
	}
	v, err := identity.List(path, o.V, check)
	return identity.Put(v), err
}

func displayName(field, s string) (string, error) {
	return identity.Text(field, s, identity.MaxDisplayNameLen)
}

// rawFields lists custom field values in name order, so that the first
// error reported is the same on every run. With prefix set, names without
// tnt__ get it: Open CX sites send {"plan": "pro"} for the field tnt__plan.
func rawFields(path string, m map[string]jsontext.Value, prefix bool) []identity.RawField {
	out := make([]identity.RawField, 0, len(m))
	for _, k := range sortedKeys(m) {
		name := k
		if prefix && !strings.HasPrefix(name, "tnt__") {
			name = "tnt__" + name
		}
		out = append(out, identity.RawField{Name: name, Path: path + "." + k, Value: json.RawMessage(m[k])})
	}
	return out
}

func missing(field, what string) error {
	return kith.Errorf(kith.CodeMissingField, field, "%s is required: %s", field, what)
}
