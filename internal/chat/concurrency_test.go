package chat_test

import (
	"slices"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
)

// The write paths a busy site hits at once, on both stores. Each test
// checks what the database holds afterwards, not only that the calls
// returned: on PostgreSQL these transactions lose serialization races and
// run again, and a run that started from the state an earlier run changed
// once lost writes while answering success.

// visitors is how many browsers write at once.
const visitors = 16

func TestConcurrency_FirstMessagesFromManyDevicesAreAllStored_M6_R1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		started := make([]*chat.Started, visitors)
		noErrors(t, "start sessions", atOnce(visitors, func(i int) (err error) {
			started[i], err = e.chat.Start(ctx, e.app, chat.StartRequest{})
			return err
		}))
		callers := make([]*chat.Caller, visitors)
		for i, st := range started {
			callers[i] = e.auth(st)
		}
		convs := make([]string, visitors)
		noErrors(t, "first messages", atOnce(visitors, func(i int) error {
			sum, err := e.chat.StartConversation(ctx, callers[i], body("first", i))
			if err == nil {
				convs[i] = sum.ID
			}
			return err
		}))
		if n := len(e.users(kith.TrustAnonymous)); n != visitors {
			t.Fatalf("%d anonymous users, want one per device: %d", n, visitors)
		}
		for i, st := range started {
			dev, conv := e.device(st.Device.ID), e.conversation(convs[i])
			if dev.AnonymousUserID == "" || conv.UserID != dev.AnonymousUserID || conv.DeviceID != dev.ID {
				t.Fatalf("visitor %d: device user %q, conversation user %q on device %s", i, dev.AnonymousUserID, conv.UserID, conv.DeviceID)
			}
			if msgs := e.messages(convs[i]); len(msgs) != 1 || msgs[0].Body != body("first", i) {
				t.Fatalf("visitor %d: the conversation holds %d messages, want its first", i, len(msgs))
			}
			if got := e.visible(st); !slices.Equal(got, []string{convs[i]}) {
				t.Fatalf("visitor %d sees %v, want only %s", i, got, convs[i])
			}
		}
	})
}

func TestConcurrency_TabsOfOneDeviceMakeOneAnonymousUser_R1_V3(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		const tabs = 8
		first := e.anonymous("")
		callers := []*chat.Caller{e.auth(first)}
		for range tabs - 1 {
			callers = append(callers, e.auth(e.anonymous(first.DeviceToken)))
		}
		convs := make([]string, tabs)
		noErrors(t, "first messages", atOnce(tabs, func(i int) error {
			sum, err := e.chat.StartConversation(ctx, callers[i], body("tab", i))
			if err == nil {
				convs[i] = sum.ID
			}
			return err
		}))
		users := e.users(kith.TrustAnonymous)
		if len(users) != 1 {
			t.Fatalf("%d anonymous users for one device, want 1", len(users))
		}
		for _, id := range convs {
			if c := e.conversation(id); c.UserID != users[0].ID {
				t.Fatalf("conversation %s belongs to %s, want the device's user %s", id, c.UserID, users[0].ID)
			}
		}
		if got := e.visible(first); len(got) != tabs {
			t.Fatalf("the device sees %d conversations, want all %d of its tabs", len(got), tabs)
		}
	})
}

