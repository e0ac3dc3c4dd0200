// Package httpapi serves Kith over HTTP: the session-token endpoints a
// company's backend calls (M1, M2), the server API, health checks and
// metrics. Handlers decode and authenticate, hand the decision to the domain
// packages and encode the answer; errors.go holds the one table that turns
// error codes into statuses.
package httpapi
