package kith

import "time"

// Fields holds custom field values by name (tnt__plan -> "pro"). Values are
// the JSON types of the field's declared type: string (text, date, enum),
// float64 (number) or bool (boolean).
type Fields map[string]any

// User is an end user (a contact).
type User struct {
	ID    string
	OrgID string
	Trust Trust
	// Ref is the company's own id for the user (user_ref); empty for none.
	// Unique per organization within its trust namespace (R1, V7).
	Ref string
	// Email is lower-cased; empty for none. For a verified user it is a
	// verified identity: it finds the user (R5).
	Email string
	// UnverifiedEmail is an email that came beside a proof that did not
	// cover it (a user hash of the id alone, a JWT without email_verified):
	// shown to agents as unverified, it never finds, merges or reaches
	// another user (M3, M4).
	UnverifiedEmail string
	DisplayName     string
	PhoneNumbers    []string // E.164
	AvatarURL       string
	Language        string
	// CustomFields came from the company's backend (verified).
	CustomFields Fields
	// UnverifiedCustomFields came from the browser and are shown as such (M5).
	UnverifiedCustomFields Fields
	// AccountID is the account the user belongs to; empty for none.
	AccountID string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Account is a customer company.
type Account struct {
	ID    string
	OrgID string
	// Ref is the company's id for the account (account_ref); empty for an
	// account Kith made to hold a workspace sent without one (R3).
	Ref          string
	DisplayName  string
	Domains      []string
	PhoneNumbers []string
	CustomFields Fields
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Workspace is a unit inside one account.
type Workspace struct {
	ID           string
	OrgID        string
	AccountID    string
	Ref          string
	DisplayName  string
	CustomFields Fields
	CreatedAt    time.Time
	UpdatedAt    time.Time
}
