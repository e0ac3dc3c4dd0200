package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
)

// admin runs the apps, tokens and fields commands. Each opens the database
// (migrating it on first use, so that it works on a fresh database and
// beside a running server), does one thing and prints the result.
func admin(ctx context.Context, group string, args []string, stdout io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: kith %s needs a subcommand", errUsage, group)
	}
	sub, args := args[0], args[1:]
	fs, dbFlag := newFlags(group + " " + sub)
	asJSON := fs.Bool("json", false, "print JSON")
	var (
		name, org, appID, scopes, expires, object, typ, values *string
		set                                                    repeated
	)
	switch group + " " + sub {
	case "apps create":
		name = fs.String("name", "", "app name")
		org = fs.String("org", apps.DefaultOrg, "organization name or id (created if the name is new)")
	case "apps list":
		org = fs.String("org", apps.DefaultOrg, "organization name or id")
	case "apps update":
		fs.Var(&set, "set", "NAME=VALUE, repeatable")
	case "apps show", "apps rotate-session-secret", "tokens revoke":
	case "tokens create":
		appID = fs.String("app", "", "app id")
		scopes = fs.String("scopes", "sessions", "comma-separated scopes: sessions, api (its own app), org (every app of the organization), keys (the app's keyring)")
		expires = fs.String("expires", "", "lifetime such as 30d or 12h (default: never)")
	case "tokens list", "fields list":
		appID = fs.String("app", "", "app id")
	case "fields create":
		appID = fs.String("app", "", "app id")
		object = fs.String("object", "", "user, account or workspace")
		name = fs.String("name", "", "tnt__<name>")
		typ = fs.String("type", "", "text, number, boolean, date or enum")
		values = fs.String("values", "", "comma-separated values of an enum")
	default:
		return fmt.Errorf("%w: unknown command kith %s %s", errUsage, group, sub)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	needPositional := group+" "+sub == "apps update" || group+" "+sub == "apps show" ||
		group+" "+sub == "apps rotate-session-secret" || group+" "+sub == "tokens revoke"
	if needPositional && len(pos) != 1 || !needPositional && len(pos) != 0 {
		return fmt.Errorf("%w: kith %s %s: unexpected arguments %q", errUsage, group, sub, pos)
	}
	if appID != nil && *appID == "" {
		return fmt.Errorf("%w: kith %s %s needs --app APP_ID", errUsage, group, sub)
	}

	st, err := openStore(ctx, *dbFlag, store.Options{Conns: 2})
	if err != nil {
		return err
	}
	defer st.Close()
	svc := &apps.Service{Store: st}
	out := printer{w: stdout, json: *asJSON}

	switch group + " " + sub {
	case "apps create":
		app, tok, err := svc.CreateApp(ctx, *org, *name)
		if err != nil {
			return explain(err)
		}
		return out.print(map[string]any{"org_id": app.OrgID, "app_id": app.ID, "access_token": tok.Secret},
			"Created app %s in organization %s.\n\nApplication access token (scope sessions), shown once; keep it on your server:\n\n  %s\n",
			app.ID, app.OrgID, tok.Secret)
	case "apps list":
		o, err := svc.Org(ctx, *org)
		if err != nil {
			return explain(err)
		}
		list, err := st.Apps(ctx, o.ID)
		if err != nil {
			return explain(err)
		}
		views := make([]appView, len(list))
		for i, a := range list {
			views[i] = newAppView(a)
		}
		return out.table(views, []string{"APP ID", "NAME", "CREATED"}, len(list), func(i int) []string {
			return []string{list[i].ID, list[i].Name, list[i].CreatedAt.Format(time.RFC3339)}
		})
	case "apps update":
		app, err := svc.UpdateSettings(ctx, pos[0], set)
		if err != nil {
			return explain(err)
		}
		return out.app(app)
	case "apps show":
		app, err := svc.App(ctx, pos[0])
		if err != nil {
			return explain(err)
		}
		return out.app(app)
	case "apps rotate-session-secret":
		if err := svc.RotateSessionSecret(ctx, pos[0]); err != nil {
			return explain(err)
		}
		return out.print(map[string]any{"app_id": pos[0], "rotated": true},
			"Rotated the session-signing secret of %s: session tokens not yet redeemed no longer work; widget sessions already started go on.\n",
			pos[0])
	case "tokens create":
		var ttl time.Duration
		if *expires != "" {
			if ttl, err = apps.ParseDuration("expires", *expires); err != nil {
				return explain(err)
			}
		}
		var sc []kith.Scope
		for s := range strings.SplitSeq(*scopes, ",") {
			if s = strings.TrimSpace(s); s != "" {
				sc = append(sc, kith.Scope(s))
			}
		}
		tok, err := svc.CreateToken(ctx, *appID, sc, ttl)
		if err != nil {
			return explain(err)
		}
		v := newTokenView(tok.AccessToken)
		return out.print(struct {
			tokenView
			AccessToken string `json:"access_token"`
		}{v, tok.Secret},
			"Created token %s with scopes %s (expires: %s).\n%s\nShown once; keep it on your server:\n\n  %s\n",
			tok.ID, strings.Join(v.Scopes, ","), orNever(v.ExpiresAt), reachNote(tok.AccessToken), tok.Secret)
	case "tokens list":
		list, err := svc.Tokens(ctx, *appID)
		if err != nil {
			return explain(err)
		}
		views := make([]tokenView, len(list))
		for i, t := range list {
			views[i] = newTokenView(t)
		}
		return out.table(views, []string{"TOKEN ID", "SCOPES", "EXPIRES", "REVOKED", "LAST USED"}, len(views), func(i int) []string {
			v := views[i]
			return []string{v.ID, strings.Join(v.Scopes, ","), orNever(v.ExpiresAt), orDash(v.RevokedAt), orDash(v.LastUsedAt)}
		})
	case "tokens revoke":
		if err := svc.RevokeToken(ctx, pos[0]); err != nil {
			return explain(err)
		}
		return out.print(map[string]any{"id": pos[0], "revoked": true}, "Revoked token %s.\n", pos[0])
	case "fields create":
		app, err := svc.App(ctx, *appID)
		if err != nil {
			return explain(err)
		}
		var vals []string
		if *values != "" {
			vals = strings.Split(*values, ",")
		}
		f, err := svc.CreateField(ctx, app.OrgID, kith.Object(*object), *name, kith.FieldType(*typ), vals)
		if err != nil {
			return explain(err)
		}
		return out.print(newFieldView(f), "Defined %s field %s (%s).\n", f.Object, f.Name, f.Type)
	case "fields list":
		app, err := svc.App(ctx, *appID)
		if err != nil {
			return explain(err)
		}
		defs, err := st.CustomFields(ctx, app.OrgID, "")
		if err != nil {
			return explain(err)
		}
		views := make([]fieldView, len(defs))
		for i, f := range defs {
			views[i] = newFieldView(f)
		}
		return out.table(views, []string{"OBJECT", "NAME", "TYPE", "VALUES"}, len(views), func(i int) []string {
			f := views[i]
			return []string{f.Object, f.Name, f.Type, strings.Join(f.Values, ",")}
		})
	}
	return nil
}

