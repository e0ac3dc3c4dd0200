package store

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"math/rand/v2"
	"time"

	"github.com/kith-chat/kith/internal/kith"
)

// Options tunes a Store. The zero value is a good default.
type Options struct {
	// Conns is the size of the read pool on SQLite and of the one pool on
	// PostgreSQL. Zero means 8 on SQLite and 16 on PostgreSQL.
	Conns int
	// MaxAttempts bounds how often a transaction that lost a race is run.
	// Zero means 40: under a burst of requests for the same new user each
	// round lets at least one through, and the rest then find it.
	MaxAttempts int
	// Rehearse runs every transaction function once more than needed:
	// first a run that is rolled back as if it had lost a race, then the
	// real one. It is for tests (storetest turns it on): a function that
	// changes state outside its transaction then fails, or does something
	// else, on its second run, as it would under contention. See
	// kith.Store.Tx.
	Rehearse bool
}

// Store is a kith.Store on SQLite or PostgreSQL.
type Store struct {
	reads
	dialect     dialect
	read, write *sql.DB
	maxAttempts int
	rehearse    bool
	lanes       lanes
}

var _ kith.Store = (*Store)(nil)

// Open opens the database named by dsn, a postgres:// URL or a SQLite file
// path, and brings its schema up to date.
func Open(ctx context.Context, dsn string, opts Options) (*Store, error) {
	s := &Store{maxAttempts: opts.MaxAttempts, rehearse: opts.Rehearse}
	if s.maxAttempts <= 0 {
		s.maxAttempts = 40
	}
	var err error
	if IsPostgres(dsn) {
		conns := opts.Conns
		if conns <= 0 {
			conns = 16
		}
		s.dialect = postgresDialect
		s.write, err = openPostgres(dsn, conns)
		s.read = s.write
	} else {
		conns := opts.Conns
		if conns <= 0 {
			conns = 8
		}
		s.dialect = sqliteDialect
		s.read, s.write, err = openSQLite(dsn, conns)
	}
	if err != nil {
		return nil, fmt.Errorf("open %s database: %w", s.dialect.name, err)
	}
	s.reads = reads{q: s.read}
	if err := s.migrate(ctx); err != nil {
		s.Close()
		return nil, err
	}
	return s, nil
}

// Dialect returns "sqlite" or "postgres".
func (s *Store) Dialect() string { return s.dialect.name }

// Ping checks that the database answers, for the readiness probe.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.write.PingContext(ctx); err != nil {
		return &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable", Err: err}
	}
	return nil
}

// Close closes both pools.
func (s *Store) Close() error {
	err := s.write.Close()
	if s.read != s.write {
		err = errors.Join(err, s.read.Close())
	}
	return err
}

// Tx runs fn in a serializable transaction, running it again when it lost
// a race with another transaction. See kith.Store.
func (s *Store) Tx(ctx context.Context, fn func(context.Context, kith.Tx) error) error {
	return s.run(ctx, s.write, fn)
}

// TxIn runs fn as Tx does, one at a time with the other TxIn of the same
// lane, in every process. See kith.Store.
func (s *Store) TxIn(ctx context.Context, lane string, fn func(context.Context, kith.Tx) error) error {
	if s.dialect.name != "postgres" {
		return s.Tx(ctx, fn) // SQLite's one writer runs every transaction alone
	}
	// Queue in this process first, so that the waiters of one busy lane
	// hold no connection the other lanes need.
	release, err := s.lanes.acquire(ctx, lane)
	if err != nil {
		return classify(err)
	}
	defer release()
	conn, err := s.write.Conn(ctx)
	if err != nil {
		return classify(err)
	}
	defer conn.Close()
	// A session lock, taken before the transaction begins: a serializable
	// transaction's snapshot is taken by its first statement, so a lock
	// taken inside one would leave it reading from before its wait.
	key := "lane:" + lane
	if _, err := conn.ExecContext(ctx, `SELECT pg_advisory_lock(hashtextextended($1, 0))`, key); err != nil {
		return classify(err)
	}
	defer func() {
		_, err := conn.ExecContext(context.WithoutCancel(ctx), `SELECT pg_advisory_unlock(hashtextextended($1, 0))`, key)
		if err != nil {
			// A connection that may still hold the lock must not go back
			// to the pool.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
		}
	}()
	return s.run(ctx, conn, fn)
}

