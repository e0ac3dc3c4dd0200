package chat_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
	"github.com/kith-chat/kith/internal/storetest"
)

// agent makes an agent of the env's organization, straight in the store:
// these tests are about conversations, not logins.
func (e *env) agent(name string) *kith.Agent {
	e.t.Helper()
	var out *kith.Agent
	err := e.store.Tx(ctx, func(ctx context.Context, tx kith.Tx) error {
		a := &kith.Agent{OrgID: e.app.OrgID, Email: strings.ToLower(name) + "." + e.app.ID + "@support.example", Name: name,
			Role: kith.RoleAgent, PasswordHash: "$argon2id$unused", CreatedAt: time.Now()}
		if err := tx.CreateAgent(ctx, a); err != nil {
			return err
		}
		out = a
		return nil
	})
	if err != nil {
		e.t.Fatal(err)
	}
	return out
}

func (e *env) inbox(a *kith.Agent, f kith.InboxFilter) *kith.InboxPage {
	e.t.Helper()
	p, err := e.chat.Inbox(ctx, a, f)
	if err != nil {
		e.t.Fatalf("inbox %+v: %v", f, err)
	}
	return p
}

func ids(p *kith.InboxPage) []string {
	out := make([]string, len(p.Items))
	for i, it := range p.Items {
		out[i] = it.ID
	}
	return out
}

// visitor starts a conversation as a new anonymous visitor and returns it.
func (e *env) visitor(body string) (*chat.Caller, string) {
	e.t.Helper()
	c := e.auth(e.anonymous(""))
	id := e.converse(c, body)
	return e.auth(e.anonymous(c.Device.ID)), id
}

func TestInbox_AVisitorsNewMessageReopensAndWaitsUntilAnswered_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam := e.agent("Sam")
		st := e.anonymous("")
		c := e.auth(st)
		conv := e.converse(c, "Hello?")
		if got := e.conversation(conv); got.Status != kith.StatusOpen || got.WaitingSince.IsZero() {
			t.Fatalf("a new conversation: %+v, want open and waiting", got)
		}
		if _, err := e.chat.AgentReply(ctx, sam, conv, "Hi, Sam here"); err != nil {
			t.Fatal(err)
		}
		if got := e.conversation(conv); !got.WaitingSince.IsZero() {
			t.Fatal("an answered conversation still waits")
		}
		resolved := kith.StatusResolved
		if _, err := e.chat.Change(ctx, sam, conv, chat.Change{Status: &resolved}); err != nil {
			t.Fatal(err)
		}
		if _, err := e.chat.Send(ctx, e.auth(st), conv, "One more thing"); err != nil {
			t.Fatal(err)
		}
		if got := e.conversation(conv); got.Status != kith.StatusOpen || got.WaitingSince.IsZero() {
			t.Fatalf("after the visitor wrote again: %+v, want open and waiting", got)
		}
		msgs := e.messages(conv)
		if last := msgs[len(msgs)-1]; msgs[1].AuthorName != "Sam" || msgs[1].AuthorID != sam.ID || last.Body != "One more thing" {
			t.Fatalf("messages %+v: want Sam's reply signed with his name", msgs)
		}
	})
}

