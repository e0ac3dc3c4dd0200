package identity_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
	"pgregory.net/rapid"
)

func TestCanSee_Rules_V2_V3_V4(t *testing.T) {
	conv := func(user, device string, verified bool, ws string) *kith.Conversation {
		return &kith.Conversation{AppID: "a", UserID: user, DeviceID: device, Verified: verified, WorkspaceRef: ws}
	}
	verified := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustVerified}
	unverified := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustUnverified}
	anonymous := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustAnonymous}
	scoped := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustVerified, WorkspaceRef: "ws"}
	labelled := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustUnverified, Label: "eu"}
	scopedAndLabelled := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustVerified, WorkspaceRef: "ws", Label: "eu"}
	labelledConv := func(user, device string, verified bool, ws, label string) *kith.Conversation {
		c := conv(user, device, verified, ws)
		c.Label = label
		return c
	}
	tests := []struct {
		name string
		v    identity.Viewer
		c    *kith.Conversation
		want bool
	}{
		{"V2 verified sees its verified conversation from another device", verified, conv("u", "d2", true, ""), true},
		{"V2 verified does not see what an unverified session of the same user started", verified, conv("u", "d1", false, ""), false},
		{"V3 unverified sees its own device's", unverified, conv("u", "d1", false, ""), true},
		{"V3 unverified does not see another device's", unverified, conv("u", "d2", false, ""), false},
		{"V3 anonymous sees its own device's", anonymous, conv("u", "d1", false, ""), true},
		{"V3 anonymous does not see another device's", anonymous, conv("u", "d2", false, ""), false},
		{"nobody sees another user's", verified, conv("other", "d1", true, ""), false},
		{"V4 a scoped session sees its workspace's", scoped, conv("u", "d2", true, "ws"), true},
		{"V4 a scoped session does not see other workspaces'", scoped, conv("u", "d1", true, "other"), false},
		{"V4 a scoped session does not see unscoped ones", scoped, conv("u", "d1", true, ""), false},
		{"V4 an unscoped session does not see scoped ones", verified, conv("u", "d1", true, "ws"), false},
		{"a visitor who never wrote sees nothing", identity.Viewer{AppID: "a", DeviceID: "d1", Trust: kith.TrustAnonymous}, conv("", "d1", false, ""), false},
		{"V4 a labelled session sees its label's", labelled, labelledConv("u", "d1", false, "", "eu"), true},
		{"V4 a labelled session does not see unlabelled ones", labelled, conv("u", "d1", false, ""), false},
		{"V4 an unlabelled session does not see labelled ones", unverified, labelledConv("u", "d1", false, "", "eu"), false},
		{"V4 a label is not a workspace of the same name", labelled, conv("u", "d1", false, "eu"), false},
		{"V4 a verified session sees its workspace's and label's", scopedAndLabelled, labelledConv("u", "d2", true, "ws", "eu"), true},
		{"V4 ... but not its workspace's without the label", scopedAndLabelled, conv("u", "d2", true, "ws"), false},
		{"V5 nobody sees another app's, even in the same organization", identity.Viewer{AppID: "b", UserID: "u", DeviceID: "d1", Trust: kith.TrustVerified}, conv("u", "d1", true, ""), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := identity.CanSee(tt.v, tt.c); got != tt.want {
				t.Fatalf("CanSee = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestVisible_FilterMatchesCanSee_V2_V3_V4 checks, on both stores and for
// random populations of conversations and viewers, that the store filter
// made by Visible lists exactly the conversations CanSee allows.
func TestVisible_FilterMatchesCanSee_V2_V3_V4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		ctx := context.Background()
		// A second app of the same organization: its conversations must
		// never show in the first app's widget.
		other := &kith.App{OrgID: app.OrgID, Name: "other", Settings: kith.DefaultAppSettings(),
			SessionSecret: make([]byte, 32), CreatedAt: time.Now()}
		if err := s.Tx(ctx, func(ctx context.Context, tx kith.Tx) error { return tx.CreateApp(ctx, other) }); err != nil {
			t.Fatal(err)
		}
		appIDs := []string{app.ID, other.ID}
		users := []string{}
		for i := range 3 {
			u := &kith.User{OrgID: app.OrgID, Trust: kith.TrustVerified, DisplayName: fmt.Sprint("U", i),
				CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := s.Tx(ctx, func(ctx context.Context, tx kith.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			users = append(users, u.ID)
		}
		devices := []string{"d1", "d2", "d3"}
		workspaces := []string{"", "ws-a", "ws-b"}
		labels := []string{"", "ws-a", "eu"} // a label may be spelled like a workspace: it is not one
		var all []*kith.Conversation
		for _, u := range users {
			for _, d := range devices {
				for _, ws := range workspaces {
					for _, label := range labels {
						for _, verified := range []bool{false, true} {
							c := &kith.Conversation{OrgID: app.OrgID, AppID: appIDs[len(all)%2], UserID: u, DeviceID: d, Verified: verified,
								WorkspaceRef: ws, Label: label, CreatedAt: time.Now(), UpdatedAt: time.Now()}
							if err := s.Tx(ctx, func(ctx context.Context, tx kith.Tx) error { return tx.CreateConversation(ctx, c) }); err != nil {
								t.Fatal(err)
							}
							all = append(all, c)
						}
					}
				}
			}
		}
		rapid.Check(t, func(rt *rapid.T) {
			v := identity.Viewer{
				AppID:        rapid.SampledFrom(appIDs).Draw(rt, "app"),
				UserID:       rapid.SampledFrom(append(users, "")).Draw(rt, "user"),
				DeviceID:     rapid.SampledFrom(devices).Draw(rt, "device"),
				Trust:        rapid.SampledFrom([]kith.Trust{kith.TrustAnonymous, kith.TrustUnverified, kith.TrustVerified}).Draw(rt, "trust"),
				WorkspaceRef: rapid.SampledFrom(workspaces).Draw(rt, "workspace"),
				Label:        rapid.SampledFrom(labels).Draw(rt, "label"),
			}
			want := map[string]bool{}
			for _, c := range all {
				if identity.CanSee(v, c) {
					want[c.ID] = true
				}
			}
			f, ok := identity.Visible(v)
			got := map[string]bool{}
			if ok {
				listed, err := s.Conversations(ctx, app.OrgID, f)
				if err != nil {
					rt.Fatal(err)
				}
				for _, c := range listed {
					got[c.ID] = true
				}
			}
			if len(got) != len(want) {
				rt.Fatalf("viewer %+v: the store lists %d conversations, CanSee allows %d", v, len(got), len(want))
			}
			for id := range want {
				if !got[id] {
					rt.Fatalf("viewer %+v: %s is allowed but not listed", v, id)
				}
			}
		})
	})
}

func TestMayHearOnceItsUserIsMade_OnlyAVisitorsOwnDevicesUnverifiedEvents_M6_V3(t *testing.T) {
	visitor := identity.Viewer{AppID: "a", DeviceID: "d1", Trust: kith.TrustAnonymous}
	withUser := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustAnonymous}
	unverified := identity.Viewer{AppID: "a", DeviceID: "d1", Trust: kith.TrustUnverified}
	event := func(device string, verified bool) *kith.LiveEvent {
		return &kith.LiveEvent{AppID: "a", UserID: "u", DeviceID: device, Verified: verified}
	}
	tests := []struct {
		name string
		v    identity.Viewer
		e    *kith.LiveEvent
		want bool
	}{
		{"M6 a visitor without a user may hear its device's first conversation", visitor, event("d1", false), true},
		{"V3 ... not another device's", visitor, event("d2", false), false},
		{"V3 ... nor a verified one of its device", visitor, event("d1", true), false},
		{"a visitor who has its user already is answered by CanHear", withUser, event("d1", false), false},
		{"an unverified session has its user from the start", unverified, event("d1", false), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := identity.MayHearOnceItsUserIsMade(tt.v, tt.e); got != tt.want {
				t.Fatalf("MayHearOnceItsUserIsMade = %v, want %v", got, tt.want)
			}
		})
	}
}

// TestCanHear_OnlyWidgetKindsAboutWhatItMaySee_I1_V5: a widget hears the
// messages and an agent's typing about a conversation it may see, its own
// session's end, and nothing of agents' own (notes, state, a visitor's
// typing), even about its own conversation.
func TestCanHear_OnlyWidgetKindsAboutWhatItMaySee_I1_V5(t *testing.T) {
	v := identity.Viewer{AppID: "a", UserID: "u", DeviceID: "d1", Trust: kith.TrustAnonymous}
	about := func(kind kith.LiveEventKind, user, device string) *kith.LiveEvent {
		return &kith.LiveEvent{AppID: "a", Kind: kind, UserID: user, DeviceID: device}
	}
	tests := []struct {
		name string
		e    *kith.LiveEvent
		want bool
	}{
		{"a message of its conversation", about(kith.LiveMessageCreated, "u", "d1"), true},
		{"an agent typing in its conversation", about(kith.LiveAgentTyping, "u", "d1"), true},
		{"V5 an agent typing in another device's conversation", about(kith.LiveAgentTyping, "u", "d2"), false},
		{"V5 an agent typing in another user's conversation", about(kith.LiveAgentTyping, "x", "d1"), false},
		{"I1 a visitor typing, even itself", about(kith.LiveUserTyping, "u", "d1"), false},
		{"I1 a private note of its conversation", about(kith.LiveNoteCreated, "u", "d1"), false},
		{"I1 agents' state of its conversation", about(kith.LiveConversationChanged, "u", "d1"), false},
		{"its own session's end", &kith.LiveEvent{AppID: "a", Kind: kith.LiveSessionRevoked, SessionID: "s1"}, true},
		{"another session's end", &kith.LiveEvent{AppID: "a", Kind: kith.LiveSessionRevoked, SessionID: "s2"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := identity.CanHear(v, "s1", tt.e); got != tt.want {
				t.Fatalf("CanHear = %v, want %v", got, tt.want)
			}
		})
	}
}