func TestConcurrency_ManyWritersInOneConversationLoseNothing(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		const writers, each = 4, 5
		var devices []*chat.Caller
		for range writers {
			devices = append(devices, e.auth(e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})))
		}
		conv := e.converse(devices[0], "first")
		errs := atOnce(2*writers*each, func(i int) error {
			if i%2 == 0 {
				_, err := e.chat.Send(ctx, devices[i/2%writers], conv, body("visitor", i))
				return err
			}
			_, err := e.chat.Reply(ctx, e.reach(), conv, "agt_sam", "Sam", body("agent", i))
			return err
		})
		noErrors(t, "messages", errs)
		msgs := e.messages(conv)
		if len(msgs) != 1+2*writers*each {
			t.Fatalf("%d messages stored, want %d", len(msgs), 1+2*writers*each)
		}
		seen := map[string]bool{}
		for _, m := range msgs {
			seen[m.Body] = true
		}
		for i := range 2 * writers * each {
			want := body("visitor", i)
			if i%2 == 1 {
				want = body("agent", i)
			}
			if !seen[want] {
				t.Fatalf("message %q is missing", want)
			}
		}
		c := e.conversation(conv)
		last := msgs[len(msgs)-1]
		if c.UpdatedAt.Before(last.CreatedAt) {
			t.Fatalf("the conversation was updated at %v, before its last message %v", c.UpdatedAt, last.CreatedAt)
		}
		// Unread is the agent messages after the user's own last one.
		wantUnread := 0
		for _, m := range msgs {
			if m.ID > c.UserLastReadID && m.Author == kith.AuthorAgent {
				wantUnread++
			}
		}
		sum, err := e.chat.AgentConversation(ctx, e.reach(), conv)
		if err != nil || sum.Unread != wantUnread {
			t.Fatalf("unread %v (%v), want %d", sum, err, wantUnread)
		}
	})
}

func TestConcurrency_SessionTokenIsRedeemedByOneDevice_M1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		tok := e.sessionToken("ada")
		errs := atOnce(8, func(int) error {
			_, err := e.chat.Start(ctx, e.app, chat.StartRequest{Offer: proof.Offer{SessionToken: tok}})
			return err
		})
		won := 0
		for _, err := range errs {
			switch {
			case err == nil:
				won++
			case !hasCode(err, kith.CodeInvalidSessionToken):
				t.Fatalf("a racing redemption failed with %v, want invalid_session_token", err)
			}
		}
		if won != 1 {
			t.Fatalf("%d devices redeemed one session token, want 1", won)
		}
	})
}

// loggedIn has visitors devices, each with an anonymous conversation, log
// in at once as the verified user ada with the on_login mode, and returns
// the devices' anonymous sessions and their conversations.
func loggedIn(t *testing.T, e *env, mode kith.OnLogin) ([]*chat.Started, []string) {
	t.Helper()
	anon := make([]*chat.Started, visitors)
	convs := make([]string, visitors)
	for i := range visitors {
		anon[i] = e.anonymous("")
		convs[i] = e.converse(e.auth(anon[i]), body("anonymous", i))
	}
	tokens := make([]string, visitors)
	for i := range tokens {
		tokens[i] = e.sessionToken("ada")
	}
	noErrors(t, "logins", atOnce(visitors, func(i int) error {
		_, err := e.chat.Start(ctx, e.app, chat.StartRequest{Offer: proof.Offer{SessionToken: tokens[i]}, DeviceToken: anon[i].DeviceToken, OnLogin: mode})
		return err
	}))
	return anon, convs
}

func TestConcurrency_LoginsKeepEveryAnonymousUser_S5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon, convs := loggedIn(t, e, kith.OnLoginKeep)
		for i, st := range anon {
			if d := e.device(st.Device.ID); d.AnonymousUserID == "" {
				t.Fatalf("device %d lost its anonymous user on a keep login", i)
			}
			if got := e.visible(e.anonymous(st.DeviceToken)); !slices.Equal(got, []string{convs[i]}) {
				t.Fatalf("device %d back to anonymous sees %v, want %s", i, got, convs[i])
			}
		}
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		if got := e.visible(ada); len(got) != 0 {
			t.Fatalf("ada sees %d anonymous conversations she did not claim", len(got))
		}
	})
}

func TestConcurrency_LoginsClearEveryAnonymousUser_S5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon, convs := loggedIn(t, e, kith.OnLoginClear)
		for i, st := range anon {
			if d := e.device(st.Device.ID); d.AnonymousUserID != "" {
				t.Fatalf("device %d still has its anonymous user after a clear login", i)
			}
			for what, sess := range map[string]*chat.Started{"the old anonymous session": st, "a new one": e.anonymous(st.DeviceToken)} {
				if got := e.visible(sess); len(got) != 0 {
					t.Fatalf("device %d: %s still reaches %v", i, what, got)
				}
			}
			user := e.conversation(convs[i]).UserID
			if got := e.events(user, kith.EventAnonymousCleared); len(got) != 1 {
				t.Fatalf("device %d: %d anonymous_cleared events, want 1", i, len(got))
			}
		}
	})
}