func TestInbox_FiltersByStatusAssigneeTrustAndUnread_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam, kim := e.agent("Sam"), e.agent("Kim")
		_, a := e.visitor("anonymous question")
		claimed := e.auth(e.start(chat.StartRequest{Offer: proof.Offer{Identity: claim("claimed-1")}}))
		b := e.converse(claimed, "claimed question")
		verified := e.auth(e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: e.sessionToken("verified-1")}}))
		v := e.converse(verified, "verified question")

		mine := sam.ID
		if _, err := e.chat.Change(ctx, sam, a, chat.Change{AssigneeID: &mine}); err != nil {
			t.Fatal(err)
		}
		snoozed := kith.StatusSnoozed
		if _, err := e.chat.Change(ctx, sam, b, chat.Change{Status: &snoozed, SnoozedUntil: time.Now().Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		if err := e.chat.MarkAgentRead(ctx, sam, v); err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			name string
			who  *kith.Agent
			f    kith.InboxFilter
			want []string
		}{
			{"open", sam, kith.InboxFilter{Status: kith.StatusOpen}, []string{v, a}},
			{"snoozed", sam, kith.InboxFilter{Status: kith.StatusSnoozed}, []string{b}},
			{"resolved", sam, kith.InboxFilter{Status: kith.StatusResolved}, nil},
			{"mine", sam, kith.InboxFilter{Assignee: "me"}, []string{a}},
			{"Kim's mine", kim, kith.InboxFilter{Assignee: "me"}, nil},
			{"unassigned", sam, kith.InboxFilter{Assignee: kith.AssigneeNone}, []string{v, b}},
			{"verified", sam, kith.InboxFilter{Trust: kith.TrustVerified}, []string{v}},
			{"unverified", sam, kith.InboxFilter{Trust: kith.TrustUnverified}, []string{b}},
			{"anonymous", sam, kith.InboxFilter{Trust: kith.TrustAnonymous}, []string{a}},
			{"unread for Sam", sam, kith.InboxFilter{UnreadOnly: true}, []string{b, a}},
			{"unread for Kim", kim, kith.InboxFilter{UnreadOnly: true}, []string{v, b, a}},
			{"search a ref", sam, kith.InboxFilter{Query: "CLAIMED-1"}, []string{b}},
			{"search a % matches only a %", sam, kith.InboxFilter{Query: "%"}, nil},
		} {
			if got := ids(e.inbox(c.who, c.f)); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
		counts, err := e.chat.InboxCounts(ctx, sam)
		if err != nil {
			t.Fatal(err)
		}
		want := kith.InboxCounts{Open: 2, Snoozed: 1, Mine: 1, Unassigned: 1, Unread: 1}
		if *counts != want {
			t.Fatalf("counts %+v, want %+v", *counts, want)
		}
		items := e.inbox(sam, kith.InboxFilter{Trust: kith.TrustVerified}).Items
		if it := items[0]; it.User.Ref != "verified-1" || it.LastMessage.Body != "verified question" || it.Unread != 0 {
			t.Fatalf("the verified item %+v %+v: want its user, last message, and read by Sam", it.User, it.LastMessage)
		}
	})
}

// TestInbox_FiltersByAccountAndWorkspace_I1: the account is the user's
// (every conversation of its users), the workspace the conversation's;
// an empty workspace keeps the conversations of none.
func TestInbox_FiltersByAccountAndWorkspace_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam := e.agent("Sam")
		verified := func(user, account, workspace string) *chat.Caller {
			tok, _, err := e.chat.IssueSessionToken(ctx, e.app, "", &identity.Claim{Method: kith.MethodSessionToken,
				Trust: kith.TrustVerified, UserRef: user, AccountRef: account, WorkspaceRef: workspace}, time.Hour)
			if err != nil {
				t.Fatal(err)
			}
			return e.auth(e.start(chat.StartRequest{Offer: proof.Offer{SessionToken: tok}}))
		}
		ada := e.converse(verified("ada", "acme.com", "support"), "ada in support")
		bob := e.converse(verified("bob", "acme.com", "billing"), "bob in billing")
		cy := e.converse(verified("cy", "globex.com", ""), "cy of globex")
		_, anon := e.visitor("a guest")

		accounts := map[string]string{}
		for _, it := range e.inbox(sam, kith.InboxFilter{}).Items {
			accounts[it.User.Ref] = it.User.AccountID
		}
		acme, globex := accounts["ada"], accounts["cy"]
		if acme == "" || globex == "" || accounts["bob"] != acme || accounts[""] != "" {
			t.Fatalf("the list's users' accounts: %v", accounts)
		}
		ws := func(ref string) *string { return &ref }
		for _, c := range []struct {
			name string
			f    kith.InboxFilter
			want []string
		}{
			{"acme", kith.InboxFilter{AccountID: acme}, []string{bob, ada}},
			{"globex", kith.InboxFilter{AccountID: globex}, []string{cy}},
			{"an account of no one", kith.InboxFilter{AccountID: "acc_nobody"}, nil},
			{"support", kith.InboxFilter{WorkspaceRef: ws("support")}, []string{ada}},
			{"billing of acme", kith.InboxFilter{AccountID: acme, WorkspaceRef: ws("billing")}, []string{bob}},
			{"billing of globex", kith.InboxFilter{AccountID: globex, WorkspaceRef: ws("billing")}, nil},
			{"no workspace", kith.InboxFilter{WorkspaceRef: ws("")}, []string{anon, cy}},
		} {
			if got := ids(e.inbox(sam, c.f)); !slices.Equal(got, c.want) {
				t.Errorf("%s: %v, want %v", c.name, got, c.want)
			}
		}
	})
}

