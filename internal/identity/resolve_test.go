package identity_test

import (
	"context"
	"encoding/json"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/kith-chat/kith/internal/identity"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/kithtest"
	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// resolve runs a claim through the resolver in one transaction, as the
// HTTP handlers do.
func resolve(t *testing.T, s kith.Store, app *kith.App, c identity.Claim) (*identity.Resolution, error) {
	t.Helper()
	if c.Trust == "" {
		c.Trust = kith.TrustVerified
	}
	if c.Method == "" {
		c.Method = kith.MethodSessionToken
	}
	c.Paths = identity.Paths{UserRef: "user_ref", Email: "email", AccountRef: "account_ref", WorkspaceRef: "workspace_ref"}
	var r identity.Resolver
	var res *identity.Resolution
	err := s.Tx(context.Background(), func(ctx context.Context, tx kith.Tx) error {
		var err error
		res, err = r.Resolve(ctx, tx, app, &c)
		return err
	})
	return res, err
}

func mustResolve(t *testing.T, s kith.Store, app *kith.App, c identity.Claim) *identity.Resolution {
	t.Helper()
	res, err := resolve(t, s, app, c)
	if err != nil {
		t.Fatalf("resolve %+v: %v", c, err)
	}
	return res
}

// counts returns how many users, accounts and workspaces the org has.
func counts(t *testing.T, s kith.Store, app *kith.App) [3]int {
	t.Helper()
	ctx := context.Background()
	users, err := s.Users(ctx, app.OrgID, kith.UserFilter{})
	if err != nil {
		t.Fatal(err)
	}
	accounts, err := s.Accounts(ctx, app.OrgID, kith.AccountFilter{})
	if err != nil {
		t.Fatal(err)
	}
	workspaces, err := s.Workspaces(ctx, app.OrgID, kith.WorkspaceFilter{})
	if err != nil {
		t.Fatal(err)
	}
	return [3]int{len(users), len(accounts), len(workspaces)}
}

func TestResolve_CreatesThenFindsByRef_R1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		first := mustResolve(t, s, app, identity.Claim{UserRef: "u-1"})
		if !first.Created || first.User.Ref != "u-1" || first.User.Trust != kith.TrustVerified {
			t.Fatalf("first resolve = %+v, want a new verified user u-1", first.User)
		}
		again := mustResolve(t, s, app, identity.Claim{UserRef: "u-1"})
		if again.Created || again.User.ID != first.User.ID {
			t.Fatalf("second resolve made %s (created %v), want the same user %s", again.User.ID, again.Created, first.User.ID)
		}
		// References compare exactly (R5): U-1 is someone else.
		other := mustResolve(t, s, app, identity.Claim{UserRef: "U-1"})
		if other.User.ID == first.User.ID {
			t.Fatal("U-1 resolved to the user of u-1; references are case-sensitive")
		}
	})
}

func TestResolve_ConcurrentRequestsCreateOneOfEach_R1(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		const n = 64
		ids := make([]string, n)
		errs := make([]error, n)
		var wg sync.WaitGroup
		for i := range n {
			wg.Go(func() {
				res, err := resolve(t, s, app, identity.Claim{
					UserRef: "racer", AccountRef: "acme.com", WorkspaceRef: "acme-dev",
					User: identity.UserTraits{Email: identity.Put("racer@acme.com")},
				})
				errs[i] = err
				if err == nil {
					ids[i] = res.User.ID
				}
			})
		}
		wg.Wait()
		for i, err := range errs {
			if err != nil {
				t.Fatalf("request %d: %v", i, err)
			}
			if ids[i] != ids[0] {
				t.Fatalf("request %d resolved to %s, request 0 to %s", i, ids[i], ids[0])
			}
		}
		if got := counts(t, s, app); got != [3]int{1, 1, 1} {
			t.Fatalf("users, accounts, workspaces = %v, want one of each", got)
		}
	})
}

