package web

import "net/http"

func (s *Server) oralConvocations(w http.ResponseWriter, r *http.Request) error {
	got, err := s.svc.SendConvocations(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.flash(r, convocationNote(got))
	http.Redirect(w, r, "/oraux/"+got.Oral.ID, http.StatusSeeOther)
	return nil
}
