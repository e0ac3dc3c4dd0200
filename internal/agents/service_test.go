package agents

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

var ctx = context.Background()

const password = "correct horse battery staple"

// clock is a time the test moves.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) add(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

func newService(st kith.Store) (*Service, *clock) {
	c := &clock{t: time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)}
	return &Service{Store: st, Now: c.now, Params: cheap}, c
}

func newAgent(t *testing.T, s *Service, orgID, email string, role kith.Role) *kith.Agent {
	t.Helper()
	a, err := s.Create(ctx, NewAgent{OrgID: orgID, Email: email, Name: "Sam " + email, Role: role, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	return a
}

func wantCode(t *testing.T, err error, code kith.Code) *kith.Error {
	t.Helper()
	var ke *kith.Error
	if !errors.As(err, &ke) || ke.Code != code {
		t.Fatalf("error = %v, want %s", err, code)
	}
	return ke
}

func TestCreate_ChecksEveryFieldAndOneLoginPerEmail_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		a := newAgent(t, s, app.OrgID, "Sam@Acme.com", kith.RoleAdmin)
		if a.Email != "sam@acme.com" || a.Role != kith.RoleAdmin || a.PasswordHash == password {
			t.Fatalf("agent %+v: want the email lower-cased, the role, and a hash", a)
		}
		for _, c := range []struct {
			n     NewAgent
			field string
		}{
			{NewAgent{Email: "not an email", Name: "X", Role: kith.RoleAgent, Password: password}, "email"},
			{NewAgent{Email: "x@acme.com", Name: " ", Role: kith.RoleAgent, Password: password}, "name"},
			{NewAgent{Email: "x@acme.com", Name: "X", Role: "owner", Password: password}, "role"},
			{NewAgent{Email: "x@acme.com", Name: "X", Role: kith.RoleAgent, Password: "short"}, "password"},
			{NewAgent{Email: "SAM@acme.com", Name: "X", Role: kith.RoleAgent, Password: password}, "email"},
		} {
			c.n.OrgID = app.OrgID
			_, err := s.Create(ctx, c.n)
			var ke *kith.Error
			if !errors.As(err, &ke) || ke.Field != c.field {
				t.Errorf("Create(%+v) = %v, want an error naming %s", c.n, err, c.field)
			}
		}
		// An email taken in another organization is taken too: it is the login.
		other, _ := storetest.NewApp(t, st)
		_, err := s.Create(ctx, NewAgent{OrgID: other.OrgID, Email: "sam@acme.com", Name: "Other Sam", Role: kith.RoleAgent, Password: password})
		wantCode(t, err, kith.CodeEmailTaken)
		list, err := s.List(ctx, app.OrgID)
		if err != nil || len(list) != 1 {
			t.Fatalf("agents = %d, %v; want the one made", len(list), err)
		}
	})
}

func TestLogin_OpensASessionThatAuthenticates_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		a := newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		in, err := s.Login(ctx, Login{Email: "SAM@acme.com", Password: password, Address: "192.0.2.1", UserAgent: "Firefox"})
		if err != nil {
			t.Fatal(err)
		}
		c, err := s.Authenticate(ctx, in.Token)
		if err != nil || c.Agent.ID != a.ID || c.Session.ID != in.Session.ID || c.IsAdmin() {
			t.Fatalf("Authenticate = %+v, %v; want the agent's session", c, err)
		}
		stored, _ := st.AgentSession(ctx, in.Session.ID)
		if string(stored.TokenHash) == in.Token || stored.UserAgent != "Firefox" || stored.Address != "192.0.2.1" {
			t.Fatalf("stored session %+v: want only the token's hash, and where it was opened", stored)
		}
		if got, _ := st.Agent(ctx, app.OrgID, a.ID); got.LastLoginAt.IsZero() {
			t.Error("the login was not recorded on the agent")
		}
		flipped := in.Token[:len(in.Token)-1] + map[bool]string{true: "b", false: "a"}[in.Token[len(in.Token)-1] == 'a']
		for _, bad := range []string{"", in.Token + "x", flipped, "kith_as_" + "0123456789abcdefghijklmnop_" + in.Token[len(in.Token)-52:]} {
			_, err := s.Authenticate(ctx, bad)
			wantCode(t, err, kith.CodeLoginRequired)
		}
	})
}

