package chat_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
)

func TestConversations_VerifiedHistoryFollowsTheUserAcrossDevices_V2(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		laptop := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		conv := e.converse(e.auth(laptop), "from the laptop")
		phone := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		if got := e.visible(phone); !slices.Equal(got, []string{conv}) {
			t.Fatalf("ada's phone sees %v, want %s", got, conv)
		}
		if _, err := e.chat.Send(ctx, e.auth(phone), conv, "from the phone"); err != nil {
			t.Fatal(err)
		}
		if n := len(e.messages(conv)); n != 2 {
			t.Fatalf("%d messages, want 2", n)
		}
	})
}

func TestConversations_UnverifiedHistoryStaysOnItsDevice_V3_V5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		here := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}})
		conv := e.converse(e.auth(here), "on this device")
		there := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}})
		if got := e.visible(there); len(got) != 0 {
			t.Fatalf("bob on another device sees %v", got)
		}
		_, err := e.chat.Messages(ctx, e.auth(there), conv, kith.Page{})
		wantCode(t, err, kith.CodeNotFound)
		_, err = e.chat.Send(ctx, e.auth(there), conv, "hi")
		wantCode(t, err, kith.CodeNotFound)
		wantCode(t, e.chat.MarkRead(ctx, e.auth(there), conv), kith.CodeNotFound)
	})
}

func TestConversations_WorkspaceScopesTheList_V4(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		dev := e.anonymous("")
		inW := e.start(chat.StartRequest{DeviceToken: dev.DeviceToken, WorkspaceRef: "w"})
		convW := e.converse(e.auth(inW), "in w")
		convNone := e.converse(e.auth(dev), "in none")
		if got := e.visible(inW); !slices.Equal(got, []string{convW}) {
			t.Fatalf("the session scoped to w sees %v, want %s", got, convW)
		}
		if got := e.visible(e.anonymous(dev.DeviceToken)); !slices.Equal(got, []string{convNone}) {
			t.Fatalf("the session without a workspace sees %v, want %s", got, convNone)
		}
	})
}

func TestMessages_BodyIsChecked_F6(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		c := e.auth(e.anonymous(""))
		for _, bad := range []string{"", "   ", strings.Repeat("x", chat.MaxMessageLen+1), "bell\a"} {
			if _, err := e.chat.StartConversation(ctx, c, bad); err == nil {
				t.Errorf("message %q accepted", bad)
			}
		}
		if n := len(e.users("")); n != 0 {
			t.Fatalf("refused messages made %d users", n)
		}
	})
}

func TestRead_AgentRepliesAreUnreadUntilRead(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		visitor := e.anonymous("")
		conv := e.converse(e.auth(visitor), "hello")
		for _, text := range []string{"one", "two"} {
			if _, err := e.chat.Reply(ctx, e.reach(), conv, "", "Sam", text); err != nil {
				t.Fatal(err)
			}
		}
		unread := func() int {
			sum, err := e.chat.AgentConversation(ctx, e.reach(), conv)
			if err != nil {
				t.Fatal(err)
			}
			return sum.Unread
		}
		if n := unread(); n != 2 {
			t.Fatalf("%d unread, want the 2 replies", n)
		}
		if err := e.chat.MarkRead(ctx, e.auth(visitor), conv); err != nil {
			t.Fatal(err)
		}
		if n := unread(); n != 0 {
			t.Fatalf("%d unread after reading, want 0", n)
		}
		msgs := e.messages(conv)
		if got := e.conversation(conv).UserLastReadID; got != msgs[len(msgs)-1].ID {
			t.Fatalf("read up to %s, want the last message %s", got, msgs[len(msgs)-1].ID)
		}
	})
}

func TestReply_AnotherOrganizationsConversationIsNotFound_V6(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		conv := e.converse(e.auth(e.anonymous("")), "hello")
		other := newEnv(t, e.store)
		_, err := other.chat.Reply(ctx, other.reach(), conv, "", "Eve", "hi")
		wantCode(t, err, kith.CodeNotFound)
		_, err = other.chat.AgentMessages(ctx, other.reach(), conv, kith.Page{})
		wantCode(t, err, kith.CodeNotFound)
		if n := len(e.messages(conv)); n != 1 {
			t.Fatalf("%d messages, want the visitor's only", n)
		}
	})
}

