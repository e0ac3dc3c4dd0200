package chat_test

import (
	"encoding/json"
	"testing"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/storetest"
)

// heardTyping skips l's other events (the replay of the conversations'
// messages) up to its next typing indicator.
func heardTyping(t *testing.T, l *chat.Listener) *kith.LiveEvent {
	t.Helper()
	for range 50 {
		if ev := next(t, l); ev.Kind == kith.LiveAgentTyping {
			return ev
		}
	}
	t.Fatal("no typing indicator among 50 events")
	return nil
}

// TestTyping_ReachesOnlyWhoMayHearIt_I1_V5: an agent's typing reaches the
// widgets that may see the conversation, with the agent's name, and the
// inboxes; a visitor's reaches the inboxes only; a conversation the
// visitor may not see is not found. Neither is stored.
func TestTyping_ReachesOnlyWhoMayHearIt_I1_V5(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam := e.agent("Sam")
		ada, bob := e.anonymous(""), e.anonymous("")
		adaConv := e.converse(e.auth(ada), "ada asks")
		bobConv := e.converse(e.auth(bob), "bob asks")
		stored, err := e.store.LatestLiveEventID(ctx, e.app.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		adaHears, bobHears := e.listen(ada, 0), e.listen(bob, 0)
		inbox := e.listenInbox()

		// The agent types in Ada's conversation, then in Bob's: each
		// visitor hears only their own.
		for _, conv := range []string{adaConv, bobConv} {
			if err := e.chat.AgentTyping(ctx, sam, conv); err != nil {
				t.Fatal(err)
			}
		}
		for who, c := range map[string]struct {
			l    *chat.Listener
			conv string
		}{"ada": {adaHears, adaConv}, "bob": {bobHears, bobConv}} {
			ev := heardTyping(t, c.l)
			var p map[string]string
			_ = json.Unmarshal(ev.Payload, &p)
			if ev.ConversationID != c.conv || ev.ID != 0 || p["author_name"] != "Sam" {
				t.Errorf("%s heard typing in %s (id %d, %v), want the agent in their own %s, not stored", who, ev.ConversationID, ev.ID, p, c.conv)
			}
		}
		for _, want := range []string{adaConv, bobConv} {
			if ev := nextInbox(t, inbox); ev.Kind != kith.LiveAgentTyping || ev.ConversationID != want {
				t.Errorf("the inbox heard %s in %s, want the agent typing in %s", ev.Kind, ev.ConversationID, want)
			}
		}

		// Ada types: the inboxes hear it, Bob never does (he hears the
		// agent's reply to him next); Bob cannot type in Ada's.
		if err := e.chat.UserTyping(ctx, e.auth(ada), adaConv); err != nil {
			t.Fatal(err)
		}
		if ev := nextInbox(t, inbox); ev.Kind != kith.LiveUserTyping || ev.ConversationID != adaConv {
			t.Errorf("the inbox heard %s in %s, want Ada typing", ev.Kind, ev.ConversationID)
		}
		e.reply(bobConv, "hello Bob")
		if ev := next(t, bobHears); ev.Kind != kith.LiveMessageCreated || ev.ConversationID != bobConv {
			t.Errorf("Bob heard %s in %s, want the reply to him", ev.Kind, ev.ConversationID)
		}
		wantCode(t, e.chat.UserTyping(ctx, e.auth(bob), adaConv), kith.CodeNotFound)

		// Another organization's agent cannot type in it.
		otherApp, _ := storetest.NewApp(t, e.store)
		stranger := (&env{t: t, store: e.store, chat: e.chat, app: otherApp}).agent("Stranger")
		wantCode(t, e.chat.AgentTyping(ctx, stranger, adaConv), kith.CodeNotFound)

		// Nothing of it was stored: only the reply.
		latest, err := e.store.LatestLiveEventID(ctx, e.app.OrgID)
		if err != nil {
			t.Fatal(err)
		}
		missed, err := e.store.LiveEvents(ctx, e.app.OrgID, stored, kith.LiveEventFilter{Org: true}, 10)
		if err != nil {
			t.Fatal(err)
		}
		if latest == stored || len(missed) != 1 || missed[0].Kind != kith.LiveMessageCreated {
			t.Errorf("after the indicators and a reply the store holds %d new events, want the reply only", len(missed))
		}
	})
}
