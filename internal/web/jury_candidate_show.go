package web

import (
	"net/http"

	"cqp/internal/service"
	"cqp/internal/store"
)

type juryCandidatePage struct {
	View service.JuryCandidateView
	Form *form // a refused decision, kept in the form of its block
	// Deliberating is true while the jury may decide.
	Deliberating bool
	Closed       bool
	When         string
}

func (s *Server) juryCandidateShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderJuryCandidate(w, r, http.StatusOK, emptyForm())
}

func (s *Server) renderJuryCandidate(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	v, err := s.svc.JuryCandidate(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("enrolment"))
	if err != nil {
		return err
	}
	p := juryCandidatePage{View: v, Form: f, Deliberating: v.Session.Status == store.JuryDeliberating,
		Closed: v.Session.Status == store.JuryClosed, When: service.SessionWhen(v.Session.StartsAt)}
	s.render(w, r, status, "jury_candidate.html", v.Candidate.Name+" — jury du "+p.When, p)
	return nil
}

// juryDecide records the jury's decision on a debated block.
func (s *Server) juryDecide(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	block := v.Get("block")
	err := s.svc.DecideJuryBlock(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("enrolment"), service.JuryDecisionInput{
		Block: block, Decision: v.Get("decision"), Reason: v.Get("reason"), ReferentOpinion: v.Get("referent_opinion")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderJuryCandidate(w, r, formStatus(err), f)
	}
	s.flash(r, "La décision du jury sur "+block+" est enregistrée.")
	http.Redirect(w, r, "/jury/sessions/"+r.PathValue("id")+"/candidats/"+r.PathValue("enrolment")+"#bloc-"+block, http.StatusSeeOther)
	return nil
}

// juryDecisionRemove removes a decision taken by mistake or no longer applicable.
func (s *Server) juryDecisionRemove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	block := r.PathValue("block")
	if err := s.svc.RemoveJuryDecision(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("enrolment"), block); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderJuryCandidate(w, r, formStatus(err), f)
	}
	s.flash(r, "La décision du jury sur "+block+" est supprimée.")
	http.Redirect(w, r, "/jury/sessions/"+r.PathValue("id")+"/candidats/"+r.PathValue("enrolment")+"#bloc-"+block, http.StatusSeeOther)
	return nil
}