// explain words a kith error for a terminal: what is wrong and where.
func explain(err error) error {
	var e *kith.Error
	if !errors.As(err, &e) {
		return err
	}
	if e.Code == kith.CodeNotFound {
		return errors.New(e.Message)
	}
	if e.Field != "" && !strings.Contains(e.Message, e.Field) {
		return fmt.Errorf("%s: %s (%s)", e.Field, e.Message, e.Code)
	}
	return fmt.Errorf("%s (%s)", e.Message, e.Code)
}

// printer prints a result as JSON or as text for people.
type printer struct {
	w    io.Writer
	json bool
}

func (p printer) print(v any, format string, args ...any) error {
	if p.json {
		enc := json.NewEncoder(p.w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	}
	_, err := fmt.Fprintf(p.w, format, args...)
	return err
}

// table prints a list: as JSON, or as aligned columns for people.
func (p printer) table(v any, header []string, n int, row func(i int) []string) error {
	if p.json {
		return p.print(v, "")
	}
	tw := tabwriter.NewWriter(p.w, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, strings.Join(header, "\t"))
	for i := range n {
		fmt.Fprintln(tw, strings.Join(row(i), "\t"))
	}
	return tw.Flush()
}

func (p printer) app(a *kith.App) error {
	v := newAppView(a)
	s := v.Settings
	return p.print(v, "App %s (%s) in organization %s\n"+
		"  verification_required       %v\n  email_unique                %v\n  anonymous_expiry            %s\n"+
		"  on_login                    %s\n  allowed_origins             %s\n  session_token_max_lifetime  %s\n",
		v.ID, v.Name, v.OrgID, s.VerificationRequired, s.EmailUnique, s.AnonymousExpiry, s.OnLogin,
		orDash(strings.Join(s.AllowedOrigins, ",")), s.SessionTokenMaxLifetime)
}

type appView struct {
	ID        string       `json:"app_id"`
	OrgID     string       `json:"org_id"`
	Name      string       `json:"name"`
	Settings  settingsView `json:"settings"`
	CreatedAt time.Time    `json:"created_at"`
}

type settingsView struct {
	VerificationRequired    bool     `json:"verification_required"`
	EmailUnique             bool     `json:"email_unique"`
	AnonymousExpiry         string   `json:"anonymous_expiry"`
	OnLogin                 string   `json:"on_login"`
	AllowedOrigins          []string `json:"allowed_origins"`
	SessionTokenMaxLifetime string   `json:"session_token_max_lifetime"`
}

func newAppView(a *kith.App) appView {
	s := a.Settings
	origins := s.AllowedOrigins
	if origins == nil {
		origins = []string{}
	}
	return appView{ID: a.ID, OrgID: a.OrgID, Name: a.Name, CreatedAt: a.CreatedAt, Settings: settingsView{
		VerificationRequired: s.VerificationRequired, EmailUnique: s.EmailUnique,
		AnonymousExpiry: apps.FormatDuration(s.AnonymousExpiry), OnLogin: string(s.OnLogin),
		AllowedOrigins: origins, SessionTokenMaxLifetime: apps.FormatDuration(s.SessionTokenMaxLifetime),
	}}
}

type tokenView struct {
	ID         string   `json:"id"`
	AppID      string   `json:"app_id"`
	Scopes     []string `json:"scopes"`
	CreatedAt  string   `json:"created_at"`
	ExpiresAt  *string  `json:"expires_at"`
	RevokedAt  *string  `json:"revoked_at"`
	LastUsedAt *string  `json:"last_used_at"`
}

func newTokenView(t *kith.AccessToken) tokenView {
	scopes := make([]string, len(t.Scopes))
	for i, s := range t.Scopes {
		scopes[i] = string(s)
	}
	return tokenView{ID: t.ID, AppID: t.AppID, Scopes: scopes, CreatedAt: t.CreatedAt.Format(time.RFC3339),
		ExpiresAt: timeOrNull(t.ExpiresAt), RevokedAt: timeOrNull(t.RevokedAt), LastUsedAt: timeOrNull(t.LastUsedAt)}
}

type fieldView struct {
	ID     string   `json:"id"`
	Object string   `json:"object"`
	Name   string   `json:"name"`
	Type   string   `json:"type"`
	Values []string `json:"values"`
}

func newFieldView(f *kith.CustomField) fieldView {
	values := f.Values
	if values == nil {
		values = []string{}
	}
	return fieldView{ID: f.ID, Object: string(f.Object), Name: f.Name, Type: string(f.Type), Values: values}
}

func timeOrNull(t time.Time) *string {
	if t.IsZero() {
		return nil
	}
	s := t.Format(time.RFC3339)
	return &s
}

func orNever(s *string) string {
	if s == nil {
		return "never"
	}
	return *s
}

func orDash[T string | *string](v T) string {
	switch s := any(v).(type) {
	case string:
		if s != "" {
			return s
		}
	case *string:
		if s != nil {
			return *s
		}
	}
	return "-"
}

// reachNote says what a token reaches, so that nobody hands out an
// organization-wide token by mistake.
func reachNote(t *kith.AccessToken) string {
	switch {
	case t.Has(kith.ScopeOrg):
		return "It reaches EVERY app of the organization: their conversations and sessions, and the custom field definitions.\n"
	case t.Has(kith.ScopeAPI):
		return "Its api scope reaches this app's conversations and sessions, and the organization's users, accounts and workspaces.\n"
	}
	return ""
}
