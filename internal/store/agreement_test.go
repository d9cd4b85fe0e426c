package store_test

import (
	"context"
	"maps"
	"slices"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// TestAgreementCountsReadTheVerdictsOfClosedSessions builds by hand the verdicts of a few
// blocks and checks the counts per organisation and per company: only closed sessions not
// corrected by a rectification, only blocks both grids judged, with the filters applied.
func TestAgreementCountsReadTheVerdictsOfClosedSessions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, s)
		q := s.Read()
		quals, err := q.Qualifications(ctx)
		if err != nil || len(quals) == 0 {
			t.Fatalf("qualifications: %v %v", quals, err)
		}
		branch := quals[0].BranchID
		enrolmentOf := func(candidate string) domain.Enrolment {
			c, err := q.Candidate(ctx, candidate, store.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			return c.Enrolments[0]
		}
		ea, eb := enrolmentOf(w.CandidateA), enrolmentOf(w.CandidateB)
		a, b := ea.ID, eb.ID
		const A, NA, inc = "acquired", "not_acquired", "incomplete"
		verdicts := func(session, enrolment, org, company string, rows ...[5]string) []store.BlockVerdicts {
			var out []store.BlockVerdicts
			for _, r := range rows { // block, OF, referent, commission, jury decision ("" without a debate)
				out = append(out, store.BlockVerdicts{SessionID: session, EnrolmentID: enrolment, BlockCode: r[0],
					TrainingOrganisationID: org, CompanyID: company, Organisation: r[1], Referent: r[2], Commission: r[3],
					InDebate: r[4] != "", Decision: r[4]})
			}
			return out
		}
		starts := time.Date(2026, 6, 10, 9, 0, 0, 0, domain.Paris())
		session := func(id, rectifies string, starts time.Time, closed bool, rows []store.BlockVerdicts) {
			t.Helper()
			var closedAt *time.Time
			if closed {
				c := starts.Add(3 * time.Hour)
				closedAt = &c
			}
			outcomes := map[string]string{}
			for _, r := range rows {
				outcomes[r.EnrolmentID] = "partial"
			}
			// The verdicts are recorded before the closing, which counts them (as the service does).
			statisticsSession(t, s, id, branch, rectifies, starts, nil, outcomes)
			if err := s.Write(ctx, func(q store.Q) error {
				if err := q.InsertBlockVerdicts(ctx, rows); err != nil {
					return err
				}
				if closedAt == nil {
					return nil
				}
				return q.CloseJurySession(ctx, id, "{}", *closedAt, "")
			}); err != nil {
				t.Fatal(err)
			}
		}
		june := append(verdicts("js-june", a, w.OrgA, w.CompanyA,
			[5]string{"BC1", A, A, A, ""},
			[5]string{"BC2", NA, A, A, "NA"}, // the OF's « non acquis » opened a debate; the jury sided with the OF
			[5]string{"BC3", A, NA, A, "A"},  // the referent's opened one; the jury sided with the commission
			[5]string{"BC4", A, A, NA, ""},   // the commission prevails, no debate
			[5]string{"BC5", inc, A, A, ""},  // the OF gave no verdict: not compared for the OF
		), verdicts("js-june", b, w.OrgB, w.CompanyB,
			[5]string{"BC1", A, "", A, ""}, // no referent grid: not compared for the company
		)...)
		session("js-june", "", starts, true, june)
		// Not closed: not counted.
		session("js-open", "", starts.AddDate(0, 0, 7), false, verdicts("js-open", a, w.OrgA, w.CompanyA, [5]string{"BC1", NA, NA, NA, ""}))
		// A closed session corrected by a closed rectification: the rectification counts instead.
		session("js-wrong", "", starts.AddDate(-1, 0, 0), true, verdicts("js-wrong", b, w.OrgB, w.CompanyB, [5]string{"BC2", NA, NA, NA, ""}))
		session("js-right", "js-wrong", starts.AddDate(-1, 0, 14), true, verdicts("js-right", b, w.OrgB, w.CompanyB, [5]string{"BC2", NA, A, NA, ""}))

		count := func(f store.StatisticsFilter, ev domain.Evaluator) map[string]store.AgreementCount {
			t.Helper()
			rows, err := q.AgreementCounts(ctx, f, ev)
			if err != nil {
				t.Fatal(err)
			}
			out := map[string]store.AgreementCount{}
			for _, r := range rows {
				if _, dup := out[r.OwnerID]; dup {
					t.Errorf("two rows for %s", r.OwnerID)
				}
				out[r.OwnerID] = r
			}
			return out
		}
		check := func(name string, got, want map[string]store.AgreementCount) {
			t.Helper()
			if !maps.Equal(got, want) {
				t.Errorf("%s:\n got  %+v (%v)\n want %+v", name, got, slices.Sorted(maps.Keys(got)), want)
			}
		}
		// Counts: both acquired, the evaluator's « acquis » only, the commission's only, neither;
		// debates, settled with the evaluator, with the commission.
		table := func(owner string, n ...int) store.AgreementCount {
			return store.AgreementCount{OwnerID: owner, BothAcquired: n[0], EvaluatorOnly: n[1], CommissionOnly: n[2], Neither: n[3],
				Debates: n[4], WithEvaluator: n[5], WithCommission: n[6]}
		}
		orgA := table(w.OrgA, 2, 1, 1, 0, 1, 1, 0)
		orgB := table(w.OrgB, 1, 0, 0, 1, 0, 0, 0)
		companyA := table(w.CompanyA, 3, 1, 1, 0, 1, 0, 1)
		check("organisations, every year", count(store.StatisticsFilter{}, domain.EvaluatorTrainingOrganisation),
			map[string]store.AgreementCount{w.OrgA: orgA, w.OrgB: orgB})
		check("companies, every year", count(store.StatisticsFilter{}, domain.EvaluatorCompanyReferent),
			map[string]store.AgreementCount{w.CompanyA: companyA, w.CompanyB: table(w.CompanyB, 0, 1, 0, 0, 0, 0, 0)})
		year := store.StatisticsFilter{JudgedFrom: time.Date(2026, 1, 1, 0, 0, 0, 0, domain.Paris()),
			JudgedUntil: time.Date(2027, 1, 1, 0, 0, 0, 0, domain.Paris())}
		check("companies in 2026", count(year, domain.EvaluatorCompanyReferent), map[string]store.AgreementCount{w.CompanyA: companyA})
		sinceJune := store.StatisticsFilter{JudgedFrom: time.Date(2026, 6, 1, 0, 0, 0, 0, domain.Paris())}
		check("companies since June 2026 (per session)", count(sinceJune, domain.EvaluatorCompanyReferent), map[string]store.AgreementCount{w.CompanyA: companyA})
		check("organisation B only", count(store.StatisticsFilter{TrainingOrganisationID: w.OrgB}, domain.EvaluatorTrainingOrganisation),
			map[string]store.AgreementCount{w.OrgB: orgB})
		if got := count(store.StatisticsFilter{QualificationID: ea.QualificationID, Route: ea.Route}, domain.EvaluatorTrainingOrganisation); got[w.OrgA].EvaluatorOnly != 1 {
			t.Errorf("A's qualification and route: %v", got)
		}
		check("another qualification", count(store.StatisticsFilter{QualificationID: "no-such-qualification"}, domain.EvaluatorTrainingOrganisation), map[string]store.AgreementCount{})
		check("the VAE route", count(store.StatisticsFilter{Route: domain.RouteVAE}, domain.EvaluatorTrainingOrganisation), map[string]store.AgreementCount{})
		if _, err := q.AgreementCounts(ctx, store.StatisticsFilter{}, domain.EvaluatorCommission); err == nil {
			t.Error("the commission compared with itself must be refused")
		}
	})
}

