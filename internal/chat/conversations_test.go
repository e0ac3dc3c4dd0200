package chat_test

import (
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
)

func TestConversations_VerifiedHistoryFollowsTheUserAcrossDevices_V2(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		laptop := e.start(chat.StartRequest{SessionToken: e.sessionToken("ada")})
		conv := e.converse(e.auth(laptop), "from the laptop")
		phone := e.start(chat.StartRequest{SessionToken: e.sessionToken("ada")})
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
		here := e.start(chat.StartRequest{Claim: claim("bob")})
		conv := e.converse(e.auth(here), "on this device")
		there := e.start(chat.StartRequest{Claim: claim("bob")})
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
			if _, err := e.chat.Reply(ctx, e.app.OrgID, conv, "", "Sam", text); err != nil {
				t.Fatal(err)
			}
		}
		unread := func() int {
			sum, err := e.chat.AgentConversation(ctx, e.app.OrgID, conv)
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
		_, err := other.chat.Reply(ctx, other.app.OrgID, conv, "", "Eve", "hi")
		wantCode(t, err, kith.CodeNotFound)
		_, err = other.chat.AgentMessages(ctx, other.app.OrgID, conv, kith.Page{})
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
