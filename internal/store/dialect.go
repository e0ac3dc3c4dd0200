package store

import (
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	_ "github.com/jackc/pgx/v5/stdlib" // registers the "pgx" database/sql driver
	"github.com/pressly/goose/v3"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"
)

// dialect is what differs between SQLite and PostgreSQL.
type dialect struct {
	name  string // "sqlite" or "postgres", also the migrations folder
	goose goose.Dialect
	// txOptions are the options of a write transaction.
	txOptions *sql.TxOptions
}

var (
	sqliteDialect   = dialect{name: "sqlite", goose: goose.DialectSQLite3}
	postgresDialect = dialect{name: "postgres", goose: goose.DialectPostgres,
		txOptions: &sql.TxOptions{Isolation: sql.LevelSerializable}}
)

// IsPostgres reports whether dsn names a PostgreSQL database rather than a
// SQLite file.
func IsPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// openSQLite opens the file at path with one writer and several readers.
func openSQLite(path string, readers int) (read, write *sql.DB, err error) {
	if dir := filepath.Dir(path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, nil, fmt.Errorf("create the database folder: %w", err)
		}
	}
	// busy_timeout covers another process (the admin CLI beside a running
	// server) holding the write lock; _txlock=immediate takes that lock at
	// BEGIN, so a transaction never fails half-way upgrading a read lock.
	params := url.Values{}
	params.Add("_pragma", "busy_timeout(10000)")
	params.Add("_pragma", "journal_mode(WAL)")
	params.Add("_pragma", "synchronous(NORMAL)")
	params.Add("_pragma", "foreign_keys(1)")
	params.Set("_txlock", "immediate")
	dsn := "file:" + path + "?" + params.Encode()

	write, err = sql.Open("sqlite", dsn)
	if err != nil {
		return nil, nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)

	params.Add("_pragma", "query_only(1)")
	read, err = sql.Open("sqlite", "file:"+path+"?"+params.Encode())
	if err != nil {
		write.Close()
		return nil, nil, err
	}
	read.SetMaxOpenConns(readers)
	read.SetMaxIdleConns(readers)
	return read, write, nil
}

// openPostgres opens one pool for reads and writes.
func openPostgres(dsn string, conns int) (*sql.DB, error) {
	db, err := sql.Open("pgx", dsn)
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(conns)
	db.SetMaxIdleConns(conns)
	return db, nil
}

// retryable reports whether err means the transaction lost a race with
// another one and running it again may succeed.
func retryable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "40001", // serialization_failure
			"40P01", // deadlock_detected
			"23505": // unique_violation: a concurrent transaction inserted the same key
			return true
		}
		return false
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return true
		}
	}
	return false
}

// uniqueViolation reports whether err is a broken uniqueness constraint.
func uniqueViolation(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		return pg.Code == "23505"
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		c := lite.Code()
		return c == sqlite3.SQLITE_CONSTRAINT_UNIQUE || c == sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY
	}
	return false
}

// unavailable reports whether err means the database cannot be reached or
// is too busy to answer, rather than that the query was wrong.
func unavailable(err error) bool {
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		// Class 08: connection exception; 53: insufficient resources;
		// 57P0x: the server is shutting down.
		return strings.HasPrefix(pg.Code, "08") || strings.HasPrefix(pg.Code, "53") ||
			strings.HasPrefix(pg.Code, "57P")
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() & 0xff {
		case sqlite3.SQLITE_BUSY, sqlite3.SQLITE_LOCKED, sqlite3.SQLITE_IOERR, sqlite3.SQLITE_FULL,
			sqlite3.SQLITE_CANTOPEN:
			return true
		}
		return false
	}
	var conn *pgconn.ConnectError
	return errors.As(err, &conn) || errors.Is(err, sql.ErrConnDone)
}
