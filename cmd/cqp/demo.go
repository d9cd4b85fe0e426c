package main

import (
	"context"
	"flag"
	"fmt"

	"cqp/internal/app"
	"cqp/internal/demo"
)

func runDemo(ctx context.Context, args []string, env *environment) int {
	var candidates int
	var seed uint64
	cfg, _, code, ok := parseConfig("demo", args, env, []string{"data", "database"}, func(fs *flag.FlagSet) {
		fs.IntVar(&candidates, "candidates", 0, "also add this many synthetic candidates (for load tests)")
		fs.Uint64Var(&seed, "seed", 1, "seed of the synthetic candidates")
	})
	if !ok {
		return code
	}
	if candidates < 0 || candidates > 5_000_000 {
		return configError(env, "demo", fmt.Errorf("--candidates must be between 0 and 5000000"))
	}
	a, err := app.Open(ctx, cfg, newLogger(env.stderr), nil)
	if err != nil {
		return failure(env, "demo", err)
	}
	defer a.Close()
	accounts, err := demo.Load(ctx, a.Service)
	if err != nil {
		return failure(env, "demo", err)
	}
	printAccounts(env, accounts, cfg.BaseURL)
	if candidates > 0 {
		if err := demo.Synthetic(ctx, a.Store, candidates, seed); err != nil {
			return failure(env, "demo", err)
		}
		fmt.Fprintf(env.stdout, "%d candidats synthétiques ajoutés.\n", candidates)
	}
	return 0
}
