// Package kithtest holds small helpers for Kith's tests that depend on
// nothing of Kith but its domain types: the DevRev seed request, checks of
// typed errors, and plain HTTP calls. Package httpapitest starts servers.
package kithtest
