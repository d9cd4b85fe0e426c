package web

import (
	"net/http"

	"cqp/internal/store"
)

type frameworkVersionsPage struct {
	Code, Title string
	Versions    []store.FrameworkRecord
}

func (s *Server) frameworkVersions(w http.ResponseWriter, r *http.Request) error {
	versions, err := s.svc.FrameworkVersions(r.Context(), actorFrom(r.Context()), r.PathValue("code"))
	if err != nil {
		return err
	}
	p := frameworkVersionsPage{Code: r.PathValue("code"), Versions: versions}
	if len(versions) > 0 {
		p.Title = versions[0].Framework.Qualification.Title
	}
	s.render(w, r, http.StatusOK, "framework_versions.html", "Versions du référentiel "+p.Code, p)
	return nil
}
