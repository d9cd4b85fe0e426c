package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"os"
	"text/tabwriter"

	"cqp/internal/domain"
	"cqp/internal/frameworkfile"
	"cqp/internal/service"
)

func runFramework(ctx context.Context, args []string, env *environment) int {
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		fmt.Fprintln(env.stdout, "Usage: cqp framework import FILE   validate a framework file and load it (nothing is written unless all of it is valid)")
		fmt.Fprintln(env.stdout, "       cqp framework export [--out FILE]   write the current frameworks as a framework file")
		fmt.Fprintln(env.stdout, "       cqp framework list   list qualifications and their framework versions")
		fmt.Fprintln(env.stdout, "The format is described in docs/framework-format.md. Database flags: --data, --database.")
		if len(args) == 0 {
			return 2
		}
		return 0
	}
	sys := domain.SystemActor("cqp framework")
	switch args[0] {
	case "import":
		cfg, rest, code, ok := parseConfig("framework import", args[1:], env, []string{"data", "database"}, nil)
		if !ok {
			return code
		}
		if len(rest) != 1 {
			return configError(env, "framework import", errors.New("give exactly one FILE to import"))
		}
		data, err := os.ReadFile(rest[0])
		if err != nil {
			return failure(env, "framework import", err)
		}
		f, err := frameworkfile.Parse(rest[0], data)
		if err != nil {
			var ve *frameworkfile.ValidationError
			if errors.As(err, &ve) {
				fmt.Fprintf(env.stderr, "cqp framework import: %s refusé, rien n'a été enregistré (%d problème(s)) :\n", rest[0], len(ve.Problems))
				for _, p := range ve.Problems {
					fmt.Fprintf(env.stderr, "  %s\n", p.String())
				}
				return 2
			}
			return failure(env, "framework import", err)
		}
		return withService(ctx, cfg, env, "framework import", func(svc *service.Service) error {
			results, err := svc.ImportFrameworks(ctx, sys, f.Branch, frameworkfile.WithNotes(f))
			if err != nil {
				return err
			}
			for _, r := range results {
				fmt.Fprintf(env.stdout, "%s version %d: %s\n", r.QualificationCode, r.Version, r.Label())
			}
			return nil
		})
	case "export":
		var out string
		cfg, _, code, ok := parseConfig("framework export", args[1:], env, []string{"data", "database"}, func(fs *flag.FlagSet) {
			fs.StringVar(&out, "out", "", "file to write; standard output when empty")
		})
		if !ok {
			return code
		}
		return withService(ctx, cfg, env, "framework export", func(svc *service.Service) error {
			fws, err := svc.Frameworks(ctx, sys)
			if err != nil {
				return err
			}
			branch, err := svc.Branch(ctx)
			if err != nil {
				return err
			}
			var list []domain.Framework
			for _, r := range fws {
				list = append(list, r.Framework)
			}
			data, err := frameworkfile.Encode(frameworkfile.FromFrameworks(branch, list))
			if err != nil {
				return err
			}
			if out == "" {
				_, err = env.stdout.Write(data)
				return err
			}
			return os.WriteFile(out, data, 0o644)
		})
	case "list":
		cfg, _, code, ok := parseConfig("framework list", args[1:], env, []string{"data", "database"}, nil)
		if !ok {
			return code
		}
		return withService(ctx, cfg, env, "framework list", func(svc *service.Service) error {
			fws, err := svc.Frameworks(ctx, sys)
			if err != nil {
				return err
			}
			tw := tabwriter.NewWriter(env.stdout, 0, 4, 2, ' ', 0)
			fmt.Fprintln(tw, "CODE\tTITLE\tVERSION\tBLOCKS\tTO CONFIRM\tENROLMENTS")
			for _, r := range fws {
				fmt.Fprintf(tw, "%s\t%s\t%d\t%d\t%d\t%d\n", r.Framework.Qualification.Code, r.Framework.Qualification.Title,
					r.Version, len(r.Framework.Blocks), r.ToConfirmCount, r.Enrolments)
			}
			return tw.Flush()
		})
	}
	fmt.Fprintf(env.stderr, "cqp framework: unknown subcommand %q (import, export, list)\n", args[0])
	return 2
}
