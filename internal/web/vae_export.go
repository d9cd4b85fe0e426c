package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/tabular"
)

// vaeExport streams the VAE files list with the page's filter and scope. The organisation
// asked for a review and its opinion are columns only for those who read them on the page.
func (s *Server) vaeExport(w http.ResponseWriter, r *http.Request, format string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	f := vaeFilterOf(r.URL.Query())
	// The first batch is read before the columns are chosen: it says whether reviews are shown.
	f.Limit = exportBatch
	first, err := s.svc.VAEFilesPage(ctx, a, f)
	if err != nil {
		return err
	}
	columns := []tabular.Column{
		{Header: "Numéro", Width: 15}, {Header: "Nom de naissance", Width: 22}, {Header: "Nom d'usage", Width: 22},
		{Header: "Prénoms", Width: 22}, {Header: "Code qualification", Width: 12}, {Header: "Qualification", Width: 40},
		{Header: "Statut", Width: 28}, {Header: "Dossier d'expérience", Width: 24}, {Header: "Inscription", Width: 24},
		{Header: "Demandée par", Width: 18},
	}
	if first.ShowsReviews {
		columns = append(columns, tabular.Column{Header: "Organisme sollicité", Width: 30}, tabular.Column{Header: "Avis", Width: 20})
	}
	columns = append(columns, tabular.Column{Header: "Dernière modification", Width: 16, Kind: tabular.KindDateTime})
	return s.writeExport(w, r, format, listExport{list: service.ListVAE, file: "dossiers-vae", sheet: "Dossiers de VAE",
		columns: columns, rows: func(emit func(...tabular.Cell) error) error {
			return walkOffsets(func(offset int) (int, error) {
				page := first
				if offset > 0 {
					f.Offset = offset
					if page, err = s.svc.VAEFilesPage(ctx, a, f); err != nil {
						return 0, err
					}
				}
				for _, v := range page.Files {
					experience, enrolment := "", ""
					if v.File.Status == domain.VAEAdmissible {
						experience, enrolment = v.File.ExperienceStatus.Label(), v.EnrolmentStatus.Label()
					}
					cells := []tabular.Cell{tabular.Text(v.Candidate.Number), tabular.Text(v.Candidate.BirthName),
						tabular.Text(v.Candidate.UsedName), tabular.Text(v.Candidate.FirstNames), tabular.Text(v.QualificationCode),
						tabular.Text(v.QualificationTitle), tabular.Text(v.File.Status.Label()), tabular.Text(experience),
						tabular.Text(enrolment), tabular.Text(v.File.RequestedBy.Label())}
					if first.ShowsReviews {
						opinion := ""
						if v.ReviewerName != "" {
							opinion = v.ReviewOpinion.Label()
						}
						cells = append(cells, tabular.Text(v.ReviewerName), tabular.Text(opinion))
					}
					if err := emit(append(cells, tabular.DateTime(v.File.UpdatedAt.In(domain.Paris())))...); err != nil {
						return 0, err
					}
				}
				return len(page.Files), nil
			})
		}})
}
