package store_test

import (
	"context"
	"math"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The statistics read the results written once per closed session (closed_session_results,
// added up by year into closed_results_by_year):
// they must stay equal to the results counted from every judged enrolment, as the page did
// before, on the demo data and synthetic candidates (sessions closed through the service and
// in bulk), after a rectification and a rectification of it, and after the migration's
// backfill of sessions closed before the table existed. The candidates at each step now stay
// equal to the enrolments counted one by one.
func TestStatisticsFromClosedSessionResultsEqualTheJudgedEnrolments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDemoAndSynthetic(t, s, 2000, 7)
		q := s.Read()
		before := equalStatistics(t, s, "after the closings")

		// Rectify the largest closed session: every outcome changes.
		target, presented := largestClosedSession(t, q)
		flip := map[string]string{"certified": "not_certified", "partial": "certified", "not_certified": "partial"}
		outcomes := map[string]string{}
		for _, c := range presented {
			outcomes[c.EnrolmentID] = flip[c.Outcome]
		}
		starts := target.StartsAt.Add(30 * 24 * time.Hour)
		closed := starts.Add(3 * time.Hour)
		statisticsSession(t, s, "js-rectifies-largest", target.BranchID, target.ID, starts, &closed, outcomes)
		after := equalStatistics(t, s, "after a rectification")
		if after.judged != before.judged || after.certified == before.certified {
			t.Errorf("the rectification did not replace the session's results: before %+v, after %+v", before, after)
		}
		// A rectification open but not closed changes nothing; closed, it replaces the first.
		again := map[string]string{}
		for e := range outcomes {
			again[e] = "certified"
		}
		starts2 := starts.Add(30 * 24 * time.Hour)
		statisticsSession(t, s, "js-rectifies-rectification", target.BranchID, "js-rectifies-largest", starts2, nil, again)
		if got := equalStatistics(t, s, "with a rectification still open"); got != after {
			t.Errorf("an open rectification changed the results: %+v, was %+v", got, after)
		}
		if err := s.Write(ctx, func(q store.Q) error {
			return q.CloseJurySession(ctx, "js-rectifies-rectification", "{}", starts2.Add(time.Hour), "")
		}); err != nil {
			t.Fatal(err)
		}
		rectified := equalStatistics(t, s, "after a rectification of the rectification")
		if rectified.certified <= after.certified {
			t.Errorf("the second rectification did not count: %+v, was %+v", rectified, after)
		}

		// The migration's backfill gives the same rows as the closings wrote.
		if err := s.MigrateDownTo(ctx, 30); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := equalStatistics(t, s, "after the backfill"); got != rectified {
			t.Errorf("after the backfill: %+v, before %+v", got, rectified)
		}
	})
}

type statisticsTotals struct{ judged, certified, rows int }