func TestResolve_ConcurrentEmailOnlyCreatesOneUser_R1_R5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s, "email_unique=false")
		var wg sync.WaitGroup
		for range 16 {
			wg.Go(func() {
				if _, err := resolve(t, s, app, identity.Claim{Method: kith.MethodOpenCXToken,
					User: identity.UserTraits{Email: identity.Put("same@example.com")}}); err != nil {
					t.Error(err)
				}
			})
		}
		wg.Wait()
		if got := counts(t, s, app); got[0] != 1 {
			t.Fatalf("%d users for one email, want 1", got[0])
		}
	})
}

func TestResolve_TraitsReplaceMergeAndClear_R2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		storetest.NewField(t, s, app, kith.ObjectUser, "tnt__plan", kith.FieldText)
		storetest.NewField(t, s, app, kith.ObjectUser, "tnt__seats", kith.FieldNumber)
		mustResolve(t, s, app, identity.Claim{UserRef: "u", User: identity.UserTraits{
			Email:        identity.Put("a@example.com"),
			DisplayName:  identity.Put("Ada"),
			PhoneNumbers: identity.Put([]string{"+911122334455"}),
			CustomFields: []identity.RawField{
				{Name: "tnt__plan", Value: json.RawMessage(`"pro"`)},
				{Name: "tnt__seats", Value: json.RawMessage(`5`)},
			},
		}})
		// Absent traits stay; sent ones replace; custom fields merge; null clears.
		res := mustResolve(t, s, app, identity.Claim{UserRef: "u", User: identity.UserTraits{
			DisplayName:  identity.Put("Ada L."),
			PhoneNumbers: identity.Update[[]string]{Set: true},
			CustomFields: []identity.RawField{{Name: "tnt__seats", Value: json.RawMessage(`null`)}},
		}})
		u, err := s.User(context.Background(), app.OrgID, res.User.ID)
		if err != nil {
			t.Fatal(err)
		}
		want := &kith.User{Email: "a@example.com", DisplayName: "Ada L.", PhoneNumbers: []string{},
			CustomFields: kith.Fields{"tnt__plan": "pro"}, UnverifiedCustomFields: kith.Fields{}}
		got := &kith.User{Email: u.Email, DisplayName: u.DisplayName, PhoneNumbers: u.PhoneNumbers,
			CustomFields: u.CustomFields, UnverifiedCustomFields: u.UnverifiedCustomFields}
		if diff := cmp.Diff(want, got); diff != "" {
			t.Fatalf("user after update (-want +got):\n%s", diff)
		}
	})
}

func TestResolve_DisplayNameDefaultsToFriendlyName_R2(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		u := mustResolve(t, s, app, identity.Claim{UserRef: "nameless"}).User
		if u.DisplayName == "" {
			t.Fatal("a user sent without a display name has none")
		}
		// Clearing the name falls back to a generated one, never to nothing.
		u = mustResolve(t, s, app, identity.Claim{UserRef: "nameless",
			User: identity.UserTraits{DisplayName: identity.Update[string]{Set: true}}}).User
		if u.DisplayName == "" {
			t.Fatal("clearing the display name left the user without one")
		}
	})
}

func TestResolve_Structures_R3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		tests := []struct {
			name                  string
			claim                 identity.Claim
			wantAccount, wantWork bool
		}{
			{"user only", identity.Claim{UserRef: "solo"}, false, false},
			{"user and account", identity.Claim{UserRef: "two", AccountRef: "acme.com"}, true, false},
			{"user, workspace and account", identity.Claim{UserRef: "three", AccountRef: "acme.com", WorkspaceRef: "acme-dev"}, true, true},
			{"workspace without account", identity.Claim{UserRef: "ws", WorkspaceRef: "lonely"}, true, true},
		}
		app, _ := storetest.NewApp(t, s)
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				res := mustResolve(t, s, app, tt.claim)
				if (res.Account != nil) != tt.wantAccount || (res.Workspace != nil) != tt.wantWork {
					t.Fatalf("account %v, workspace %v; want %v, %v", res.Account, res.Workspace, tt.wantAccount, tt.wantWork)
				}
				if tt.wantAccount && res.User.AccountID != res.Account.ID {
					t.Fatalf("user is in account %q, want %q", res.User.AccountID, res.Account.ID)
				}
				if tt.wantWork {
					if res.Workspace.AccountID != res.Account.ID {
						t.Fatal("the workspace is not under the account")
					}
					ws, err := s.Workspaces(ctx, app.OrgID, kith.WorkspaceFilter{UserID: res.User.ID})
					if err != nil || len(ws) != 1 || ws[0].ID != res.Workspace.ID {
						t.Fatalf("user's workspaces = %v, %v; want the one workspace", ws, err)
					}
				}
			})
		}
	})
}

