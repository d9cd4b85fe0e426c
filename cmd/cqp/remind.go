package main

import (
	"context"
	"fmt"

	"cqp/internal/app"
	"cqp/internal/service"
)

// runRemind queues, once, the reminders, surveys and announcements that "cqp serve" sends
// every hour: the VAE reminders, the candidates' outcome surveys (and their one reminder)
// and the announcement of a call for subjects on its opening day. For a cron job when the
// platform runs without a long-lived server, or to check the settings.
func runRemind(ctx context.Context, args []string, env *environment) int {
	cfg, _, code, ok := parseConfig("remind", args, env, []string{"data", "database", "base-url", "vae", "survey"}, nil)
	if !ok {
		return code
	}
	st, err := app.OpenStore(ctx, cfg)
	if err != nil {
		return failure(env, "remind", err)
	}
	defer st.Close()
	svc := service.New(st, nil, newLogger(env.stderr), cfg.BaseURL)
	svc.SetVAESettings(app.VAESettings(cfg))
	svc.SetSurveySettings(app.SurveySettings(cfg))
	announced, err := svc.AnnounceSubjectCalls(ctx)
	if err != nil {
		return failure(env, "remind", err)
	}
	fmt.Fprintf(env.stdout, "%d mail(s) announcing a call for subjects queued.\n", announced)
	if cfg.VAEReminderDays == 0 {
		fmt.Fprintln(env.stdout, "VAE reminders are off (--vae-reminder-days 0).")
	} else {
		n, err := svc.SendVAEReminders(ctx)
		if err != nil {
			return failure(env, "remind", err)
		}
		fmt.Fprintf(env.stdout, "%d VAE reminder(s) queued (files held for %d days or more).\n", n, cfg.VAEReminderDays)
	}
	if len(svc.SurveySettings().Waves) == 0 {
		fmt.Fprintln(env.stdout, "Outcome surveys are off (--survey-first-months 0 --survey-second-months 0).")
		return 0
	}
	n, err := svc.SendOutcomeSurveys(ctx)
	if err != nil {
		return failure(env, "remind", err)
	}
	fmt.Fprintf(env.stdout, "%d outcome survey(s) and %d survey reminder(s) queued (surveys at %v months after the result).\n",
		n.Surveys, n.Reminders, svc.SurveySettings().Waves)
	return 0
}
