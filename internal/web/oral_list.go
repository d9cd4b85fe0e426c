package web

import (
	"net/http"

	"cqp/internal/service"
)

func (s *Server) oralsList(w http.ResponseWriter, r *http.Request) error {
	p, err := s.svc.Orals(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	title := "Planning des oraux"
	if p.Own {
		title = "Mes oraux"
	}
	s.render(w, r, http.StatusOK, "oral_list.html", title, oralListPage{P: p, Title: title})
	return nil
}

type oralListPage struct {
	P     service.OralPlanning
	Title string
}
