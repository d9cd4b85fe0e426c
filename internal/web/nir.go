package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type nirPage struct {
	Candidate domain.Candidate
	Shown     string // the NIR as the actor may see it
	Form      *form
}

// nirForm asks for a candidate's NIR. The field is never filled with the number recorded: the
// page shows it masked (whole to the secretariat) beside an empty field.
func (s *Server) nirForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderNIR(w, r, http.StatusOK, emptyForm())
}

func (s *Server) renderNIR(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	if err := service.Check(a, service.ActNIRWrite); err != nil {
		return err
	}
	c, err := s.svc.Candidate(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := nirPage{Candidate: c, Shown: domain.MaskNIR(c.NIR), Form: f}
	if service.Can(a, service.ActNIRRead) {
		p.Shown = domain.FormatNIR(c.NIR)
	}
	s.render(w, r, status, "nir_form.html", "Numéro de sécurité sociale (NIR)", p)
	return nil
}

// nirSubmit records the NIR typed, or shows the form again with what is wrong (without the
// number typed: a NIR is not sent back to the browser).
func (s *Server) nirSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
	if err := s.svc.SetCandidateNIR(ctx, a, id, r.PostForm.Get("nir")); err != nil {
		f := emptyForm()
		if !f.fail(err) {
			return err
		}
		return s.renderNIR(w, r, formStatus(err), f)
	}
	s.flash(r, "Le numéro de sécurité sociale est enregistré.")
	http.Redirect(w, r, "/candidats/"+id, http.StatusSeeOther)
	return nil
}

type nirIssuesPage struct {
	Issues []service.NIRIssue
	Total  int
	Limit  int
}

// nirIssues lists, for the secretariat, the holders of an award whose NIR is missing or wrong.
func (s *Server) nirIssues(w http.ResponseWriter, r *http.Request) error {
	issues, total, err := s.svc.NIRIssues(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "nir_issues.html", "NIR manquants ou incohérents", nirIssuesPage{Issues: issues, Total: total, Limit: service.NIRIssuesLimit})
	return nil
}
