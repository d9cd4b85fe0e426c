package web

import (
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type enrolmentShowPage struct {
	File          service.EnrolmentFile
	RuleLabel     string
	DiplomaLabel  string
	CanManage     bool
	CanReadAction bool
	Referents     []option
	ReferentForm  *form
	IntakeForm    *form
	Levels        []option
	Derogate      bool
}

func (s *Server) enrolmentShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderEnrolment(w, r, http.StatusOK, nil, nil)
}

// renderEnrolment shows an enrolment's page with its referent and interview forms, shown again
// with their errors when given.
func (s *Server) renderEnrolment(w http.ResponseWriter, r *http.Request, status int, referent, intake *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	file, err := s.svc.Enrolment(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	e := file.Enrolment
	p := enrolmentShowPage{File: file, CanManage: service.Can(a, service.ActEnrolmentManage),
		CanReadAction: e.ActionID != "" && service.Can(a, service.ActActionRead), Levels: diplomaLevelOptions(),
		Derogate: service.Can(a, service.ActEnrolmentDerogate), ReferentForm: referent, IntakeForm: intake}
	if file.Eligibility != nil {
		p.RuleLabel = service.EligibilityRuleLabel(file.Eligibility.Rule)
	}
	if e.Intake.Recorded() {
		p.DiplomaLabel = service.DiplomaLevelLabel(e.Intake.DiplomaLevel)
	}
	if p.CanManage {
		if e.CompanyID != "" {
			refs, err := s.svc.ReferentChoices(ctx, a, []string{e.CompanyID})
			if err != nil {
				return err
			}
			for _, ref := range refs {
				p.Referents = append(p.Referents, option{ref.UserID, ref.Name})
			}
		}
		if p.ReferentForm == nil {
			p.ReferentForm = emptyForm()
			p.ReferentForm.Values.Set("referent", e.ReferentUserID)
		}
		if p.IntakeForm == nil {
			p.IntakeForm = emptyForm()
			if in := e.Intake; in.Recorded() {
				p.IntakeForm.Values.Set("interview_on", in.InterviewOn.ISO())
				p.IntakeForm.Values.Set("project", in.Project)
				p.IntakeForm.Values.Set("motivation", in.Motivation)
				p.IntakeForm.Values.Set("diploma_level", strconv.Itoa(in.DiplomaLevel))
				p.IntakeForm.Values.Set("experience_months", strconv.Itoa(in.ExperienceMonths))
				p.IntakeForm.Values.Set("related_experience_months", strconv.Itoa(in.RelatedExperienceMonths))
			}
		}
	}
	s.render(w, r, status, "enrolment_show.html", file.Candidate.DisplayName()+" — "+e.QualificationTitle, p)
	return nil
}

func (s *Server) enrolmentReferentSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	e, err := s.svc.ChangeEnrolmentReferent(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("referent"))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderEnrolment(w, r, formStatus(err), f, nil)
	}
	s.flash(r, e.ReferentName+" est désormais le référent entreprise de ce candidat ; un courriel l'en informe.")
	http.Redirect(w, r, "/inscriptions/"+e.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) enrolmentIntakeSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	fe := domain.FieldErrors{}
	if v.Get("experience_months") == "" {
		fe.Add("experience_months", "Indiquez l'expérience professionnelle en mois (0 s'il n'y en a pas).")
	}
	if v.Get("diploma_level") == "" {
		fe.Add("diploma_level", "Choisissez le diplôme le plus élevé (« Aucun diplôme » s'il n'y en a pas).")
	}
	file, err := s.svc.RecordEnrolmentIntake(r.Context(), actorFrom(r.Context()), r.PathValue("id"), intakeOf(v, fe), v.Get("derogation"))
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		return s.renderEnrolment(w, r, formStatus(err), nil, f)
	}
	msg := "L'entretien et les données d'éligibilité sont enregistrés."
	if file.Enrolment.Derogation.Reason != "" {
		msg += " Le candidat est inscrit par dérogation."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/inscriptions/"+file.Enrolment.ID, http.StatusSeeOther)
	return nil
}
