package httpapi

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/http"
	"strconv"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// statuses is the one table from error codes to HTTP statuses (F1). A code
// missing here is a bug and answers 500.
var statuses = map[kith.Code]int{
	kith.CodeInvalidRequest:     http.StatusBadRequest,
	kith.CodeUnknownField:       http.StatusBadRequest,
	kith.CodeMissingField:       http.StatusBadRequest,
	kith.CodeInvalidField:       http.StatusBadRequest,
	kith.CodeTooLong:            http.StatusBadRequest,
	kith.CodeInvalidEmail:       http.StatusBadRequest,
	kith.CodeInvalidPhoneNumber: http.StatusBadRequest,
	kith.CodeInvalidDomain:      http.StatusBadRequest,
	kith.CodeInvalidUserRef:     http.StatusBadRequest,
	kith.CodeUnknownCustomField: http.StatusBadRequest,
	kith.CodeInvalidCustomField: http.StatusBadRequest,

	kith.CodeMissingAccessToken: http.StatusUnauthorized,
	kith.CodeInvalidAccessToken: http.StatusUnauthorized,
	kith.CodeExpiredAccessToken: http.StatusUnauthorized,
	kith.CodeInsufficientScope:  http.StatusForbidden,
	kith.CodeBackendOnly:        http.StatusForbidden,
	kith.CodeInvalidCredentials: http.StatusUnauthorized,
	kith.CodeLoginRequired:      http.StatusUnauthorized,
	kith.CodeAgentDisabled:      http.StatusForbidden,
	kith.CodeAdminOnly:          http.StatusForbidden,
	kith.CodeCrossOrigin:        http.StatusForbidden,

	kith.CodeInvalidSession:       http.StatusUnauthorized,
	kith.CodeInvalidSessionToken:  http.StatusUnauthorized,
	kith.CodeExpiredSessionToken:  http.StatusUnauthorized,
	kith.CodeMissingUserAuthToken: http.StatusUnauthorized,
	kith.CodeInvalidUserAuthToken: http.StatusUnauthorized,
	kith.CodeInvalidJWT:           http.StatusUnauthorized,
	kith.CodeVerificationRequired: http.StatusForbidden,
	kith.CodeClaimNotAllowed:      http.StatusForbidden,
	kith.CodeOriginNotAllowed:     http.StatusForbidden,
	kith.CodeWorkspaceNotAllowed:  http.StatusForbidden,

	kith.CodeNotFound:       http.StatusNotFound,
	kith.CodeConflict:       http.StatusConflict,
	kith.CodeEmailTaken:     http.StatusConflict,
	kith.CodeWorkspaceMoved: http.StatusConflict,
	kith.CodeTooLarge:       http.StatusRequestEntityTooLarge,
	kith.CodeRateLimited:    http.StatusTooManyRequests,
	kith.CodeUnavailable:    http.StatusServiceUnavailable,
	kith.CodeInternal:       http.StatusInternalServerError,
}

// Status returns the HTTP status of an error code.
func Status(code kith.Code) int {
	if s, ok := statuses[code]; ok {
		return s
	}
	return http.StatusInternalServerError
}

// errorBody is the JSON shape of every error (F1).
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    kith.Code `json:"code"`
	Message string    `json:"message"`
	Field   string    `json:"field,omitempty"`
}

// rateLimited is returned by handlers that refuse a request for its rate;
// writeError adds the Retry-After header.
type rateLimited struct {
	retryAfter int    // seconds
	what       string // the budget that ran out: "messages"
}

func (e *rateLimited) Error() string { return "rate limited" }

// unavailableRetryAfter is the Retry-After, in seconds, of a 503: long
// enough for a burst of contention to pass, short enough for a visitor.
const unavailableRetryAfter = 1

// handlerFunc is an HTTP handler that returns its error for writeError to
// answer, so that no handler writes an error body of its own.
type handlerFunc func(w http.ResponseWriter, r *http.Request) error

// writeError answers err as F1 says. Errors that are not *kith.Error are
// bugs or outages: they are logged with the request id and shown only as
// "internal error", never with their text.
func (s *Server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var th *kith.Throttled
	if errors.As(err, &th) {
		secs := int((th.RetryAfter + time.Second - 1) / time.Second)
		err = &rateLimited{retryAfter: max(secs, 1), what: th.What}
	}
	var rl *rateLimited
	if errors.As(err, &rl) {
		w.Header().Set("Retry-After", strconv.Itoa(rl.retryAfter))
		err = kith.Errorf(kith.CodeRateLimited, "", "the budget for %s is spent; retry after %d s", rl.what, rl.retryAfter)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		err = &kith.Error{Code: kith.CodeUnavailable, Message: "the request was cancelled or timed out", Err: err}
	}
	var ke *kith.Error
	if !errors.As(err, &ke) {
		ke = &kith.Error{Code: kith.CodeInternal, Err: err}
	}
	status := Status(ke.Code)
	if status == http.StatusServiceUnavailable {
		// The request had no effect (a transaction that ran out of retries
		// rolled back): it is safe to send again, soon.
		w.Header().Set("Retry-After", strconv.Itoa(unavailableRetryAfter))
	}
	msg := ke.Message
	if status >= 500 {
		s.logger(r).LogAttrs(r.Context(), slog.LevelError, "request failed",
			slog.String("code", string(ke.Code)), slog.Any("error", err))
		if ke.Code == kith.CodeInternal || msg == "" {
			msg = "internal error"
		}
	}
	writeJSON(w, status, errorBody{Error: errorDetail{Code: ke.Code, Message: msg, Field: ke.Field}})
}

// writeJSON answers v as JSON with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v) // the client went away; nothing to do
}
