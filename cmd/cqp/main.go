// Command cqp runs the CQP certification platform and its maintenance tasks.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"

	"golang.org/x/term"

	"cqp/internal/config"
)

// version is set at build time with -ldflags "-X main.version=…".
var version = "dev"

type command struct {
	name    string
	summary string
	run     func(ctx context.Context, args []string, env *environment) int
}

// environment is what commands write to; tests replace it.
type environment struct {
	stdin          io.Reader
	stdout, stderr io.Writer
}

func commands() []command {
	return []command{
		{"serve", "start the web platform (add --demo for demo data)", runServe},
		{"migrate", "apply database migrations and exit", runMigrate},
		{"demo", "load the demo data set (--candidates N adds N synthetic candidates)", runDemo},
		{"user", "manage accounts: user add | list | disable", runUser},
		{"framework", "manage frameworks: framework import FILE | export | list", runFramework},
		{"deliberate", "apply the deliberation rules to a JSON document on standard input", func(_ context.Context, args []string, env *environment) int {
			return runDeliberate(args, env.stdin, env.stdout, env.stderr)
		}},
		{"backup", "write a consistent copy of the SQLite database", runBackup},
		{"remind", "queue the reminders to VAE candidates who hold a file too long", runRemind},
		{"purge", "erase the personal data whose retention is over (--dry-run counts only)", runPurge},
		{"accrochage", "declare awards to the Caisse des Dépôts: accrochage export --out FILE | report FILE", runAccrochage},
		{"report", "write a report: report bilan --year YYYY --out FILE (the annual bilan, XLSX)", runReport},
		{"version", "print the version", func(_ context.Context, _ []string, env *environment) int {
			fmt.Fprintf(env.stdout, "cqp %s\n", version)
			return 0
		}},
	}
}

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], &environment{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stop()
	os.Exit(code)
}

func run(ctx context.Context, args []string, env *environment) int {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		if len(args) > 1 {
			return run(ctx, []string{args[1], "-h"}, env)
		}
		usage(env.stdout)
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], env)
		}
	}
	fmt.Fprintf(env.stderr, "cqp: unknown command %q; run \"cqp help\" for the list\n", args[0])
	return 2
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "cqp — the CQP certification platform")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "Usage: cqp COMMAND [flags]")
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "Commands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-11s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "")
	fmt.Fprintln(w, "Run \"cqp COMMAND -h\" for a command's flags. Every flag can also be set by the CQP_* environment")
	fmt.Fprintln(w, "variable named in its help. Quick start: cqp serve --demo")
}

// newLogger logs JSON when standard error is not a terminal, text otherwise.
func newLogger(w io.Writer) *slog.Logger {
	if f, ok := w.(*os.File); ok && term.IsTerminal(int(f.Fd())) {
		return slog.New(slog.NewTextHandler(w, nil))
	}
	return slog.New(slog.NewJSONHandler(w, nil))
}

// configError prints an invalid configuration as one line and returns exit status 2.
func configError(env *environment, cmd string, err error) int {
	fmt.Fprintf(env.stderr, "cqp %s: %v\n", cmd, err)
	return 2
}

// failure prints a runtime error and returns exit status 1; configuration errors give 2.
func failure(env *environment, cmd string, err error) int {
	if config.IsConfigError(err) {
		return configError(env, cmd, err)
	}
	var ce *config.Error
	if errors.As(err, &ce) {
		return configError(env, cmd, err)
	}
	fmt.Fprintf(env.stderr, "cqp %s: %v\n", cmd, err)
	return 1
}
