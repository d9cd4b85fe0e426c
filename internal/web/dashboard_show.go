package web

import (
	"net/http"

	"cqp/internal/service"
)

type dashboardPage struct {
	Cards []service.DashboardCard
}

func (s *Server) dashboardShow(w http.ResponseWriter, r *http.Request) error {
	cards, err := s.svc.Dashboard(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "dashboard.html", "Tableau de bord", dashboardPage{Cards: cards})
	return nil
}
