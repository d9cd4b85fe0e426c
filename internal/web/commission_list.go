package web

import (
	"net/http"

	"cqp/internal/store"
)

type commissionsPage struct {
	Commissions []store.Commission
}

func (s *Server) commissionsList(w http.ResponseWriter, r *http.Request) error {
	cs, err := s.svc.Commissions(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "commission_list.html", "Commissions d'évaluation", commissionsPage{Commissions: cs})
	return nil
}
