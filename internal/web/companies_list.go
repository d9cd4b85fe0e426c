package web

import (
	"net/http"

	"cqp/internal/domain"
)

type companyRow struct {
	domain.Company
	SIRETShown string
}

type companiesListPage struct {
	Rows []companyRow
}

func (s *Server) companiesList(w http.ResponseWriter, r *http.Request) error {
	cos, err := s.svc.Companies(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	var p companiesListPage
	for _, c := range cos {
		p.Rows = append(p.Rows, companyRow{Company: c, SIRETShown: formatSIRET(c.SIRET)})
	}
	s.render(w, r, http.StatusOK, "companies_list.html", "Entreprises", p)
	return nil
}
