// Package identity holds Kith's identity rules: how identifiers are
// validated and normalised (section 5 of the spec), which user, account and
// workspace a claim resolves to (section 4), and the friendly names of users
// nobody named.
//
// The rules are plain functions over kith types (MatchUser, EmailConflict,
// the Apply functions); Resolver runs them inside one store transaction so
// that every request is all or nothing (R7) and race-free (R1).
package identity
