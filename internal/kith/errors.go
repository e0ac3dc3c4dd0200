package kith

import (
	"errors"
	"fmt"
	"time"
)

// Code names a kind of failure. Codes are part of the public API: clients
// switch on them, so they never change once published. Package httpapi holds
// the one table that maps each code to an HTTP status.
type Code string

// Codes for bad input (HTTP 400).
const (
	CodeInvalidRequest     Code = "invalid_request"      // the body is not the JSON we expect
	CodeUnknownField       Code = "unknown_field"        // a JSON field we do not know (often a typo)
	CodeMissingField       Code = "missing_field"        // a required field is absent or empty
	CodeInvalidField       Code = "invalid_field"        // a field has the wrong type or shape
	CodeTooLong            Code = "too_long"             // a string or list is past its size limit
	CodeInvalidEmail       Code = "invalid_email"        // F2
	CodeInvalidPhoneNumber Code = "invalid_phone_number" // F2
	CodeInvalidDomain      Code = "invalid_domain"       // F2
	CodeInvalidUserRef     Code = "invalid_user_ref"     // F4
	CodeUnknownCustomField Code = "unknown_custom_field" // F5
	CodeInvalidCustomField Code = "invalid_custom_field" // F5: a value of the wrong type
)

// Codes for credentials (HTTP 401 and 403).
const (
	CodeMissingAccessToken Code = "missing_access_token"
	CodeInvalidAccessToken Code = "invalid_access_token" // malformed, unknown or revoked
	CodeExpiredAccessToken Code = "expired_access_token"
	CodeInsufficientScope  Code = "insufficient_scope" // 403: the token lacks the scope
	CodeBackendOnly        Code = "backend_only"       // 403: an access token sent from a browser

	// I3: the inbox's agents.
	CodeInvalidCredentials Code = "invalid_credentials" // 401: an email and password that do not log in
	CodeLoginRequired      Code = "login_required"      // 401: no agent session, or one that ended
	CodeAgentDisabled      Code = "agent_disabled"      // 403: the right password of a disabled agent
	CodeAdminOnly          Code = "admin_only"          // 403: an agent asking for what only admins do
	CodeCrossOrigin        Code = "cross_origin"        // 403: a state-changing inbox request from another origin (CSRF)

	// S2: the widget's ways in. The user_auth_token codes are Helpshift's.
	CodeInvalidSession       Code = "invalid_session" // a widget session that is unknown, revoked or expired
	CodeInvalidSessionToken  Code = "invalid_session_token"
	CodeExpiredSessionToken  Code = "expired_session_token"
	CodeMissingUserAuthToken Code = "missing_user_auth_token"
	CodeInvalidUserAuthToken Code = "invalid_user_auth_token"
	CodeInvalidJWT           Code = "invalid_jwt"
	CodeVerificationRequired Code = "verification_required" // 403, S3
	CodeClaimNotAllowed      Code = "claim_not_allowed"     // 403, S5
	CodeOriginNotAllowed     Code = "origin_not_allowed"    // 403: the page is not among allowed_origins
	CodeWorkspaceNotAllowed  Code = "workspace_not_allowed" // 403, V4: a verified user named a workspace they are not in
)

// Codes for the state of the world.
const (
	CodeNotFound       Code = "not_found"           // 404, also for another organization's ids (V5)
	CodeConflict       Code = "conflict"            // 409
	CodeEmailTaken     Code = "email_taken"         // 409, R6
	CodeWorkspaceMoved Code = "workspace_conflict"  // 409, R3: workspace under another account
	CodeTooLarge       Code = "payload_too_large"   // 413, F6
	CodeRateLimited    Code = "rate_limited"        // 429
	CodeUnavailable    Code = "storage_unavailable" // 503
	CodeInternal       Code = "internal"            // 500; details are logged, never shown
)

// Error is the error every layer of Kith returns for failures a caller can
// act on. Field is the JSON path of the offending input, when there is one,
// so a developer knows which part of their request to fix.
type Error struct {
	Code    Code
	Field   string
	Message string
	Err     error // the underlying cause, logged but never shown
}

// Error returns the code, the field and the message, for logs.
func (e *Error) Error() string {
	s := string(e.Code)
	if e.Field != "" {
		s += " (" + e.Field + ")"
	}
	if e.Message != "" {
		s += ": " + e.Message
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Is makes errors.Is(err, ErrNotFound) and friends match any *Error with the
// same code, whatever its message.
func (e *Error) Is(target error) bool {
	t, ok := target.(*Error)
	return ok && t.Field == "" && t.Message == "" && t.Err == nil && t.Code == e.Code
}

// Throttled is a refusal for a while: a budget is spent (F8) or logins are
// being guessed (I3). It answers 429 with Retry-After.
type Throttled struct {
	RetryAfter time.Duration
	// What ran out, in words: "login attempts for this email".
	What string
}

func (e *Throttled) Error() string { return "rate limited: " + e.What }

// Sentinels to compare against with errors.Is.
var (
	ErrNotFound = &Error{Code: CodeNotFound}
	ErrConflict = &Error{Code: CodeConflict}
)

// Errorf returns an *Error with code, field and a formatted message.
func Errorf(code Code, field, format string, args ...any) *Error {
	return &Error{Code: code, Field: field, Message: fmt.Sprintf(format, args...)}
}

// NotFound returns the error for a missing record. The message names only
// the kind of thing, never the id, so it reads the same for a record that does
// not exist and one that belongs to someone else (V5).
func NotFound(what string) *Error {
	return &Error{Code: CodeNotFound, Message: what + " not found"}
}

// ErrorCode returns the code of err, CodeInternal if err is not an *Error.
func ErrorCode(err error) Code {
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return CodeInternal
}