// The sessions closed before the verdicts were recorded at closing get theirs from their
// snapshots when the migration runs: each block judged, with each evaluator present's verdict,
// the debate and the decision; blocks acquired earlier and candidates without blocks give none.
func TestBlockVerdictsMigrationReadsTheSnapshotsOfClosedSessions(t *testing.T) {
	for _, target := range storetest.Targets(t) {
		t.Run(target.Name, func(t *testing.T) {
			ctx := context.Background()
			s, err := store.Open(ctx, target.Options)
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { s.Close() })
			if err := s.MigrateUpTo(ctx, 32); err != nil {
				t.Fatal(err)
			}
			seed := seedCertificates(t, s, 2, "js1")
			for _, stmt := range []string{
				`INSERT INTO training_organisations (id, name, siret, city, created_at) VALUES ('of1', 'Institut Alpha', '44100000000011', 'Nantes', $1)`,
				`INSERT INTO companies (id, name, siret, city, created_at) VALUES ('co1', 'Cabinet Durand', '55200000000011', 'Paris', $1)`,
			} {
				if err := s.ExecRaw(ctx, stmt, t0); err != nil {
					t.Fatal(err)
				}
			}
			if err := s.ExecRaw(ctx, `UPDATE enrolments SET training_organisation_id = 'of1', company_id = 'co1'`); err != nil {
				t.Fatal(err)
			}
			verdict := func(ev, v string) string {
				if v == "" {
					return `{"evaluator":"` + ev + `","present":false,"acquired":0,"total":5}`
				}
				return `{"evaluator":"` + ev + `","present":true,"verdict":"` + v + `","acquired":5,"total":5}`
			}
			snapshot := `{"format":1,"session_id":"js1","candidates":[` +
				`{"enrolment_id":"` + seed.enrolments[0] + `","route":"formation","outcome":"partial","blocks":[` +
				`{"code":"BC1","outcome":"acquired","verdicts":[` + verdict("training_organisation", "acquired") + `,` + verdict("company_referent", "acquired") + `,` + verdict("commission", "acquired") + `]},` +
				`{"code":"BC2","outcome":"not_acquired","in_debate":true,"decision":"NA","verdicts":[` + verdict("training_organisation", "not_acquired") + `,` + verdict("company_referent", "") + `,` + verdict("commission", "acquired") + `]},` +
				`{"code":"BC3","outcome":"acquired","prior":true}]},` +
				`{"enrolment_id":"` + seed.enrolments[1] + `","route":"formation","outcome":"not_certified","blocks":null}]}`
			if err := s.ExecRaw(ctx, `UPDATE jury_sessions SET snapshot = $1, closed_at = $2 WHERE id = 'js1'`, snapshot, t0); err != nil {
				t.Fatal(err)
			}
			if err := s.Migrate(ctx); err != nil {
				t.Fatal(err)
			}
			got := map[string]store.AgreementCount{}
			for _, ev := range []domain.Evaluator{domain.EvaluatorTrainingOrganisation, domain.EvaluatorCompanyReferent} {
				rows, err := s.Read().AgreementCounts(ctx, store.StatisticsFilter{}, ev)
				if err != nil {
					t.Fatal(err)
				}
				for _, r := range rows {
					got[r.OwnerID] = r
				}
			}
			want := map[string]store.AgreementCount{
				// BC1 agreed; BC2's « non acquis » against the commission's « acquis » opened a debate the jury settled « non acquis ».
				"of1": {OwnerID: "of1", BothAcquired: 1, CommissionOnly: 1, Debates: 1, WithEvaluator: 1},
				"co1": {OwnerID: "co1", BothAcquired: 1}, // BC2 has no referent verdict: not compared
			}
			if !maps.Equal(got, want) {
				t.Errorf("after the migration:\n got  %v\n want %v", got, want)
			}
		})
	}
}
