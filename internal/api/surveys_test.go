package api_test

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

func TestACandidatesSurveysAreReadableWithTheCandidatesScope(t *testing.T) {
	eachStore(t, func(t *testing.T, f *fixture) {
		now := f.clock.now()
		closed := now.AddDate(0, -6, 0)
		enrolment := f.candidate.Enrolments[0].ID
		must(t, f.svc.Store().Write(f.ctx, func(q store.Q) error {
			branches, err := q.Branches(f.ctx)
			if err != nil {
				return err
			}
			if err := q.CreateJurySession(f.ctx, store.JurySession{ID: "js-survey", BranchID: branches[0].ID, StartsAt: closed, Place: "Paris",
				Quorum: 4, Status: store.JuryPlanned, CreatedAt: closed}); err != nil {
				return err
			}
			if err := q.AddJuryCandidate(f.ctx, "js-survey", enrolment); err != nil {
				return err
			}
			if err := q.SetJurySessionStatus(f.ctx, "js-survey", store.JuryPlanned, store.JuryDeliberating); err != nil {
				return err
			}
			if err := q.SetJuryOutcome(f.ctx, "js-survey", enrolment, "certified"); err != nil {
				return err
			}
			if err := q.CloseJurySession(f.ctx, "js-survey", "{}", closed, "test"); err != nil {
				return err
			}
			for _, wave := range []int{6, 12} {
				if _, err := q.CreateOutcomeSurvey(f.ctx, store.OutcomeSurvey{ID: "sv-" + string(rune('0'+wave%10)), EnrolmentID: enrolment,
					CandidateID: f.candidate.ID, SessionID: "js-survey", Wave: wave, ResultAt: closed, SentAt: now, Mailed: true,
					ExpiresAt: now.Add(60 * 24 * time.Hour)}); err != nil {
					return err
				}
			}
			sum := sha256.Sum256([]byte("jeton-api"))
			return q.AddOutcomeSurveyLink(f.ctx, hex.EncodeToString(sum[:]), "sv-6", now)
		}))
		must(t, f.svc.AnswerOutcomeSurvey(f.ctx, "jeton-api", domain.SurveyAnswer{Situation: domain.SituationEmployedBranch,
			Contract: domain.ContractCDD, JobTitle: "Chargée de clientèle", Helped: domain.HelpedPartly}))

		path := "/api/v1/candidates/" + f.candidate.ID + "/surveys"
		for _, persona := range []string{secretariat, branch, ofB, candidate} {
			r := f.get(t, persona, path)
			wantStatus(t, r, 200)
			items := r.Items(t)
			if len(items) != 2 {
				t.Fatalf("%s: %d surveys", persona, len(items))
			}
			answered, waiting := items[0], items[1]
			answer, _ := answered["answer"].(map[string]any)
			if answered["months"] != float64(6) || answer == nil || answer["situation"] != "employed_branch" || answer["contract"] != "cdd" ||
				answer["job_title"] != "Chargée de clientèle" || answer["helped"] != "partly" || answer["source"] != "email" || answer["siret"] != nil {
				t.Errorf("%s: answered %v", persona, answered)
			}
			if waiting["months"] != float64(12) || waiting["answer"] != nil || waiting["answered_at"] != nil {
				t.Errorf("%s: waiting %v", persona, waiting)
			}
		}
		r := f.get(t, ofA, path)
		wantStatus(t, r, 404)
	})
}
