package chat_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
)

// listenWait bounds how long a test waits for an event it expects.
const listenWait = 10 * time.Second

// listen starts listening for a session's events after the cursor, and
// closes the listener when the test ends.
func (e *env) listen(st *chat.Started, after int64) *chat.Listener {
	e.t.Helper()
	l := e.chat.Listen(e.auth(st), after)
	e.t.Cleanup(l.Close)
	return l
}

// next is the listener's next event, which the test expects to come.
func next(t testing.TB, l *chat.Listener) *kith.LiveEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, listenWait)
	defer cancel()
	ev, err := l.Next(ctx)
	if err != nil {
		t.Fatalf("the next live event: %v", err)
	}
	return ev
}

// listenInbox starts listening for the organization's events from now on,
// as an inbox does, and closes the listener when the test ends.
func (e *env) listenInbox() *chat.InboxListener {
	e.t.Helper()
	l, _, err := e.chat.ListenInbox(ctx, e.app.OrgID, 0)
	if err != nil {
		e.t.Fatalf("listen as an inbox: %v", err)
	}
	e.t.Cleanup(l.Close)
	return l
}

// nextInbox is an inbox listener's next event, which the test expects.
func nextInbox(t *testing.T, l *chat.InboxListener) *kith.LiveEvent {
	t.Helper()
	ctx, cancel := context.WithTimeout(ctx, listenWait)
	defer cancel()
	ev, err := l.Next(ctx)
	if err != nil {
		t.Fatalf("the inbox's next live event: %v", err)
	}
	return ev
}

// until collects the listener's events up to and including the first
// about the conversation conv, and returns the conversations they are
// about.
func until(t testing.TB, l *chat.Listener, conv string) []string {
	t.Helper()
	var heard []string
	for {
		ev := next(t, l)
		heard = append(heard, ev.ConversationID)
		if ev.ConversationID == conv {
			return heard
		}
	}
}

// reply is an agent's reply in a conversation.
func (e *env) reply(conv, body string) {
	e.t.Helper()
	if _, err := e.chat.Reply(ctx, e.reach(), conv, "agt_1", "Sam", body); err != nil {
		e.t.Fatalf("reply in %s: %v", conv, err)
	}
}

func TestListen_AnonymousHearsItsFirstConversationAfterItsUserIsMade_V3(t *testing.T) {
	for _, tt := range []struct {
		name string
		// writer is the session that writes the visitor's first message,
		// on the listener's device.
		writer func(e *env, listener *chat.Started) *chat.Started
	}{
		{"written in the listening tab", func(e *env, l *chat.Started) *chat.Started { return l }},
		{"written in another tab", func(e *env, l *chat.Started) *chat.Started { return e.anonymous(l.DeviceToken) }},
	} {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				visitor := e.anonymous("")
				l := e.listen(visitor, 0) // before the visitor has a user (M6)
				conv := e.converse(e.auth(tt.writer(e, visitor)), "hello?")
				if ev := next(t, l); ev.ConversationID != conv || ev.Kind != kith.LiveMessageCreated {
					t.Fatalf("heard %s about %q, want the first message of %s", ev.Kind, ev.ConversationID, conv)
				}
				// From then on the listener follows the user that message made.
				e.reply(conv, "hi, how can I help?")
				if ev := next(t, l); ev.ConversationID != conv {
					t.Fatalf("heard %q, want the agent's reply in %s", ev.ConversationID, conv)
				}
			})
		})
	}
}

// Each case starts a listening session with a conversation of its own, then
// a writer's conversation, then an agent's reply in the listener's: the
// listener hears the writer's conversation, live or replayed after its
// cursor, exactly when it may see it.
func TestListen_HearsOnlyWhatTheSessionMaySee_V2_V3_V4_V7(t *testing.T) {
	// who starts a session: verified by a session token, claimed by the
	// browser (with a label), or anonymous when ref is empty.
	type who struct {
		verified   bool
		ref, label string
	}
	tests := []struct {
		name             string
		listener, writer who
		sameDevice       bool
		hears            bool
	}{
		{"V2 a verified user hears their verified conversation from another device", who{true, "ada", ""}, who{true, "ada", ""}, false, true},
		{"V7 the unverified user of a ref does not hear the verified one", who{false, "ada", ""}, who{true, "ada", ""}, true, false},
		{"V3 an unverified user hears their own device's", who{false, "bob", ""}, who{false, "bob", ""}, true, true},
		{"V3 an unverified user does not hear their other device's", who{false, "bob", ""}, who{false, "bob", ""}, false, false},
		{"V4 an unlabelled session does not hear its user's labelled one", who{false, "bob", ""}, who{false, "bob", "eu"}, true, false},
		{"V3 an anonymous visitor hears its other tab's", who{}, who{}, true, true},
		{"V3 an anonymous visitor does not hear the verified user of its device", who{}, who{true, "ada", ""}, true, false},
		{"V3 an anonymous visitor does not hear another device's visitor", who{}, who{}, false, false},
	}
	each(t, func(t *testing.T, e *env) {
		n := 0
		// start starts w's session on device; each case has refs of its own.
		start := func(w who, device string) *chat.Started {
			req := chat.StartRequest{DeviceToken: device, Label: w.label}
			ref := fmt.Sprintf("%s-%d", w.ref, n)
			switch {
			case w.verified:
				req.Offer.SessionToken = e.sessionToken(ref)
			case w.ref != "":
				req.Offer.Identity = claim(ref)
			}
			return e.start(req)
		}
		for _, replayed := range []bool{false, true} {
			for _, tt := range tests {
				n++
				name := tt.name + ", live"
				if replayed {
					name = tt.name + ", replayed"
				}
				t.Run(name, func(t *testing.T) {
					listener := start(tt.listener, "")
					mine := e.converse(e.auth(listener), "mine")
					device := ""
					if tt.sameDevice {
						device = listener.DeviceToken
					}
					writer := start(tt.writer, device)
					var l *chat.Listener
					if !replayed {
						l = e.listen(listener, 0)
						if got := until(t, l, mine); !slices.Equal(got, []string{mine}) {
							t.Fatalf("the replay brought %v, want only the listener's own %s", got, mine)
						}
					}
					theirs := e.converse(e.auth(writer), "theirs")
					e.reply(mine, "marker")
					if replayed {
						l = e.listen(listener, 0)
						if got := until(t, l, mine); !slices.Equal(got, []string{mine}) {
							t.Fatalf("the replay began with %v, want the listener's own %s", got, mine)
						}
					}
					heard := until(t, l, mine)
					if got := slices.Contains(heard, theirs); got != tt.hears {
						t.Fatalf("heard the writer's conversation: %v, want %v (heard %v)", got, tt.hears, heard)
					}
				})
			}
		}
	})
}

