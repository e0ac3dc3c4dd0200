package chat_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/chat"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/proof"
	"github.com/kith-chat/kith/internal/realtime"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

var ctx = context.Background()

// env is a chat service on a real store (which rehearses every
// transaction: storetest), with one app.
type env struct {
	t     testing.TB
	store *store.Store
	chat  *chat.Service
	app   *kith.App
}

// each runs f on a fresh env of each store kind (D3), with the app
// settings given as name=value.
func each(t *testing.T, f func(t *testing.T, e *env), settings ...string) {
	t.Helper()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		f(t, newEnv(t, st, settings...))
	})
}

func newEnv(t testing.TB, st *store.Store, settings ...string) *env {
	t.Helper()
	app, _ := storetest.NewApp(t, st, settings...)
	return &env{t: t, store: st, chat: newService(t, st), app: app}
}

// newService is a chat service on st, as one process runs it: its hub
// hears its broker, and only it (another newService is another process).
func newService(t testing.TB, st *store.Store) *chat.Service {
	t.Helper()
	broker, hub := realtime.NewLocal(), realtime.NewHub()
	live, stop := context.WithCancel(context.Background())
	t.Cleanup(stop)
	if err := broker.Subscribe(live, hub.Deliver); err != nil {
		t.Fatal(err)
	}
	return &chat.Service{Store: st, Resolver: &identity.Resolver{}, Broker: broker, Hub: hub,
		Proofs: &proof.Verifier{Keys: st}}
}

// start starts a widget session and fails the test if it cannot.
func (e *env) start(req chat.StartRequest) *chat.Started {
	e.t.Helper()
	st, err := e.chat.Start(ctx, e.app, req)
	if err != nil {
		e.t.Fatalf("start a session with %+v: %v", req, err)
	}
	return st
}

// anonymous starts an anonymous session on the device of deviceToken, or
// on a new device when it is empty.
func (e *env) anonymous(deviceToken string) *chat.Started {
	e.t.Helper()
	return e.start(chat.StartRequest{DeviceToken: deviceToken})
}

// sessionToken has the company's backend vouch for userRef (M1) and
// returns the session token.
func (e *env) sessionToken(userRef string) string {
	e.t.Helper()
	tok, _, err := e.chat.IssueSessionToken(ctx, e.app, "", &identity.Claim{Method: kith.MethodSessionToken,
		Trust: kith.TrustVerified, UserRef: userRef}, time.Hour)
	if err != nil {
		e.t.Fatalf("issue a session token for %s: %v", userRef, err)
	}
	return tok
}

// claim is an unverified identity claimed by the browser (M5).
func claim(userRef string) *identity.Claim {
	return &identity.Claim{Method: kith.MethodClaimed, Trust: kith.TrustUnverified, UserRef: userRef}
}

// auth authenticates a session's bearer token, as every widget request
// does.
func (e *env) auth(st *chat.Started) *chat.Caller {
	e.t.Helper()
	c, err := e.chat.Authenticate(ctx, st.Token)
	if err != nil {
		e.t.Fatalf("authenticate the session: %v", err)
	}
	return c
}

// converse starts a conversation as the caller and returns its id.
func (e *env) converse(c *chat.Caller, body string) string {
	e.t.Helper()
	sum, err := e.chat.StartConversation(ctx, c, body)
	if err != nil {
		e.t.Fatalf("start a conversation: %v", err)
	}
	return sum.ID
}

// visible lists the ids of the conversations a session sees.
func (e *env) visible(st *chat.Started) []string {
	e.t.Helper()
	sums, err := e.chat.Conversations(ctx, e.auth(st), kith.Page{})
	if err != nil {
		e.t.Fatalf("list conversations: %v", err)
	}
	ids := make([]string, len(sums))
	for i, s := range sums {
		ids[i] = s.ID
	}
	return ids
}

// device reads a device as the database holds it.
func (e *env) device(id string) *kith.Device {
	e.t.Helper()
	d, err := e.store.Device(ctx, e.app.OrgID, id)
	if err != nil {
		e.t.Fatalf("read device %s: %v", id, err)
	}
	return d
}

// conversation reads a conversation as the database holds it.
func (e *env) conversation(id string) *kith.Conversation {
	e.t.Helper()
	c, err := e.store.Conversation(ctx, e.app.OrgID, id)
	if err != nil {
		e.t.Fatalf("read conversation %s: %v", id, err)
	}
	return c
}

// messages lists every message of a conversation.
func (e *env) messages(conversationID string) []*kith.Message {
	e.t.Helper()
	var all []*kith.Message
	for after := ""; ; {
		page, err := e.store.Messages(ctx, e.app.OrgID, conversationID, kith.Page{After: after, Limit: 100})
		if err != nil {
			e.t.Fatalf("list messages: %v", err)
		}
		if len(page) == 0 {
			return all
		}
		all = append(all, page...)
		after = page[len(page)-1].ID
	}
}

// users lists the users of the app's organization in a trust namespace
// ("" for all).
func (e *env) users(trust kith.Trust) []*kith.User {
	e.t.Helper()
	us, err := e.store.Users(ctx, e.app.OrgID, kith.UserFilter{Trust: trust, Page: kith.Page{Limit: 1000}})
	if err != nil {
		e.t.Fatalf("list users: %v", err)
	}
	return us
}

// events lists a user's identity events of one kind.
func (e *env) events(userID string, kind kith.EventKind) []*kith.IdentityEvent {
	e.t.Helper()
	all, err := e.store.Events(ctx, e.app.OrgID, userID, kith.Page{Limit: 1000})
	if err != nil {
		e.t.Fatalf("list events: %v", err)
	}
	var out []*kith.IdentityEvent
	for _, ev := range all {
		if ev.Kind == kind {
			out = append(out, ev)
		}
	}
	return out
}

// wantCode fails the test unless err is a *kith.Error with code.
func wantCode(t testing.TB, err error, code kith.Code) {
	t.Helper()
	var ke *kith.Error
	if !errors.As(err, &ke) || ke.Code != code {
		t.Fatalf("error = %v, want code %s", err, code)
	}
}

// hasCode reports whether err is a *kith.Error with code.
func hasCode(err error, code kith.Code) bool {
	var ke *kith.Error
	return errors.As(err, &ke) && ke.Code == code
}

// atOnce runs f(0) ... f(n-1) concurrently, released together so that
// they overlap as much as the machine allows, and returns their errors.
func atOnce(n int, f func(i int) error) []error {
	errs := make([]error, n)
	var wg sync.WaitGroup
	gate := make(chan struct{})
	for i := range n {
		wg.Go(func() {
			<-gate
			errs[i] = f(i)
		})
	}
	close(gate)
	wg.Wait()
	return errs
}

// noErrors fails the test for every error of a concurrent run.
func noErrors(t testing.TB, what string, errs []error) {
	t.Helper()
	failed := 0
	var first error
	for _, err := range errs {
		if err != nil {
			if failed == 0 {
				first = err
			}
			failed++
		}
	}
	if failed > 0 {
		t.Fatalf("%s: %d of %d failed; the first: %v", what, failed, len(errs), first)
	}
}

// body is the text of the i-th message of a concurrent run.
func body(what string, i int) string { return fmt.Sprintf("%s %d", what, i) }

// reach is the agents' view of the env's organization: every app.
func (e *env) reach() chat.Reach { return chat.Reach{OrgID: e.app.OrgID} }
