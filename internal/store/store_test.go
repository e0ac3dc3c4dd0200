package store_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
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
