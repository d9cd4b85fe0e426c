package api

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// surveyDTO is one outcome survey (« devenir ») of a candidate, with its answer when there is one.
type surveyDTO struct {
	ID                 string           `json:"id"`
	EnrolmentID        string           `json:"enrolment_id"`
	QualificationTitle string           `json:"qualification_title"`
	Months             int              `json:"months"`
	ResultAt           string           `json:"result_at"`
	SentAt             string           `json:"sent_at"`
	Mailed             bool             `json:"mailed"`
	ExpiresAt          string           `json:"expires_at"`
	RemindedAt         *string          `json:"reminded_at"`
	AnsweredAt         *string          `json:"answered_at"`
	Answer             *surveyAnswerDTO `json:"answer"`
}

type surveyAnswerDTO struct {
	Situation      string  `json:"situation"`
	SituationLabel string  `json:"situation_label"`
	Contract       *string `json:"contract"`
	JobTitle       *string `json:"job_title"`
	CompanyName    *string `json:"company_name"`
	SIRET          *string `json:"siret"`
	Helped         string  `json:"helped"`
	Source         string  `json:"source"`
	RecordedAt     *string `json:"recorded_at"`
	RecordedBy     *string `json:"recorded_by_name"`
}

func surveyOf(s store.OutcomeSurvey) surveyDTO {
	d := surveyDTO{ID: s.ID, EnrolmentID: s.EnrolmentID, QualificationTitle: s.QualificationTitle, Months: s.Wave,
		ResultAt: timestamp(s.ResultAt), SentAt: timestamp(s.SentAt), Mailed: s.Mailed, ExpiresAt: timestamp(s.ExpiresAt),
		RemindedAt: optTimestamp(s.RemindedAt), AnsweredAt: optTimestamp(s.AnsweredAt)}
	if s.Answered() {
		a := s.Answer
		d.Answer = &surveyAnswerDTO{Situation: string(a.Situation), SituationLabel: a.Situation.Label(), Contract: opt(string(a.Contract)),
			JobTitle: opt(a.JobTitle), CompanyName: opt(a.CompanyName), SIRET: opt(a.SIRET), Helped: string(a.Helped),
			Source: string(s.Source), RecordedAt: optTimestamp(s.RecordedAt), RecordedBy: opt(s.RecordedByName)}
	}
	return d
}

// candidateSurveys lists a candidate's outcome surveys, scoped like the candidate's file (an
// OF reads those of its own enrolments).
func (a *API) candidateSurveys(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	list, err := a.svc.CandidateOutcomeSurveys(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(list, surveyOf)))
}
