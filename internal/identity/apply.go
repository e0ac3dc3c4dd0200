package identity

import (
	"maps"
	"reflect"
	"slices"

	"github.com/kith-chat/kith/internal/kith"
)

// ApplyUser applies a claim's traits to u and returns the names of the
// traits that changed (R2): sent fields replace, absent ones stay, custom
// fields merge key by key and a nil value clears one.
func ApplyUser(u *kith.User, t UserTraits, custom, unverified kith.Fields) []string {
	var changed []string
	set(&changed, "email", &u.Email, t.Email)
	set(&changed, "unverified_email", &u.UnverifiedEmail, t.UnverifiedEmail)
	set(&changed, "display_name", &u.DisplayName, t.DisplayName)
	set(&changed, "phone_numbers", &u.PhoneNumbers, t.PhoneNumbers)
	set(&changed, "avatar_url", &u.AvatarURL, t.AvatarURL)
	set(&changed, "language", &u.Language, t.Language)
	merge(&changed, "custom_fields.", &u.CustomFields, custom)
	merge(&changed, "unverified_custom_fields.", &u.UnverifiedCustomFields, unverified)
	return changed
}

// ApplyAccount applies a claim's traits to an account, as ApplyUser.
func ApplyAccount(a *kith.Account, t AccountTraits, custom kith.Fields) []string {
	var changed []string
	set(&changed, "display_name", &a.DisplayName, t.DisplayName)
	set(&changed, "domains", &a.Domains, t.Domains)
	set(&changed, "phone_numbers", &a.PhoneNumbers, t.PhoneNumbers)
	merge(&changed, "custom_fields.", &a.CustomFields, custom)
	return changed
}

// ApplyWorkspace applies a claim's traits to a workspace, as ApplyUser.
func ApplyWorkspace(w *kith.Workspace, t WorkspaceTraits, custom kith.Fields) []string {
	var changed []string
	set(&changed, "display_name", &w.DisplayName, t.DisplayName)
	merge(&changed, "custom_fields.", &w.CustomFields, custom)
	return changed
}

func set[T any](changed *[]string, name string, dst *T, u Update[T]) {
	if !u.Set || equal(*dst, u.To) {
		return
	}
	*dst = u.To
	*changed = append(*changed, name)
}

// equal compares trait values, taking nil and empty lists as the same.
func equal[T any](a, b T) bool {
	if as, ok := any(a).([]string); ok {
		bs := any(b).([]string)
		return len(as) == len(bs) && (len(as) == 0 || reflect.DeepEqual(as, bs))
	}
	return reflect.DeepEqual(a, b)
}

func merge(changed *[]string, prefix string, dst *kith.Fields, in kith.Fields) {
	for _, name := range slices.Sorted(maps.Keys(in)) {
		v := in[name]
		old, had := (*dst)[name]
		switch {
		case v == nil && had:
			delete(*dst, name)
		case v != nil && (!had || !reflect.DeepEqual(old, v)):
			if *dst == nil {
				*dst = kith.Fields{}
			}
			(*dst)[name] = v
		default:
			continue
		}
		*changed = append(*changed, prefix+name)
	}
}
