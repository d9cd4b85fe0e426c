package service

import (
	"context"
	"fmt"
	"slices"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The candidates' follow-up (« devenir des candidats », issue 12): some months after the
// result, each judged candidate is asked by mail, through a single-use link that needs no
// account, what became of them; one reminder follows when no answer came. The secretariat may
// type or correct an answer given by phone. The word "followup" is taken by the training
// follow-up (hours, internships): this one is the outcome survey.

// SurveySettings are the outcome survey's delays.
type SurveySettings struct {
	// Waves are the months after the result at which a candidate is surveyed (a 0 is no wave).
	Waves []int
	// ReminderDays is how long after the survey an unanswered one is reminded, once (0: never).
	ReminderDays int
}

// DefaultSurveySettings surveys at 6 and 12 months, with a reminder after 15 days.
func DefaultSurveySettings() SurveySettings {
	return SurveySettings{Waves: []int{6, 12}, ReminderDays: 15}
}

// SurveyLinkDays is how long a survey's links work after it is sent.
const SurveyLinkDays = 60

// SurveyBatch bounds the surveys, and the reminders, one run queues per wave: a first run on
// a large base spreads its mails over the following hours instead of one burst.
const SurveyBatch = 2000

// SurveyLateness is how late after its due date a survey is still sent: a server started
// after a long stop, or the feature turned on, does not survey the candidates of years ago.
const SurveyLateness = 90 * 24 * time.Hour

// SetSurveySettings sets the outcome survey's delays.
func (s *Service) SetSurveySettings(v SurveySettings) {
	var waves []int
	for _, w := range v.Waves {
		if w > 0 && !slices.Contains(waves, w) {
			waves = append(waves, w)
		}
	}
	v.Waves = waves
	s.survey = v
}

// SurveySettings returns the outcome survey's delays.
func (s *Service) SurveySettings() SurveySettings { return s.survey }

// SurveyMailing counts what SendOutcomeSurveys queued.
type SurveyMailing struct {
	Surveys   int // surveys opened (mailed, or left to the secretariat's phone call without an address)
	Reminders int
}

// SendOutcomeSurveys opens the surveys that are due (a wave's months after the result) and
// reminds, once, the unanswered ones mailed ReminderDays ago. Each survey and each reminder is
// recorded with its mail in one transaction, once even when several servers run this at the
// same time.
func (s *Service) SendOutcomeSurveys(ctx context.Context) (SurveyMailing, error) {
	var out SurveyMailing
	now := s.Now()
	sys := domain.SystemActor("Questionnaires de devenir")
	for _, wave := range s.survey.Waves {
		upTo := now.AddDate(0, -wave, 0)
		due, err := s.store.Read().SurveysDue(ctx, wave, upTo.Add(-SurveyLateness), upTo, SurveyBatch)
		if err != nil {
			return out, err
		}
		for _, d := range due {
			err := s.store.Write(ctx, func(q store.Q) error {
				c, e, err := enrolmentUnscoped(ctx, q, d.EnrolmentID)
				if err != nil {
					return err
				}
				sv := store.OutcomeSurvey{ID: newID(), EnrolmentID: d.EnrolmentID, CandidateID: d.CandidateID, SessionID: d.SessionID,
					Wave: wave, ResultAt: d.ResultAt, SentAt: now, Mailed: c.Email != "", ExpiresAt: now.AddDate(0, 0, SurveyLinkDays)}
				made, err := q.CreateOutcomeSurvey(ctx, sv)
				if err != nil || !made {
					return err
				}
				if err := s.audit(ctx, q, sys, change{Action: "survey.send", EntityType: "outcome_survey", EntityID: sv.ID, CandidateID: c.ID,
					After: map[string]any{"enrolment": d.EnrolmentID, "wave": wave, "email": sv.Mailed}}); err != nil {
					return err
				}
				out.Surveys++
				if !sv.Mailed {
					return nil // the candidate's page shows the survey to take by phone
				}
				link, err := s.newSurveyLink(ctx, q, sv.ID, now)
				if err != nil {
					return err
				}
				return s.queueMail(ctx, q, c.Email, fmt.Sprintf("Que devenez-vous %d mois après votre CQP ?", wave),
					fmt.Sprintf("Bonjour %s,\n\nIl y a %d mois, le jury de la branche a rendu sa décision sur votre CQP « %s ». Pour savoir ce que le CQP apporte à ceux qui le passent, la branche vous pose quelques questions : votre situation, votre emploi et si le CQP vous a aidé. Cela prend deux minutes, sans compte ni mot de passe :\n\n%s\n\nCe lien sert une seule fois et reste valable jusqu'au %s. Vos réponses servent aux statistiques de la branche ; elles ne changent rien à votre résultat.\n\nLe secrétariat des CQP\n",
						c.DisplayName(), wave, e.QualificationTitle, link, domain.DateOf(sv.ExpiresAt).String()))
			})
			if err != nil {
				return out, err
			}
		}
	}
	if s.survey.ReminderDays <= 0 {
		return out, nil
	}
	waiting, err := s.store.Read().SurveysToRemind(ctx, now.AddDate(0, 0, -s.survey.ReminderDays), now, SurveyBatch)
	if err != nil {
		return out, err
	}
	for _, sv := range waiting {
		err := s.store.Write(ctx, func(q store.Q) error {
			mine, err := q.MarkSurveyReminded(ctx, sv.ID, now)
			if err != nil || !mine {
				return err
			}
			c, e, err := enrolmentUnscoped(ctx, q, sv.EnrolmentID)
			if err != nil {
				return err
			}
			if err := s.audit(ctx, q, sys, change{Action: "survey.remind", EntityType: "outcome_survey", EntityID: sv.ID, CandidateID: c.ID,
				After: map[string]any{"wave": sv.Wave, "email": c.Email != ""}}); err != nil {
				return err
			}
			out.Reminders++
			if c.Email == "" {
				return nil // the address was erased meanwhile
			}
			link, err := s.newSurveyLink(ctx, q, sv.ID, now)
			if err != nil {
				return err
			}
			return s.queueMail(ctx, q, c.Email, "Rappel : que devenez-vous après votre CQP ?",
				fmt.Sprintf("Bonjour %s,\n\nNous n'avons pas encore reçu votre réponse au questionnaire sur votre situation %d mois après votre CQP « %s ». Vos réponses aident la branche à améliorer ses certifications ; cela prend deux minutes :\n\n%s\n\nCe lien reste valable jusqu'au %s. C'est notre seul rappel.\n\nLe secrétariat des CQP\n",
					c.DisplayName(), sv.Wave, e.QualificationTitle, link, domain.DateOf(sv.ExpiresAt).String()))
		})
		if err != nil {
			return out, err
		}
	}
	return out, nil
}

// newSurveyLink stores a new link to the survey and returns its address; only the hash is kept.
func (s *Service) newSurveyLink(ctx context.Context, q store.Q, surveyID string, now time.Time) (string, error) {
	token, hash := newSecret()
	if err := q.AddOutcomeSurveyLink(ctx, hash, surveyID, now); err != nil {
		return "", err
	}
	return s.baseURL + "/devenir/" + token, nil
}

// SurveyForm is what the public survey page shows of the survey a link opens.
type SurveyForm struct {
	Wave               int
	QualificationTitle string
	ExpiresAt          time.Time
}

// errSurveyLink is the refusal of a link that does not open a survey to answer.
func errSurveyLink(sv store.OutcomeSurvey, now time.Time) error {
	switch {
	case sv.Answered():
		return domain.Errorf(domain.ECONFLICT, "Ce questionnaire a déjà reçu une réponse : ce lien ne sert qu'une fois. Merci pour votre participation ! Pour corriger une réponse, écrivez au secrétariat des CQP.")
	case !now.Before(sv.ExpiresAt):
		return domain.Errorf(domain.ECONFLICT, "Ce lien a expiré le %s : le questionnaire n'accepte plus de réponse. Si vous souhaitez quand même répondre, écrivez au secrétariat des CQP.", domain.DateOf(sv.ExpiresAt).String())
	}
	return nil
}

// OutcomeSurveyByLink opens the survey of a mailed link, for the public page: refused
// (ENOTFOUND) for an unknown link, (ECONFLICT) once answered or expired.
func (s *Service) OutcomeSurveyByLink(ctx context.Context, token string) (SurveyForm, error) {
	sv, err := s.surveyByToken(ctx, s.store.Read(), token)
	if err != nil {
		return SurveyForm{}, err
	}
	if err := errSurveyLink(sv, s.Now()); err != nil {
		return SurveyForm{}, err
	}
	return SurveyForm{Wave: sv.Wave, QualificationTitle: sv.QualificationTitle, ExpiresAt: sv.ExpiresAt}, nil
}

func (s *Service) surveyByToken(ctx context.Context, q store.Q, token string) (store.OutcomeSurvey, error) {
	if token == "" || len(token) > 100 {
		return store.OutcomeSurvey{}, errUnknownSurveyLink
	}
	sv, err := q.OutcomeSurveyByLink(ctx, hashSecret(token))
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return sv, errUnknownSurveyLink
	}
	return sv, err
}

