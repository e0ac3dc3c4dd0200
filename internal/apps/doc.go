// Package apps manages what an organization configures: its apps, their
// settings (section 9), their application access tokens and the custom
// field definitions. The admin CLI and the server API both go through it,
// so the two can never disagree.
package apps
