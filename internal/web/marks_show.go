package web

import (
	"net/http"

	"cqp/internal/service"
)

type marksPage struct {
	Ev        service.ContinuousEvaluation
	Form      *form  // the new assessment
	Remove    *form  // an assessment's removal
	RemoveID  string // the assessment whose removal was refused
	Blocks    []option
	CanRecord bool // the actor enters marks and the enrolment's marks are open
}

func (s *Server) marksShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderMarks(w, r, http.StatusOK, nil, nil, "")
}

// renderMarks shows an enrolment's continuous evaluation with its forms.
func (s *Server) renderMarks(w http.ResponseWriter, r *http.Request, status int, f, remove *form, removeID string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	ev, err := s.svc.ContinuousEvaluation(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		f.Values.Set("on", s.svc.Today().ISO())
	}
	if remove == nil {
		remove = emptyForm()
	}
	p := marksPage{Ev: ev, Form: f, Remove: remove, RemoveID: removeID,
		CanRecord: service.Can(a, service.ActTrainingRecord) && ev.Closed == ""}
	for _, b := range ev.Blocks {
		if b.Held != nil {
			continue // acquired for good: not marked again
		}
		p.Blocks = append(p.Blocks, option{Value: b.Code, Label: b.Code + " — " + b.Title})
	}
	s.render(w, r, status, "marks_show.html", "Évaluation continue — "+ev.Candidate.DisplayName(), p)
	return nil
}

// marksCreate records one assessment of one block.
func (s *Server) marksCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	m, err := s.svc.AddContinuousAssessment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), service.AssessmentInput{
		BlockCode: v.Get("block"), Label: v.Get("label"), On: v.Get("on"), Mark: v.Get("mark")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderMarks(w, r, formStatus(err), f, nil, "")
	}
	s.flash(r, "La note de "+m.Mark.String()+"/20 est enregistrée pour le bloc "+m.BlockCode+".")
	http.Redirect(w, r, "/inscriptions/"+r.PathValue("id")+"/notes#bloc-"+m.BlockCode, http.StatusSeeOther)
	return nil
}

// marksRemove removes an assessment entered by mistake, with the reason.
func (s *Server) marksRemove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	id := r.PathValue("note")
	if err := s.svc.RemoveContinuousAssessment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), id, r.PostForm.Get("reason")); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderMarks(w, r, formStatus(err), nil, f, id)
	}
	s.flash(r, "La note est retirée ; le journal garde sa trace et la raison.")
	http.Redirect(w, r, "/inscriptions/"+r.PathValue("id")+"/notes", http.StatusSeeOther)
	return nil
}
