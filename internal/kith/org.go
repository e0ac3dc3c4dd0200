package kith

import "time"

// Org is a tenant. Every other record belongs to exactly one, and nothing
// ever crosses organizations.
type Org struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// App is one widget installation of an organization: a public id, its
// settings and its keys.
type App struct {
	ID        string
	OrgID     string
	Name      string
	Settings  AppSettings
	CreatedAt time.Time

	// SessionSecret signs the session tokens this app issues (M1, M2). It
	// never leaves the server.
	SessionSecret []byte
}

// OnLogin says what happens to a device's anonymous user when someone logs
// in on that device (S5).
type OnLogin string

// The three on-login behaviours.
const (
	OnLoginKeep  OnLogin = "keep"
	OnLoginClear OnLogin = "clear"
	OnLoginClaim OnLogin = "claim"
)

// AppSettings are the per-app settings of spec section 9.
type AppSettings struct {
	// VerificationRequired hides the widget from identified but unverified
	// users (S3).
	VerificationRequired bool
	// EmailUnique refuses an email already held by another user of the same
	// namespace (R6).
	EmailUnique bool
	// AnonymousExpiry is how long an idle anonymous user lives (S6).
	AnonymousExpiry time.Duration
	// OnLogin is the default for what login does to the anonymous user (S5).
	OnLogin OnLogin
	// AllowedOrigins are the web origins the widget may run on (CORS and
	// WebSocket), besides Kith's own (the demo page), which is always
	// allowed. Empty allows Kith's own only; AnyOrigin allows every origin.
	AllowedOrigins []string
	// SessionTokenMaxLifetime caps the lifetime of the session tokens the
	// app issues, whatever the request asks for.
	SessionTokenMaxLifetime time.Duration
}

// AnyOrigin in AllowedOrigins lets the widget run on every origin.
const AnyOrigin = "*"

// DefaultAppSettings returns the settings a new app starts with: none of
// them lets a page of another site use the app until its origin is listed.
func DefaultAppSettings() AppSettings {
	return AppSettings{
		EmailUnique:             true,
		AnonymousExpiry:         7 * 24 * time.Hour,
		OnLogin:                 OnLoginKeep,
		AllowedOrigins:          []string{},
		SessionTokenMaxLifetime: time.Hour,
	}
}
