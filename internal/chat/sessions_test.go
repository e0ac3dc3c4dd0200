package chat_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/budget"
	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
)

func TestStart_AnonymousVisitorGetsAUserOnTheirFirstWrite_M6(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		st := e.anonymous("")
		if st.User != nil || st.Session.Trust != kith.TrustAnonymous || st.Session.UserID != "" {
			t.Fatalf("a new visitor: user %v, trust %s, session user %q; want no user yet, anonymous",
				st.User, st.Session.Trust, st.Session.UserID)
		}
		if n := len(e.users("")); n != 0 {
			t.Fatalf("%d users before the visitor wrote, want 0", n)
		}
		conv := e.converse(e.auth(st), "hello")
		users := e.users(kith.TrustAnonymous)
		if len(users) != 1 || users[0].DisplayName != st.Device.AnonymousName {
			t.Fatalf("after the first message: %d anonymous users (%v), want one named %q", len(users), users, st.Device.AnonymousName)
		}
		dev := e.device(st.Device.ID)
		if dev.AnonymousUserID != users[0].ID || e.conversation(conv).UserID != users[0].ID {
			t.Fatalf("device's anonymous user %q, conversation's user %q, want both %q",
				dev.AnonymousUserID, e.conversation(conv).UserID, users[0].ID)
		}
		sessions, err := e.store.Sessions(ctx, e.app.OrgID, users[0].ID)
		if err != nil || len(sessions) != 1 || sessions[0].ID != st.Session.ID {
			t.Fatalf("the user's sessions: %v, %v; want the visitor's session, for agents to list (S7)", sessions, err)
		}
		if got := e.events(users[0].ID, kith.EventUserCreated); len(got) != 1 {
			t.Fatalf("%d user_created events, want 1 (R8)", len(got))
		}
	})
}

func TestStart_DeviceTokenComesBackToTheSameDevice_S1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		first := e.anonymous("")
		again := e.anonymous(first.DeviceToken)
		if again.Device.ID != first.Device.ID || again.DeviceToken != first.DeviceToken {
			t.Fatalf("the device token gave device %s, want %s", again.Device.ID, first.Device.ID)
		}
		if other := e.anonymous("kith_dev_forged_token"); other.Device.ID == first.Device.ID {
			t.Fatal("a forged device token reached a known device")
		}
	})
}

func TestStart_SessionTokenStartsAVerifiedSessionOnOneDevice_M1_S1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tok := e.sessionToken("ada")
		st := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: tok}})
		if st.Session.Trust != kith.TrustVerified || st.User == nil || st.User.Ref != "ada" {
			t.Fatalf("trust %s, user %v; want verified ada", st.Session.Trust, st.User)
		}
		// The same device may present it again; another may not.
		e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: tok}, DeviceToken: st.DeviceToken})
		_, err := e.chat.Start(ctx, e.app, chat.StartRequest{Offer: proof.Offer{SessionToken: tok}})
		wantCode(t, err, kith.CodeInvalidSessionToken)
	})
}

func TestStart_BadSessionTokenWritesNothing_S2_R7(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, err := e.chat.Start(ctx, e.app, chat.StartRequest{Offer: proof.Offer{SessionToken: "not.a.token"}})
		wantCode(t, err, kith.CodeInvalidSessionToken)
		// A claim of the anonymous history the app does not allow fails
		// after the device is found: it must not stay behind either.
		tok := e.sessionToken("ada")
		_, err = e.chat.Start(ctx, e.app, chat.StartRequest{Offer: proof.Offer{SessionToken: tok}, OnLogin: kith.OnLoginClaim})
		wantCode(t, err, kith.CodeClaimNotAllowed)
		// The token was not redeemed by the failed start: a device may use it.
		if st := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: tok}}); st.Session.Trust != kith.TrustVerified {
			t.Fatalf("trust %s, want verified", st.Session.Trust)
		}
	})
}