func TestResolve_WorkspaceUnderAnotherAccountIsConflictWritingNothing_R3_R7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		mustResolve(t, s, app, identity.Claim{UserRef: "a", AccountRef: "acme.com", WorkspaceRef: "shared"})
		mustResolve(t, s, app, identity.Claim{UserRef: "b", AccountRef: "globex.com"})
		before := counts(t, s, app)

		for _, account := range []string{"globex.com", "initech.com"} { // existing, and new
			_, err := resolve(t, s, app, identity.Claim{UserRef: "new-user", AccountRef: account, WorkspaceRef: "shared"})
			kithtest.WantError(t, err, kith.CodeWorkspaceMoved, "workspace_ref")
			if got := counts(t, s, app); got != before {
				t.Fatalf("after the conflict: users, accounts, workspaces = %v, want %v unchanged", got, before)
			}
		}
	})
}

func TestResolve_WorkspaceAccountTakesTheRefSentLater_R3(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		first := mustResolve(t, s, app, identity.Claim{UserRef: "u", WorkspaceRef: "team"})
		if first.Account.Ref != "" {
			t.Fatalf("made-up account has ref %q", first.Account.Ref)
		}
		later := mustResolve(t, s, app, identity.Claim{UserRef: "u", AccountRef: "acme.com", WorkspaceRef: "team"})
		if later.Account.ID != first.Account.ID || later.Account.Ref != "acme.com" {
			t.Fatalf("account = %s %q, want %s to take the ref acme.com", later.Account.ID, later.Account.Ref, first.Account.ID)
		}
		if got := counts(t, s, app); got != [3]int{1, 1, 1} {
			t.Fatalf("users, accounts, workspaces = %v, want one of each", got)
		}
	})
}

func TestResolve_IdBeatsEmail_R4(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		tests := []struct {
			name  string
			setup []identity.Claim
			claim identity.Claim
			// want is the index of the setup claim whose user the claim
			// resolves to; -1 for a new user.
			want      int
			wantEmail string
			wantRef   string
		}{{
			name:      "found by id gets the email updated",
			setup:     []identity.Claim{{UserRef: "id-1", User: identity.UserTraits{Email: identity.Put("old@example.com")}}},
			claim:     identity.Claim{UserRef: "id-1", User: identity.UserTraits{Email: identity.Put("new@example.com")}},
			want:      0,
			wantEmail: "new@example.com", wantRef: "id-1",
		}, {
			name:      "found by email without id takes the id",
			setup:     []identity.Claim{{User: identity.UserTraits{Email: identity.Put("mail@example.com")}}},
			claim:     identity.Claim{UserRef: "id-2", User: identity.UserTraits{Email: identity.Put("mail@example.com")}},
			want:      0,
			wantEmail: "mail@example.com", wantRef: "id-2",
		}, {
			name:      "found by email with another id makes a new user",
			setup:     []identity.Claim{{UserRef: "id-3", User: identity.UserTraits{Email: identity.Put("both@example.com")}}},
			claim:     identity.Claim{UserRef: "id-4", User: identity.UserTraits{Email: identity.Put("both@example.com")}},
			want:      -1,
			wantEmail: "both@example.com", wantRef: "id-4",
		}, {
			name: "id wins over a different user's email",
			setup: []identity.Claim{
				{UserRef: "id-5", User: identity.UserTraits{Email: identity.Put("five@example.com")}},
				{User: identity.UserTraits{Email: identity.Put("loose@example.com")}},
			},
			claim:     identity.Claim{UserRef: "id-5", User: identity.UserTraits{Email: identity.Put("loose@example.com")}},
			want:      0,
			wantEmail: "loose@example.com", wantRef: "id-5",
		}}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				// Shared emails are allowed here so that R4 is seen alone;
				// R6 has its own test.
				app, _ := storetest.NewApp(t, s, "email_unique=false")
				var setup []*kith.User
				for _, c := range tt.setup {
					setup = append(setup, mustResolve(t, s, app, c).User)
				}
				got := mustResolve(t, s, app, tt.claim).User
				if tt.want >= 0 && got.ID != setup[tt.want].ID {
					t.Fatalf("resolved to %s, want setup user %d (%s)", got.ID, tt.want, setup[tt.want].ID)
				}
				if tt.want < 0 {
					for _, u := range setup {
						if u.ID == got.ID {
							t.Fatalf("resolved to existing user %s, want a new one", got.ID)
						}
					}
				}
				if got.Email != tt.wantEmail || got.Ref != tt.wantRef {
					t.Fatalf("user has email %q ref %q, want %q %q", got.Email, got.Ref, tt.wantEmail, tt.wantRef)
				}
			})
		}
	})
}

