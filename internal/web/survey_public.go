package web

import (
	"net/http"
	"net/url"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The public outcome survey page: a candidate opens the link of their mail, answers a few
// questions and sends them, once, without an account (service.AnswerOutcomeSurvey).

type surveyPublicPage struct {
	Form    *form
	Token   string
	Survey  service.SurveyForm
	Choices surveyChoices
	Refused string // why the link opens nothing to answer; "" otherwise
	Posted  bool   // the refused link was sent answers, which were not recorded
	Done    bool
}

// surveyChoices are the options of the survey's radio groups.
type surveyChoices struct {
	Situations, Contracts, Helped []option
}

func newSurveyChoices() surveyChoices {
	var c surveyChoices
	for _, v := range domain.SurveySituations {
		c.Situations = append(c.Situations, option{string(v), v.Label()})
	}
	for _, v := range domain.SurveyContracts {
		c.Contracts = append(c.Contracts, option{string(v), v.Label()})
	}
	for _, v := range domain.SurveyHelpedAnswers {
		c.Helped = append(c.Helped, option{string(v), v.Label()})
	}
	return c
}

// surveyAnswerOf reads the survey's fields from a posted form.
func surveyAnswerOf(v url.Values) domain.SurveyAnswer {
	return domain.SurveyAnswer{Situation: domain.SurveySituation(v.Get("situation")), Contract: domain.SurveyContract(v.Get("contract")),
		JobTitle: v.Get("job_title"), CompanyName: v.Get("company_name"), SIRET: v.Get("siret"), Helped: domain.SurveyHelped(v.Get("helped"))}
}

const surveyPublicTitle = "Que devenez-vous après votre CQP ?"

// surveyRefused shows why a link opens nothing to answer: unknown (404), answered or expired (410).
func (s *Server) surveyRefused(w http.ResponseWriter, r *http.Request, err error) error {
	status := http.StatusNotFound
	switch domain.ErrorCode(err) {
	case domain.ENOTFOUND:
	case domain.ECONFLICT:
		status = http.StatusGone
	default:
		return err
	}
	s.render(w, r, status, "survey_public.html", "Questionnaire indisponible",
		surveyPublicPage{Refused: domain.ErrorMessage(err), Posted: r.Method == http.MethodPost})
	return nil
}

func (s *Server) surveyPublicForm(w http.ResponseWriter, r *http.Request) error {
	token := r.PathValue("token")
	sv, err := s.svc.OutcomeSurveyByLink(r.Context(), token)
	if err != nil {
		return s.surveyRefused(w, r, err)
	}
	s.render(w, r, http.StatusOK, "survey_public.html", surveyPublicTitle,
		surveyPublicPage{Form: emptyForm(), Token: token, Survey: sv, Choices: newSurveyChoices()})
	return nil
}

func (s *Server) surveyPublicSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	token := r.PathValue("token")
	sv, err := s.svc.OutcomeSurveyByLink(r.Context(), token)
	if err != nil {
		return s.surveyRefused(w, r, err)
	}
	err = s.svc.AnswerOutcomeSurvey(r.Context(), token, surveyAnswerOf(r.PostForm))
	switch {
	case err == nil:
		s.render(w, r, http.StatusOK, "survey_public.html", "Merci pour votre réponse", surveyPublicPage{Done: true})
		return nil
	case domain.ErrorCode(err) == domain.EINVALID:
		f := newForm(r)
		f.fail(err)
		s.render(w, r, formStatus(err), "survey_public.html", surveyPublicTitle,
			surveyPublicPage{Form: f, Token: token, Survey: sv, Choices: newSurveyChoices()})
		return nil
	default:
		return s.surveyRefused(w, r, err)
	}
}