func TestStart_ClaimedIdentityIsUnverified_M5_V7(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		verified := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		st := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}})
		if st.Session.Trust != kith.TrustUnverified || st.User == nil || st.User.Ref != "bob" || st.AuthFailure != nil {
			t.Fatalf("trust %s, user %v, failure %v; want unverified bob", st.Session.Trust, st.User, st.AuthFailure)
		}
		again := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}})
		if again.User.ID != st.User.ID {
			t.Fatal("one user_ref made two unverified users (M5)")
		}
		if st.User.ID == verified.User.ID {
			t.Fatal("an unverified user is the verified one")
		}
	})
}

func TestStart_VerifiedRefClaimedWithoutProofStartsAnonymous_V8_F9(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		e.converse(e.auth(ada), "my private question")
		st := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("ada")}})
		if st.Session.Trust != kith.TrustAnonymous || st.User != nil || st.AuthFailure == nil {
			t.Fatalf("trust %s, user %v, failure %v; want an anonymous session that says why", st.Session.Trust, st.User, st.AuthFailure)
		}
		if got := e.visible(st); len(got) != 0 {
			t.Fatalf("the refused claim sees %v", got)
		}
		if got := e.events(ada.User.ID, kith.EventVerificationFailed); len(got) != 1 {
			t.Fatalf("%d verification_failed events on the verified user, want 1 (R8)", len(got))
		}
		if n := len(e.users(kith.TrustUnverified)); n != 0 {
			t.Fatalf("the refused claim left %d unverified users", n)
		}
	})
}

func TestStart_InvalidClaimStartsAnonymousAndTellsTheBrowserNothingMore_F3_F9(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		why := kith.Errorf(kith.CodeInvalidUserRef, "identity.user_ref", "too long")
		st := e.start(chat.StartRequest{Offer: proof.Offer{IdentityError: why}})
		if st.Session.Trust != kith.TrustAnonymous || st.Refusal != why {
			t.Fatalf("trust %s, refusal %v; want anonymous, with the claim's error kept for the operator", st.Session.Trust, st.Refusal)
		}
		e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		verifiedRef := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("ada")}})
		for _, got := range []*kith.Error{st.AuthFailure, verifiedRef.AuthFailure} {
			if got == nil || got.Code != kith.CodeMissingUserAuthToken || got.Field != "" || got.Message != st.AuthFailure.Message {
				t.Fatalf("the browser is told %v, want the one refusal every reason gets", got)
			}
		}
	})
}

func TestStart_RefusedClaimsWriteFewEventsOnTheVerifiedUser_F9(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		e.chat.RefusalEvents = budget.NewBuckets(budget.Rate{Burst: 2, Per: time.Hour}, 0, nil)
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		for range 10 {
			if st := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("ada")}}); st.Refusal == nil {
				t.Fatal("a verified user_ref claimed without proof was not refused")
			}
		}
		if got := e.events(ada.User.ID, kith.EventVerificationFailed); len(got) != 2 {
			t.Fatalf("%d verification_failed events from 10 refused claims, want the budget's 2", len(got))
		}
	})
}

func TestStart_ClaimedEmailOfAnotherUserIsWithheldNotRefused_R6_F9(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		first := e.start(chat.StartRequest{Offer: proof.Offer{Identity: &identity.Claim{Method: kith.MethodClaimed, Trust: kith.TrustUnverified,
			UserRef: "bob", User: identity.UserTraits{Email: identity.Put("bob@example.com")}}}})
		// Refusing would tell whoever claims the email that someone did
		// before: the claim goes on, without the email.
		second := e.start(chat.StartRequest{Offer: proof.Offer{Identity: &identity.Claim{Method: kith.MethodClaimed, Trust: kith.TrustUnverified,
			UserRef: "mallory", User: identity.UserTraits{Email: identity.Put("bob@example.com")}}}})
		if second.AuthFailure != nil || second.Session.Trust != kith.TrustUnverified {
			t.Fatalf("the second claim: %v, %s; want it accepted, unverified", second.AuthFailure, second.Session.Trust)
		}
		m, err := e.store.User(ctx, e.app.OrgID, second.User.ID)
		if err != nil || m.Email != "" {
			t.Fatalf("mallory holds email %q (%v), want none", m.Email, err)
		}
		withheld := e.events(m.ID, kith.EventEmailWithheld)
		if len(withheld) != 1 || withheld[0].Detail["holder"] != first.User.ID {
			t.Fatalf("email_withheld events %v, want one naming bob as the holder", withheld)
		}
		// updateIdentity withholds it the same way.
		u, err := e.chat.UpdateIdentity(ctx, e.auth(second), identity.UserTraits{Email: identity.Put("bob@example.com"),
			DisplayName: identity.Put("Mal")})
		if err != nil || u.Email != "" || u.DisplayName != "Mal" {
			t.Fatalf("updateIdentity: %v, %+v; want the name changed and the email withheld", err, u)
		}
	})
}

