package store_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The evaluator agreement reads the tables counted once per closed session
// (closed_session_agreement, added up by year into closed_agreement_by_year): it must stay
// equal to the agreement counted from every verdict, as the page did before
// (ReferenceAgreementCounts), on the demo data and synthetic candidates (sessions closed
// through the service and in bulk), after a rectification, with a rectification of it still
// open and once that one closes, and after the migration's backfill.
func TestAgreementFromClosedSessionsEqualsTheVerdicts(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		loadDemoAndSynthetic(t, s, 2000, 7)
		q := s.Read()
		before := equalAgreement(t, s, "after the closings")

		// Rectify the largest closed session: every formation block it judged gets other verdicts.
		target, presented := largestClosedSession(t, q)
		starts := target.StartsAt.Add(30 * 24 * time.Hour)
		rectify(t, s, "js-rectifies-largest", target, "", starts, true, presented, 0)
		after := equalAgreement(t, s, "after a rectification")
		if after == before {
			t.Errorf("the rectification did not replace the session's agreement: %+v", after)
		}
		// A rectification open but not closed changes nothing; closed, it replaces the first.
		starts2 := starts.Add(30 * 24 * time.Hour)
		rectify(t, s, "js-rectifies-rectification", target, "js-rectifies-largest", starts2, false, presented, 1)
		if got := equalAgreement(t, s, "with a rectification still open"); got != after {
			t.Errorf("an open rectification changed the agreement: %+v, was %+v", got, after)
		}
		if err := s.Write(ctx, func(q store.Q) error {
			return q.CloseJurySession(ctx, "js-rectifies-rectification", "{}", starts2.Add(time.Hour), "")
		}); err != nil {
			t.Fatal(err)
		}
		rectified := equalAgreement(t, s, "after a rectification of the rectification")
		if rectified == after {
			t.Errorf("the second rectification did not count: %+v", rectified)
		}

		// The migration's backfill gives the same rows as the closings wrote.
		if err := s.MigrateDownTo(ctx, 35); err != nil {
			t.Fatal(err)
		}
		if err := s.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := equalAgreement(t, s, "after the backfill"); got != rectified {
			t.Errorf("after the backfill: %+v, before %+v", got, rectified)
		}
	})
}

// rectify creates a session rectifying another (rectifies, or the target itself when ""),
// presenting the target's enrolments again with verdicts on two blocks each that depend on
// variant, and closes it when close is set, the verdicts recorded before the closing.
func rectify(t *testing.T, s *store.Store, id string, target store.JurySession, rectifies string, starts time.Time, close bool,
	presented []store.JuryCandidate, variant int) {
	t.Helper()
	ctx := context.Background()
	if rectifies == "" {
		rectifies = target.ID
	}
	const A, NA = "acquired", "not_acquired"
	err := s.Write(ctx, func(q store.Q) error {
		if err := q.CreateJurySession(ctx, store.JurySession{ID: id, BranchID: target.BranchID, StartsAt: starts, Quorum: 1,
			Status: store.JuryDeliberating, RectifiesSessionID: rectifies, CreatedAt: starts}); err != nil {
			return err
		}
		var rows []store.BlockVerdicts
		for i, c := range presented {
			if err := q.AddJuryCandidate(ctx, id, c.EnrolmentID); err != nil {
				return err
			}
			if err := q.SetJuryOutcome(ctx, id, c.EnrolmentID, "partial"); err != nil {
				return err
			}
			e, err := q.Enrolment(ctx, c.EnrolmentID, store.Scope{})
			if err != nil {
				return err
			}
			for b, code := range e.Blocks[:min(2, len(e.Blocks))] {
				v := store.BlockVerdicts{SessionID: id, EnrolmentID: e.ID, BlockCode: code, TrainingOrganisationID: e.TrainingOrganisationID,
					CompanyID: e.CompanyID, Organisation: A, Referent: A, Commission: A}
				switch (i + b + variant) % 4 {
				case 1:
					v.Organisation, v.InDebate, v.Decision = NA, true, "NA"
				case 2:
					v.Referent, v.InDebate, v.Decision = NA, true, "A"
				case 3:
					v.Commission, v.Organisation = NA, NA
				}
				rows = append(rows, v)
			}
		}
		if err := q.InsertBlockVerdicts(ctx, rows); err != nil {
			return err
		}
		if !close {
			return nil
		}
		return q.CloseJurySession(ctx, id, "{}", starts.Add(3*time.Hour), "")
	})
	if err != nil {
		t.Fatal(err)
	}
}

// agreementTotals sums the unfiltered agreement of both sides.
type agreementTotals struct {
	owners int
	counts store.AgreementCount
}

// equalAgreement compares the agreement read from the tables per closed session with the
// reference counted from every verdict, for both sides, unfiltered and under each kind of
// filter, and returns the unfiltered totals.
func equalAgreement(t *testing.T, s *store.Store, when string) agreementTotals {
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
		{Route: domain.RouteFormation},
		{Route: domain.RouteBlocs, QualificationID: quals[0].ID},
		{QualificationID: quals[len(quals)-1].ID},
		{TrainingOrganisationID: orgs[0].ID},
		{JudgedFrom: lastFrom, JudgedUntil: lastUntil, QualificationID: quals[0].ID, TrainingOrganisationID: orgs[1].ID},
		// Dates that are not new years: the rows per session.
		{JudgedFrom: starts[len(starts)/2]},
		{JudgedFrom: firstFrom.Add(time.Hour), JudgedUntil: starts[len(starts)-1], Route: domain.RouteFormation},
	}
	var totals agreementTotals
	for i, f := range filters {
		for _, ev := range []domain.Evaluator{domain.EvaluatorTrainingOrganisation, domain.EvaluatorCompanyReferent} {
			want, err := q.ReferenceAgreementCounts(ctx, f, ev)
			if err != nil {
				t.Fatal(err)
			}
			got, err := q.AgreementCounts(ctx, f, ev)
			if err != nil {
				t.Fatal(err)
			}
			byOwner := func(rows []store.AgreementCount) []store.AgreementCount {
				return slices.SortedFunc(slices.Values(rows), func(a, b store.AgreementCount) int {
					if a.OwnerID < b.OwnerID {
						return -1
					}
					if a.OwnerID > b.OwnerID {
						return 1
					}
					return 0
				})
			}
			if w, g := byOwner(want), byOwner(got); !slices.Equal(w, g) {
				t.Errorf("%s, filter %d (%+v), %s:\n got  %+v\n want %+v", when, i, f, ev, g, w)
			}
			if i == 0 {
				for _, r := range want {
					totals.owners++
					c := &totals.counts
					c.BothAcquired += r.BothAcquired
					c.EvaluatorOnly += r.EvaluatorOnly
					c.CommissionOnly += r.CommissionOnly
					c.Neither += r.Neither
					c.Debates += r.Debates
					c.WithEvaluator += r.WithEvaluator
					c.WithCommission += r.WithCommission
				}
			}
		}
	}
	if c := totals.counts; c.BothAcquired == 0 || c.EvaluatorOnly == 0 || c.CommissionOnly == 0 || c.Neither == 0 ||
		c.WithEvaluator == 0 || c.WithCommission == 0 {
		t.Fatalf("%s: not every kind of verdict to compare: %+v", when, totals)
	}
	return totals
}
