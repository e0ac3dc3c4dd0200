package identity

import "github.com/kith-chat/kith/internal/kith"

// MatchedBy says how a claim found an existing user.
type MatchedBy string

// The ways a claim finds a user.
const (
	MatchedNothing MatchedBy = ""         // nobody: a new user is made
	MatchedRef     MatchedBy = "user_ref" // the user holding the reference
	MatchedEmail   MatchedBy = "email"    // the user holding the email and no reference
)

// Match is the user a claim resolves to, before any change is applied.
type Match struct {
	User *kith.User // nil: create a user
	By   MatchedBy
	// TakesRef says the user found by email has no reference and takes the
	// one sent (R4).
	TakesRef bool
}

// MatchUser decides which existing user a claim with reference ref and
// email email resolves to, given the user that holds ref (nil if none) and
// the users of the same namespace that hold email.
//
// R4, id beats email: the user holding the reference wins. Failing that, a
// user with the email and no reference takes the reference. A user with the
// email but another reference is not that user: a new one is made (and R6
// may then refuse it).
//
// R5, email alone: the user with that email and no reference, else a new
// one. A user found by email who has a reference is never matched by email
// alone, so that an email cannot open a user whose identity is their ref.
func MatchUser(ref, email string, byRef *kith.User, byEmail []*kith.User) Match {
	if ref != "" && byRef != nil {
		return Match{User: byRef, By: MatchedRef}
	}
	if email != "" {
		for _, u := range byEmail {
			if u.Ref == "" {
				return Match{User: u, By: MatchedEmail, TakesRef: ref != ""}
			}
		}
	}
	return Match{}
}

// EmailConflict applies R6: when emails are unique, a user may not take an
// email that another user of the namespace holds. It returns that other
// user, or nil. u.ID is empty for a user about to be created.
func EmailConflict(unique bool, u *kith.User, holders []*kith.User) *kith.User {
	if !unique {
		return nil
	}
	for _, h := range holders {
		if h.ID != u.ID {
			return h
		}
	}
	return nil
}
