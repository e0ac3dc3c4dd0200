package store_test

import (
	"context"
	"math"
	"testing"

	"github.com/kith-chat/kith/internal/store"
	"github.com/kith-chat/kith/internal/storetest"
)

// TestMigrations_KeepWhatEarlierRowsMeant_V4 runs the migrations up to the
// widget's (00002), writes rows as the code of that time did, and checks
// what the later migrations make of them: the scope an unverified session
// named becomes its label (00003), and an app whose empty allowed_origins
// allowed every origin still does (00004).
func TestMigrations_KeepWhatEarlierRowsMeant_V4(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			db, up, err := store.MigrateUpTo(ctx, storetest.DSN(t, kind), 2)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`INSERT INTO orgs (id, name, created_at) VALUES ('org_1', 'o', 0)`)
			exec(`INSERT INTO apps (id, org_id, name, session_secret, verification_required, email_unique, anonymous_expiry_us,
				on_login, allowed_origins, session_token_max_lifetime_us, created_at)
				VALUES ('app_open', 'org_1', 'a', $1, false, true, 1, 'keep', '[]', 1, 0),
				       ('app_listed', 'org_1', 'b', $1, false, true, 1, 'keep', '["https://shop.example"]', 1, 0)`,
				make([]byte, 32))
			exec(`INSERT INTO users (id, org_id, trust, display_name, created_at, updated_at) VALUES ('usr_1', 'org_1', 'unverified', 'U', 0, 0)`)
			exec(`INSERT INTO conversations (id, org_id, app_id, user_id, device_id, verified, workspace_ref, created_at, updated_at)
				VALUES ('cnv_claimed', 'org_1', 'app_open', 'usr_1', 'dev_1', false, 'eu', 0, 0),
				       ('cnv_verified', 'org_1', 'app_open', 'usr_1', 'dev_1', true, 'support', 0, 0)`)
			if err := up(); err != nil {
				t.Fatal(err)
			}
			for id, want := range map[string][2]string{"cnv_claimed": {"", "eu"}, "cnv_verified": {"support", ""}} {
				var ws, label string
				if err := db.QueryRowContext(ctx, `SELECT workspace_ref, label FROM conversations WHERE id = $1`, id).Scan(&ws, &label); err != nil {
					t.Fatal(err)
				}
				if [2]string{ws, label} != want {
					t.Errorf("%s: workspace %q label %q, want %q", id, ws, label, want)
				}
			}
			for id, want := range map[string]string{"app_open": `["*"]`, "app_listed": `["https://shop.example"]`} {
				var origins string
				if err := db.QueryRowContext(ctx, `SELECT allowed_origins FROM apps WHERE id = $1`, id).Scan(&origins); err != nil {
					t.Fatal(err)
				}
				if origins != want {
					t.Errorf("%s: allowed_origins %s, want %s", id, origins, want)
				}
			}
		})
	}
}

// TestMigrations_ConversationsKeepWhoWaitsForAnAnswer_I1 writes
// conversations as the code before the inbox did (00006) and checks that
// 00007 opens them and finds since when their user waits: the first user
// message after the last agent message, or nobody.
func TestMigrations_ConversationsKeepWhoWaitsForAnAnswer_I1(t *testing.T) {
	for _, kind := range storetest.Kinds {
		t.Run(kind, func(t *testing.T) {
			ctx := context.Background()
			db, up, err := store.MigrateUpTo(ctx, storetest.DSN(t, kind), 6)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			exec := func(q string, args ...any) {
				t.Helper()
				if _, err := db.ExecContext(ctx, q, args...); err != nil {
					t.Fatalf("%s: %v", q, err)
				}
			}
			exec(`INSERT INTO orgs (id, name, created_at) VALUES ('org_1', 'o', 0)`)
			exec(`INSERT INTO apps (id, org_id, name, session_secret, verification_required, email_unique, anonymous_expiry_us,
				on_login, allowed_origins, session_token_max_lifetime_us, created_at)
				VALUES ('app_1', 'org_1', 'a', $1, false, true, 1, 'keep', '[]', 1, 0)`, make([]byte, 32))
			exec(`INSERT INTO users (id, org_id, trust, display_name, created_at, updated_at) VALUES ('usr_1', 'org_1', 'anonymous', 'U', 0, 0)`)
			exec(`INSERT INTO conversations (id, org_id, app_id, user_id, device_id, verified, created_at, updated_at)
				VALUES ('cnv_waits', 'org_1', 'app_1', 'usr_1', 'dev_1', false, 0, 0),
				       ('cnv_answered', 'org_1', 'app_1', 'usr_1', 'dev_1', false, 0, 0)`)
			msg := func(id, conv, author string, at int64) {
				exec(`INSERT INTO messages (id, org_id, conversation_id, author, author_name, body, created_at)
					VALUES ($1, 'org_1', $2, $3, 'x', 'x', $4)`, id, conv, author, at)
			}
			msg("msg_1", "cnv_waits", "user", 100)
			msg("msg_2", "cnv_waits", "agent", 200)
			msg("msg_3", "cnv_waits", "user", 300)
			msg("msg_4", "cnv_waits", "user", 400)
			msg("msg_5", "cnv_answered", "user", 100)
			msg("msg_6", "cnv_answered", "agent", 200)
			if err := up(); err != nil {
				t.Fatal(err)
			}
			for id, want := range map[string]int64{"cnv_waits": 300, "cnv_answered": math.MaxInt64} {
				var status string
				var waiting int64
				if err := db.QueryRowContext(ctx, `SELECT status, waiting_since FROM conversations WHERE id = $1`, id).Scan(&status, &waiting); err != nil {
					t.Fatal(err)
				}
				if status != "open" || waiting != want {
					t.Errorf("%s: status %s, waiting since %d; want open, %d", id, status, waiting, want)
				}
			}
		})
	}
}
