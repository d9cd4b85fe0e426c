package web

import (
	"net/http"

	"cqp/internal/service"
)

// followupInternshipCreate records an internship period; the page says when it starts before
// the training ends.
func (s *Server) followupInternshipCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	line, err := s.svc.AddInternship(r.Context(), actorFrom(r.Context()), r.PathValue("id"), service.InternshipInput{
		CompanyID: v.Get("company"), StartsOn: v.Get("starts_on"), EndsOn: v.Get("ends_on"), Hours: v.Get("hours")})
	if err != nil {
		return s.followupRefused(w, r, err, f, func(fs *followupForms) { fs.Internship = f })
	}
	msg := "Le stage est enregistré."
	if line.BeforeTrainingEnds {
		msg += " Attention : il commence avant la fin de la formation."
	}
	s.followupBack(w, r, msg, "stages")
	return nil
}

// followupInternshipRemove removes an internship entered by mistake, with the reason.
func (s *Server) followupInternshipRemove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	id := r.PathValue("stage")
	if err := s.svc.RemoveInternship(r.Context(), actorFrom(r.Context()), r.PathValue("id"), id, r.PostForm.Get("reason")); err != nil {
		return s.followupRefused(w, r, err, f, func(fs *followupForms) { fs.Remove, fs.RemoveID = f, id })
	}
	s.followupBack(w, r, "Le stage est retiré ; le journal garde sa trace et la raison.", "stages")
	return nil
}