func TestConcurrency_LoginsClaimEveryAnonymousHistory_S5_V2(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		anon, convs := loggedIn(t, e, kith.OnLoginClaim)
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		got := e.visible(ada)
		slices.Sort(got)
		want := slices.Sorted(slices.Values(convs))
		if !slices.Equal(got, want) {
			t.Fatalf("ada on a new device sees %d conversations, want the %d she claimed", len(got), len(want))
		}
		for i, st := range anon {
			if d := e.device(st.Device.ID); d.AnonymousUserID != "" {
				t.Fatalf("device %d still has its anonymous user after the claim", i)
			}
			if c := e.conversation(convs[i]); c.UserID != ada.User.ID || !c.Verified {
				t.Fatalf("device %d: the conversation belongs to %s (verified %v), want ada's", i, c.UserID, c.Verified)
			}
		}
		if got := e.events(ada.User.ID, kith.EventAnonymousClaimed); len(got) != visitors {
			t.Fatalf("%d anonymous_claimed events on ada, want %d", len(got), visitors)
		}
	}, "on_login=claim")
}

func TestConcurrency_RevokesEndEverySessionAndItsWrites_S7(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sessions := make([]*chat.Started, visitors)
		callers := make([]*chat.Caller, visitors)
		convs := make([]string, visitors)
		for i := range sessions {
			sessions[i] = e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
			callers[i] = e.auth(sessions[i])
			convs[i] = e.converse(callers[i], body("before", i))
		}
		user := sessions[0].User.ID
		// Agents revoke every session one by one, and all of them at once,
		// while each session keeps writing.
		sent := make([]bool, visitors)
		errs := atOnce(2*visitors+1, func(i int) error {
			switch {
			case i < visitors:
				return e.chat.RevokeSession(ctx, e.reach(), sessions[i].Session.ID)
			case i < 2*visitors:
				v := i - visitors
				_, err := e.chat.Send(ctx, callers[v], convs[v], body("during", v))
				if hasCode(err, kith.CodeInvalidSession) {
					return nil // the revocation came first
				}
				sent[v] = err == nil
				return err
			}
			_, err := e.chat.RevokeUserSessions(ctx, e.reach(), user)
			return err
		})
		noErrors(t, "revokes and writes", errs)
		for i, st := range sessions {
			if _, err := e.chat.Authenticate(ctx, st.Token); !hasCode(err, kith.CodeInvalidSession) {
				t.Fatalf("session %d still authenticates after its revocation: %v", i, err)
			}
			if _, err := e.chat.Send(ctx, callers[i], convs[i], "after"); !hasCode(err, kith.CodeInvalidSession) {
				t.Fatalf("session %d still writes after its revocation: %v", i, err)
			}
			want := 1
			if sent[i] {
				want = 2
			}
			if n := len(e.messages(convs[i])); n != want {
				t.Fatalf("session %d: %d messages stored, want %d", i, n, want)
			}
		}
		if got := e.events(user, kith.EventSessionRevoked); len(got) != visitors {
			t.Fatalf("%d session_revoked events, want one per session: %d", len(got), visitors)
		}
	})
}

func TestConcurrency_LogoutsEndEverySessionOnce_S4(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sessions := make([]*chat.Started, visitors)
		callers := make([]*chat.Caller, visitors)
		for i := range sessions {
			sessions[i] = e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
			callers[i] = e.auth(sessions[i])
		}
		// Every session logs out twice at once, as two tabs would.
		noErrors(t, "logouts", atOnce(2*visitors, func(i int) error {
			return e.chat.Logout(ctx, callers[i%visitors])
		}))
		for i, st := range sessions {
			if _, err := e.chat.Authenticate(ctx, st.Token); !hasCode(err, kith.CodeInvalidSession) {
				t.Fatalf("session %d authenticates after logout: %v", i, err)
			}
		}
		if got := e.events(sessions[0].User.ID, kith.EventSessionRevoked); len(got) != visitors {
			t.Fatalf("%d session_revoked events, want one per session: %d", len(got), visitors)
		}
	})
}