func TestListen_ReplaysWhatCameAfterTheCursorOnce(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		visitor := e.anonymous("")
		conv := e.converse(e.auth(visitor), "hello?")
		e.reply(conv, "one")
		e.reply(conv, "two")
		first := e.listen(visitor, 0)
		var ids []int64
		for range 3 {
			ids = append(ids, next(t, first).ID)
		}
		first.Close()
		// The widget saw the first message and the first reply; a reply
		// made as it reconnects is both stored and live.
		resumed := e.listen(visitor, ids[1])
		e.reply(conv, "three")
		if ev := next(t, resumed); ev.ID != ids[2] {
			t.Fatalf("resumed after %d with %d, want %d", ids[1], ev.ID, ids[2])
		}
		three := next(t, resumed)
		if three.ID <= ids[2] {
			t.Fatalf("then %d, want the reply made since, after %d", three.ID, ids[2])
		}
		e.reply(conv, "four")
		if four := next(t, resumed); four.ID <= three.ID {
			t.Fatalf("then %d, want the next reply: the live copy of %d is not heard twice", four.ID, three.ID)
		}
	})
}

func TestListen_EndsOnceItHearsItsSessionRevoked_S7(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
		l := e.listen(ada, 0)
		if err := e.chat.RevokeSession(ctx, e.reach(), ada.Session.ID); err != nil {
			t.Fatal(err)
		}
		if ev := next(t, l); ev.Kind != kith.LiveSessionRevoked {
			t.Fatalf("heard %s, want %s", ev.Kind, kith.LiveSessionRevoked)
		}
		if _, err := l.Next(ctx); !errors.Is(err, chat.ErrSessionRevoked) {
			t.Fatalf("after the revocation: %v, want ErrSessionRevoked", err)
		}
	})
}

// A session ended by another process announces it there only; the
// listener finds out when it reads its session again.
func TestListen_EndsWhenItsSessionEndsInAnotherProcess_S4_S7(t *testing.T) {
	for _, tt := range []struct {
		name string
		end  func(other *chat.Service, e *env, st *chat.Started) error
	}{
		{"S7 an agent revokes it", func(other *chat.Service, e *env, st *chat.Started) error {
			return other.RevokeSession(ctx, e.reach(), st.Session.ID)
		}},
		{"S4 the user logs out", func(other *chat.Service, e *env, st *chat.Started) error {
			c, err := other.Authenticate(ctx, st.Token)
			if err != nil {
				return err
			}
			return other.Logout(ctx, c)
		}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			each(t, func(t *testing.T, e *env) {
				e.chat.Revalidate = 10 * time.Millisecond
				ada := e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("ada")}})
				conv := e.converse(e.auth(ada), "hello?")
				l := e.listen(ada, 0)
				if ev := next(t, l); ev.ConversationID != conv {
					t.Fatalf("replayed %q, want %s", ev.ConversationID, conv)
				}
				// The replay is done: the listener waits on this process's
				// hub, which never hears of an end the other process
				// announces. Only reading the session again tells.
				if err := tt.end(newService(t, e.store), e, ada); err != nil {
					t.Fatal(err)
				}
				wctx, cancel := context.WithTimeout(ctx, listenWait)
				defer cancel()
				if ev, err := l.Next(wctx); !errors.Is(err, chat.ErrSessionEnded) {
					t.Fatalf("after the session ended elsewhere: %v, %v; want ErrSessionEnded", ev, err)
				}
			})
		})
	}
}

// A listener that does not keep up is dropped, not waited for: the writers
// never block on it, and the widget resumes from its cursor.
func TestListen_TooSlowAListenerIsDroppedNotWaitedFor(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		visitor := e.anonymous("")
		conv := e.converse(e.auth(visitor), "hello?")
		l := e.listen(visitor, 0)
		for range 100 { // more than a subscription buffers
			e.reply(conv, "are you there?")
		}
		seen := map[int64]bool{}
		for {
			ev, err := l.Next(ctx)
			if errors.Is(err, chat.ErrTooSlow) {
				return
			}
			if err != nil {
				t.Fatalf("after %d events: %v, want ErrTooSlow", len(seen), err)
			}
			if seen[ev.ID] {
				t.Fatalf("event %d heard twice", ev.ID)
			}
			seen[ev.ID] = true
		}
	})
}
