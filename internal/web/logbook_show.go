package web

import (
	"net/http"
	"strings"

	"cqp/internal/service"
)

type logbookPage struct {
	L        service.Logbook
	Form     *form
	CanWrite bool // the actor is the referent who follows the candidate, and the logbook is open
	Blocks   []logbookBlock
}

// logbookBlock groups the competences of one block for the page.
type logbookBlock struct {
	Code        string
	Competences []service.CompetenceView
}

// Field returns the form field of a competence's evaluation.
func (p logbookPage) Field(code string) string { return service.CompetenceField(code) }

func (s *Server) logbookShow(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("on", s.svc.Today().ISO())
	return s.renderLogbook(w, r, http.StatusOK, f)
}

func (s *Server) renderLogbook(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	lb, err := s.svc.Logbook(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := logbookPage{L: lb, Form: f,
		CanWrite: service.Can(a, service.ActLogbookWrite) && lb.Enrolment.ReferentUserID == a.UserID && lb.Closed == ""}
	for _, c := range lb.Competences {
		if n := len(p.Blocks); n == 0 || p.Blocks[n-1].Code != c.BlockCode {
			p.Blocks = append(p.Blocks, logbookBlock{Code: c.BlockCode})
		}
		p.Blocks[len(p.Blocks)-1].Competences = append(p.Blocks[len(p.Blocks)-1].Competences, c)
	}
	s.render(w, r, status, "logbook_show.html", "Livret d'accompagnement — "+lb.Candidate.DisplayName(), p)
	return nil
}

// logbookSubmit appends the referent's visit: a dated note and the competences evaluated.
func (s *Server) logbookSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	in := service.LogbookInput{On: v.Get("on"), Body: v.Get("body"), Competences: map[string]string{}}
	for key := range v {
		if code, ok := strings.CutPrefix(key, service.CompetenceField("")); ok && code != "" {
			in.Competences[code] = v.Get(key)
		}
	}
	n, err := s.svc.AddLogbookEntries(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderLogbook(w, r, formStatus(err), f)
	}
	msg := "Le suivi est ajouté au livret."
	if n > 1 {
		msg = "Le suivi est ajouté au livret (" + frenchNumber(n) + " entrées)."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/inscriptions/"+r.PathValue("id")+"/livret", http.StatusSeeOther)
	return nil
}
