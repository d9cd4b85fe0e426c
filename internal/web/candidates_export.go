package web

import (
	"net/http"

	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/tabular"
)

// candidateColumns are the candidates list's columns as a file: one row per candidate and
// enrolment, as on the page.
var candidateColumns = []tabular.Column{
	{Header: "Numéro", Width: 15}, {Header: "Nom de naissance", Width: 22}, {Header: "Nom d'usage", Width: 22},
	{Header: "Prénoms", Width: 22}, {Header: "Date de naissance", Width: 12, Kind: tabular.KindDate},
	{Header: "Code qualification", Width: 12}, {Header: "Qualification", Width: 40}, {Header: "Voie", Width: 24},
	{Header: "Statut", Width: 24}, {Header: "Organisme de formation", Width: 34},
}

// candidatesExport streams the candidates list with the page's filters and scope (an OF
// exports its own enrolments only), the whole list batch by batch from a cursor.
func (s *Server) candidatesExport(w http.ResponseWriter, r *http.Request, format string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	f, _, err := s.candidateFilterOf(r)
	if err != nil {
		return err
	}
	return s.writeExport(w, r, format, listExport{list: service.ListCandidates, file: "candidats", sheet: "Candidats",
		columns: candidateColumns, rows: func(emit func(...tabular.Cell) error) error {
			f.Limit, f.After = exportBatch, &store.CandidateCursor{}
			for {
				page, err := s.svc.Candidates(ctx, a, f)
				if err != nil {
					return err
				}
				for _, row := range page.Rows {
					c, e := row.Candidate, row.Enrolment
					route := ""
					if e.Route != "" {
						route = e.RouteLabel()
					}
					status := ""
					if e.Status != "" {
						status = e.Status.Label()
					}
					if err := emit(tabular.Text(c.Number), tabular.Text(c.BirthName), tabular.Text(c.UsedName),
						tabular.Text(c.FirstNames), tabular.Date(c.BirthDate.Time()), tabular.Text(e.QualificationCode),
						tabular.Text(e.QualificationTitle), tabular.Text(route), tabular.Text(status),
						tabular.Text(e.TrainingOrganisationName)); err != nil {
						return err
					}
				}
				if len(page.Rows) < exportBatch {
					return nil
				}
				f.After = store.CursorAfter(page.Rows[len(page.Rows)-1])
			}
		}})
}