// TestLogin_UnknownEmailAndWrongPasswordLookTheSame_I3_F9: the same code
// and message, after the same work (the dummy hash is checked).
func TestLogin_UnknownEmailAndWrongPasswordLookTheSame_I3_F9(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		_, wrong := s.Login(ctx, Login{Email: "sam@acme.com", Password: "not the password", Address: "a"})
		if s.dummy != "" {
			t.Fatal("a wrong password checked the dummy hash instead of the agent's")
		}
		_, unknown := s.Login(ctx, Login{Email: "nobody@acme.com", Password: "not the password", Address: "a"})
		w, u := wantCode(t, wrong, kith.CodeInvalidCredentials), wantCode(t, unknown, kith.CodeInvalidCredentials)
		if w.Message != u.Message || w.Field != u.Field {
			t.Fatalf("wrong password %q and unknown email %q read differently", w.Message, u.Message)
		}
		if s.dummy == "" {
			t.Fatal("an unknown email did no password hashing: its answer would come faster")
		}
	})
}

func TestLogin_DisabledAgentIsToldOnlyWithTheRightPassword_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		a := newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		if _, err := s.Disable(ctx, app.OrgID, a.ID); err != nil {
			t.Fatal(err)
		}
		_, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: "not the password", Address: "a"})
		wantCode(t, err, kith.CodeInvalidCredentials)
		_, err = s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "a"})
		wantCode(t, err, kith.CodeAgentDisabled)
	})
}

func TestDisable_EndsEverySessionAtOnce_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		var heard []*kith.AgentSession
		s.Ended = func(ss []*kith.AgentSession) { heard = append(heard, ss...) }
		a := newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		var tokens []string
		for range 2 {
			in, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "a"})
			if err != nil {
				t.Fatal(err)
			}
			tokens = append(tokens, in.Token)
		}
		other, _ := storetest.NewApp(t, st)
		if _, err := s.Disable(ctx, other.OrgID, a.ID); !errors.Is(err, kith.ErrNotFound) {
			t.Fatalf("disabling from another organization: %v, want not found (V6)", err)
		}
		if _, err := s.Disable(ctx, app.OrgID, a.ID); err != nil {
			t.Fatal(err)
		}
		if len(heard) != 2 {
			t.Fatalf("Ended heard %d sessions, want both", len(heard))
		}
		for _, tok := range tokens {
			_, err := s.Authenticate(ctx, tok)
			wantCode(t, err, kith.CodeLoginRequired)
		}
	})
}

func TestAuthenticate_IdleAndAbsoluteTimeoutsEndSessions_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, clk := newService(st)
		s.Idle, s.Lifetime = time.Hour, 3*time.Hour
		newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		login := func() string {
			in, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "a"})
			if err != nil {
				t.Fatal(err)
			}
			return in.Token
		}
		idle := login()
		clk.add(61 * time.Minute)
		_, err := s.Authenticate(ctx, idle)
		wantCode(t, err, kith.CodeLoginRequired)

		busy := login()
		for range 3 { // used every 50 minutes: never idle...
			clk.add(50 * time.Minute)
			if _, err := s.Authenticate(ctx, busy); err != nil {
				t.Fatalf("a session used every 50 minutes ended within 3 h: %v", err)
			}
		}
		clk.add(50 * time.Minute) // ...but over at 3 h
		_, err = s.Authenticate(ctx, busy)
		wantCode(t, err, kith.CodeLoginRequired)
	})
}

func TestSessions_AnAgentListsAndEndsOnlyTheirOwn_I3_V6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		newAgent(t, s, app.OrgID, "kim@acme.com", kith.RoleAgent)
		samIn, _ := s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "a"})
		samPhone, _ := s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "b"})
		kimIn, _ := s.Login(ctx, Login{Email: "kim@acme.com", Password: password, Address: "a"})
		sam, _ := s.Authenticate(ctx, samIn.Token)
		list, err := s.Sessions(ctx, sam)
		if err != nil || len(list) != 2 {
			t.Fatalf("Sam's sessions: %d, %v; want 2", len(list), err)
		}
		if err := s.EndSession(ctx, sam, kimIn.Session.ID); !errors.Is(err, kith.ErrNotFound) {
			t.Fatalf("ending another agent's session: %v, want not found", err)
		}
		if err := s.EndSession(ctx, sam, samPhone.Session.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, samPhone.Token); err == nil {
			t.Fatal("an ended session still authenticates")
		}
		if _, err := s.Authenticate(ctx, kimIn.Token); err != nil {
			t.Fatalf("Kim's session: %v", err)
		}
		if err := s.Logout(ctx, sam); err != nil {
			t.Fatal(err)
		}
		if _, err := s.Authenticate(ctx, samIn.Token); err == nil {
			t.Fatal("a logged-out session still authenticates")
		}
	})
}

