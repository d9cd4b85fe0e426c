package demo

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The candidates' outcome survey (« devenir ») in the demo. The demo's sessions are all closed
// on the day the demo loads (their dates are in the past, their closings are not), so none is
// six months old and the hourly loop would survey nobody for months. The demo therefore opens
// the six-month survey of the historical session's candidates as the loop will, dated today,
// with a link each; then some answer through their link, the secretariat takes a few answers
// by phone, and the rest wait — the candidate pages and the statistics show all three.

// surveyAnswers are the demo's answers, given in turn.
var surveyAnswers = []domain.SurveyAnswer{
	{Situation: domain.SituationEmployedBranch, Contract: domain.ContractCDI, JobTitle: "Chargé·e de clientèle", CompanyName: "Cabinet Roux Courtage", Helped: domain.HelpedYes},
	{Situation: domain.SituationEmployedBranch, Contract: domain.ContractCDD, JobTitle: "Gestionnaire sinistres IARD", CompanyName: "Mutuelle du Littoral", Helped: domain.HelpedPartly},
	{Situation: domain.SituationJobSeeker, Helped: domain.HelpedPartly},
	{Situation: domain.SituationEmployedOther, Contract: domain.ContractTemporary, JobTitle: "Conseiller·ère bancaire", Helped: domain.HelpedNo},
	{Situation: domain.SituationTraining, Helped: domain.HelpedYes},
}

// outcomeSurveys opens the six-month surveys of the oldest closed session's candidates: one in
// two answers by link, one in four by phone, the rest have not answered.
func (l loader) outcomeSurveys(ctx context.Context) error {
	sessions, err := l.svc.JurySessions(ctx, l.a)
	if err != nil {
		return err
	}
	var oldest *store.JurySession
	for i := range sessions {
		js := &sessions[i]
		if js.Status == store.JuryClosed && js.ClosedAt != nil && (oldest == nil || js.StartsAt.Before(oldest.StartsAt)) {
			oldest = js
		}
	}
	if oldest == nil {
		return nil
	}
	now := l.svc.Now()
	st := l.svc.Store()
	cands, err := st.Read().JuryCandidates(ctx, oldest.ID)
	if err != nil {
		return err
	}
	answered := 0
	for i, jc := range cands {
		if jc.Outcome == "" {
			continue
		}
		token := newDemoToken()
		sum := sha256.Sum256([]byte(token))
		surveyID := fmt.Sprintf("demo-devenir-%03d", i)
		err := st.Write(ctx, func(q store.Q) error {
			c, err := q.Candidate(ctx, jc.CandidateID, store.Scope{})
			if err != nil {
				return err
			}
			if _, err := q.CreateOutcomeSurvey(ctx, store.OutcomeSurvey{ID: surveyID, EnrolmentID: jc.EnrolmentID, CandidateID: c.ID,
				SessionID: oldest.ID, Wave: 6, ResultAt: *oldest.ClosedAt, SentAt: now, Mailed: c.Email != "",
				ExpiresAt: now.Add(service.SurveyLinkDays * 24 * time.Hour)}); err != nil {
				return err
			}
			return q.AddOutcomeSurveyLink(ctx, hex.EncodeToString(sum[:]), surveyID, now)
		})
		if err != nil {
			return fmt.Errorf("open the outcome survey of %s: %w", jc.EnrolmentID, err)
		}
		answer := surveyAnswers[answered%len(surveyAnswers)]
		switch i % 4 {
		case 0, 2:
			err = l.svc.AnswerOutcomeSurvey(ctx, token, answer)
			answered++
		case 1:
			err = l.svc.RecordOutcomeSurveyAnswer(ctx, l.a, surveyID, answer, domain.SourcePhone)
			answered++
		}
		if err != nil {
			return fmt.Errorf("answer the outcome survey of %s: %w", jc.EnrolmentID, err)
		}
	}
	return nil
}

func newDemoToken() string {
	b := make([]byte, 24)
	_, _ = rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
