// Command kith is the Kith support-chat server and its admin CLI.
//
//	kith serve                 run the server (SQLite in ./kith-data by default)
//	kith migrate               bring the database schema up to date
//	kith apps create|update|show|list
//	kith tokens create|list|revoke
//	kith fields create|list
//	kith secrets create|list|delete, kith jwt-keys add|list|delete, kith aliases add|list|delete
//	kith agents create|list|disable
//
// Every command takes --db (env KITH_DB): a SQLite file path or a
// postgres:// URL. Run "kith help" for the details.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

const usage = `kith: a self-hostable support-chat server.

Usage:
  kith serve   [--db DB] [--addr ADDR]       run the server
  kith migrate [--db DB]                     apply database migrations
  kith apps create --name NAME [--org ORG]   create an app and its first access token
  kith apps update APP_ID --set NAME=VALUE   change settings (repeat --set)
  kith apps show APP_ID | kith apps list [--org ORG]
  kith tokens create --app APP_ID --scopes sessions,api [--expires 30d]
  kith tokens list --app APP_ID | kith tokens revoke TOKEN_ID
  kith fields create --app APP_ID --object user|account|workspace --name tnt__NAME
                     --type text|number|boolean|date|enum [--values a,b]
  kith fields list --app APP_ID
  kith apps rotate-session-secret APP_ID     new session-token secret; unredeemed tokens stop
  kith secrets create --app APP_ID           a verification secret for user hashes (M3)
  kith secrets list --app APP_ID | kith secrets delete SECRET_ID --app APP_ID
  kith jwt-keys add --app APP_ID --kid KID --alg HS256|RS256|ES256|EdDSA
                    [--public-key FILE.pem | --jwks-url URL]   a key for customer JWTs (M4)
  kith jwt-keys list --app APP_ID | kith jwt-keys delete KEY_ID --app APP_ID
  kith aliases add|delete ALIAS --app APP_ID  another id the app answers to (helpshift:DOMAIN/PLATFORM_ID, ...)
  kith aliases list --app APP_ID
  kith agents create --org ORG --email E --name N --role admin|agent [--password-file F]
                     an agent of the inbox; the password from F (- for stdin) or a prompt
  kith agents list [--org ORG] | kith agents disable AGENT_ID [--org ORG]

Every command takes --db (env KITH_DB, or KITH_DB_FILE naming a file that
holds it): a SQLite file path (default ./kith-data/kith.db) or a
postgres:// URL. Admin commands take --json for machine-readable output.
Settings: verification_required, email_unique, anonymous_expiry, on_login,
allowed_origins, session_token_max_lifetime.
`

// errUsage marks a mistake in the command line: exit status 2.
var errUsage = errors.New("usage")

// run runs one command and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		fmt.Fprint(stdout, usage)
		return 0
	}
	var err error
	switch cmd, rest := args[0], args[1:]; cmd {
	case "serve":
		err = serve(ctx, rest, stderr)
	case "migrate":
		err = migrate(ctx, rest, stdout)
	case "apps", "tokens", "fields":
		err = admin(ctx, cmd, rest, stdout)
	case "secrets", "jwt-keys", "aliases":
		err = keyring(ctx, cmd, rest, stdout)
	case "agents":
		err = agentsCmd(ctx, rest, os.Stdin, stdout, stderr)
	default:
		err = fmt.Errorf("%w: unknown command %q", errUsage, cmd)
	}
	switch {
	case err == nil:
		return 0
	case errors.Is(err, errUsage):
		fmt.Fprintf(stderr, "kith: %v\n\nRun 'kith help' for usage.\n", err)
		return 2
	default:
		fmt.Fprintf(stderr, "kith: %v\n", err)
		return 1
	}
}
