package store_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

var ctx = context.Background()

func tx(t *testing.T, s kith.Store, fn func(tx kith.Tx) error) error {
	t.Helper()
	return s.Tx(ctx, func(_ context.Context, tx kith.Tx) error { return fn(tx) })
}

// at is a time with microseconds, the precision the store keeps.
var at = time.Date(2026, 11, 23, 10, 30, 0, 123456000, time.UTC)

func TestStore_UserRoundTripsEveryField_D3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		want := &kith.User{
			OrgID: app.OrgID, Trust: kith.TrustVerified, Ref: "ref-1", Email: "a@example.com",
			DisplayName: "Ada", PhoneNumbers: []string{"+911122334455"}, AvatarURL: "https://a.example/a.png",
			Language: "en", CustomFields: kith.Fields{"tnt__n": 1.5, "tnt__b": true, "tnt__s": "x"},
			UnverifiedCustomFields: kith.Fields{"tnt__u": "claimed"}, CreatedAt: at, UpdatedAt: at.Add(time.Second),
		}
		if err := tx(t, s, func(tx kith.Tx) error { return tx.CreateUser(ctx, want) }); err != nil {
			t.Fatal(err)
		}
		got, err := s.User(ctx, app.OrgID, want.ID)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("user after a round trip (-want +got):\n%s", diff)
		}
	})
}

func TestStore_FailedTransactionWritesNothing_R7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		boom := errors.New("boom")
		err := tx(t, s, func(tx kith.Tx) error {
			if err := tx.CreateUser(ctx, &kith.User{OrgID: app.OrgID, Trust: kith.TrustVerified, Ref: "gone",
				DisplayName: "Gone", CreatedAt: at, UpdatedAt: at}); err != nil {
				return err
			}
			if _, err := tx.UserByRef(ctx, app.OrgID, kith.TrustVerified, "gone"); err != nil {
				t.Errorf("a transaction does not see its own write: %v", err)
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("Tx returned %v, want the function's error", err)
		}
		if _, err := s.UserByRef(ctx, app.OrgID, kith.TrustVerified, "gone"); !errors.Is(err, kith.ErrNotFound) {
			t.Fatalf("after a failed transaction the user is there: %v", err)
		}
	})
}

func TestStore_AnotherOrganizationsIdIsNotFound_V5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		mine, _ := storetest.NewApp(t, s)
		theirs, _ := storetest.NewApp(t, s)
		u := &kith.User{OrgID: theirs.OrgID, Trust: kith.TrustVerified, DisplayName: "T", CreatedAt: at, UpdatedAt: at}
		a := &kith.Account{OrgID: theirs.OrgID, Ref: "t.com", DisplayName: "T", CreatedAt: at, UpdatedAt: at}
		w := &kith.Workspace{OrgID: theirs.OrgID, Ref: "tw", DisplayName: "T", CreatedAt: at, UpdatedAt: at}
		err := tx(t, s, func(tx kith.Tx) error {
			if err := tx.CreateUser(ctx, u); err != nil {
				return err
			}
			if err := tx.CreateAccount(ctx, a); err != nil {
				return err
			}
			w.AccountID = a.ID
			return tx.CreateWorkspace(ctx, w)
		})
		if err != nil {
			t.Fatal(err)
		}
		lookups := map[string]error{}
		_, lookups["user"] = s.User(ctx, mine.OrgID, u.ID)
		_, lookups["account"] = s.Account(ctx, mine.OrgID, a.ID)
		_, lookups["account by ref"] = s.AccountByRef(ctx, mine.OrgID, "t.com")
		_, lookups["workspace"] = s.Workspace(ctx, mine.OrgID, w.ID)
		_, lookups["workspace by ref"] = s.WorkspaceByRef(ctx, mine.OrgID, "tw")
		lookups["update user"] = tx(t, s, func(tx kith.Tx) error {
			cp := *u
			cp.OrgID = mine.OrgID
			return tx.UpdateUser(ctx, &cp)
		})
		for what, err := range lookups {
			if !errors.Is(err, kith.ErrNotFound) {
				t.Errorf("%s of another organization: %v, want not found", what, err)
			}
		}
	})
}

