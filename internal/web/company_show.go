package web

import (
	"net/http"

	"cqp/internal/domain"
)

type companyShowPage struct {
	Company    domain.Company
	SIRETShown string
	Users      []userRow
}

// userRow is an account with the roles it holds for the page's organisation or company.
type userRow struct {
	domain.User
	RoleLabels []string
}

func (s *Server) companyShow(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	c, err := s.svc.Company(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	users, err := s.svc.CompanyUsers(ctx, a, c.ID)
	if err != nil {
		return err
	}
	p := companyShowPage{Company: c, SIRETShown: formatSIRET(c.SIRET)}
	for _, u := range users {
		row := userRow{User: u}
		for _, ra := range u.Roles {
			if ra.ScopeID == c.ID {
				row.RoleLabels = append(row.RoleLabels, ra.Role.Label())
			}
		}
		p.Users = append(p.Users, row)
	}
	s.render(w, r, http.StatusOK, "company_show.html", c.Name, p)
	return nil
}