func TestInbox_AnotherOrganizationsConversationIsNotFound_V6(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		_, conv := e.visitor("ours")
		otherApp, _ := storetest.NewApp(t, e.store)
		other := &env{t: t, store: e.store, chat: e.chat, app: otherApp}
		stranger := other.agent("Stranger")
		if got := ids(e.inbox(stranger, kith.InboxFilter{})); len(got) != 0 {
			t.Fatalf("another organization's agent lists %v", got)
		}
		_, err := e.chat.AgentReply(ctx, stranger, conv, "hello from elsewhere")
		wantCode(t, err, kith.CodeNotFound)
		_, err = e.chat.AddNote(ctx, stranger, conv, "a note from elsewhere")
		wantCode(t, err, kith.CodeNotFound)
		resolved := kith.StatusResolved
		_, err = e.chat.Change(ctx, stranger, conv, chat.Change{Status: &resolved})
		wantCode(t, err, kith.CodeNotFound)
		_, _, err = e.chat.Thread(ctx, stranger, conv, kith.Page{})
		wantCode(t, err, kith.CodeNotFound)
		// Nor can one assign another organization's agent.
		sam := e.agent("Sam")
		id := stranger.ID
		_, err = e.chat.Change(ctx, sam, conv, chat.Change{AssigneeID: &id})
		wantCode(t, err, kith.CodeNotFound)
	})
}

// TestInbox_ANoteNeverReachesTheWidget_I1: not in its messages, not in
// its list's last message or unread count, not live, not in a replay.
func TestInbox_ANoteNeverReachesTheWidget_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam := e.agent("Sam")
		st := e.anonymous("")
		c := e.auth(st)
		conv := e.converse(c, "Is my order late?")
		l := e.chat.Listen(e.auth(st), 0)
		defer l.Close()
		note, err := e.chat.AddNote(ctx, sam, conv, "PRIVATE: customer is a known fraud risk")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := e.chat.AgentReply(ctx, sam, conv, "It ships today"); err != nil {
			t.Fatal(err)
		}
		// Live and replayed: the listener hears the visitor's message and
		// the reply, never the note.
		var heard []string
		for len(heard) < 2 {
			ev, err := l.Next(ctxTimeout(t, 5*time.Second))
			if err != nil {
				t.Fatalf("listen: %v (heard %v)", err, heard)
			}
			heard = append(heard, string(ev.Kind)+" "+string(ev.Payload))
		}
		replay := e.chat.Listen(e.auth(st), 0)
		defer replay.Close()
		for range 2 {
			ev, err := replay.Next(ctxTimeout(t, 5*time.Second))
			if err != nil {
				t.Fatal(err)
			}
			heard = append(heard, string(ev.Kind)+" "+string(ev.Payload))
		}
		msgs, err := e.chat.Messages(ctx, e.auth(st), conv, kith.Page{})
		if err != nil {
			t.Fatal(err)
		}
		sums, err := e.chat.Conversations(ctx, e.auth(st), kith.Page{})
		if err != nil {
			t.Fatal(err)
		}
		all := strings.Join(heard, "\n") + fmt.Sprint(msgs) + fmt.Sprint(sums[0].LastMessage, sums[0].Unread)
		if strings.Contains(all, "PRIVATE") || strings.Contains(all, note.ID) {
			t.Fatalf("the widget met the note:\n%s", all)
		}
		if sums[0].Unread != 1 || sums[0].LastMessage.Body != "It ships today" {
			t.Fatalf("the widget's list: unread %d, last %q; want the reply only", sums[0].Unread, sums[0].LastMessage.Body)
		}
		// Agents see it in the thread, in its place.
		items, more, err := e.chat.Thread(ctx, sam, conv, kith.Page{})
		if err != nil || more || len(items) != 3 || items[1].Note == nil || items[1].Note.Body != note.Body {
			t.Fatalf("the agents' thread: %v, %v, %+v; want message, note, reply", err, more, items)
		}
	})
}

