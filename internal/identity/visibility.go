package identity

import "github.com/kith-chat/kith/internal/kith"

// Viewer is whom a widget session shows conversations to.
type Viewer struct {
	// AppID is the session's app: a widget sees only its own app's
	// conversations, even among apps of one organization.
	AppID string
	// UserID is the session's user; empty for an anonymous visitor who has
	// not written yet, who has no conversations.
	UserID   string
	DeviceID string
	Trust    kith.Trust
	// WorkspaceRef is the session's workspace scope; empty for none.
	WorkspaceRef string
	// Label is the scope the page picked; empty for none.
	Label string
}

// CanSee decides whether a widget session may see a conversation of its
// own app:
//
//   - V4: only the conversations of its workspace scope and label (or,
//     without them, those without);
//   - V2: a verified session sees every conversation of its user that a
//     verified session started, on any device;
//   - V3: an unverified or anonymous session sees only what its own user
//     started on its own device.
//
// Anything else is not found (V5).
func CanSee(v Viewer, c *kith.Conversation) bool {
	if v.UserID == "" || c.AppID != v.AppID || c.UserID != v.UserID || c.WorkspaceRef != v.WorkspaceRef || c.Label != v.Label {
		return false
	}
	if v.Trust == kith.TrustVerified {
		return c.Verified
	}
	return c.DeviceID == v.DeviceID
}

// Visible is CanSee as a store filter: the conversations it lists are
// exactly those CanSee allows. ok is false when the viewer can see nothing.
func Visible(v Viewer) (f kith.ConversationFilter, ok bool) {
	if v.UserID == "" {
		return f, false
	}
	ws, label := v.WorkspaceRef, v.Label
	f = kith.ConversationFilter{AppID: v.AppID, UserID: v.UserID, WorkspaceRef: &ws, Label: &label}
	if v.Trust == kith.TrustVerified {
		f.VerifiedOnly = true
	} else {
		f.DeviceID = v.DeviceID
	}
	return f, true
}

// CanHear decides whether a widget session may hear a live event: events
// addressed to the session itself, and events about conversations it can
// see.
func CanHear(v Viewer, sessionID string, e *kith.LiveEvent) bool {
	if !e.Kind.ForWidgets() {
		return false // a private note, or agents' own state (I1)
	}
	if e.SessionID != "" {
		return e.SessionID == sessionID
	}
	return CanSee(v, &kith.Conversation{AppID: e.AppID, UserID: e.UserID, DeviceID: e.DeviceID,
		Verified: e.Verified, WorkspaceRef: e.WorkspaceRef, Label: e.Label})
}

// MayHearOnceItsUserIsMade reports whether an event v cannot hear might
// become audible once v is read again: v is an anonymous visitor with no
// user yet, and e is about an unverified conversation on v's device, which
// only a first message of that visitor (maybe in another tab) can have
// started, making its user (M6, V3). Nothing else is worth the lookup: for
// a session that has its user CanHear's answer stands, and another
// device's or a verified conversation is never this visitor's.
func MayHearOnceItsUserIsMade(v Viewer, e *kith.LiveEvent) bool {
	return v.UserID == "" && v.Trust == kith.TrustAnonymous && e.DeviceID == v.DeviceID && !e.Verified
}