func TestExpire_IdleAnonymousUsersLoseTheirSessions_S6(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		idle := e.anonymous("")
		conv := e.converse(e.auth(idle), "long ago")
		idleUser := e.device(idle.Device.ID).AnonymousUserID
		later := *e.chat
		later.Now = func() time.Time { return time.Now().Add(8 * 24 * time.Hour) }
		n, err := later.ExpireAnonymous(ctx)
		if err != nil || n != 1 {
			t.Fatalf("expired %d, %v; want the one idle user", n, err)
		}
		if _, err := e.chat.Authenticate(ctx, idle.Token); !hasCode(err, kith.CodeInvalidSession) {
			t.Fatalf("the expired user's session authenticates: %v", err)
		}
		if got := e.visible(e.anonymous(idle.DeviceToken)); len(got) != 0 {
			t.Fatalf("the device still sees %v after its anonymous user expired", got)
		}
		if c := e.conversation(conv); c.UserID != idleUser {
			t.Fatalf("agents lost the expired user's conversation: it belongs to %s", c.UserID)
		}
	})
}

func TestScope_TheBrowserCannotPutAVerifiedUserInAWorkspace_V4(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// ada is a member of "support" (her backend said so); "billing"
		// exists, for another user.
		tok, _, err := e.chat.IssueSessionToken(ctx, e.app, "", &identity.Claim{Method: kith.MethodSessionToken,
			Trust: kith.TrustVerified, UserRef: "ada", AccountRef: "acme.com", WorkspaceRef: "support"}, time.Hour)
		if err != nil {
			t.Fatal(err)
		}
		if _, _, err := e.chat.IssueSessionToken(ctx, e.app, "", &identity.Claim{Method: kith.MethodSessionToken,
			Trust: kith.TrustVerified, UserRef: "bob", AccountRef: "acme.com", WorkspaceRef: "billing"}, time.Hour); err != nil {
			t.Fatal(err)
		}
		for _, ws := range []string{"billing", "no-such-workspace"} {
			_, err := e.chat.Start(ctx, e.app, chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}, WorkspaceRef: ws})
			wantCode(t, err, kith.CodeWorkspaceNotAllowed)
		}
		// A workspace she is a member of, named by the page, is fine; so is
		// the one her token names.
		in := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}, WorkspaceRef: "support"})
		if in.Session.WorkspaceRef != "support" {
			t.Fatalf("scoped to %q, want support", in.Session.WorkspaceRef)
		}
		byToken := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: tok}})
		if byToken.Session.WorkspaceRef != "support" || byToken.Session.Label != "" {
			t.Fatalf("the token's workspace: %q, label %q", byToken.Session.WorkspaceRef, byToken.Session.Label)
		}
		conv := e.converse(e.auth(in), "in support")
		if got := e.visible(byToken); !slices.Equal(got, []string{conv}) {
			t.Fatalf("ada in support on another device sees %v, want %s", got, conv)
		}
	})
}

func TestScope_WhatThePagePicksIsALabelNotAWorkspace_V4(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		// An unverified session's workspace_ref is only the page's word.
		bob := e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}, WorkspaceRef: "support"})
		if bob.Session.WorkspaceRef != "" || bob.Session.Label != "support" {
			t.Fatalf("unverified scope: workspace %q label %q, want the label support", bob.Session.WorkspaceRef, bob.Session.Label)
		}
		conv := e.converse(e.auth(bob), "hi")
		if c := e.conversation(conv); c.WorkspaceRef != "" || c.Label != "support" {
			t.Fatalf("the conversation: workspace %q label %q, want the label only", c.WorkspaceRef, c.Label)
		}
		// The label partitions bob's history on his device.
		if got := e.visible(e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("bob")}, DeviceToken: bob.DeviceToken})); len(got) != 0 {
			t.Fatalf("without the label bob sees %v", got)
		}
		// A label (Open CX externalId) works at every trust level, beside
		// a workspace.
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}, Label: "eu"})
		if ada.Session.Label != "eu" || ada.Session.WorkspaceRef != "" {
			t.Fatalf("verified label: %+v", ada.Session)
		}
		_, err := e.chat.Start(ctx, e.app, chat.StartRequest{Offer: proof.Offer{Identity: claim("carol")}, WorkspaceRef: "a", Label: "b"})
		wantCode(t, err, kith.CodeInvalidField)
	})
}
