package identity

import "github.com/kith-chat/kith/internal/kith"

// Update is one trait of a claim. Set says the request sent the trait: a
// trait that is absent is left alone, and a Set update to the zero value
// (an explicit null) clears it (R2).
type Update[T any] struct {
	Set bool
	To  T
}

// Put returns an update that sets a trait to v.
func Put[T any](v T) Update[T] { return Update[T]{Set: true, To: v} }

// UserTraits are the changes a claim makes to a user.
type UserTraits struct {
	Email Update[string]
	// UnverifiedEmail is an email that came beside a proof that does not
	// cover it (M3, M4): kept for agents, never used to find anyone.
	UnverifiedEmail Update[string]
	DisplayName     Update[string]
	PhoneNumbers    Update[[]string]
	AvatarURL       Update[string]
	Language        Update[string]
	CustomFields    []RawField
	// UnverifiedCustomFields are custom values the browser claimed (M5),
	// kept apart from the verified ones.
	UnverifiedCustomFields []RawField
}

// AccountTraits are the changes a claim makes to an account.
type AccountTraits struct {
	DisplayName  Update[string]
	Domains      Update[[]string]
	PhoneNumbers Update[[]string]
	CustomFields []RawField
}

// WorkspaceTraits are the changes a claim makes to a workspace.
type WorkspaceTraits struct {
	DisplayName  Update[string]
	CustomFields []RawField
}

// Claim is a validated statement of who a user is, made through one of
// the ways in (section 3). Values are already normalised (lower-case email,
// E.164 phones, bare domains); custom fields are checked against their
// definitions by the Resolver.
type Claim struct {
	Method kith.Method
	// Trust is the namespace the user lives in: verified or unverified.
	Trust        kith.Trust
	UserRef      string
	User         UserTraits
	AccountRef   string
	Account      AccountTraits
	WorkspaceRef string
	Workspace    WorkspaceTraits
	// Paths says where in the request each identifier was, so that a
	// conflict names the field to fix.
	Paths Paths
}

// Paths are the JSON paths of a claim's identifiers in its request.
type Paths struct {
	UserRef, Email, AccountRef, WorkspaceRef string
}

// email returns the email the claim identifies the user by, if any.
func (c *Claim) email() string {
	if c.User.Email.Set {
		return c.User.Email.To
	}
	return ""
}