func TestInbox_KeysetPagesNeitherSkipNorRepeat_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam := e.agent("Sam")
		var want []string
		for i := range 7 {
			_, id := e.visitor(fmt.Sprint("question ", i))
			want = append([]string{id}, want...) // newest activity first
		}
		for _, sort := range []kith.InboxSort{kith.SortRecent, kith.SortWaiting} {
			var got []string
			f := kith.InboxFilter{Status: kith.StatusOpen, Sort: sort, Limit: 3}
			for range 5 {
				p := e.inbox(sam, f)
				got = append(got, ids(p)...)
				if p.NextCursor == "" {
					break
				}
				f.Cursor = p.NextCursor
			}
			expect := want
			if sort == kith.SortWaiting {
				expect = slices.Clone(want)
				slices.Reverse(expect) // the first to ask has waited longest
			}
			if !slices.Equal(got, expect) {
				t.Errorf("%s in pages of 3: %v, want %v", sort, got, expect)
			}
		}
		_, err := e.chat.Inbox(ctx, sam, kith.InboxFilter{Cursor: "not-a-cursor"})
		wantCode(t, err, kith.CodeInvalidField)
		_, err = e.chat.Inbox(ctx, sam, kith.InboxFilter{Sort: "random"})
		wantCode(t, err, kith.CodeInvalidField)
		_, err = e.chat.Inbox(ctx, sam, kith.InboxFilter{Query: "a\u202eb"})
		wantCode(t, err, kith.CodeInvalidField)
	})
}

func TestInbox_ChangeChecksWhatItChanges_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam := e.agent("Sam")
		_, conv := e.visitor("hello")
		snoozed, bogus := kith.StatusSnoozed, kith.ConversationStatus("archived")
		for _, c := range []struct {
			ch    chat.Change
			field string
		}{
			{chat.Change{Status: &bogus}, "status"},
			{chat.Change{Status: &snoozed}, "snoozed_until"},
			{chat.Change{Status: &snoozed, SnoozedUntil: time.Now().Add(-time.Minute)}, "snoozed_until"},
			{chat.Change{}, "status"},
		} {
			_, err := e.chat.Change(ctx, sam, conv, c.ch)
			if !hasField(err, c.field) {
				t.Errorf("Change(%+v) = %v, want an error on %s", c.ch, err, c.field)
			}
		}
		if got := e.conversation(conv); got.Status != kith.StatusOpen || got.AssigneeID != "" {
			t.Fatalf("after refused changes: %+v", got)
		}
	})
}

// TestInbox_AgentsWorkingAtOnceLoseNothing_I1: 12 agents reply, note,
// assign and read one conversation at once while its visitor writes; the
// database holds every message and note.
func TestInbox_AgentsWorkingAtOnceLoseNothing_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		st := e.anonymous("")
		conv := e.converse(e.auth(st), "first")
		var team []*kith.Agent
		for i := range 6 {
			team = append(team, e.agent(fmt.Sprint("Agent", i)))
		}
		errs := atOnce(12, func(i int) error {
			a := team[i%len(team)]
			switch i % 4 {
			case 0:
				_, err := e.chat.AgentReply(ctx, a, conv, body("reply", i))
				return err
			case 1:
				_, err := e.chat.AddNote(ctx, a, conv, body("note", i))
				return err
			case 2:
				id := a.ID
				if _, err := e.chat.Change(ctx, a, conv, chat.Change{AssigneeID: &id}); err != nil {
					return err
				}
				return e.chat.MarkAgentRead(ctx, a, conv)
			default:
				_, err := e.chat.Send(ctx, e.auth(st), conv, body("visitor", i))
				return err
			}
		})
		noErrors(t, "agents at once", errs)
		msgs := e.messages(conv)
		notes, err := e.store.Notes(ctx, e.app.OrgID, conv, kith.Page{})
		if err != nil {
			t.Fatal(err)
		}
		if len(msgs) != 1+3+3 || len(notes) != 3 {
			t.Fatalf("%d messages and %d notes, want 7 and 3", len(msgs), len(notes))
		}
		if got := e.conversation(conv); got.AssigneeID == "" {
			t.Fatal("no assignee after three assignments")
		}
	})
}