// equalStatistics compares the results read from closed_session_results with the reference
// counted from the judged enrolments, unfiltered and under each kind of filter, and returns
// the unfiltered totals.
func equalStatistics(t *testing.T, s *store.Store, when string) statisticsTotals {
	t.Helper()
	ctx := context.Background()
	q := s.Read()
	p := readSummaryFilterParts(t, q)
	quals, orgs, starts := p.quals, p.orgs, p.starts
	lastFrom, lastUntil, firstFrom, firstUntil := p.lastFrom, p.lastUntil, p.firstFrom, p.firstUntil
	filters := []store.StatisticsFilter{
		{},
		{JudgedFrom: lastFrom, JudgedUntil: lastUntil},
		{JudgedFrom: firstFrom, JudgedUntil: firstUntil},
		{Route: domain.RouteVAE},
		{Route: domain.RouteFormation, QualificationID: quals[0].ID},
		{TrainingOrganisationID: orgs[0].ID},
		{JudgedFrom: lastFrom, JudgedUntil: lastUntil, QualificationID: quals[0].ID, TrainingOrganisationID: orgs[1].ID},
		// Dates that are not new years: the rows per session.
		{JudgedFrom: starts[len(starts)/2]},
		{JudgedFrom: firstFrom.Add(time.Hour), JudgedUntil: starts[len(starts)-1], Route: domain.RouteFormation},
	}
	var totals statisticsTotals
	for i, f := range filters {
		want, err := q.ReferenceOutcomesByQualificationRoute(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := q.OutcomesByQualificationRoute(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		type key struct {
			year                 int
			qual, route, outcome string
		}
		index := func(rows []store.OutcomeCount) map[key]store.OutcomeCount {
			m := map[key]store.OutcomeCount{}
			for _, r := range rows {
				k := key{r.Year, r.QualificationID, string(r.Route), string(r.Outcome)}
				if _, dup := m[k]; dup {
					t.Errorf("%s, filter %d: two rows for %+v", when, i, k)
				}
				m[k] = r
			}
			return m
		}
		w, g := index(want), index(got)
		if len(w) != len(g) {
			t.Errorf("%s, filter %d (%+v): %d rows, want %d", when, i, f, len(g), len(w))
		}
		for k, wr := range w {
			gr, ok := g[k]
			// The sum of the days is added up in another order: equal to the last bits.
			if !ok || gr.Count != wr.Count || gr.DaysMin != wr.DaysMin || gr.DaysMax != wr.DaysMax ||
				math.Abs(gr.DaysSum-wr.DaysSum) > 1e-9*math.Max(1, math.Abs(wr.DaysSum)) {
				t.Errorf("%s, filter %d (%+v), %+v: got %+v, want %+v", when, i, f, k, gr, wr)
			}
			if i == 0 {
				totals.judged += wr.Count
				totals.rows++
				if wr.Outcome == domain.StatusCertified {
					totals.certified += wr.Count
				}
			}
		}

		wantOrg, err := q.ReferenceOutcomesByOrganisation(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		gotOrg, err := q.OutcomesByOrganisation(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		type orgKey struct {
			year         int
			org, outcome string
		}
		wo, gotCounts := map[orgKey]int{}, map[orgKey]int{}
		for _, r := range wantOrg {
			wo[orgKey{r.Year, r.TrainingOrganisationID, string(r.Outcome)}] += r.Count
		}
		for _, r := range gotOrg {
			k := orgKey{r.Year, r.TrainingOrganisationID, string(r.Outcome)}
			if _, dup := gotCounts[k]; dup {
				t.Errorf("%s, filter %d: two rows for %+v", when, i, k)
			}
			gotCounts[k] = r.Count
		}
		if len(wo) != len(gotCounts) {
			t.Errorf("%s, filter %d (%+v): %d rows by organisation, want %d", when, i, f, len(gotCounts), len(wo))
		}
		for k, n := range wo {
			if gotCounts[k] != n {
				t.Errorf("%s, filter %d (%+v), %+v: %d by organisation, want %d", when, i, f, k, gotCounts[k], n)
			}
		}
	}
	for i, f := range []store.StatisticsFilter{{}, {Route: domain.RouteVAE}, {QualificationID: quals[0].ID},
		{TrainingOrganisationID: orgs[1].ID}, {QualificationID: quals[0].ID, TrainingOrganisationID: orgs[1].ID, Route: domain.RouteFormation}} {
		want, err := q.ReferenceStepCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		got, err := q.StepCounts(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		counts := func(rows []store.EnrolmentCount) map[store.EnrolmentCount]bool {
			m := map[store.EnrolmentCount]bool{}
			for _, r := range rows {
				m[r] = true
			}
			return m
		}
		if w, g := counts(want), counts(got); len(w) != len(g) || len(got) != len(want) {
			t.Errorf("%s, steps filter %d (%+v): %+v, want %+v", when, i, f, got, want)
		} else {
			for r := range w {
				if !g[r] {
					t.Errorf("%s, steps filter %d (%+v): %+v, want %+v", when, i, f, got, want)
					break
				}
			}
		}
	}
	if totals.judged == 0 || totals.certified == 0 {
		t.Fatalf("%s: nothing judged to compare: %+v", when, totals)
	}
	return totals
}
