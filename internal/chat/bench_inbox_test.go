package chat_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// BenchmarkInboxFirstPage lists the first page (50) of an organization's
// open conversations, newest activity first and waiting longest first,
// with 10 and with 10,000 conversations: keyset paging on the inbox's
// indexes makes the two cost about the same (docs/benchmarks.md). The
// ceiling is the store's cheapest read, one conversation by id.
func BenchmarkInboxFirstPage(b *testing.B) {
	for _, kind := range storetest.Kinds {
		b.Run(kind, func(b *testing.B) {
			for _, n := range []int{10, 10_000} {
				st := storetest.OpenWith(b, kind, store.Options{})
				e := &env{t: b, store: st, chat: newService(b, st)}
				e.app, _ = storetest.NewApp(b, st)
				sam := e.agent("Sam")
				first := seedConversations(b, st, e.app, n)
				b.Run(fmt.Sprintf("ceiling/%d", n), func(b *testing.B) {
					for b.Loop() {
						if _, err := st.Conversation(context.Background(), e.app.OrgID, first); err != nil {
							b.Fatal(err)
						}
					}
				})
				for _, sort := range []kith.InboxSort{kith.SortRecent, kith.SortWaiting} {
					b.Run(fmt.Sprintf("%s/%d", sort, n), func(b *testing.B) {
						for b.Loop() {
							p, err := e.chat.Inbox(context.Background(), sam, kith.InboxFilter{Status: kith.StatusOpen, Sort: sort, Limit: 10})
							if err != nil || len(p.Items) != 10 {
								b.Fatalf("%v, %d items", err, len(p.Items))
							}
						}
					})
				}
			}
		})
	}
}

// seedConversations writes n open conversations of n anonymous users,
// each with a message, in a few big transactions, and returns one's id.
func seedConversations(b *testing.B, st *store.Store, app *kith.App, n int) string {
	b.Helper()
	var first string
	base := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	for done := 0; done < n; {
		batch := min(1000, n-done)
		err := st.Tx(context.Background(), func(ctx context.Context, tx kith.Tx) error {
			for i := range batch {
				at := base.Add(time.Duration(done+i) * time.Second)
				u := &kith.User{OrgID: app.OrgID, Trust: kith.TrustAnonymous, DisplayName: fmt.Sprint("Visitor ", done+i),
					CreatedAt: at, UpdatedAt: at}
				if err := tx.CreateUser(ctx, u); err != nil {
					return err
				}
				c := &kith.Conversation{OrgID: app.OrgID, AppID: app.ID, UserID: u.ID, DeviceID: "dev_bench",
					WaitingSince: at, CreatedAt: at, UpdatedAt: at}
				if err := tx.CreateConversation(ctx, c); err != nil {
					return err
				}
				if err := tx.CreateMessage(ctx, &kith.Message{OrgID: app.OrgID, ConversationID: c.ID, Author: kith.AuthorUser,
					AuthorID: u.ID, AuthorName: u.DisplayName, Body: "Where is my order?", CreatedAt: at}); err != nil {
					return err
				}
				if first == "" {
					first = c.ID
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
		done += batch
	}
	return first
}