func hasField(err error, field string) bool {
	var ke *kith.Error
	return errors.As(err, &ke) && ke.Field == field
}

func ctxTimeout(t *testing.T, d time.Duration) context.Context {
	c, cancel := context.WithTimeout(ctx, d)
	t.Cleanup(cancel)
	return c
}

// TestInbox_ThreadPagesPutEachNoteOnItsPage_I1: notes among messages land
// on the page of the messages around them, once.
func TestInbox_ThreadPagesPutEachNoteOnItsPage_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		sam := e.agent("Sam")
		st := e.anonymous("")
		conv := e.converse(e.auth(st), "m0")
		var want []string
		want = append(want, "m0")
		for i := 1; i <= 4; i++ {
			if _, err := e.chat.AddNote(ctx, sam, conv, fmt.Sprint("n", i)); err != nil {
				t.Fatal(err)
			}
			if _, err := e.chat.AgentReply(ctx, sam, conv, fmt.Sprint("m", i)); err != nil {
				t.Fatal(err)
			}
			want = append(want, fmt.Sprint("n", i), fmt.Sprint("m", i))
		}
		var got []string
		p := kith.Page{Limit: 2}
		for range 5 {
			items, more, err := e.chat.Thread(ctx, sam, conv, p)
			if err != nil {
				t.Fatal(err)
			}
			for _, it := range items {
				if it.Message != nil {
					got = append(got, it.Message.Body)
					p.After = it.Message.ID
				} else {
					got = append(got, it.Note.Body)
				}
			}
			if !more {
				break
			}
		}
		if !slices.Equal(got, want) {
			t.Fatalf("the thread in pages of 2 messages: %v, want %v", got, want)
		}
	})
}

// TestInbox_ASnoozeEndsByItself_I1: once its time comes, a snoozed
// conversation is open again, and the inboxes hear of it.
func TestInbox_ASnoozeEndsByItself_I1(t *testing.T) {
	each(t, func(t *testing.T, e *env) {
		clock := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
		e.chat.Now = func() time.Time { return clock }
		sam := e.agent("Sam")
		_, conv := e.visitor("later, please")
		snoozed := kith.StatusSnoozed
		if _, err := e.chat.Change(ctx, sam, conv, chat.Change{Status: &snoozed, SnoozedUntil: clock.Add(time.Hour)}); err != nil {
			t.Fatal(err)
		}
		inbox := e.listenInbox()
		if n, err := e.chat.WakeSnoozed(ctx); err != nil || n != 0 {
			t.Fatalf("before its time: %d woken, %v", n, err)
		}
		clock = clock.Add(61 * time.Minute)
		if n, err := e.chat.WakeSnoozed(ctx); err != nil || n != 1 {
			t.Fatalf("after its time: %d woken, %v", n, err)
		}
		if got := e.conversation(conv); got.Status != kith.StatusOpen || !got.SnoozedUntil.IsZero() {
			t.Fatalf("after the snooze: %+v", got)
		}
		for {
			ev := nextInbox(t, inbox)
			var p struct{ By, Status string }
			if ev.Kind == kith.LiveConversationChanged && json.Unmarshal(ev.Payload, &p) == nil && p.By == "snooze" && p.Status == "open" {
				break
			}
		}
	})
}
