package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"strings"

	"github.com/kith-chat/kith/internal/store"
)

// defaultDB is where kith keeps its data when given no --db.
const defaultDB = "kith-data/kith.db"

// newFlags returns a flag set for a command, with --db.
func newFlags(name string) (*flag.FlagSet, *string) {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Discard)
	db := fs.String("db", "", "SQLite file or postgres:// URL (env KITH_DB)")
	return fs, db
}

// parse parses args, allowing positional arguments between flags
// ("apps update APP_ID --set a=b"), and returns the positional ones.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, fmt.Errorf("%w: %s takes: %s", errUsage, fs.Name(), flagList(fs))
			}
			return nil, fmt.Errorf("%w: %s: %v", errUsage, fs.Name(), err)
		}
		if fs.NArg() == 0 {
			return positional, nil
		}
		positional = append(positional, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func flagList(fs *flag.FlagSet) string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, "--"+f.Name) })
	return strings.Join(names, " ")
}

// dbAddress picks the database: --db, then KITH_DB, then the file named by
// KITH_DB_FILE (so that a URL with a password can come from a secret
// file), then the default SQLite file.
func dbAddress(flagValue string) (string, error) {
	if flagValue != "" {
		return flagValue, nil
	}
	if v := os.Getenv("KITH_DB"); v != "" {
		return v, nil
	}
	if path := os.Getenv("KITH_DB_FILE"); path != "" {
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read KITH_DB_FILE: %w", err)
		}
		return strings.TrimSpace(string(b)), nil
	}
	return defaultDB, nil
}

// openStore opens (and migrates) the database named by the --db flag or
// the environment.
func openStore(ctx context.Context, dbFlag string, opts store.Options) (*store.Store, error) {
	dsn, err := dbAddress(dbFlag)
	if err != nil {
		return nil, err
	}
	return store.Open(ctx, dsn, opts)
}

// envOr returns the environment variable name, or def when it is unset.
func envOr(name, def string) string {
	if v := os.Getenv(name); v != "" {
		return v
	}
	return def
}

// repeated is a flag that may be given several times.
type repeated []string

func (r *repeated) String() string     { return strings.Join(*r, ",") }
func (r *repeated) Set(v string) error { *r = append(*r, v); return nil }
