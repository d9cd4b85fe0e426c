package main

import (
	"context"
	"flag"
	"fmt"

	"cqp/internal/app"
	"cqp/internal/domain"
	"cqp/internal/service"
)

// runPurge applies, once, the branch's retention rules that "cqp serve" applies every day: for
// a cron job when the platform runs without a long-lived server, or to see (--dry-run) what
// the next purge will erase.
func runPurge(ctx context.Context, args []string, env *environment) int {
	var dryRun bool
	cfg, _, code, ok := parseConfig("purge", args, env, []string{"data", "database"}, func(fs *flag.FlagSet) {
		fs.BoolVar(&dryRun, "dry-run", false, "count what the purge would erase, erase nothing")
	})
	if !ok {
		return code
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return failure(env, "purge", err)
	}
	defer st.Close()
	svc := service.New(st, nil, newLogger(env.stderr), cfg.BaseURL)
	report, err := svc.PurgeExpired(ctx, domain.SystemActor(service.PurgeActorName), dryRun)
	if err != nil {
		return failure(env, "purge", err)
	}
	fmt.Fprintln(env.stdout, report.String()+".")
	return 0
}
