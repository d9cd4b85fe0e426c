package main

import (
	"context"
	"flag"
	"fmt"
	"path/filepath"
	"strings"
	"text/tabwriter"

	"cqp/internal/app"
	"cqp/internal/config"
	"cqp/internal/demo"
	"cqp/internal/domain"
)

// parseConfig parses a command's flags into a validated Config. ok is false when the command
// must stop with the returned code (help asked, or invalid configuration).
func parseConfig(name string, args []string, env *environment, settings []string, extra func(*flag.FlagSet)) (config.Config, []string, int, bool) {
	cfg := config.Default()
	fs := flag.NewFlagSet("cqp "+name, flag.ContinueOnError)
	fs.SetOutput(env.stderr)
	config.Bind(fs, &cfg, settings...)
	if extra != nil {
		extra(fs)
	}
	if err := fs.Parse(args); err != nil {
		if err == flag.ErrHelp {
			return cfg, nil, 0, false
		}
		return cfg, nil, 2, false
	}
	if err := cfg.Resolve(); err != nil {
		return cfg, nil, configError(env, name, err), false
	}
	return cfg, fs.Args(), 0, true
}

func runServe(ctx context.Context, args []string, env *environment) int {
	cfg, _, code, ok := parseConfig("serve", args, env, []string{"addr", "data", "database", "demo", "base-url", "smtp", "admin", "session", "vae", "survey", "proxies", "load", "cdc"}, nil)
	if !ok {
		return code
	}
	log := newLogger(env.stderr)
	a, err := app.Open(ctx, cfg, log, nil)
	if err != nil {
		return failure(env, "serve", err)
	}
	defer a.Close()
	if err := a.Listen(); err != nil {
		return failure(env, "serve", err)
	}
	fmt.Fprintf(env.stdout, "cqp %s écoute sur %s (base de données : %s)\n", version, a.URL(), databaseLabel(cfg))
	if cfg.Demo {
		accounts, err := demo.Load(ctx, a.Service)
		if err != nil {
			return failure(env, "serve", fmt.Errorf("load demo data: %w", err))
		}
		printAccounts(env, accounts, cfg.BaseURL)
	}
	if cfg.AdminEmail != "" {
		created, err := a.Service.EnsureAdmin(ctx, cfg.AdminEmail, cfg.AdminPassword)
		if err != nil {
			return failure(env, "serve", fmt.Errorf("create the first account: %s", domain.ErrorMessage(err)))
		}
		if created {
			fmt.Fprintf(env.stdout, "Compte du secrétariat créé : %s.\n", cfg.AdminEmail)
		}
	}
	if need, err := a.Service.NeedsSetup(ctx); err != nil {
		return failure(env, "serve", err)
	} else if need {
		token, err := a.Service.CreateSetupToken(ctx)
		if err != nil {
			return failure(env, "serve", err)
		}
		fmt.Fprintf(env.stdout, "Aucun compte n'existe encore. Créez le compte du secrétariat dans les 24 heures à l'adresse :\n  %s/installation?jeton=%s\n", cfg.BaseURL, token)
	}
	if err := a.Run(ctx); err != nil {
		return failure(env, "serve", err)
	}
	return 0
}

func databaseLabel(cfg config.Config) string {
	if cfg.DatabaseURL != "" {
		return "PostgreSQL"
	}
	if abs, err := filepath.Abs(cfg.SQLitePath()); err == nil {
		return "SQLite " + abs
	}
	return "SQLite " + cfg.SQLitePath()
}

func printAccounts(env *environment, accounts demo.Accounts, baseURL string) {
	fmt.Fprintf(env.stdout, "Comptes de démonstration (mot de passe de tous : %s), à utiliser sur %s/connexion :\n", accounts.Password, strings.TrimSuffix(baseURL, "/"))
	tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
	for _, acc := range accounts.List {
		fmt.Fprintf(tw, "  %s\t%s\t%s\n", acc.Email, acc.Role, acc.Sees)
	}
	_ = tw.Flush()
	if accounts.SampleVerificationCode != "" {
		fmt.Fprintf(env.stdout, "Un certificat de la session de jury de démonstration, à vérifier sans compte : %s/verifier/%s\n",
			strings.TrimSuffix(baseURL, "/"), accounts.SampleVerificationCode)
	}
}

func runMigrate(ctx context.Context, args []string, env *environment) int {
	cfg, _, code, ok := parseConfig("migrate", args, env, []string{"data", "database"}, nil)
	if !ok {
		return code
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return failure(env, "migrate", err)
	}
	defer st.Close()
	v, err := st.SchemaVersion(ctx)
	if err != nil {
		return failure(env, "migrate", err)
	}
	fmt.Fprintf(env.stdout, "database schema at version %d\n", v)
	return 0
}

func runBackup(ctx context.Context, args []string, env *environment) int {
	var out string
	cfg, _, code, ok := parseConfig("backup", args, env, []string{"data", "database"}, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "file to write the copy to (required; must not exist)")
	})
	if !ok {
		return code
	}
	if cfg.DatabaseURL != "" {
		fmt.Fprintln(env.stderr, "cqp backup: the database is PostgreSQL; back it up with pg_dump, for example: pg_dump --format=custom --file=cqp.dump \"$CQP_DATABASE_URL\"")
		return 2
	}
	if out == "" {
		return configError(env, "backup", fmt.Errorf("--out FILE is required"))
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return failure(env, "backup", err)
	}
	defer st.Close()
	if err := st.Backup(ctx, out); err != nil {
		return failure(env, "backup", err)
	}
	fmt.Fprintf(env.stdout, "backup written to %s\n", out)
	return 0
}
