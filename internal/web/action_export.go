package web

import (
	"net/http"

	"cqp/internal/service"
	"cqp/internal/tabular"
)

var actionColumns = []tabular.Column{
	{Header: "Intitulé", Width: 40}, {Header: "Code qualification", Width: 12}, {Header: "Qualification", Width: 40},
	{Header: "Voie", Width: 20}, {Header: "Organisme de formation", Width: 34},
	{Header: "Du", Width: 12, Kind: tabular.KindDate}, {Header: "Au", Width: 12, Kind: tabular.KindDate},
	{Header: "Lieu", Width: 24}, {Header: "Heures prévues", Width: 10, Kind: tabular.KindNumber},
	{Header: "Candidats", Width: 10, Kind: tabular.KindNumber}, {Header: "Statut", Width: 18},
}

// actionsExport streams the actions list with the page's filter and scope.
func (s *Server) actionsExport(w http.ResponseWriter, r *http.Request, format string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	f := actionFilterOf(r.URL.Query())
	return s.writeExport(w, r, format, listExport{list: service.ListActions, file: "actions", sheet: "Actions",
		columns: actionColumns, rows: func(emit func(...tabular.Cell) error) error {
			return walkOffsets(func(offset int) (int, error) {
				f.Limit, f.Offset = exportBatch, offset
				page, err := s.svc.Actions(ctx, a, f)
				if err != nil {
					return 0, err
				}
				for _, ac := range page.Actions {
					if err := emit(tabular.Text(ac.Title), tabular.Text(ac.QualificationCode), tabular.Text(ac.QualificationTitle),
						tabular.Text(ac.Route.Label()), tabular.Text(ac.TrainingOrganisationName),
						tabular.Date(ac.StartsOn.Time()), tabular.Date(ac.EndsOn.Time()), tabular.Text(ac.Place),
						tabular.Int(ac.PlannedHours), tabular.Int(ac.Enrolments), tabular.Text(ac.Status.Label())); err != nil {
						return 0, err
					}
				}
				return len(page.Actions), nil
			})
		}})
}
