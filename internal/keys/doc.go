// Package keys makes and checks Kith's secrets: application access tokens
// (AATs), which are kept only as hashes, and the short-lived session tokens
// an app's backend obtains for one end user (M1, M2), which are signed with
// the app's own secret.
package keys