func TestResolve_EmailAloneFindsUserWithoutRef_R5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s, "email_unique=false")
		byEmail := func(e string) *kith.User {
			return mustResolve(t, s, app, identity.Claim{Method: kith.MethodOpenCXToken,
				User: identity.UserTraits{Email: identity.Put(e)}}).User
		}
		first := byEmail("sam@example.com")
		// identity.Email lower-cases before a claim is made; the store
		// compares what it is given.
		if again := byEmail("sam@example.com"); again.ID != first.ID {
			t.Fatal("the same email made a second user")
		}
		withRef := mustResolve(t, s, app, identity.Claim{UserRef: "kim", User: identity.UserTraits{Email: identity.Put("kim@example.com")}}).User
		if other := byEmail("kim@example.com"); other.ID == withRef.ID {
			t.Fatal("an email alone opened the user that has a user_ref")
		}
	})
}

func TestResolve_EmailUniqueness_R6(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		t.Run("on by default: conflict, nothing written", func(t *testing.T) {
			app, _ := storetest.NewApp(t, s)
			mustResolve(t, s, app, identity.Claim{UserRef: "first", User: identity.UserTraits{Email: identity.Put("taken@example.com")}})
			before := counts(t, s, app)
			_, err := resolve(t, s, app, identity.Claim{UserRef: "second", AccountRef: "new.com",
				User: identity.UserTraits{Email: identity.Put("taken@example.com")}})
			kithtest.WantError(t, err, kith.CodeEmailTaken, "email")
			if got := counts(t, s, app); got != before {
				t.Fatalf("after the conflict: %v, want %v", got, before)
			}
			// Taking the email as an update is refused the same way.
			mustResolve(t, s, app, identity.Claim{UserRef: "third"})
			_, err = resolve(t, s, app, identity.Claim{UserRef: "third", User: identity.UserTraits{Email: identity.Put("taken@example.com")}})
			kithtest.WantError(t, err, kith.CodeEmailTaken, "email")
		})
		t.Run("off: shared emails allowed", func(t *testing.T) {
			app, _ := storetest.NewApp(t, s, "email_unique=false")
			a := mustResolve(t, s, app, identity.Claim{UserRef: "first", User: identity.UserTraits{Email: identity.Put("shared@example.com")}})
			b := mustResolve(t, s, app, identity.Claim{UserRef: "second", User: identity.UserTraits{Email: identity.Put("shared@example.com")}})
			if a.User.ID == b.User.ID {
				t.Fatal("two user_refs resolved to one user")
			}
		})
		t.Run("namespaces do not collide", func(t *testing.T) {
			app, _ := storetest.NewApp(t, s)
			mustResolve(t, s, app, identity.Claim{UserRef: "v", User: identity.UserTraits{Email: identity.Put("ns@example.com")}})
			mustResolve(t, s, app, identity.Claim{Trust: kith.TrustUnverified, Method: kith.MethodClaimed, UserRef: "v",
				User: identity.UserTraits{Email: identity.Put("ns@example.com")}})
		})
	})
}

