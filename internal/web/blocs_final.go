package web

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The secretariat's page opening the blocs route's final stage for a person who holds block
// attestations (DOMAIN.md §5 « blocs »): the qualification, the optional blocks that complete
// the composition, the date the experience file is due, a note.

type finalStagePage struct {
	Form      *form
	Candidate domain.Candidate
	Options   []service.FinalStageOption
}

const finalStageTitle = "Ouvrir l'évaluation finale de la voie blocs"

func (s *Server) finalStageData(r *http.Request, f *form) (finalStagePage, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	c, err := s.svc.Candidate(ctx, a, r.PathValue("id"))
	if err != nil {
		return finalStagePage{}, err
	}
	opts, err := s.svc.FinalStageOptions(ctx, a, c.ID)
	if err != nil {
		return finalStagePage{}, err
	}
	if len(opts) == 1 && f.Get("qualification") == "" {
		f.Values.Set("qualification", opts[0].QualificationCode)
	}
	return finalStagePage{Form: f, Candidate: c, Options: opts}, nil
}

func (s *Server) finalStageForm(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("valid_until", s.svc.Today().AddDays(365).String())
	p, err := s.finalStageData(r, f)
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "blocs_final.html", finalStageTitle, p)
	return nil
}

func (s *Server) finalStageSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a := r.Context(), actorFrom(r.Context())
	f := newForm(r)
	v := r.PostForm
	qual := v.Get("qualification")
	out, err := s.svc.OpenBlocsFinalStage(ctx, a, service.FinalStageInput{CandidateID: r.PathValue("id"), QualificationCode: qual,
		Optional: v["optional_"+qual], ValidUntil: v.Get("valid_until"), Reason: v.Get("reason")})
	if err != nil {
		if !f.failWith(err, nil) {
			return err
		}
		p, derr := s.finalStageData(r, f)
		if derr != nil {
			return derr
		}
		s.render(w, r, formStatus(err), "blocs_final.html", finalStageTitle, p)
		return nil
	}
	msg := "L'évaluation finale de « " + out.Enrolment.QualificationTitle + " » est ouverte pour " + out.Candidate.DisplayName() + " (blocs " +
		strings.Join(out.Enrolment.Blocks, ", ") + ")."
	if out.Enrolment.Status == domain.StatusFinalEvaluation {
		msg += " Tous les blocs sont acquis : planifiez l'oral de la commission."
	} else {
		msg += " Le dossier d'expérience est ouvert pour les blocs non acquis."
	}
	if out.Candidate.Email != "" {
		msg += " Le candidat en est informé par courriel."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/vae/"+out.Enrolment.ID, http.StatusSeeOther)
	return nil
}
