package web

import (
	"net/http"

	"cqp/internal/service"
)

type dashboardPage struct {
	// Tasks are the cards of work waiting for the actor, those with a count only; Figures are
	// the counts to follow.
	Tasks, Figures []service.DashboardCard
	// VAE lists a candidate's own VAE files with what comes next; Own their other enrolments.
	VAE []service.VAENextStep
	Own []service.OwnRoute
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
	own, err := s.svc.CandidateDashboard(ctx, a)
	if err != nil {
		return err
	}
	p := dashboardPage{VAE: vae.Own, Own: own}
	for _, c := range append(cards, vae.Cards...) {
		switch {
		case !c.Task:
			p.Figures = append(p.Figures, c)
		case c.Count > 0:
			p.Tasks = append(p.Tasks, c)
		}
	}
	s.render(w, r, http.StatusOK, "dashboard.html", "Tableau de bord", p)
	return nil
}
