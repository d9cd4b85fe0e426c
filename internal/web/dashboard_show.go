package web

import (
	"net/http"

	"cqp/internal/service"
)

type dashboardPage struct {
	Cards []service.DashboardCard
	// VAE lists a candidate's own VAE files with what comes next.
	VAE []service.VAENextStep
}

func (s *Server) dashboardShow(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	cards, err := s.svc.Dashboard(ctx, a)
	if err != nil {
		return err
	}
	vae, err := s.svc.VAEDashboard(ctx, a)
	if err != nil {
		return err
	}
	cards = append(cards, vae.Cards...)
	s.render(w, r, http.StatusOK, "dashboard.html", "Tableau de bord", dashboardPage{Cards: cards, VAE: vae.Own})
	return nil
}
