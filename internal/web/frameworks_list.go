package web

import (
	"net/http"

	"cqp/internal/store"
)

type frameworksListPage struct {
	Frameworks []store.FrameworkRecord
	ToConfirm  int // items to confirm across every latest version
}

func (s *Server) frameworksList(w http.ResponseWriter, r *http.Request) error {
	fws, err := s.svc.Frameworks(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	p := frameworksListPage{Frameworks: fws}
	for _, f := range fws {
		p.ToConfirm += f.ToConfirmCount
	}
	s.render(w, r, http.StatusOK, "frameworks_list.html", "Référentiels", p)
	return nil
}