func TestStart_UnverifiedUserCannotChatWhenVerificationIsRequired_S3(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		st := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}})
		if st.CanChat() || st.AuthFailure == nil || st.AuthFailure.Code != kith.CodeMissingUserAuthToken {
			t.Fatalf("can chat %v, failure %v; want no chat and missing_user_auth_token", st.CanChat(), st.AuthFailure)
		}
		_, err := e.chat.StartConversation(ctx, e.auth(st), "hi")
		wantCode(t, err, kith.CodeVerificationRequired)
		_, err = e.chat.Conversations(ctx, e.auth(st), kith.Page{})
		wantCode(t, err, kith.CodeVerificationRequired)
		if anon := e.anonymous(""); !anon.CanChat() {
			t.Fatal("an anonymous visitor cannot chat on an app that requires verification")
		}
	}, "verification_required=true")
}

func TestLogin_KeepsTheAnonymousUserByDefault_S5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon := e.anonymous("")
		mine := e.converse(e.auth(anon), "before login")
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}, DeviceToken: anon.DeviceToken})
		if got := e.visible(ada); slices.Contains(got, mine) {
			t.Fatal("the verified user sees the anonymous conversation without claiming it")
		}
		if err := e.chat.Logout(ctx, e.auth(ada)); err != nil {
			t.Fatal(err)
		}
		back := e.anonymous(anon.DeviceToken)
		if got := e.visible(back); !slices.Equal(got, []string{mine}) {
			t.Fatalf("after logout the device sees %v, want its anonymous conversation %s back", got, mine)
		}
	})
}

func TestLogin_ClearForgetsTheAnonymousUser_S5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon := e.anonymous("")
		mine := e.converse(e.auth(anon), "before login")
		anonUser := e.device(anon.Device.ID).AnonymousUserID
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}, DeviceToken: anon.DeviceToken,
			OnLogin: kith.OnLoginClear})
		if d := e.device(anon.Device.ID); d.AnonymousUserID != "" {
			t.Fatalf("the device still has anonymous user %s", d.AnonymousUserID)
		}
		if got := e.visible(anon); len(got) != 0 {
			t.Fatalf("the old anonymous session still sees %v", got)
		}
		if err := e.chat.Logout(ctx, e.auth(ada)); err != nil {
			t.Fatal(err)
		}
		if got := e.visible(e.anonymous(anon.DeviceToken)); len(got) != 0 {
			t.Fatalf("after logout the device sees %v, want nothing of the cleared user", got)
		}
		if got := e.conversation(mine); got.UserID != anonUser {
			t.Fatalf("the cleared conversation moved to %s; agents keep it under %s", got.UserID, anonUser)
		}
		if got := e.events(anonUser, kith.EventAnonymousCleared); len(got) != 1 {
			t.Fatalf("%d anonymous_cleared events, want 1 (R8)", len(got))
		}
	})
}

func TestLogin_ClaimMovesTheAnonymousHistory_S5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon := e.anonymous("")
		mine := e.converse(e.auth(anon), "before login")
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}, DeviceToken: anon.DeviceToken})
		if c := e.conversation(mine); c.UserID != ada.User.ID || !c.Verified {
			t.Fatalf("the claimed conversation: user %s, verified %v; want ada's, verified", c.UserID, c.Verified)
		}
		// History follows a verified user across devices (V2).
		elsewhere := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		if got := e.visible(elsewhere); !slices.Equal(got, []string{mine}) {
			t.Fatalf("ada on another device sees %v, want the claimed %s", got, mine)
		}
		if got := e.events(ada.User.ID, kith.EventAnonymousClaimed); len(got) != 1 {
			t.Fatalf("%d anonymous_claimed events on ada, want 1 (R8)", len(got))
		}
		if d := e.device(anon.Device.ID); d.AnonymousUserID != "" {
			t.Fatalf("the device still has anonymous user %s after the claim", d.AnonymousUserID)
		}
	}, "on_login=claim")
}

