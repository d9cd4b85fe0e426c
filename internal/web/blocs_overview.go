package web

import (
	"net/http"

	"cqp/internal/service"
)

// blocsOverviewPage is the blocs route block by block.
type blocsOverviewPage struct {
	O      service.BlocsOverview
	Stages []service.BlocsStage
}

func (s *Server) blocsOverview(w http.ResponseWriter, r *http.Request) error {
	o, err := s.svc.BlocsOverview(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "blocs_overview.html", "Blocs de compétences", blocsOverviewPage{O: o, Stages: service.BlocsStages})
	return nil
}
