package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The secretariat's form to type a candidate's answer to the outcome survey, given by phone or
// otherwise, or to correct one (service.RecordOutcomeSurveyAnswer).

type surveyRecordPage struct {
	Form      *form
	Candidate domain.Candidate
	Survey    store.OutcomeSurvey
	Choices   surveyChoices
	Sources   []option
}

// surveyOfCandidate returns the survey named in the path, when it is the candidate's.
func (s *Server) surveyOfCandidate(r *http.Request) (domain.Candidate, store.OutcomeSurvey, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	c, err := s.svc.Candidate(ctx, a, r.PathValue("id"))
	if err != nil {
		return c, store.OutcomeSurvey{}, err
	}
	sv, err := s.svc.OutcomeSurvey(ctx, a, r.PathValue("survey"))
	if err != nil {
		return c, sv, err
	}
	if sv.CandidateID != c.ID {
		return c, sv, domain.Errorf(domain.ENOTFOUND, "Ce questionnaire n'est pas celui de ce candidat.")
	}
	return c, sv, nil
}

func (s *Server) renderSurveyRecord(w http.ResponseWriter, r *http.Request, status int, c domain.Candidate, sv store.OutcomeSurvey, f *form) {
	p := surveyRecordPage{Form: f, Candidate: c, Survey: sv, Choices: newSurveyChoices(),
		Sources: []option{{string(domain.SourcePhone), "Appel téléphonique"}, {string(domain.SourceSecretariat), "Autre saisie du secrétariat (courrier, courriel direct…)"}}}
	title := "Saisir la réponse au questionnaire de devenir"
	if sv.Answered() {
		title = "Corriger la réponse au questionnaire de devenir"
	}
	s.render(w, r, status, "survey_record.html", title, p)
}

func (s *Server) surveyRecordForm(w http.ResponseWriter, r *http.Request) error {
	c, sv, err := s.surveyOfCandidate(r)
	if err != nil {
		return err
	}
	f := emptyForm()
	if sv.Answered() {
		a := sv.Answer
		for k, v := range map[string]string{"situation": string(a.Situation), "contract": string(a.Contract), "job_title": a.JobTitle,
			"company_name": a.CompanyName, "siret": a.SIRET, "helped": string(a.Helped)} {
			f.Values.Set(k, v)
		}
	}
	f.Values.Set("source", string(domain.SourcePhone))
	s.renderSurveyRecord(w, r, http.StatusOK, c, sv, f)
	return nil
}

func (s *Server) surveyRecordSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	c, sv, err := s.surveyOfCandidate(r)
	if err != nil {
		return err
	}
	err = s.svc.RecordOutcomeSurveyAnswer(r.Context(), actorFrom(r.Context()), sv.ID, surveyAnswerOf(r.PostForm), domain.SurveySource(r.PostForm.Get("source")))
	if err != nil {
		f := newForm(r)
		if !f.fail(err) {
			return err
		}
		s.renderSurveyRecord(w, r, formStatus(err), c, sv, f)
		return nil
	}
	msg := "La réponse au questionnaire de devenir est enregistrée."
	if sv.Answered() {
		msg = "La réponse au questionnaire de devenir est corrigée."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/candidats/"+c.ID+"#devenir", http.StatusSeeOther)
	return nil
}

// surveyRecordable reports whether the actor may type answers (the candidate page's links).
func surveyRecordable(a domain.Actor) bool { return service.Can(a, service.ActSurveyRecord) }