// beginner is what *sql.DB and *sql.Conn have in common: both begin
// transactions.
type beginner interface {
	BeginTx(ctx context.Context, opts *sql.TxOptions) (*sql.Tx, error)
}

// run runs fn in a transaction on db, again and again while it loses races
// with other transactions (up to maxAttempts), rehearsing it first when the
// store is told to.
func (s *Store) run(ctx context.Context, db beginner, fn func(context.Context, kith.Tx) error) error {
	if s.rehearse {
		err := s.tx(ctx, db, func(ctx context.Context, tx kith.Tx) error {
			if err := fn(ctx, tx); err != nil {
				return err
			}
			return errRehearsed
		})
		if !errors.Is(err, errRehearsed) && !retryable(err) {
			return classify(err) // a real run would have failed the same way
		}
	}
	backoff := time.Millisecond
	for attempt := 1; ; attempt++ {
		err := s.tx(ctx, db, fn)
		if err == nil || !s.retry(err, attempt) {
			return classify(err)
		}
		// Jitter spreads the losers of a race so they do not collide again.
		t := time.NewTimer(backoff/2 + rand.N(backoff))
		select {
		case <-ctx.Done():
			t.Stop()
			return classify(ctx.Err())
		case <-t.C:
		}
		backoff = min(backoff*2, 64*time.Millisecond)
	}
}

// errRehearsed rolls back the rehearsal of a transaction (Options.Rehearse).
var errRehearsed = errors.New("store: rehearsal rolled back")

// retry decides whether a transaction that failed with err on its
// attempt-th run should run again.
func (s *Store) retry(err error, attempt int) bool {
	if attempt >= s.maxAttempts || !retryable(err) {
		return false
	}
	if uniqueViolation(err) {
		// SQLite transactions are serial, so a broken uniqueness is a real
		// conflict, not a race. On PostgreSQL it can be a race that the next
		// run sees through; a few runs tell the two apart.
		return s.dialect.name == "postgres" && attempt < 3
	}
	return true
}

// TouchAccessToken implements kith.Store: it records that a token was used
// at time at, unless a use within the last minute is already recorded. It
// runs on its own, out of any transaction, so that requests using the same
// token never contend over it; a failure only loses the record.
func (s *Store) TouchAccessToken(ctx context.Context, id string, at time.Time) error {
	_, err := s.write.ExecContext(ctx, `UPDATE access_tokens SET last_used_at = $2
		WHERE id = $1 AND (last_used_at IS NULL OR last_used_at < $3)`,
		id, us(at), us(at.Add(-time.Minute)))
	return classify(err)
}

func (s *Store) tx(ctx context.Context, db beginner, fn func(context.Context, kith.Tx) error) (err error) {
	sqlTx, err := db.BeginTx(ctx, s.dialect.txOptions)
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			_ = sqlTx.Rollback()
		}
	}()
	if err := fn(ctx, &txn{reads: reads{q: sqlTx}, postgres: s.dialect.name == "postgres"}); err != nil {
		return err
	}
	return sqlTx.Commit()
}

// classify turns driver errors that escaped a query into kith errors, so
// that the HTTP layer answers 409 or 503 instead of 500.
func classify(err error) error {
	var ke *kith.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &ke):
		return err
	case uniqueViolation(err):
		return &kith.Error{Code: kith.CodeConflict, Message: "conflicting write, try again", Err: err}
	case retryable(err):
		return &kith.Error{Code: kith.CodeUnavailable, Message: "too much contention, try again", Err: err}
	case unavailable(err):
		return &kith.Error{Code: kith.CodeUnavailable, Message: "database unavailable", Err: err}
	}
	return err
}

// querier is what *sql.DB and *sql.Tx have in common.
type querier interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// reads implements kith.Reader on a pool or a transaction.
type reads struct{ q querier }

// txn implements kith.Tx: the reads and the writes of one transaction.
type txn struct {
	reads
	postgres bool
}

var _ kith.Tx = (*txn)(nil)
