package web

import (
	"net/http"
	"strings"

	"cqp/internal/service"
)

// followupHoursSubmit records the planned and done hours of the enrolment's blocks. The form
// holds two fields per block ("planned-BC1", "done-BC1"); blocks absent from it keep their hours.
func (s *Server) followupHoursSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	in := map[string]service.BlockHoursInput{}
	for key := range r.PostForm {
		for _, kind := range []string{"planned", "done"} {
			code, ok := strings.CutPrefix(key, kind+"-")
			if !ok || code == "" {
				continue
			}
			h := in[code]
			if kind == "planned" {
				h.Planned = r.PostForm.Get(key)
			} else {
				h.Done = r.PostForm.Get(key)
			}
			in[code] = h
		}
	}
	if err := s.svc.SetTrainingHours(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in); err != nil {
		return s.followupRefused(w, r, err, f, func(fs *followupForms) { fs.Hours = f })
	}
	s.followupBack(w, r, "Les heures de formation sont enregistrées.", "heures")
	return nil
}
