package store

import (
	"context"
	"database/sql"
	"io/fs"

	"github.com/pressly/goose/v3"
)

// MigrateUpTo opens dsn and applies the migrations up to version only, so
// that a test can write rows as the code of that time did; step applies
// the rest. For store_test only.
func MigrateUpTo(ctx context.Context, dsn string, version int64) (db *sql.DB, step func() error, err error) {
	d := sqliteDialect
	if IsPostgres(dsn) {
		d = postgresDialect
		db, err = openPostgres(dsn, 2)
	} else {
		_, db, err = openSQLite(dsn, 1)
	}
	if err != nil {
		return nil, nil, err
	}
	fsys, err := fs.Sub(migrations, "migrations/"+d.name)
	if err != nil {
		return nil, nil, err
	}
	p, err := goose.NewProvider(d.goose, db, fsys)
	if err != nil {
		return nil, nil, err
	}
	if _, err := p.UpTo(ctx, version); err != nil {
		return nil, nil, err
	}
	return db, func() error { _, err := p.Up(ctx); return err }, nil
}
