// Package storetest opens fresh, migrated stores for tests: a SQLite file
// in a temporary folder, and a PostgreSQL schema of its own on the server
// named by KITH_TEST_POSTGRES_URL. Tests that must hold on both stores (D3)
// run under Each.
//
// The stores it opens rehearse every transaction (store.Options.Rehearse):
// each function given to Tx runs twice, the first run rolled back as a lost
// serialization race would be, so that a function that is not safe to run
// again fails the contract tests instead of losing writes in production.
package storetest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/kith-chat/kith/internal/store"
)

// Env names the PostgreSQL server for tests, and whether CI requires it.
const (
	EnvPostgresURL     = "KITH_TEST_POSTGRES_URL"
	EnvRequirePostgres = "KITH_TEST_REQUIRE_POSTGRES"
)

// Kinds are the two stores, in the order Each runs them.
var Kinds = []string{"sqlite", "postgres"}

// Each runs f as a subtest on a fresh store of each kind.
func Each(t *testing.T, f func(t *testing.T, s *store.Store)) {
	t.Helper()
	for _, kind := range Kinds {
		t.Run(kind, func(t *testing.T) {
			f(t, Open(t, kind))
		})
	}
}

// Open returns a fresh, migrated store of the given kind that rehearses
// every transaction, closed and removed when the test ends. Without
// KITH_TEST_POSTGRES_URL a postgres store skips the test, unless
// KITH_TEST_REQUIRE_POSTGRES is set, as in CI, where it fails it.
func Open(t testing.TB, kind string) *store.Store {
	t.Helper()
	return OpenWith(t, kind, store.Options{Rehearse: true})
}

// OpenWith is Open with the given options: benchmarks, which must measure
// what production runs, pass store.Options{}.
func OpenWith(t testing.TB, kind string, opts store.Options) *store.Store {
	t.Helper()
	dsn := DSN(t, kind)
	s, err := store.Open(context.Background(), dsn, opts)
	if err != nil {
		t.Fatalf("open %s store: %v", kind, err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// DSN returns the address of a fresh, empty database of the given kind,
// for tests that open it themselves (the binary, several processes).
func DSN(t testing.TB, kind string) string {
	t.Helper()
	switch kind {
	case "sqlite":
		return filepath.Join(t.TempDir(), "kith.db")
	case "postgres":
		return postgresSchema(t)
	}
	t.Fatalf("unknown store kind %q", kind)
	return ""
}

// RequirePostgres skips the test, or fails it in CI, when no PostgreSQL
// server is configured, and returns its URL.
func RequirePostgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv(EnvPostgresURL)
	if base == "" {
		if os.Getenv(EnvRequirePostgres) != "" {
			t.Fatalf("%s is set but %s is not: CI must test on PostgreSQL", EnvRequirePostgres, EnvPostgresURL)
		}
		t.Skipf("skipping the PostgreSQL run: set %s (e.g. postgres://postgres@127.0.0.1:5432/test?sslmode=disable)",
			EnvPostgresURL)
	}
	return base
}

// postgresSchema makes a schema of its own for the test, dropped at the
// end, and returns a URL whose connections use it.
func postgresSchema(t testing.TB) string {
	t.Helper()
	base := RequirePostgres(t)
	b := make([]byte, 6)
	rand.Read(b)
	schema := "kith_test_" + hex.EncodeToString(b)

	admin, err := sql.Open("pgx", base)
	if err != nil {
		t.Fatalf("open PostgreSQL: %v", err)
	}
	t.Cleanup(func() { admin.Close() })
	ctx := context.Background()
	if _, err := admin.ExecContext(ctx, `CREATE SCHEMA `+schema); err != nil {
		t.Fatalf("create schema on %s: %v", redact(base), err)
	}
	t.Cleanup(func() {
		if _, err := admin.ExecContext(context.Background(), `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			t.Errorf("drop schema %s: %v", schema, err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		t.Fatalf("parse %s: %v", EnvPostgresURL, err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

func redact(dsn string) string {
	u, err := url.Parse(dsn)
	if err != nil {
		return "the database"
	}
	return u.Redacted()
}

func randN(n int) int {
	b := make([]byte, 1)
	rand.Read(b)
	return int(b[0]) % n
}