func TestStore_DuplicateIsATypedConflict(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		f := func() *kith.CustomField {
			return &kith.CustomField{OrgID: app.OrgID, Object: kith.ObjectUser, Name: "tnt__dup", Type: kith.FieldText, CreatedAt: at}
		}
		if err := tx(t, s, func(tx kith.Tx) error { return tx.CreateCustomField(ctx, f()) }); err != nil {
			t.Fatal(err)
		}
		err := tx(t, s, func(tx kith.Tx) error { return tx.CreateCustomField(ctx, f()) })
		if !errors.Is(err, kith.ErrConflict) {
			t.Fatalf("a duplicate field: %v, want a conflict", err)
		}
	})
}

func TestStore_ListsPageInCreationOrder(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		var ids []string
		for i := range 5 {
			u := &kith.User{OrgID: app.OrgID, Trust: kith.TrustAnonymous, DisplayName: "U", CreatedAt: at.Add(time.Duration(i)), UpdatedAt: at}
			if err := tx(t, s, func(tx kith.Tx) error { return tx.CreateUser(ctx, u) }); err != nil {
				t.Fatal(err)
			}
			ids = append(ids, u.ID)
		}
		var got []string
		for after := ""; ; {
			page, err := s.Users(ctx, app.OrgID, kith.UserFilter{Page: kith.Page{After: after, Limit: 2}})
			if err != nil {
				t.Fatal(err)
			}
			if len(page) == 0 {
				break
			}
			for _, u := range page {
				got = append(got, u.ID)
			}
			after = page[len(page)-1].ID
		}
		if diff := cmp.Diff(ids, got); diff != "" {
			t.Fatalf("paged ids (-created +listed):\n%s", diff)
		}
	})
}

func TestStore_TouchAccessTokenWritesAtMostOncePerMinute(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		_, tok := storetest.NewApp(t, s)
		for _, touch := range []time.Time{at, at.Add(30 * time.Second)} {
			if err := s.TouchAccessToken(ctx, tok.ID, touch); err != nil {
				t.Fatal(err)
			}
		}
		got, err := s.AccessToken(ctx, tok.ID)
		if err != nil {
			t.Fatal(err)
		}
		if !got.LastUsedAt.Equal(at) {
			t.Fatalf("last used %v, want the first touch %v kept within the minute", got.LastUsedAt, at)
		}
		if err := s.TouchAccessToken(ctx, tok.ID, at.Add(2*time.Minute)); err != nil {
			t.Fatal(err)
		}
		if got, _ = s.AccessToken(ctx, tok.ID); !got.LastUsedAt.Equal(at.Add(2 * time.Minute)) {
			t.Fatalf("last used %v after two minutes, want it updated", got.LastUsedAt)
		}
	})
}

func TestStore_OpenTwiceMigratesOnce(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			dsn := storetest.DSN(t, kind)
			for range 2 {
				s, err := store.Open(ctx, dsn, store.Options{})
				if err != nil {
					t.Fatalf("open: %v", err)
				}
				if err := s.Ping(ctx); err != nil {
					t.Fatal(err)
				}
				s.Close()
			}
		})
	}
}

// TestStore_RehearsalCatchesAFunctionThatChangesOutsideState shows that the
// check the contract tests rely on can fail: a transaction function that
// remembers, outside itself, the id of a user it made (as chat's first
// message once did) works when it runs once, and fails when its first run
// is rolled back as a lost race would be, as on a busy PostgreSQL.
func TestStore_RehearsalCatchesAFunctionThatChangesOutsideState(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			for _, rehearse := range []bool{false, true} {
				s := storetest.OpenWith(t, kind, store.Options{Rehearse: rehearse})
				app, _ := storetest.NewApp(t, s)
				var made string // outlives a run: the mistake
				err := tx(t, s, func(tx kith.Tx) error {
					if made == "" {
						u := &kith.User{OrgID: app.OrgID, Trust: kith.TrustAnonymous, DisplayName: "A", CreatedAt: at, UpdatedAt: at}
						if err := tx.CreateUser(ctx, u); err != nil {
							return err
						}
						made = u.ID
					}
					_, err := tx.User(ctx, app.OrgID, made)
					return err
				})
				switch {
				case !rehearse && err != nil:
					t.Fatalf("run once, the function fails: %v", err)
				case rehearse && !errors.Is(err, kith.ErrNotFound):
					t.Fatalf("rehearsed, the function answers %v, want the not-found its second run meets", err)
				}
			}
		})
	}
}