func TestLogout_RevokesTheSession_S4(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		c := e.auth(ada)
		if err := e.chat.Logout(ctx, c); err != nil {
			t.Fatal(err)
		}
		_, err := e.chat.Authenticate(ctx, ada.Token)
		wantCode(t, err, kith.CodeInvalidSession)
		// A request authenticated just before the logout cannot write after it.
		_, err = e.chat.StartConversation(ctx, c, "too late")
		wantCode(t, err, kith.CodeInvalidSession)
		if got := e.events(ada.User.ID, kith.EventSessionRevoked); len(got) != 1 {
			t.Fatalf("%d session_revoked events, want 1 (R8)", len(got))
		}
	})
}

func TestRevoke_AgentEndsOneSessionOrAll_S7(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tok := func() *chat.Started {
			return e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		}
		one, two, three := tok(), tok(), tok()
		if err := e.chat.RevokeSession(ctx, e.reach(), one.Session.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := e.chat.Authenticate(ctx, one.Token); !hasCode(err, kith.CodeInvalidSession) {
			t.Fatalf("the revoked session authenticates: %v", err)
		}
		e.auth(two)
		n, err := e.chat.RevokeUserSessions(ctx, e.reach(), one.User.ID)
		if err != nil || n != 2 {
			t.Fatalf("revoke all: %d, %v; want the 2 still active", n, err)
		}
		for _, st := range []*chat.Started{two, three} {
			if _, err := e.chat.Authenticate(ctx, st.Token); !hasCode(err, kith.CodeInvalidSession) {
				t.Fatalf("a session revoked with all the others authenticates: %v", err)
			}
		}
		// Revoking again is not an error and records nothing more.
		if err := e.chat.RevokeSession(ctx, e.reach(), one.Session.ID); err != nil {
			t.Fatal(err)
		}
		if got := e.events(one.User.ID, kith.EventSessionRevoked); len(got) != 3 {
			t.Fatalf("%d session_revoked events, want 3", len(got))
		}
	})
}

func TestRevoke_AnotherOrganizationsSessionIsNotFound_V5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		other := newEnv(t, e.store)
		wantCode(t, other.chat.RevokeSession(ctx, other.reach(), ada.Session.ID), kith.CodeNotFound)
		_, err := other.chat.RevokeUserSessions(ctx, other.reach(), ada.User.ID)
		wantCode(t, err, kith.CodeNotFound)
		e.auth(ada) // still standing
	})
}

func TestUpdateIdentity_ChangesTraitsNeverTheRef_S8(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		bob := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}})
		u, err := e.chat.UpdateIdentity(ctx, e.auth(bob), identity.UserTraits{DisplayName: identity.Put("Bobby"),
			Email: identity.Put("bob@example.com")})
		if err != nil {
			t.Fatal(err)
		}
		stored, err := e.store.User(ctx, e.app.OrgID, bob.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		if u.ID != bob.User.ID || stored.Ref != "bob" || stored.DisplayName != "Bobby" || stored.Email != "bob@example.com" {
			t.Fatalf("stored user %+v, want bob renamed Bobby with the email", stored)
		}
		// An anonymous visitor's first identity update makes their user.
		anon := e.anonymous("")
		if _, err := e.chat.UpdateIdentity(ctx, e.auth(anon), identity.UserTraits{DisplayName: identity.Put("Visitor")}); err != nil {
			t.Fatal(err)
		}
		if d := e.device(anon.Device.ID); d.AnonymousUserID == "" {
			t.Fatal("updateIdentity of an anonymous visitor made no user")
		}
		// A verified user's email comes from the backend only.
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		_, err = e.chat.UpdateIdentity(ctx, e.auth(ada), identity.UserTraits{Email: identity.Put("evil@example.com")})
		wantCode(t, err, kith.CodeInvalidField)
	})
}
