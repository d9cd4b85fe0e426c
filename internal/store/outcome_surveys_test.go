package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestOutcomeSurveys(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedJury(t, s)
		closed := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
		write := func(t *testing.T, fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(t, func(q store.Q) error {
			if err := q.CreateJurySession(ctx, store.JurySession{ID: "s1", BranchID: "b1", StartsAt: closed, Place: "Paris", Quorum: 4, Status: store.JuryPlanned, CreatedAt: t0}); err != nil {
				return err
			}
			for _, e := range []string{"e1", "e2"} {
				if err := q.AddJuryCandidate(ctx, "s1", e); err != nil {
					return err
				}
			}
			if err := q.SetJurySessionStatus(ctx, "s1", store.JuryPlanned, store.JuryDeliberating); err != nil {
				return err
			}
			if err := q.SetJuryOutcome(ctx, "s1", "e1", "certified"); err != nil {
				return err
			}
			if err := q.SetJuryOutcome(ctx, "s1", "e2", "not_certified"); err != nil {
				return err
			}
			return q.CloseJurySession(ctx, "s1", "{}", closed, "u-bruno")
		})
		sixMonths := closed.AddDate(0, 6, 0)

		t.Run("the judged enrolments are due once the wave's delay is over, and only then", func(t *testing.T) {
			due, err := s.Read().SurveysDue(ctx, 6, closed.Add(-time.Hour), closed.Add(-time.Minute), 100)
			if err != nil || len(due) != 0 {
				t.Fatalf("before the result: %+v %v", due, err)
			}
			due, err = s.Read().SurveysDue(ctx, 6, sixMonths.AddDate(0, -9, 0), sixMonths.AddDate(0, -6, 0), 100)
			if err != nil || len(due) != 2 || due[0].EnrolmentID != "e1" || due[0].SessionID != "s1" || !due[0].ResultAt.Equal(closed) {
				t.Fatalf("got %+v %v", due, err)
			}
			if due, _ := s.Read().SurveysDue(ctx, 6, sixMonths.AddDate(0, -9, 0), sixMonths.AddDate(0, -6, 0), 1); len(due) != 1 || due[0].EnrolmentID != "e1" {
				t.Errorf("limited: %+v", due)
			}
		})

		t.Run("a survey is stored once per enrolment and wave", func(t *testing.T) {
			write(t, func(q store.Q) error {
				for i, id := range []string{"o1", "o1-again"} {
					made, err := q.CreateOutcomeSurvey(ctx, store.OutcomeSurvey{ID: id, EnrolmentID: "e1", CandidateID: "c1", SessionID: "s1", Wave: 6,
						ResultAt: closed, SentAt: sixMonths, Mailed: true, ExpiresAt: sixMonths.AddDate(0, 0, 60)})
					if err != nil || made != (i == 0) {
						t.Errorf("%s: made %v %v", id, made, err)
					}
				}
				return q.AddOutcomeSurveyLink(ctx, "hash-1", "o1", sixMonths)
			})
			due, err := s.Read().SurveysDue(ctx, 6, closed.Add(-time.Hour), sixMonths, 100)
			if err != nil || len(due) != 1 || due[0].EnrolmentID != "e2" {
				t.Fatalf("got %+v %v", due, err)
			}
			if due, _ := s.Read().SurveysDue(ctx, 12, closed.Add(-time.Hour), sixMonths, 100); len(due) != 2 {
				t.Errorf("the 12-month wave is its own: %+v", due)
			}
		})

		t.Run("a link opens its survey; an unknown link is not found", func(t *testing.T) {
			o, err := s.Read().OutcomeSurveyByLink(ctx, "hash-1")
			if err != nil || o.ID != "o1" || o.Wave != 6 || !o.Mailed || o.Answered() || o.Outcome != "certified" || o.QualificationTitle == "" {
				t.Fatalf("got %+v %v", o, err)
			}
			if _, err := s.Read().OutcomeSurveyByLink(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("an unanswered survey is reminded once", func(t *testing.T) {
			if got, _ := s.Read().SurveysToRemind(ctx, sixMonths.Add(-time.Hour), sixMonths, 100); len(got) != 0 {
				t.Fatalf("reminded too early: %+v", got)
			}
			at := sixMonths.AddDate(0, 0, 15)
			got, err := s.Read().SurveysToRemind(ctx, at, at, 100)
			if err != nil || len(got) != 1 || got[0].ID != "o1" {
				t.Fatalf("got %+v %v", got, err)
			}
			write(t, func(q store.Q) error {
				for i := range 2 {
					mine, err := q.MarkSurveyReminded(ctx, "o1", at)
					if err != nil || mine != (i == 0) {
						t.Errorf("mark %d: %v %v", i, mine, err)
					}
				}
				return nil
			})
			if got, _ := s.Read().SurveysToRemind(ctx, at, at, 100); len(got) != 0 {
				t.Fatalf("reminded twice: %+v", got)
			}
		})

		answer := domain.SurveyAnswer{Situation: domain.SituationEmployedBranch, Contract: domain.ContractCDI, JobTitle: "Chargée de clientèle",
			CompanyName: "Cabinet Durand", SIRET: "40483304800022", Helped: domain.HelpedYes}
		answeredAt := sixMonths.AddDate(0, 0, 20)

		t.Run("the candidate answers through the link once; an expired or answered survey refuses", func(t *testing.T) {
			write(t, func(q store.Q) error { return q.AnswerOutcomeSurveyByLink(ctx, "o1", answer, answeredAt) })
			err := s.Write(ctx, func(q store.Q) error {
				return q.AnswerOutcomeSurveyByLink(ctx, "o1", domain.SurveyAnswer{Situation: domain.SituationOther, Helped: domain.HelpedNo}, answeredAt.Add(time.Hour))
			})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("answered twice: %v", err)
			}
			o, err := s.Read().OutcomeSurvey(ctx, "o1")
			if err != nil || o.Answer != answer || o.Source != domain.SourceEmail || o.AnsweredAt == nil || !o.AnsweredAt.Equal(answeredAt) {
				t.Fatalf("got %+v %v", o, err)
			}
			write(t, func(q store.Q) error {
				_, err := q.CreateOutcomeSurvey(ctx, store.OutcomeSurvey{ID: "o2", EnrolmentID: "e2", CandidateID: "c2", SessionID: "s1", Wave: 6,
					ResultAt: closed, SentAt: sixMonths, Mailed: true, ExpiresAt: sixMonths.AddDate(0, 0, 60)})
				return err
			})
			err = s.Write(ctx, func(q store.Q) error {
				return q.AnswerOutcomeSurveyByLink(ctx, "o2", answer, sixMonths.AddDate(0, 0, 61))
			})
			if domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("expired link answered: %v", err)
			}
		})

		t.Run("the secretariat corrects an answer: source and author change, the first date stays", func(t *testing.T) {
			fixed := answer
			fixed.Contract = domain.ContractCDD
			write(t, func(q store.Q) error {
				return q.RecordOutcomeSurveyAnswer(ctx, "o1", fixed, domain.SourcePhone, "u-sec", "Secrétariat", answeredAt.AddDate(0, 0, 3))
			})
			list, err := s.Read().CandidateOutcomeSurveys(ctx, "c1")
			if err != nil || len(list) != 1 {
				t.Fatalf("got %+v %v", list, err)
			}
			o := list[0]
			if o.Answer.Contract != domain.ContractCDD || o.Source != domain.SourcePhone || o.RecordedBy != "u-sec" || !o.AnsweredAt.Equal(answeredAt) ||
				!o.RecordedAt.Equal(answeredAt.AddDate(0, 0, 3)) {
				t.Fatalf("got %+v", o)
			}
		})

		t.Run("the statistics count surveys by wave, situation and help, with the filters", func(t *testing.T) {
			counts, err := s.Read().SurveyCounts(ctx, store.SurveyFilter{})
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]int{}
			for _, c := range counts {
				got[string(c.Situation)+"/"+string(c.Helped)] += c.Count
				if c.Wave != 6 {
					t.Errorf("wave %d", c.Wave)
				}
			}
			if len(got) != 2 || got["employed_branch/yes"] != 1 || got["/"] != 1 {
				t.Fatalf("got %v", got)
			}
			counts, _ = s.Read().SurveyCounts(ctx, store.SurveyFilter{Year: closed.In(domain.Paris()).Year() + 1})
			if len(counts) != 0 {
				t.Errorf("a later year counted: %+v", counts)
			}
			counts, _ = s.Read().SurveyCounts(ctx, store.SurveyFilter{Route: domain.RouteVAE})
			if len(counts) != 0 {
				t.Errorf("another route counted: %+v", counts)
			}
		})

		t.Run("the bilan carries the surveys of each enrolment in its one stream", func(t *testing.T) {
			var e1 store.BilanCandidate
			if err := s.Read().BilanCandidates(ctx, bilanNames(t, s, 2026), []string{"e1"}, func(c store.BilanCandidate) error {
				if c.EnrolmentID == "e1" {
					e1 = c
				}
				return nil
			}); err != nil {
				t.Fatal(err)
			}
			if len(e1.Surveys) != 1 || e1.Surveys[0].Wave != 6 || e1.Surveys[0].Answer.JobTitle != "Chargée de clientèle" ||
				e1.Surveys[0].Source != domain.SourcePhone || e1.Surveys[0].AnsweredAt == nil || !e1.Surveys[0].AnsweredAt.Equal(answeredAt) {
				t.Fatalf("got %+v", e1.Surveys)
			}
		})

		t.Run("erasing the candidate blanks their job and ends their links", func(t *testing.T) {
			write(t, func(q store.Q) error { return q.EraseOutcomeSurveys(ctx, "c1") })
			if _, err := s.Read().OutcomeSurveyByLink(ctx, "hash-1"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("link still works: %v", err)
			}
			o, _ := s.Read().OutcomeSurvey(ctx, "o1")
			if o.Answer.JobTitle != "" || o.Answer.CompanyName != "" || o.Answer.SIRET != "" || o.Answer.Situation != domain.SituationEmployedBranch {
				t.Fatalf("got %+v", o.Answer)
			}
		})
	})
}
