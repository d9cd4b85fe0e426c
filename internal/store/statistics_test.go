package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// statisticsSession writes a jury session straight into the store, closed at closedAt when
// it is not nil, with the outcomes given per enrolment.
func statisticsSession(t *testing.T, s *store.Store, id, branch, rectifies string, starts time.Time, closedAt *time.Time, outcomes map[string]string) {
	t.Helper()
	ctx := context.Background()
	err := s.Write(ctx, func(q store.Q) error {
		if err := q.CreateJurySession(ctx, store.JurySession{ID: id, BranchID: branch, StartsAt: starts, Quorum: 1,
			Status: store.JuryDeliberating, RectifiesSessionID: rectifies, CreatedAt: starts}); err != nil {
			return err
		}
		for e, o := range outcomes {
			if err := q.AddJuryCandidate(ctx, id, e); err != nil {
				return err
			}
			if err := q.SetJuryOutcome(ctx, id, e, o); err != nil {
				return err
			}
		}
		if closedAt == nil {
			return nil
		}
		return q.CloseJurySession(ctx, id, "{}", *closedAt, "")
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestStatisticsCountTheOutcomesOfClosedSessionsOnly(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, s)
		q := s.Read()
		quals, err := q.Qualifications(ctx)
		if err != nil || len(quals) == 0 {
			t.Fatalf("qualifications: %v %v", quals, err)
		}
		branch := quals[0].BranchID
		enrolmentOf := func(candidate string) string {
			c, err := q.Candidate(ctx, candidate, store.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			return c.Enrolments[0].ID
		}
		a, b := enrolmentOf(w.CandidateA), enrolmentOf(w.CandidateB)
		// The enrolments were created at servicetest.Clock; the session closes 15 days later.
		closed := servicetest.Clock.Add(15 * 24 * time.Hour)
		starts := closed.Add(-2 * time.Hour)
		statisticsSession(t, s, "js-closed", branch, "", starts, &closed, map[string]string{a: "certified", b: "partial"})
		statisticsSession(t, s, "js-open", branch, "", starts.Add(24*time.Hour), nil, map[string]string{a: "not_certified"})

		byQR, err := q.OutcomesByQualificationRoute(ctx, store.StatisticsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		got := map[domain.EnrolmentStatus]int{}
		for _, c := range byQR {
			if c.Route != domain.RouteFormation || c.QualificationID == "" || c.Year != starts.In(domain.Paris()).Year() {
				t.Errorf("unexpected row %+v", c)
			}
			got[c.Outcome] += c.Count
		}
		if got[domain.StatusCertified] != 1 || got[domain.StatusPartial] != 1 || got[domain.StatusNotCertified] != 0 {
			t.Errorf("outcomes by qualification and route: %v", got)
		}

		byOrg, err := q.OutcomesByOrganisation(ctx, store.StatisticsFilter{TrainingOrganisationID: w.OrgB})
		if err != nil {
			t.Fatal(err)
		}
		if len(byOrg) != 1 || byOrg[0].TrainingOrganisationID != w.OrgB || byOrg[0].Outcome != domain.StatusPartial || byOrg[0].Count != 1 {
			t.Errorf("outcomes of organisation B: %+v", byOrg)
		}

		// A year without a session has no result.
		none, err := q.OutcomesByQualificationRoute(ctx, store.StatisticsFilter{
			JudgedFrom: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), JudgedUntil: time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)})
		if err != nil || len(none) != 0 {
			t.Errorf("2025: %+v %v", none, err)
		}

		days, n := 0.0, 0
		for _, c := range byQR {
			days += c.DaysSum
			n += c.Count
			if c.DaysMin < 14.999 || c.DaysMax > 15.001 {
				t.Errorf("days from enrolment to result: %+v", c)
			}
		}
		if mean := days / float64(n); mean < 14.999 || mean > 15.001 {
			t.Errorf("mean days from enrolment to result: %v", mean)
		}

		steps, err := q.StepCounts(ctx, store.StatisticsFilter{QualificationID: quals[0].ID})
		if err != nil {
			t.Fatal(err)
		}
		total := 0
		for _, c := range steps {
			total += c.Count
		}
		if want := 2; quals[0].Code == "CC" && total != want {
			t.Errorf("steps of %s: %+v", quals[0].Code, steps)
		}

		// A closed rectification replaces the session it corrects.
		rectified := closed.Add(24 * time.Hour)
		statisticsSession(t, s, "js-rectification", branch, "js-closed", starts.Add(48*time.Hour), &rectified, map[string]string{a: "not_certified"})
		byQR, err = q.OutcomesByQualificationRoute(ctx, store.StatisticsFilter{})
		if err != nil {
			t.Fatal(err)
		}
		if len(byQR) != 1 || byQR[0].Outcome != domain.StatusNotCertified || byQR[0].Count != 1 {
			t.Errorf("after the rectification: %+v", byQR)
		}
	})
}
