package demo

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"testing"
	"time"

	"cqp/internal/service"
)

// BenchmarkStatistics computes the statistics page (issue 12) over the benchmark's data set,
// as the branch (CPNEFP) reads it: every year, then one year, qualification and OF; each
// iteration asks what the page asks, the results and the follow-up surveys' figures. At a
// million candidates (scripts/bench-statistics.sh runs both sizes):
//
//	CQP_BENCH_CANDIDATES=1000000 go test -run '^$' -bench BenchmarkStatistics -benchtime 50x ./internal/demo/
func BenchmarkStatistics(b *testing.B) {
	for _, target := range benchTargets() {
		b.Run(target.name, func(b *testing.B) {
			s := target.open(b)
			svc := service.New(s, time.Now, slog.New(slog.DiscardHandler), "")
			branch := benchActor(b, svc, email("cpnefp"))
			ctx := context.Background()
			all, err := svc.Statistics(ctx, branch, service.StatisticsFilter{})
			if err != nil {
				b.Fatal(err)
			}
			if all.Total.Judged == 0 || len(all.Years) == 0 || len(all.Organisations) < 2 {
				b.Fatalf("no results to count: %+v", all.Total)
			}
			surveys, err := svc.OutcomeSurveyStatistics(ctx, branch, service.StatisticsFilter{})
			if err != nil || !surveys.Any() {
				b.Fatalf("no surveys to count: %+v %v", surveys, err)
			}
			b.Logf("%s: %d judged, %d certified over %d years; %d surveys at %d months", target.name, all.Total.Judged, all.Total.Certified,
				len(all.Years), surveys.Waves[0].Sent, surveys.Waves[0].Months)
			filtered := service.StatisticsFilter{Year: all.Years[len(all.Years)-1], QualificationCode: all.Qualifications[0].Code,
				OrganisationID: all.Organisations[1].ID}
			for _, p := range []struct {
				name string
				in   service.StatisticsFilter
			}{{"every-year", service.StatisticsFilter{}}, {"year-qualification-organisation", filtered}} {
				b.Run(p.name, func(b *testing.B) {
					var durations []time.Duration
					for b.Loop() {
						start := time.Now()
						_, err := svc.Statistics(ctx, branch, p.in)
						if err == nil {
							_, err = svc.OutcomeSurveyStatistics(ctx, branch, p.in)
						}
						durations = append(durations, time.Since(start))
						if err != nil {
							b.Fatal(fmt.Errorf("%s: %w", p.name, err))
						}
					}
					slices.Sort(durations)
					b.ReportMetric(percentile(durations, 50), "p50-ms")
					b.ReportMetric(percentile(durations, 95), "p95-ms")
				})
			}
		})
	}
}