func TestConcurrency_ExpiryWhileVisitorsWriteLosesNoAcceptedMessage_S6(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		started := make([]*chat.Started, visitors)
		callers := make([]*chat.Caller, visitors)
		convs := make([]string, visitors)
		for i := range started {
			started[i] = e.anonymous("")
			callers[i] = e.auth(started[i])
			convs[i] = e.converse(callers[i], body("first", i))
		}
		// To this clock every visitor has been idle past anonymous_expiry.
		later := *e.chat
		later.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
		const writes = 3
		accepted := make([]bool, visitors*writes)
		errs := atOnce(visitors*writes+2, func(i int) error {
			if i >= visitors*writes {
				_, err := later.ExpireAnonymous(ctx)
				return err
			}
			v := i % visitors
			_, err := e.chat.Send(ctx, callers[v], convs[v], body("during", i))
			if hasCode(err, kith.CodeInvalidSession) {
				return nil // expired first
			}
			accepted[i] = err == nil
			return err
		})
		noErrors(t, "writes and expiry", errs)
		// What was accepted is stored, and nothing else; once expiry has run
		// through, every session has ended and agents keep every
		// conversation.
		if _, err := later.ExpireAnonymous(ctx); err != nil {
			t.Fatal(err)
		}
		for v, st := range started {
			want := []string{body("first", v)}
			for i := v; i < visitors*writes; i += visitors {
				if accepted[i] {
					want = append(want, body("during", i))
				}
			}
			var got []string
			for _, m := range e.messages(convs[v]) {
				got = append(got, m.Body)
			}
			slices.Sort(got)
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("visitor %d: stored %q, want what was accepted: %q", v, got, want)
			}
			if _, err := e.chat.Authenticate(ctx, st.Token); !hasCode(err, kith.CodeInvalidSession) {
				t.Fatalf("visitor %d still authenticates after expiry: %v", v, err)
			}
		}
		sums, err := e.chat.AgentConversations(ctx, e.reach(), "", kith.Page{Limit: 100})
		if err != nil || len(sums) != visitors {
			t.Fatalf("agents see %d conversations (%v), want all %d", len(sums), err, visitors)
		}
	})
}

func TestConcurrency_ReadMarkersWithRepliesEndAtTheLastMessage(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		visitor := e.anonymous("")
		tabs := []*chat.Caller{e.auth(visitor), e.auth(e.anonymous(visitor.DeviceToken))}
		conv := e.converse(tabs[0], "hello")
		const n = 8
		noErrors(t, "replies and reads", atOnce(2*n, func(i int) error {
			if i%2 == 0 {
				_, err := e.chat.Reply(ctx, e.reach(), conv, "", "Sam", body("reply", i))
				return err
			}
			return e.chat.MarkRead(ctx, tabs[i/2%2], conv)
		}))
		msgs := e.messages(conv)
		if len(msgs) != 1+n {
			t.Fatalf("%d messages, want %d", len(msgs), 1+n)
		}
		if err := e.chat.MarkRead(ctx, tabs[0], conv); err != nil {
			t.Fatal(err)
		}
		if c := e.conversation(conv); c.UserLastReadID != msgs[len(msgs)-1].ID {
			t.Fatalf("read up to %s, want the last message %s", c.UserLastReadID, msgs[len(msgs)-1].ID)
		}
		sum, err := e.chat.AgentConversation(ctx, e.reach(), conv)
		if err != nil || sum.Unread != 0 {
			t.Fatalf("unread %v (%v) after reading everything, want 0", sum, err)
		}
	})
}