func TestLogin_ThrottlesPerEmailThenLetsInAfterTheWindow_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, clk := newService(st)
		s.Throttle = Throttle{Window: 15 * time.Minute, PerEmail: 3, PerAddress: 100}
		newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		for i := range 3 {
			_, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: fmt.Sprint("guess ", i), Address: fmt.Sprint("10.0.0.", i)})
			wantCode(t, err, kith.CodeInvalidCredentials)
		}
		// The right password too is refused now: the throttle cannot tell.
		_, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "10.0.0.9"})
		var th *kith.Throttled
		if !errors.As(err, &th) || th.RetryAfter <= 0 || th.RetryAfter > 15*time.Minute {
			t.Fatalf("the 4th attempt: %v, want throttled with a Retry-After within the window", err)
		}
		clk.add(16 * time.Minute)
		if _, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "10.0.0.9"}); err != nil {
			t.Fatalf("after the window: %v", err)
		}
		// The success took the attempts back: three more tries are allowed.
		for range 3 {
			_, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: "again wrong", Address: "10.0.0.9"})
			wantCode(t, err, kith.CodeInvalidCredentials)
		}
	})
}

func TestLogin_ThrottlesPerAddressAcrossEmails_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		s, _ := newService(st)
		s.Throttle = Throttle{Window: 15 * time.Minute, PerEmail: 100, PerAddress: 4}
		for i := range 4 {
			_, err := s.Login(ctx, Login{Email: fmt.Sprintf("user%d@acme.com", i), Password: "guess", Address: "198.51.100.7"})
			wantCode(t, err, kith.CodeInvalidCredentials)
		}
		_, err := s.Login(ctx, Login{Email: "user9@acme.com", Password: "guess", Address: "198.51.100.7"})
		var th *kith.Throttled
		if !errors.As(err, &th) {
			t.Fatalf("the 5th email from one address: %v, want throttled", err)
		}
		if _, err := s.Login(ctx, Login{Email: "user9@acme.com", Password: "guess", Address: "198.51.100.8"}); errors.As(err, &th) {
			t.Fatal("another address was throttled too")
		}
	})
}

// TestLogin_GuessesMadeAtOnceAreAllCounted_I3: 24 wrong passwords at the
// same moment; no more than the limit get to have their password checked.
func TestLogin_GuessesMadeAtOnceAreAllCounted_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		s.Throttle = Throttle{Window: 15 * time.Minute, PerEmail: 5, PerAddress: 1000}
		newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		var checked, throttled atomic.Int32
		var wg sync.WaitGroup
		for i := range 24 {
			wg.Go(func() {
				_, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: fmt.Sprint("guess ", i), Address: fmt.Sprint("203.0.113.", i)})
				var th *kith.Throttled
				switch {
				case errors.As(err, &th):
					throttled.Add(1)
				case kith.ErrorCode(err) == kith.CodeInvalidCredentials:
					checked.Add(1)
				default:
					t.Errorf("a guess: %v", err)
				}
			})
		}
		wg.Wait()
		if checked.Load() != 5 || throttled.Load() != 19 {
			t.Fatalf("%d guesses checked, %d throttled; want 5 and 19", checked.Load(), throttled.Load())
		}
		n, _, err := st.CountLoginAttempt(ctx, throttleKey("email", "sam@acme.com"), s.now(), time.Hour)
		if err != nil || n != 25 {
			t.Fatalf("attempts counted = %d, %v; want the 24 and this one", n, err)
		}
	})
}

// TestLogin_AThrottleThatCannotCountRefuses_I3: with the store gone,
// a login fails closed.
func TestLogin_AThrottleThatCannotCountRefuses_I3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		app, _ := storetest.NewApp(t, st)
		s, _ := newService(st)
		newAgent(t, s, app.OrgID, "sam@acme.com", kith.RoleAgent)
		st.Close()
		_, err := s.Login(ctx, Login{Email: "sam@acme.com", Password: password, Address: "a"})
		wantCode(t, err, kith.CodeUnavailable)
	})
}
