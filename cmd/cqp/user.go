package main

import (
	"context"
	"cqp/internal/config"
	"flag"
	"fmt"
	"strings"
	"text/tabwriter"

	"cqp/internal/app"
	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// roleFlags collects repeated --role ROLE[:SCOPE_ID] flags.
type roleFlags []domain.RoleAssignment

func (r *roleFlags) String() string { return "" }

func (r *roleFlags) Set(v string) error {
	role, scope, _ := strings.Cut(v, ":")
	if !domain.Role(role).Valid() {
		var names []string
		for _, x := range domain.Roles {
			names = append(names, string(x))
		}
		return fmt.Errorf("unknown role %q (one of %s)", role, strings.Join(names, ", "))
	}
	*r = append(*r, domain.RoleAssignment{Role: domain.Role(role), ScopeID: scope})
	return nil
}

func runUser(ctx context.Context, args []string, env *environment) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stdout, "Usage: cqp user add --email E --name N --role ROLE[:SCOPE_ID] [--password P]")
		fmt.Fprintln(env.stdout, "       cqp user list")
		fmt.Fprintln(env.stdout, "       cqp user disable --email E --reason R")
		fmt.Fprintln(env.stdout, "Without --password, the person receives a link to choose one (outbox or SMTP).")
		fmt.Fprintln(env.stdout, "Roles: secretariat, training_organisation:ID, company:ID, company_referent:ID, commission_member,")
		fmt.Fprintln(env.stdout, "jury_member, jury_president, candidate:ID, branch, funder:ID. Database flags: --data, --database.")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sys := domain.SystemActor("cqp user")
	switch args[0] {
	case "add":
		var email, name, password string
		var roles roleFlags
		cfg, _, code, ok := parseConfig("user add", args[1:], env, []string{"data", "database", "base-url"}, func(fs *flag.FlagSet) {
			fs.StringVar(&email, "email", "", "e-mail address (login)")
			fs.StringVar(&name, "name", "", "full name")
			fs.StringVar(&password, "password", "", "password (at least 12 characters); empty mails a link to choose one")
			fs.Var(&roles, "role", "role, with its scope id when it has one: ROLE[:SCOPE_ID] (repeatable)")
		})
		if !ok {
			return code
		}
		if len(roles) == 0 {
			return configError(env, "user add", fmt.Errorf("at least one --role is required"))
		}
		return withService(ctx, cfg, env, "user add", func(svc *service.Service) error {
			u, err := svc.CreateUser(ctx, sys, service.UserInput{Email: email, Name: name, Password: password, Roles: roles})
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "created account %s (%s)\n", u.Email, u.ID)
			return nil
		})
	case "list":
		cfg, _, code, ok := parseConfig("user list", args[1:], env, []string{"data", "database"}, nil)
		if !ok {
			return code
		}
		return withService(ctx, cfg, env, "user list", func(svc *service.Service) error {
			users, err := svc.Users(ctx, sys, store.UserFilter{})
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "EMAIL\tNAME\tROLES\tSTATUS")
			for _, u := range users {
				var rs []string
				for _, r := range u.Roles {
					s := string(r.Role)
					if r.ScopeName != "" {
						s += " (" + r.ScopeName + ")"
					}
					rs = append(rs, s)
				}
				status := "active"
				if u.Disabled() {
					status = "disabled"
				}
				fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", u.Email, u.Name, strings.Join(rs, ", "), status)
			}
			return tw.Flush()
		})
	case "disable":
		var email, reason string
		cfg, _, code, ok := parseConfig("user disable", args[1:], env, []string{"data", "database"}, func(fs *flag.FlagSet) {
			fs.StringVar(&email, "email", "", "e-mail of the account to disable")
			fs.StringVar(&reason, "reason", "", "why (kept in the audit trail)")
		})
		if !ok {
			return code
		}
		if email == "" || strings.TrimSpace(reason) == "" {
			return configError(env, "user disable", fmt.Errorf("--email and --reason are required"))
		}
		return withService(ctx, cfg, env, "user disable", func(svc *service.Service) error {
			u, err := svc.UserByEmail(ctx, sys, email)
			if err != nil {
				return err
			}
			if err := svc.SetUserDisabled(ctx, sys, u.ID, true, reason); err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "disabled account %s\n", u.Email)
			return nil
		})
	}
	fmt.Fprintf(env.stderr, "cqp user: unknown subcommand %q (add, list, disable)\n", args[0])
	return 2
}

// withService opens the database, runs fn and reports its error: a domain error's French
// message (with its field messages) is shown as is.
func withService(ctx context.Context, cfg config.Config, env *environment, cmd string, fn func(*service.Service) error) int {
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return failure(env, cmd, err)
	}
	defer st.Close()
	svc := service.New(st, nil, newLogger(env.stderr), cfg.BaseURL)
	if err := app.EnsureShippedFramework(ctx, svc); err != nil {
		return failure(env, cmd, err)
	}
	if err := fn(svc); err != nil {
		return domainFailure(env, cmd, err)
	}
	return 0
}

func domainFailure(env *environment, cmd string, err error) int {
	code := domain.ErrorCode(err)
	if code == domain.EINTERNAL {
		return failure(env, cmd, err)
	}
	fmt.Fprintf(env.stderr, "cqp %s: %s\n", cmd, domain.ErrorMessage(err))
	var de *domain.Error
	if e, ok := err.(*domain.Error); ok {
		de = e
	}
	if de != nil {
		for k, v := range de.Fields {
			fmt.Fprintf(env.stderr, "  %s: %s\n", k, v)
		}
	}
	if code == domain.EINVALID || code == domain.ECONFLICT {
		return 2
	}
	return 1
}