func TestResolve_UnknownCustomFieldWritesNothing_R7_F5(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		storetest.NewField(t, s, app, kith.ObjectUser, "tnt__plan", kith.FieldEnum, "free", "pro")
		tests := []struct {
			name  string
			claim identity.Claim
			code  kith.Code
			field string
		}{
			{"undefined account field", identity.Claim{UserRef: "u", AccountRef: "acme.com", Account: identity.AccountTraits{
				CustomFields: []identity.RawField{{Name: "tnt__tier", Path: "account.tnt__tier", Value: json.RawMessage(`"gold"`)}}}},
				kith.CodeUnknownCustomField, "account.tnt__tier"},
			{"placeholder name from the seed", identity.Claim{UserRef: "u", User: identity.UserTraits{
				CustomFields: []identity.RawField{{Name: "tnt__<field1_name>", Path: "f", Value: json.RawMessage(`"value 1"`)}}}},
				kith.CodeUnknownCustomField, "f"},
			{"enum value not allowed", identity.Claim{UserRef: "u", User: identity.UserTraits{
				CustomFields: []identity.RawField{{Name: "tnt__plan", Path: "p", Value: json.RawMessage(`"gold"`)}}}},
				kith.CodeInvalidCustomField, "p"},
			{"wrong type", identity.Claim{UserRef: "u", User: identity.UserTraits{
				CustomFields: []identity.RawField{{Name: "tnt__plan", Path: "p", Value: json.RawMessage(`3`)}}}},
				kith.CodeInvalidCustomField, "p"},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				_, err := resolve(t, s, app, tt.claim)
				kithtest.WantError(t, err, tt.code, tt.field)
				if got := counts(t, s, app); got != [3]int{} {
					t.Fatalf("a refused claim wrote %v", got)
				}
			})
		}
	})
}

func TestResolve_RecordsIdentityEvents_R8(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		u := mustResolve(t, s, app, identity.Claim{UserRef: "ev", User: identity.UserTraits{DisplayName: identity.Put("Eve")}}).User
		mustResolve(t, s, app, identity.Claim{UserRef: "ev"})
		mustResolve(t, s, app, identity.Claim{UserRef: "ev", User: identity.UserTraits{DisplayName: identity.Put("Eve 2")}})
		events, err := s.Events(context.Background(), app.OrgID, u.ID, kith.Page{})
		if err != nil {
			t.Fatal(err)
		}
		var kinds []kith.EventKind
		for _, e := range events {
			kinds = append(kinds, e.Kind)
			if e.Method != kith.MethodSessionToken || e.AppID != app.ID {
				t.Errorf("event %s has method %q app %q", e.Kind, e.Method, e.AppID)
			}
		}
		want := []kith.EventKind{kith.EventUserCreated, kith.EventUserIdentified, kith.EventUserIdentified, kith.EventTraitsChanged}
		if diff := cmp.Diff(want, kinds); diff != "" {
			t.Fatalf("event kinds (-want +got):\n%s", diff)
		}
		if got := events[3].Detail["fields"]; !cmp.Equal(got, []any{"display_name"}) {
			t.Fatalf("traits_changed fields = %v, want [display_name]", got)
		}
	})
}

func TestResolve_VerifiedAndUnverifiedNeverMerge_V7(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		app, _ := storetest.NewApp(t, s)
		unverified := mustResolve(t, s, app, identity.Claim{Trust: kith.TrustUnverified, Method: kith.MethodClaimed,
			UserRef: "x", User: identity.UserTraits{DisplayName: identity.Put("Claimed X")}}).User
		verified := mustResolve(t, s, app, identity.Claim{UserRef: "x"}).User
		if verified.ID == unverified.ID {
			t.Fatal("the verified and unverified user_ref x are one user")
		}
		if verified.DisplayName == "Claimed X" {
			t.Fatal("the verified user received the unverified user's data")
		}
		again := mustResolve(t, s, app, identity.Claim{Trust: kith.TrustUnverified, Method: kith.MethodClaimed, UserRef: "x"}).User
		if again.ID != unverified.ID {
			t.Fatal("within the unverified namespace, one user_ref must mean one user (M5)")
		}
	})
}
