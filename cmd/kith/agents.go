package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"golang.org/x/term"

	"github.com/kith-chat/kith/internal/agents"
	"github.com/kith-chat/kith/internal/apps"
	"github.com/kith-chat/kith/internal/kith"
	"github.com/kith-chat/kith/internal/store"
)

// agentsCmd runs the commands of the inbox's agents (I3):
//
//	kith agents create --org ORG --email E --name N --role admin|agent [--password-file F]
//	kith agents list --org ORG
//	kith agents disable AGENT_ID --org ORG
//
// The password comes from a file (- for stdin) or a prompt that does not
// echo it; never from an argument, which shells keep in their history.
func agentsCmd(ctx context.Context, args []string, stdin io.Reader, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return fmt.Errorf("%w: kith agents needs a subcommand", errUsage)
	}
	sub, args := args[0], args[1:]
	fs, dbFlag := newFlags("agents " + sub)
	asJSON := fs.Bool("json", false, "print JSON")
	org := fs.String("org", apps.DefaultOrg, "organization name or id")
	var email, name, role, passwordFile *string
	positional := 0
	switch sub {
	case "create":
		email = fs.String("email", "", "the agent's email: their login")
		name = fs.String("name", "", "the name customers see on replies")
		role = fs.String("role", "agent", "admin (manages settings, keys and agents) or agent (answers)")
		passwordFile = fs.String("password-file", "", "a file holding the password (- for stdin); without it, a prompt")
	case "list":
	case "disable":
		positional = 1
	default:
		return fmt.Errorf("%w: unknown command kith agents %s", errUsage, sub)
	}
	pos, err := parse(fs, args)
	if err != nil {
		return err
	}
	if len(pos) != positional {
		return fmt.Errorf("%w: kith agents %s takes %d argument(s)", errUsage, sub, positional)
	}
	var password string
	if sub == "create" {
		if *email == "" || *name == "" {
			return fmt.Errorf("%w: kith agents create needs --email and --name", errUsage)
		}
		if password, err = readPassword(*passwordFile, stdin, stderr); err != nil {
			return err
		}
	}
	st, err := openStore(ctx, *dbFlag, store.Options{Conns: 2})
	if err != nil {
		return err
	}
	defer st.Close()
	o, err := (&apps.Service{Store: st}).Org(ctx, *org)
	if err != nil {
		return explain(err)
	}
	svc := &agents.Service{Store: st}
	out := printer{w: stdout, json: *asJSON}
	switch sub {
	case "create":
		a, err := svc.Create(ctx, agents.NewAgent{OrgID: o.ID, Email: *email, Name: *name, Role: kith.Role(*role), Password: password})
		if err != nil {
			return explain(err)
		}
		return out.print(newAgentView(a), "Created %s %s (%s) in organization %s. They log in at /inbox.\n", a.Role, a.ID, a.Email, o.Name)
	case "list":
		list, err := svc.List(ctx, o.ID)
		if err != nil {
			return explain(err)
		}
		views := make([]agentView, len(list))
		for i, a := range list {
			views[i] = newAgentView(a)
		}
		return out.table(views, []string{"AGENT ID", "EMAIL", "NAME", "ROLE", "STATE"}, len(views), func(i int) []string {
			v := views[i]
			state := "active"
			if v.DisabledAt != nil {
				state = "disabled"
			}
			return []string{v.ID, v.Email, v.Name, string(v.Role), state}
		})
	case "disable":
		a, err := svc.Disable(ctx, o.ID, pos[0])
		if err != nil {
			return explain(err)
		}
		return out.print(newAgentView(a), "Disabled %s (%s): they can no longer log in, and their sessions have ended.\n", a.ID, a.Email)
	}
	return nil
}

type agentView struct {
	ID          string     `json:"id"`
	OrgID       string     `json:"org_id"`
	Email       string     `json:"email"`
	Name        string     `json:"name"`
	Role        kith.Role  `json:"role"`
	CreatedAt   time.Time  `json:"created_at"`
	DisabledAt  *time.Time `json:"disabled_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

func newAgentView(a *kith.Agent) agentView {
	opt := func(t time.Time) *time.Time {
		if t.IsZero() {
			return nil
		}
		return &t
	}
	return agentView{ID: a.ID, OrgID: a.OrgID, Email: a.Email, Name: a.Name, Role: a.Role, CreatedAt: a.CreatedAt,
		DisabledAt: opt(a.DisabledAt), LastLoginAt: opt(a.LastLoginAt)}
}

// readPassword reads a new agent's password: from a file, from stdin for
// "-", or from a prompt without echo, asked twice. One trailing newline is
// not part of it.
func readPassword(path string, stdin io.Reader, stderr io.Writer) (string, error) {
	trim := func(s string) string { return strings.TrimSuffix(strings.TrimSuffix(s, "\n"), "\r") }
	switch path {
	case "":
		f, ok := stdin.(*os.File)
		if !ok || !term.IsTerminal(int(f.Fd())) {
			return "", fmt.Errorf("%w: no terminal to ask the password on: pass --password-file FILE (or - for stdin)", errUsage)
		}
		fmt.Fprint(stderr, "Password: ")
		first, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		fmt.Fprint(stderr, "Again: ")
		second, err := term.ReadPassword(int(f.Fd()))
		fmt.Fprintln(stderr)
		if err != nil {
			return "", err
		}
		if string(first) != string(second) {
			return "", fmt.Errorf("%w: the two passwords differ", errUsage)
		}
		return string(first), nil
	case "-":
		line, err := bufio.NewReader(io.LimitReader(stdin, agents.MaxPasswordLen+2)).ReadString('\n')
		if err != nil && err != io.EOF {
			return "", err
		}
		return trim(line), nil
	default:
		b, err := os.ReadFile(path)
		if err != nil {
			return "", fmt.Errorf("read --password-file: %w", err)
		}
		return trim(string(b)), nil
	}
}
