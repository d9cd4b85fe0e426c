package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
	"cqp/internal/tabular"
)

var certificateColumns = []tabular.Column{
	{Header: "Numéro", Width: 24}, {Header: "Nature", Width: 22}, {Header: "Bloc", Width: 10}, {Header: "Titulaire", Width: 34},
	{Header: "Code qualification", Width: 12}, {Header: "Qualification", Width: 40},
	{Header: "Jury du", Width: 12, Kind: tabular.KindDate}, {Header: "État", Width: 10},
	{Header: "Révoqué le", Width: 16, Kind: tabular.KindDateTime}, {Header: "Motif de la révocation", Width: 30},
}

// certificatesExport streams the certificates and attestations list with the page's filters
// and scope (a candidate exports their own documents).
func (s *Server) certificatesExport(w http.ResponseWriter, r *http.Request, format string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	f := certificateFilterOf(r.URL.Query())
	return s.writeExport(w, r, format, listExport{list: service.ListCertificates, file: "certificats", sheet: "Certificats",
		columns: certificateColumns, rows: func(emit func(...tabular.Cell) error) error {
			return walkOffsets(func(offset int) (int, error) {
				f.Limit, f.Offset = exportBatch, offset
				page, err := s.svc.Certificates(ctx, a, f)
				if err != nil {
					return 0, err
				}
				for _, c := range page.Items {
					kind, state := "Certificat", "valide"
					if c.Kind == store.KindAttestation {
						kind = "Attestation de blocs"
					}
					var revoked tabular.Cell
					if c.RevokedAt != nil {
						state, revoked = "révoqué", tabular.DateTime(c.RevokedAt.In(domain.Paris()))
					}
					if err := emit(tabular.Text(c.Number), tabular.Text(kind), tabular.Text(c.BlockCode), tabular.Text(c.HolderName),
						tabular.Text(c.QualificationCode), tabular.Text(c.QualificationTitle), tabular.Date(c.AwardedOn.Time()),
						tabular.Text(state), revoked, tabular.Text(c.RevokedReason)); err != nil {
						return 0, err
					}
				}
				return len(page.Items), nil
			})
		}})
}
