package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"cqp/internal/app"
	"cqp/internal/domain"
	"cqp/internal/service"
)

// runReport writes the reports the secretariat downloads from /rapports: today the annual
// bilan, as the system actor (audited as « cqp report »).
func runReport(ctx context.Context, args []string, env *environment) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stdout, "Usage: cqp report bilan --year YYYY --out FILE   write the annual bilan of the CQPs (XLSX)")
		fmt.Fprintln(env.stdout, "Flags: --data, --database.")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	if args[0] != "bilan" {
		return configError(env, "report", fmt.Errorf("unknown report %q: bilan", args[0]))
	}
	var out string
	var year int
	cfg, _, code, ok := parseConfig("report bilan", args[1:], env, []string{"data", "database", "survey"}, func(fs *flag.FlagSet) {
		fs.StringVar(&out, "out", "", "the XLSX file to write")
		fs.IntVar(&year, "year", 0, "the year of the bilan, e.g. 2026")
	})
	if !ok {
		return code
	}
	if out == "" || year == 0 {
		return configError(env, "report bilan", errors.New("give the year and the file to write: --year 2026 --out bilan.xlsx"))
	}
	sys := domain.SystemActor("cqp report")
	return withService(ctx, cfg, env, "report bilan", func(svc *service.Service) error {
		svc.SetSurveySettings(app.SurveySettings(cfg)) // the columns of each wave of the outcome survey
		// Written beside the target and renamed, so that a file half written is never left as FILE.
		tmp, err := os.CreateTemp(filepath.Dir(out), ".bilan-*.xlsx")
		if err != nil {
			return err
		}
		defer os.Remove(tmp.Name())
		if err := svc.WriteBilan(ctx, sys, year, tmp); err != nil {
			tmp.Close()
			return err
		}
		if err := tmp.Close(); err != nil {
			return err
		}
		if err := os.Rename(tmp.Name(), out); err != nil {
			return err
		}
		fmt.Fprintf(env.stdout, "Bilan %d written to %s.\n", year, out)
		return nil
	})
}
