package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// storedUser is a user with every trait set, as found in the store.
func storedUser() *kith.User {
	return &kith.User{
		ID: "usr_1", OrgID: "org_1", Trust: kith.TrustVerified, Ref: "example@devrev.ai",
		Email: "old@example.com", DisplayName: "Old Name", PhoneNumbers: []string{"+911122334455"},
		AvatarURL: "https://example.com/old.png", Language: "en",
		CustomFields:           kith.Fields{"tnt__plan": "pro", "tnt__seats": 3.0},
		UnverifiedCustomFields: kith.Fields{"tnt__color": "blue"},
	}
}

func TestApplyUser_NullClearsAbsentStays_R2(t *testing.T) {
	tests := []struct {
		name       string
		traits     identity.UserTraits
		custom     kith.Fields
		unverified kith.Fields
		edit       func(u *kith.User) // the expected change to storedUser
		changed    []string
	}{
		{name: "nothing sent changes nothing", edit: func(*kith.User) {}},
		{
			name:   "sent email replaces",
			traits: identity.UserTraits{Email: identity.Put("new@example.com")},
			edit:   func(u *kith.User) { u.Email = "new@example.com" }, changed: []string{"email"},
		},
		{
			name:   "same email is no change",
			traits: identity.UserTraits{Email: identity.Put("old@example.com")},
			edit:   func(*kith.User) {},
		},
		{
			name:   "null display name clears",
			traits: identity.UserTraits{DisplayName: identity.Update[string]{Set: true}},
			edit:   func(u *kith.User) { u.DisplayName = "" }, changed: []string{"display_name"},
		},
		{
			name:   "null phone numbers clear",
			traits: identity.UserTraits{PhoneNumbers: identity.Update[[]string]{Set: true}},
			edit:   func(u *kith.User) { u.PhoneNumbers = nil }, changed: []string{"phone_numbers"},
		},
		{
			name:   "same phone numbers are no change",
			traits: identity.UserTraits{PhoneNumbers: identity.Put([]string{"+911122334455"})},
			edit:   func(*kith.User) {},
		},
		{
			name:    "phone numbers in another order replace",
			traits:  identity.UserTraits{PhoneNumbers: identity.Put([]string{"+919988998833", "+911122334455"})},
			edit:    func(u *kith.User) { u.PhoneNumbers = []string{"+919988998833", "+911122334455"} },
			changed: []string{"phone_numbers"},
		},
		{
			name: "every trait at once, changes named in a fixed order",
			traits: identity.UserTraits{
				Language: identity.Put("pt-BR"), AvatarURL: identity.Put("https://example.com/new.png"),
				PhoneNumbers: identity.Put([]string{"+919988998833"}), DisplayName: identity.Put("New Name"),
				Email: identity.Put("new@example.com"),
			},
			edit: func(u *kith.User) {
				u.Email, u.DisplayName, u.PhoneNumbers = "new@example.com", "New Name", []string{"+919988998833"}
				u.AvatarURL, u.Language = "https://example.com/new.png", "pt-BR"
			},
			changed: []string{"email", "display_name", "phone_numbers", "avatar_url", "language"},
		},
		{
			name:   "custom fields merge key by key",
			custom: kith.Fields{"tnt__seats": 4.0},
			edit:   func(u *kith.User) { u.CustomFields["tnt__seats"] = 4.0 }, changed: []string{"custom_fields.tnt__seats"},
		},
		{
			name:   "custom field null clears only that key",
			custom: kith.Fields{"tnt__plan": nil},
			edit:   func(u *kith.User) { delete(u.CustomFields, "tnt__plan") }, changed: []string{"custom_fields.tnt__plan"},
		},
		{
			name:   "null for a custom field the user lacks is no change",
			custom: kith.Fields{"tnt__renewal": nil},
			edit:   func(*kith.User) {},
		},
		{
			name:   "same custom value is no change",
			custom: kith.Fields{"tnt__plan": "pro"},
			edit:   func(*kith.User) {},
		},
		{
			name:   "custom changes named in name order",
			custom: kith.Fields{"tnt__seats": 5.0, "tnt__active": true, "tnt__plan": nil},
			edit: func(u *kith.User) {
				u.CustomFields = kith.Fields{"tnt__seats": 5.0, "tnt__active": true}
			},
			changed: []string{"custom_fields.tnt__active", "custom_fields.tnt__plan", "custom_fields.tnt__seats"},
		},
		{
			name:       "unverified custom fields are kept apart",
			unverified: kith.Fields{"tnt__plan": "free", "tnt__color": nil},
			edit: func(u *kith.User) {
				u.UnverifiedCustomFields = kith.Fields{"tnt__plan": "free"}
			},
			changed: []string{"unverified_custom_fields.tnt__color", "unverified_custom_fields.tnt__plan"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			u := storedUser()
			changed := identity.ApplyUser(u, tc.traits, tc.custom, tc.unverified)
			want := storedUser()
			tc.edit(want)
			if diff := cmp.Diff(want, u); diff != "" {
				t.Errorf("user (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.changed, changed); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyUser_NilAndEmptyListsAreTheSame_R2(t *testing.T) {
	u := &kith.User{ID: "usr_1"}
	if changed := identity.ApplyUser(u, identity.UserTraits{PhoneNumbers: identity.Put([]string{})}, nil, nil); changed != nil {
		t.Errorf("setting no phone numbers on a user without any changed %q, want nothing", changed)
	}
}

func TestApplyUser_CustomFieldsOnUserWithoutAny_R2(t *testing.T) {
	u := &kith.User{ID: "usr_1"}
	changed := identity.ApplyUser(u, identity.UserTraits{}, kith.Fields{"tnt__plan": "pro", "tnt__seats": nil}, nil)
	if diff := cmp.Diff(kith.Fields{"tnt__plan": "pro"}, u.CustomFields); diff != "" {
		t.Errorf("custom fields (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{"custom_fields.tnt__plan"}, changed); diff != "" {
		t.Errorf("changed (-want +got):\n%s", diff)
	}
	if u.UnverifiedCustomFields != nil {
		t.Errorf("unverified custom fields = %v, want untouched nil", u.UnverifiedCustomFields)
	}
}

func TestApplyUser_NeverChangesRefOrTrust_S8(t *testing.T) {
	u := storedUser()
	identity.ApplyUser(u, identity.UserTraits{Email: identity.Put("x@example.com"), DisplayName: identity.Put("X")},
		kith.Fields{"tnt__plan": "free"}, kith.Fields{"tnt__x": "y"})
	if u.Ref != "example@devrev.ai" || u.Trust != kith.TrustVerified || u.ID != "usr_1" || u.OrgID != "org_1" {
		t.Errorf("identity changed: ref %q, trust %q, id %q, org %q", u.Ref, u.Trust, u.ID, u.OrgID)
	}
}

func TestApplyAccount_NullClearsAbsentStays_R2(t *testing.T) {
	stored := func() *kith.Account {
		return &kith.Account{
			ID: "acc_1", Ref: "devrev.ai", DisplayName: "Devrev", Domains: []string{"devrev.ai"},
			PhoneNumbers: []string{"+919988998833"}, CustomFields: kith.Fields{"tnt__tier": "gold"},
		}
	}
	tests := []struct {
		name    string
		traits  identity.AccountTraits
		custom  kith.Fields
		edit    func(a *kith.Account)
		changed []string
	}{
		{name: "nothing sent changes nothing", edit: func(*kith.Account) {}},
		{
			name:   "same values are no change",
			traits: identity.AccountTraits{DisplayName: identity.Put("Devrev"), Domains: identity.Put([]string{"devrev.ai"})},
			custom: kith.Fields{"tnt__tier": "gold"},
			edit:   func(*kith.Account) {},
		},
		{
			name: "sent traits replace",
			traits: identity.AccountTraits{
				DisplayName: identity.Put("DevRev Inc"), Domains: identity.Put([]string{"devrev.ai", "devrev.com"}),
				PhoneNumbers: identity.Put([]string{"+911122334455"}),
			},
			edit: func(a *kith.Account) {
				a.DisplayName, a.Domains, a.PhoneNumbers = "DevRev Inc", []string{"devrev.ai", "devrev.com"}, []string{"+911122334455"}
			},
			changed: []string{"display_name", "domains", "phone_numbers"},
		},
		{
			name:   "nulls clear",
			traits: identity.AccountTraits{DisplayName: identity.Update[string]{Set: true}, Domains: identity.Update[[]string]{Set: true}},
			custom: kith.Fields{"tnt__tier": nil},
			edit: func(a *kith.Account) {
				a.DisplayName, a.Domains, a.CustomFields = "", nil, kith.Fields{}
			},
			changed: []string{"display_name", "domains", "custom_fields.tnt__tier"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			a := stored()
			changed := identity.ApplyAccount(a, tc.traits, tc.custom)
			want := stored()
			tc.edit(want)
			if diff := cmp.Diff(want, a); diff != "" {
				t.Errorf("account (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.changed, changed); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
		})
	}
}

func TestApplyWorkspace_NullClearsAbsentStays_R2(t *testing.T) {
	stored := func() *kith.Workspace {
		return &kith.Workspace{ID: "wsp_1", AccountID: "acc_1", Ref: "devrev-dev", DisplayName: "Devrev Dev"}
	}
	tests := []struct {
		name    string
		traits  identity.WorkspaceTraits
		custom  kith.Fields
		edit    func(w *kith.Workspace)
		changed []string
	}{
		{name: "nothing sent changes nothing", edit: func(*kith.Workspace) {}},
		{name: "seed's empty custom fields change nothing", custom: kith.Fields{}, edit: func(*kith.Workspace) {}},
		{
			name:   "display name and a custom field",
			traits: identity.WorkspaceTraits{DisplayName: identity.Put("Dev")},
			custom: kith.Fields{"tnt__region": "eu"},
			edit: func(w *kith.Workspace) {
				w.DisplayName, w.CustomFields = "Dev", kith.Fields{"tnt__region": "eu"}
			},
			changed: []string{"display_name", "custom_fields.tnt__region"},
		},
		{
			name:    "null display name clears",
			traits:  identity.WorkspaceTraits{DisplayName: identity.Update[string]{Set: true}},
			edit:    func(w *kith.Workspace) { w.DisplayName = "" },
			changed: []string{"display_name"},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			w := stored()
			changed := identity.ApplyWorkspace(w, tc.traits, tc.custom)
			want := stored()
			tc.edit(want)
			if diff := cmp.Diff(want, w); diff != "" {
				t.Errorf("workspace (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(tc.changed, changed); diff != "" {
				t.Errorf("changed (-want +got):\n%s", diff)
			}
		})
	}
}