// TestStore_RehearsalCommitsTheSecondRunOnly checks what a rehearsed
// transaction does: two runs, the first rolled back, one commit.
func TestStore_RehearsalCommitsTheSecondRunOnly_R7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		runs := 0
		err := tx(t, s, func(tx kith.Tx) error {
			runs++
			return tx.CreateUser(ctx, &kith.User{OrgID: app.OrgID, Trust: kith.TrustVerified, Ref: "once",
				DisplayName: "Once", CreatedAt: at, UpdatedAt: at})
		})
		if err != nil {
			t.Fatal(err)
		}
		users, err := s.Users(ctx, app.OrgID, kith.UserFilter{Ref: "once"})
		if err != nil {
			t.Fatal(err)
		}
		if runs != 2 || len(users) != 1 {
			t.Fatalf("%d runs and %d users, want 2 runs and 1 user", runs, len(users))
		}
		// A function that fails fails at once, as it would unrehearsed.
		runs = 0
		boom := errors.New("boom")
		if err := tx(t, s, func(kith.Tx) error { runs++; return boom }); !errors.Is(err, boom) || runs != 1 {
			t.Fatalf("a failing function: %v after %d runs, want its error after 1", err, runs)
		}
	})
}

// TestStore_ContentionRunsOutAsUnavailable checks the bound on retries: a
// transaction that keeps losing races runs MaxAttempts times, then fails
// with CodeUnavailable (a 503 with Retry-After), never a silent success.
func TestStore_ContentionRunsOutAsUnavailable(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			s := storetest.OpenWith(t, kind, store.Options{MaxAttempts: 3})
			app, _ := storetest.NewApp(t, s)
			runs := 0
			err := tx(t, s, func(tx kith.Tx) error {
				runs++
				if err := tx.CreateUser(ctx, &kith.User{OrgID: app.OrgID, Trust: kith.TrustVerified, Ref: "lost",
					DisplayName: "Lost", CreatedAt: at, UpdatedAt: at}); err != nil {
					return err
				}
				return &pgconn.PgError{Code: "40001", Message: "could not serialize access"}
			})
			var ke *kith.Error
			if !errors.As(err, &ke) || ke.Code != kith.CodeUnavailable || runs != 3 {
				t.Fatalf("after %d runs: %v, want storage_unavailable after 3", runs, err)
			}
			if users, _ := s.Users(ctx, app.OrgID, kith.UserFilter{Ref: "lost"}); len(users) != 0 {
				t.Fatalf("a transaction that ran out of retries wrote %d users", len(users))
			}
		})
	}
}

// TestStore_TxInRunsOneAtATimePerLane checks that transactions of one lane
// never overlap (so they cannot lose races to one another), while other
// lanes go on, and that a waiter gives up when its context ends.
func TestStore_TxInRunsOneAtATimePerLane(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		var mu sync.Mutex
		inside, most := map[string]int{}, map[string]int{}
		var wg sync.WaitGroup
		for i := range 24 {
			lane := []string{"org_a", "org_b"}[i%2]
			wg.Go(func() {
				err := s.TxIn(ctx, lane, func(ctx context.Context, tx kith.Tx) error {
					mu.Lock()
					inside[lane]++
					most[lane] = max(most[lane], inside[lane])
					mu.Unlock()
					time.Sleep(2 * time.Millisecond)
					mu.Lock()
					inside[lane]--
					mu.Unlock()
					return nil
				})
				if err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if most["org_a"] != 1 || most["org_b"] != 1 {
			t.Fatalf("at most %d and %d transactions at once in a lane, want 1", most["org_a"], most["org_b"])
		}
		// A waiter whose context ends gives up.
		hold := make(chan struct{})
		held := make(chan struct{})
		var once sync.Once // the store rehearses: the function runs twice
		go s.TxIn(ctx, "org_c", func(context.Context, kith.Tx) error { once.Do(func() { close(held) }); <-hold; return nil })
		<-held
		short, cancel := context.WithTimeout(ctx, 50*time.Millisecond)
		defer cancel()
		err := s.TxIn(short, "org_c", func(context.Context, kith.Tx) error { return nil })
		close(hold)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("a waiter past its deadline: %v, want its context's error (a 503 over HTTP)", err)
		}
	})
}
