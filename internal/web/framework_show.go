package web

import (
	"net/http"
	"strconv"

	"cqp/internal/store"
)

type frameworkShowPage struct {
	Record store.FrameworkRecord
	Latest bool // this version is the qualification's latest
}

func (s *Server) frameworkShow(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	rec, err := s.svc.Framework(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	versions, err := s.svc.FrameworkVersions(ctx, a, rec.Framework.Qualification.Code)
	if err != nil {
		return err
	}
	p := frameworkShowPage{Record: rec, Latest: len(versions) > 0 && versions[0].ID == rec.ID}
	q := rec.Framework.Qualification
	s.render(w, r, http.StatusOK, "framework_show.html", q.Title+" — version "+strconv.Itoa(rec.Version), p)
	return nil
}
