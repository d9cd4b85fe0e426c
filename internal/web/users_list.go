package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/store"
)

type usersListPage struct {
	Role  string
	Roles []option
	Users []domain.User
}

func (s *Server) usersList(w http.ResponseWriter, r *http.Request) error {
	role := domain.Role(r.URL.Query().Get("role"))
	if !role.Valid() {
		role = ""
	}
	users, err := s.svc.Users(r.Context(), actorFrom(r.Context()), store.UserFilter{Role: role})
	if err != nil {
		return err
	}
	p := usersListPage{Role: string(role), Users: users}
	for _, ro := range domain.Roles {
		p.Roles = append(p.Roles, option{string(ro), ro.Label()})
	}
	s.render(w, r, http.StatusOK, "users_list.html", "Comptes", p)
	return nil
}
