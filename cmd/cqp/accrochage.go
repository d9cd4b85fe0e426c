package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"cqp/internal/app"
	"cqp/internal/domain"
	"cqp/internal/service"
)

// runAccrochage declares awards to the Caisse des Dépôts from the command line: export builds a
// batch of every award that can be declared and writes its flow; report applies a processing
// report. The web page /declarations does the same for the secretariat.
func runAccrochage(ctx context.Context, args []string, env *environment) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stdout, "Usage: cqp accrochage export --out FILE   put every award to declare in a new batch and write its flow (schema 1.1.2)")
		fmt.Fprintln(env.stdout, "       cqp accrochage report FILE         apply the Caisse des Dépôts' processing report (refused whole on any problem)")
		fmt.Fprintln(env.stdout, "The report format is described in docs/accrochage.md. Flags: --data, --database, --cdc-client-id, --cdc-contract-id, --cdc-rncp, --cdc-declare-blocks.")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sys := domain.SystemActor("cqp accrochage")
	settings := []string{"data", "database", "cdc"}
	switch args[0] {
	case "export":
		var out string
		cfg, _, code, ok := parseConfig("accrochage export", args[1:], env, settings, func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "the flow file to write")
		})
		if !ok {
			return code
		}
		if out == "" {
			return configError(env, "accrochage export", errors.New("give the file to write with --out FILE"))
		}
		return withService(ctx, cfg, env, "accrochage export", func(svc *service.Service) error {
			svc.SetCDCSettings(app.CDCSettings(cfg))
			return exportDeclarations(ctx, svc, sys, out, env)
		})
	case "report":
		cfg, rest, code, ok := parseConfig("accrochage report", args[1:], env, settings, nil)
		if !ok {
			return code
		}
		if len(rest) != 1 {
			return configError(env, "accrochage report", errors.New("give exactly one report FILE"))
		}
		f, err := os.Open(rest[0])
		if err != nil {
			return failure(env, "accrochage report", err)
		}
		defer f.Close()
		return withService(ctx, cfg, env, "accrochage report", func(svc *service.Service) error {
			svc.SetCDCSettings(app.CDCSettings(cfg))
			outcome, err := svc.ApplyDeclarationReport(ctx, sys, f)
			if err != nil {
				return err
			}
			fmt.Fprintf(env.stdout, "Report applied: %d accepted, %d rejected (see /declarations for the reasons).\n", outcome.Accepted, outcome.Rejected)
			return nil
		})
	}
	return configError(env, "accrochage", fmt.Errorf("unknown subcommand %q: export or report", args[0]))
}

func exportDeclarations(ctx context.Context, svc *service.Service, sys domain.Actor, out string, env *environment) error {
	rep, err := svc.BuildDeclarationBatch(ctx, sys, nil)
	printNotDeclarable(env, rep.NotDeclarable)
	if domain.ErrorCode(err) == domain.ECONFLICT && strings.HasPrefix(domain.ErrorMessage(err), "Aucune délivrance") {
		fmt.Fprintln(env.stdout, "Nothing to declare: no batch built, no file written.")
		return nil
	}
	if err != nil {
		return err
	}
	// Written beside the target and renamed, so that a file half written is never left as FILE.
	tmp, err := os.CreateTemp(filepath.Dir(out), ".accrochage-*.xml")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name())
	if err := svc.WriteDeclarationBatch(ctx, sys, rep.Batch.ID, tmp); err != nil {
		tmp.Close()
		return fmt.Errorf("batch %s built but its file not written (download it again from /declarations): %w", rep.Batch.ID, err)
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), out); err != nil {
		return err
	}
	fmt.Fprintf(env.stdout, "Batch %s: %d award(s) written to %s; %d cannot be declared.\n", rep.Batch.ID, rep.Batch.Awards, out, len(rep.NotDeclarable))
	return nil
}

func printNotDeclarable(env *environment, list []service.Declaration) {
	if len(list) == 0 {
		return
	}
	fmt.Fprintf(env.stdout, "%d award(s) cannot be declared until corrected:\n", len(list))
	for _, d := range list {
		fmt.Fprintf(env.stdout, "  %s  %s (%s) : %s\n", d.Award.Number, d.Award.Holder.FullName(), d.Award.Holder.Number, strings.Join(d.Problems, " "))
	}
}
