package identity_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
)

// Users of one namespace for the matching tests.
var (
	userWithRef      = &kith.User{ID: "usr_ref", Ref: "X", Email: "x@example.com"}
	userEmailNoRef   = &kith.User{ID: "usr_mail", Email: "a@example.com"}
	userEmailOtherID = &kith.User{ID: "usr_other", Ref: "Y", Email: "a@example.com"}
)

type matchCase struct {
	name    string
	ref     string
	email   string
	byRef   *kith.User
	byEmail []*kith.User
	want    identity.Match
}

func runMatch(t *testing.T, cases []matchCase) {
	t.Helper()
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			got := identity.MatchUser(tc.ref, tc.email, tc.byRef, tc.byEmail)
			if diff := cmp.Diff(tc.want, got); diff != "" {
				t.Errorf("match (-want +got):\n%s", diff)
			}
			if got.User != tc.want.User {
				t.Errorf("matched user %p, want the very user %p passed in", got.User, tc.want.User)
			}
		})
	}
}

func TestMatchUser_IdBeatsEmail_R4(t *testing.T) {
	runMatch(t, []matchCase{
		{
			name: "user holding the ref wins over the user holding the email",
			ref:  "X", email: "a@example.com", byRef: userWithRef, byEmail: []*kith.User{userEmailNoRef},
			want: identity.Match{User: userWithRef, By: identity.MatchedRef},
		},
		{
			name: "user holding the ref found without an email",
			ref:  "X", byRef: userWithRef,
			want: identity.Match{User: userWithRef, By: identity.MatchedRef},
		},
		{
			name: "nobody holds the ref: the email holder without a ref takes it",
			ref:  "X", email: "a@example.com", byEmail: []*kith.User{userEmailNoRef},
			want: identity.Match{User: userEmailNoRef, By: identity.MatchedEmail, TakesRef: true},
		},
		{
			name: "email holder with another ref is not the user: a new one is made",
			ref:  "X", email: "a@example.com", byEmail: []*kith.User{userEmailOtherID},
			want: identity.Match{},
		},
		{
			name: "of several email holders the one without a ref takes it",
			ref:  "X", email: "a@example.com", byEmail: []*kith.User{userEmailOtherID, userEmailNoRef},
			want: identity.Match{User: userEmailNoRef, By: identity.MatchedEmail, TakesRef: true},
		},
		{
			name: "nobody holds the ref or the email",
			ref:  "X", email: "a@example.com",
			want: identity.Match{},
		},
	})
}

func TestMatchUser_EmailAloneNeverOpensUserWithRef_R5(t *testing.T) {
	runMatch(t, []matchCase{
		{
			name:  "email alone finds the holder without a ref",
			email: "a@example.com", byEmail: []*kith.User{userEmailNoRef},
			want: identity.Match{User: userEmailNoRef, By: identity.MatchedEmail},
		},
		{
			name:  "email alone never opens a user who has a ref",
			email: "a@example.com", byEmail: []*kith.User{userEmailOtherID},
			want: identity.Match{},
		},
		{
			name:  "email alone skips the holder with a ref for the one without",
			email: "a@example.com", byEmail: []*kith.User{userEmailOtherID, userEmailNoRef},
			want: identity.Match{User: userEmailNoRef, By: identity.MatchedEmail},
		},
		{
			name:  "email alone that nobody holds makes a new user",
			email: "a@example.com",
			want:  identity.Match{},
		},
		{
			name:  "a user found by ref is ignored when no ref was sent",
			email: "a@example.com", byRef: userWithRef, byEmail: []*kith.User{userEmailOtherID},
			want: identity.Match{},
		},
		{
			name:    "no email sent: email holders are not looked at",
			byEmail: []*kith.User{userEmailNoRef},
			want:    identity.Match{},
		},
	})
}

func TestEmailConflict_R6(t *testing.T) {
	newUser := &kith.User{Ref: "Z", Email: "a@example.com"} // about to be created: no ID
	tests := []struct {
		name    string
		unique  bool
		u       *kith.User
		holders []*kith.User
		want    *kith.User
	}{
		{name: "shared emails allowed", unique: false, u: newUser, holders: []*kith.User{userEmailNoRef}, want: nil},
		{name: "nobody holds the email", unique: true, u: newUser, want: nil},
		{name: "the user already holds it", unique: true, u: userEmailNoRef, holders: []*kith.User{userEmailNoRef}, want: nil},
		{name: "a new user may not take a held email", unique: true, u: newUser, holders: []*kith.User{userEmailNoRef}, want: userEmailNoRef},
		{name: "another holder next to the user", unique: true, u: userEmailNoRef,
			holders: []*kith.User{userEmailNoRef, userEmailOtherID}, want: userEmailOtherID},
		{name: "another holder before the user", unique: true, u: userEmailNoRef,
			holders: []*kith.User{userEmailOtherID, userEmailNoRef}, want: userEmailOtherID},
		{name: "an existing user may not take another's email", unique: true, u: userWithRef,
			holders: []*kith.User{userEmailOtherID}, want: userEmailOtherID},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got := identity.EmailConflict(tc.unique, tc.u, tc.holders)
			if got != tc.want {
				t.Errorf("conflict = %+v, want %+v", got, tc.want)
			}
		})
	}
}
