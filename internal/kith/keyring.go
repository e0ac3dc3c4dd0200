package kith

import "time"

// VerificationSecret is one of an app's keys for user hashes (M3). Several
// are active at once: making one adds it, and the old one works until it
// is deleted, so that a company can rotate without a gap (Helpshift's
// regenerate-then-delete).
type VerificationSecret struct {
	ID    string
	OrgID string
	AppID string
	// Secret is the key itself, kept as it is: an HMAC is checked with it.
	Secret    string
	CreatedAt time.Time
}

// JWTKey is a key an app's company signs its users' JWTs with (M4),
// chosen by Kid and pinned to Alg. Exactly one of Secret (HS256),
// PublicKeyPEM (RS256, ES256, EdDSA) and JWKSURL (a key set, fetched from
// that URL only) is set.
type JWTKey struct {
	ID           string
	OrgID        string
	AppID        string
	Kid          string
	Alg          string
	Secret       string
	PublicKeyPEM string
	JWKSURL      string
	CreatedAt    time.Time
}

// AppAlias is another id an app answers to: the id a vendor's embed code
// already carries (Helpshift's domain and platformId, HelpCrunch's
// organization and applicationId, an Open CX token, a DevRev app_id), so
// that a site moving to Kith keeps its snippet (W2).
type AppAlias struct {
	Alias     string
	AppID     string
	CreatedAt time.Time
}