var errUnknownSurveyLink = domain.Errorf(domain.ENOTFOUND, "Ce lien de questionnaire est inconnu : vérifiez que vous avez copié toute l'adresse reçue par courriel.")

// AnswerOutcomeSurvey records the candidate's answer given through a link: once, while the
// link works. A refused answer writes nothing.
func (s *Service) AnswerOutcomeSurvey(ctx context.Context, token string, in domain.SurveyAnswer) error {
	sv, err := s.surveyByToken(ctx, s.store.Read(), token)
	if err != nil {
		return err
	}
	now := s.Now()
	if err := errSurveyLink(sv, now); err != nil {
		return err
	}
	if err := cleanSurveyAnswer(&in); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		if err := q.AnswerOutcomeSurveyByLink(ctx, sv.ID, in, now); err != nil {
			return err
		}
		return s.audit(ctx, q, domain.SystemActor("Candidat (lien du questionnaire de devenir)"), change{Action: "survey.answer",
			EntityType: "outcome_survey", EntityID: sv.ID, CandidateID: sv.CandidateID, After: surveyAudit(in, domain.SourceEmail)})
	})
}

// cleanSurveyAnswer checks the answer and drops the contract of a candidate not employed.
func cleanSurveyAnswer(in *domain.SurveyAnswer) error {
	if fe := in.Check(); len(fe) > 0 {
		return fe.Err()
	}
	if !in.Situation.Employed() {
		in.Contract = ""
	}
	return nil
}

