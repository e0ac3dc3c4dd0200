// Package kith holds Kith's domain: organizations and their apps, access
// tokens, the users, accounts and workspaces that identification resolves to,
// identity events, the Error type every layer returns, and the storage
// interfaces the rest of the program is written against.
//
// It imports only the standard library. Rules that decide things (who a
// request is, what a session may see) live in package identity; persistence
// lives in package store; HTTP in package httpapi.
package kith
