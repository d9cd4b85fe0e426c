package store_test

import (
	"context"
	"fmt"
	"slices"
	"strconv"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The statistics page's survey figures, read from the counters (SQLite) or the appended rows
// (PostgreSQL) of migration 00042, stay equal to the surveys counted one by one under the
// page's filters: after the bulk load, surveys opened, answered by link and by phone, corrected,
// changed many per statement, deleted, after a fold, and after migrating down and up again.
func TestSurveyCountsEqualTheSurveys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDemoAndSynthetic(t, s, 1000, 3)
		surveysFolded(t, s, "after the bulk load")
		equalSurveyCounts(t, s, "after the bulk load")
		ids, err := s.SurveyIDs(ctx)
		if err != nil || len(ids) < 300 {
			t.Fatalf("%d surveys after the load (%v), want at least 300", len(ids), err)
		}
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}

		// Opened one by one, as the hourly loop does, then answered through the link.
		now := time.Now().UTC().Truncate(time.Second)
		due, err := s.Read().SurveysDue(ctx, 24, time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), now, 20)
		if err != nil || len(due) != 20 {
			t.Fatalf("due: %d %v", len(due), err)
		}
		for i, d := range due {
			id := fmt.Sprintf("test-survey-%02d", i)
			write(func(q store.Q) error {
				_, err := q.CreateOutcomeSurvey(ctx, store.OutcomeSurvey{ID: id, EnrolmentID: d.EnrolmentID, CandidateID: d.CandidateID,
					SessionID: d.SessionID, Wave: 24, ResultAt: d.ResultAt, SentAt: now, Mailed: true, ExpiresAt: now.AddDate(0, 0, 60)})
				return err
			})
		}
		equalSurveyCounts(t, s, "after surveys opened")
		for i := range 10 {
			write(func(q store.Q) error {
				return q.AnswerOutcomeSurveyByLink(ctx, fmt.Sprintf("test-survey-%02d", i), domain.SurveyAnswer{
					Situation: domain.SituationEmployedBranch, Contract: domain.ContractCDI, Helped: domain.HelpedYes}, now.Add(time.Hour))
			})
		}
		equalSurveyCounts(t, s, "after answers through the link")

		// The secretariat types answers and corrects them, one by one.
		for i, id := range ids[:40] {
			answer := domain.SurveyAnswer{Situation: domain.SurveySituations[i%len(domain.SurveySituations)],
				Helped: domain.SurveyHelpedAnswers[i%len(domain.SurveyHelpedAnswers)]}
			write(func(q store.Q) error {
				return q.RecordOutcomeSurveyAnswer(ctx, id, answer, domain.SourcePhone, "u-sec", "Secrétariat", now)
			})
		}
		equalSurveyCounts(t, s, "after answers typed and corrected")

		// Many per statement, every column of the key, and a change that moves nothing.
		exec(t, s, `UPDATE outcome_surveys SET situation = $1, helped = $2 WHERE id IN (`+quoted(ids[40:90])+`)`,
			string(domain.SituationTraining), string(domain.HelpedPartly))
		exec(t, s, `UPDATE outcome_surveys SET wave = wave + 100 WHERE id IN (`+quoted(ids[90:100])+`)`)
		exec(t, s, `UPDATE outcome_surveys SET situation = '', helped = '' WHERE id IN (`+quoted(ids[100:120])+`)`)
		equalSurveyCounts(t, s, "after updates of many surveys")
		if s.Dialect() == store.Postgres {
			before, _, _ := s.SurveyDeltaRows(ctx)
			exec(t, s, `UPDATE outcome_surveys SET job_title = job_title WHERE id IN (`+quoted(ids[:200])+`)`)
			if after, _, _ := s.SurveyDeltaRows(ctx); after != before {
				t.Errorf("an update that moves no survey appended %d rows", after-before)
			}
		}

		// Deleted (nothing deletes a survey today: the erasure keeps them, blanked).
		exec(t, s, `DELETE FROM outcome_surveys WHERE id IN (`+quoted(ids[120:130])+`)`)
		exec(t, s, `DELETE FROM outcome_surveys WHERE id = $1`, ids[130])
		equalSurveyCounts(t, s, "after deletions")

		if err := s.FoldCounts(ctx); err != nil {
			t.Fatal(err)
		}
		surveysFolded(t, s, "after a fold")
		equalSurveyCounts(t, s, "after a fold")

		if err := s.MigrateDownTo(ctx, 41); err != nil {
			t.Fatal(err)
		}
		exec(t, s, `UPDATE outcome_surveys SET situation = $1, helped = $2 WHERE id IN (`+quoted(ids[200:240])+`)`,
			string(domain.SituationOther), string(domain.HelpedNo))
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		surveysFolded(t, s, "after migrating down and up")
		equalSurveyCounts(t, s, "after migrating down and up")
	})
}

// equalSurveyCounts compares SurveyCounts with the surveys counted one by one, unfiltered and
// under the page's filters (each year, route, qualification, organisation, combinations).
func equalSurveyCounts(t *testing.T, s *store.Store, when string) {
	t.Helper()
	ctx := context.Background()
	q := s.Read()
	parts := readSummaryFilterParts(t, q)
	quals, orgs := parts.quals, parts.orgs
	years, err := s.SurveyYears(ctx)
	if err != nil || len(years) < 2 {
		t.Fatalf("years of surveyed results: %v %v", years, err)
	}
	filters := []store.SurveyFilter{{}, {Route: domain.RouteVAE}, {Route: domain.RouteBlocs},
		{QualificationID: quals[0].ID}, {QualificationID: quals[1].ID}, {TrainingOrganisationID: orgs[0].ID},
		{TrainingOrganisationID: orgs[1].ID}, {QualificationID: quals[1].ID, TrainingOrganisationID: orgs[1].ID, Route: domain.RouteFormation}}
	for _, y := range years {
		year, _ := strconv.Atoi(y)
		filters = append(filters, store.SurveyFilter{Year: year}, store.SurveyFilter{Year: year, QualificationID: quals[0].ID, Route: domain.RouteFormation})
	}
	total := 0
	for i, f := range filters {
		want, err := q.ReferenceSurveyCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := q.SurveyCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		order := func(rows []store.SurveyCount) []store.SurveyCount {
			slices.SortFunc(rows, func(a, b store.SurveyCount) int {
				return cmpStrings(fmt.Sprintf("%03d/%s/%s", a.Wave, a.Situation, a.Helped), fmt.Sprintf("%03d/%s/%s", b.Wave, b.Situation, b.Helped))
			})
			return rows
		}
		if !slices.Equal(order(got), order(want)) {
			t.Errorf("%s, filter %d (%+v): %+v, want %+v", when, i, f, got, want)
		}
		if i == 0 {
			for _, r := range want {
				total += r.Count
			}
		}
	}
	if total == 0 {
		t.Fatalf("%s: no surveys to count", when)
	}
}

// surveysFolded checks on PostgreSQL that outcome_survey_deltas holds one row per key.
func surveysFolded(t *testing.T, s *store.Store, when string) {
	t.Helper()
	oneRowPerKey(t, s, when, "survey counts", s.SurveyDeltaRows)
}