func surveyAudit(a domain.SurveyAnswer, source domain.SurveySource) map[string]any {
	return map[string]any{"situation": string(a.Situation), "contract": string(a.Contract), "job_title": a.JobTitle,
		"company_name": a.CompanyName, "siret": a.SIRET, "helped": string(a.Helped), "source": string(source)}
}

// RecordOutcomeSurveyAnswer is the secretariat typing an answer, or correcting one, given by
// phone or otherwise (source): the source, the account and the time are kept, the change is
// audited with what it replaced.
func (s *Service) RecordOutcomeSurveyAnswer(ctx context.Context, a domain.Actor, surveyID string, in domain.SurveyAnswer, source domain.SurveySource) error {
	if err := Check(a, ActSurveyRecord); err != nil {
		return err
	}
	fe := in.Check()
	if source != domain.SourcePhone && source != domain.SourceSecretariat {
		fe.Add("source", "Indiquez d'où vient la réponse : un appel téléphonique ou une autre saisie du secrétariat.")
	}
	if err := fe.Err(); err != nil {
		return err
	}
	if !in.Situation.Employed() {
		in.Contract = ""
	}
	return s.store.Write(ctx, func(q store.Q) error {
		sv, err := q.OutcomeSurvey(ctx, surveyID)
		if err != nil {
			return err
		}
		var before any
		if sv.Answered() {
			before = surveyAudit(sv.Answer, sv.Source)
		}
		if err := q.RecordOutcomeSurveyAnswer(ctx, sv.ID, in, source, a.UserID, a.Name, s.Now()); err != nil {
			return err
		}
		action := "survey.record"
		if sv.Answered() {
			action = "survey.correct"
		}
		return s.audit(ctx, q, a, change{Action: action, EntityType: "outcome_survey", EntityID: sv.ID, CandidateID: sv.CandidateID,
			Before: before, After: surveyAudit(in, source)})
	})
}

// CandidateOutcomeSurveys lists the surveys of a candidate the actor may read, on the
// enrolments the actor sees (an OF, its own).
func (s *Service) CandidateOutcomeSurveys(ctx context.Context, a domain.Actor, candidateID string) ([]store.OutcomeSurvey, error) {
	c, err := s.Candidate(ctx, a, candidateID)
	if err != nil {
		return nil, err
	}
	all, err := s.store.Read().CandidateOutcomeSurveys(ctx, c.ID)
	if err != nil {
		return nil, err
	}
	seen := map[string]bool{}
	for _, e := range c.Enrolments {
		seen[e.ID] = true
	}
	var out []store.OutcomeSurvey
	for _, sv := range all {
		if seen[sv.EnrolmentID] {
			out = append(out, sv)
		}
	}
	return out, nil
}

// OutcomeSurvey returns one survey for the secretariat's form.
func (s *Service) OutcomeSurvey(ctx context.Context, a domain.Actor, surveyID string) (store.OutcomeSurvey, error) {
	if err := Check(a, ActSurveyRecord); err != nil {
		return store.OutcomeSurvey{}, err
	}
	return s.store.Read().OutcomeSurvey(ctx, surveyID)
}
