package kith

// Trust is how sure Kith is of who a user is (V1). It is also the namespace
// a user_ref lives in: a verified and an unverified user with the same
// user_ref are two different users and never merge (V7).
type Trust string

// The three trust levels.
const (
	TrustAnonymous  Trust = "anonymous"  // no identifiers (M6)
	TrustUnverified Trust = "unverified" // identifiers claimed by the browser (M5)
	TrustVerified   Trust = "verified"   // identity proven by the company's backend (M1-M4)
)

// Valid reports whether t is one of the three levels.
func (t Trust) Valid() bool {
	return t == TrustAnonymous || t == TrustUnverified || t == TrustVerified
}

// Method is the way a user was identified (section 3 of the spec).
type Method string

// The ways in.
const (
	MethodSessionToken Method = "session_token" // M1, DevRev auth-tokens.create
	MethodOpenCXToken  Method = "opencx_token"  // M2, Open CX authenticate-user
	MethodUserHash     Method = "user_hash"     // M3
	MethodJWT          Method = "jwt"           // M4
	MethodClaimed      Method = "claimed"       // M5
	MethodAnonymous    Method = "anonymous"     // M6
)
