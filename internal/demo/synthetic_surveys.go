package demo

import (
	"math/rand/v2"
	"time"

	"github.com/google/uuid"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The synthetic candidates' follow-up (« devenir »): each judged enrolment whose result is six
// (twelve) months old received the survey of that wave then, as the hourly loop opens it. The
// synthetic candidates have no e-mail address, so no mail went out and the secretariat called
// them: 45 % answered at six months, 30 % at twelve. The statistics page and the bilan then have
// surveys to count at every size.

// syntheticSurveyWaves are the waves of the demo's settings (service.DefaultSurveySettings).
var syntheticSurveyWaves = []int{6, 12}

// syntheticSurveys draws the surveys of one judged enrolment from rng: none for a wave not yet
// due at now.
func syntheticSurveys(rng *rand.Rand, now time.Time, sessionID string, closedAt time.Time, je judgedEnrolment) []store.OutcomeSurvey {
	var out []store.OutcomeSurvey
	for _, wave := range syntheticSurveyWaves {
		sent := closedAt.AddDate(0, wave, 0)
		if sent.After(now) {
			break
		}
		s := store.OutcomeSurvey{ID: uuid.Must(uuid.NewV7()).String(), EnrolmentID: je.enrolmentID, CandidateID: je.candidateID,
			SessionID: sessionID, Wave: wave, ResultAt: closedAt, SentAt: sent,
			ExpiresAt: sent.AddDate(0, 0, service.SurveyLinkDays)}
		answers := 45 // in a hundred, at six months; fewer later
		if wave > 6 {
			answers = 30
		}
		if rng.IntN(100) < answers {
			at := sent.Add(time.Duration(1+rng.IntN(40*24)) * time.Hour)
			s.AnsweredAt, s.RecordedAt = &at, &at
			s.Answer = syntheticAnswer(rng, je.outcome)
			s.Source, s.RecordedByName = domain.SourcePhone, "Secrétariat de la branche"
		}
		out = append(out, s)
	}
	return out
}

// syntheticAnswer draws an answer: the certified are more often employed in the branch and
// say the CQP helped.
func syntheticAnswer(rng *rand.Rand, outcome rules.CandidateOutcome) domain.SurveyAnswer {
	branch := 45
	switch outcome {
	case rules.CandidateCertified:
		branch = 65
	case rules.CandidateNotCertified:
		branch = 30
	}
	var a domain.SurveyAnswer
	switch r := rng.IntN(100); {
	case r < branch:
		a.Situation = domain.SituationEmployedBranch
	case r < branch+15:
		a.Situation = domain.SituationEmployedOther
	case r < branch+30:
		a.Situation = domain.SituationJobSeeker
	case r < branch+38:
		a.Situation = domain.SituationTraining
	default:
		a.Situation = domain.SituationOther
	}
	if a.Situation == domain.SituationEmployedBranch || a.Situation == domain.SituationEmployedOther {
		a.Contract = []domain.SurveyContract{domain.ContractCDI, domain.ContractCDI, domain.ContractCDI, domain.ContractCDD,
			domain.ContractWorkStudy, domain.ContractTemporary}[rng.IntN(6)]
		a.JobTitle = syntheticJobTitles[rng.IntN(len(syntheticJobTitles))]
	}
	switch r := rng.IntN(100); {
	case r < branch+15:
		a.Helped = domain.HelpedYes
	case r < branch+35:
		a.Helped = domain.HelpedPartly
	default:
		a.Helped = domain.HelpedNo
	}
	return a
}

var syntheticJobTitles = []string{"Chargé·e de clientèle", "Gestionnaire sinistres", "Conseiller·ère en assurances",
	"Assistant·e de cabinet", "Souscripteur·rice", "Gestionnaire de contrats"}
