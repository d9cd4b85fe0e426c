package web

import (
	"net/http"
	"net/url"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type enrolmentNewPage struct {
	Form      *form
	Action    store.Action
	Framework store.FrameworkRecord
	Optional  []domain.Block
	Publics   []option
	Companies []option
	Referents []option
	Levels    []option
	Derogate  bool
	// Blocs is a blocs action: the candidate chooses any blocks, and may be already known.
	Blocs     bool
	AllBlocks []domain.Block
}

func diplomaLevelOptions() []option {
	var out []option
	for _, d := range service.DiplomaLevels {
		out = append(out, option{strconv.Itoa(d.Level), d.Label})
	}
	return out
}

func publicOptions() []option {
	var out []option
	for _, pu := range []domain.Public{domain.PublicRecentGraduate, domain.PublicJobSeeker, domain.PublicEmployee} {
		out = append(out, option{string(pu), pu.Label()})
	}
	return out
}

func (s *Server) enrolmentNewData(r *http.Request, f *form) (enrolmentNewPage, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	act, err := s.svc.ActionForEnrolment(ctx, a, r.PathValue("id"))
	if err != nil {
		return enrolmentNewPage{}, err
	}
	if act.Status == store.ActionRefused {
		return enrolmentNewPage{}, domain.Errorf(domain.ECONFLICT, "L'action « %s » a été refusée par le secrétariat : elle ne prend plus de candidat.", act.Title)
	}
	fw, err := s.svc.ActionFramework(ctx, a, act)
	if err != nil {
		return enrolmentNewPage{}, err
	}
	p := enrolmentNewPage{Form: f, Action: act, Framework: fw, Optional: fw.Framework.BlocksOfKind(domain.BlockOptional),
		Publics: publicOptions(), Levels: diplomaLevelOptions(), Derogate: service.Can(a, service.ActEnrolmentDerogate),
		Blocs: act.Route == domain.RouteBlocs, AllBlocks: fw.Framework.Blocks}
	var companyIDs []string
	if service.Can(a, service.ActCompanyRead) {
		cos, err := s.svc.Companies(ctx, a)
		if err != nil {
			return p, err
		}
		for _, c := range cos {
			p.Companies = append(p.Companies, option{c.ID, companyLabel(c)})
			companyIDs = append(companyIDs, c.ID)
		}
	}
	refs, err := s.svc.ReferentChoices(ctx, a, companyIDs)
	if err != nil {
		return p, err
	}
	for _, ref := range refs {
		p.Referents = append(p.Referents, option{ref.UserID, ref.Name + " — " + ref.CompanyName})
	}
	return p, nil
}

func (s *Server) enrolmentNewForm(w http.ResponseWriter, r *http.Request) error {
	p, err := s.enrolmentNewData(r, emptyForm())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "enrolment_new.html", "Inscrire un candidat dans l'action", p)
	return nil
}

// intakeOf reads the interview and eligibility fields of a form.
func intakeOf(v url.Values, fe domain.FieldErrors) store.Intake {
	return store.Intake{
		InterviewOn:             formDate(v, "interview_on", fe, "La date de l'entretien doit être au format JJ/MM/AAAA, par exemple 02/11/2026."),
		Project:                 v.Get("project"),
		Motivation:              v.Get("motivation"),
		DiplomaLevel:            formInt(v, "diploma_level", -1, fe, "Choisissez le diplôme le plus élevé dans la liste."),
		ExperienceMonths:        formInt(v, "experience_months", -1, fe, "Indiquez l'expérience en mois, en chiffres (0 s'il n'y en a pas)."),
		RelatedExperienceMonths: formInt(v, "related_experience_months", 0, fe, "Indiquez l'expérience en lien en mois, en chiffres (0 s'il n'y en a pas)."),
	}
}

func (s *Server) enrolmentNewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	fe := domain.FieldErrors{}
	known := strings.TrimSpace(v.Get("candidate_number")) != ""
	var c domain.Candidate
	if !known {
		c = candidateIdentityOf(v, fe)
	}
	if strings.TrimSpace(v.Get("experience_months")) == "" {
		fe.Add("experience_months", "Indiquez l'expérience professionnelle en mois (0 s'il n'y en a pas).")
	}
	if strings.TrimSpace(v.Get("diploma_level")) == "" {
		fe.Add("diploma_level", "Choisissez le diplôme le plus élevé (« Aucun diplôme » s'il n'y en a pas).")
	}
	intake := intakeOf(v, fe)
	in := service.CandidateInput{Candidate: c, Enrolment: &service.EnrolmentInput{
		Public: domain.Public(v.Get("public")), CompanyID: v.Get("company"), ReferentUserID: v.Get("referent"),
		Blocks: v["blocks"], Intake: &intake, Derogation: v.Get("derogation"),
	}}
	var out service.Enrolled
	var err error
	if known {
		who := service.KnownCandidate{Number: v.Get("candidate_number"),
			BirthDate: formDate(v, "candidate_birth_date", fe, "La date de naissance doit être au format JJ/MM/AAAA, par exemple 04/05/1998.")}
		out, err = s.svc.EnrolKnownInAction(r.Context(), actorFrom(r.Context()), r.PathValue("id"), who, *in.Enrolment)
	} else {
		out, err = s.svc.EnrolInAction(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
	}
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		p, derr := s.enrolmentNewData(r, f)
		if derr != nil {
			return derr
		}
		s.render(w, r, formStatus(err), "enrolment_new.html", "Inscrire un candidat dans l'action", p)
		return nil
	}
	msg := out.Candidate.DisplayName() + " est inscrit·e dans l'action sous le numéro " + out.Candidate.Number + "."
	if out.Enrolment.Derogation.Reason != "" {
		msg += " L'inscription est faite par dérogation aux conditions d'éligibilité."
	}
	if out.Eligibility != nil {
		for _, warning := range out.Eligibility.Warnings {
			msg += " Attention : " + warning
		}
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/inscriptions/"+out.Enrolment.ID, http.StatusSeeOther)
	return nil
}
