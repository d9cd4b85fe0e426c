package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/tabular"
)

// outboxColumns leave the messages' bodies out: they hold single-use links (password
// setting, surveys) that must not leave the platform in a spreadsheet.
var outboxColumns = []tabular.Column{
	{Header: "Date et heure", Width: 17, Kind: tabular.KindDateTime}, {Header: "Destinataire", Width: 32},
	{Header: "Objet", Width: 50}, {Header: "État", Width: 30}, {Header: "Envoyé le", Width: 17, Kind: tabular.KindDateTime},
	{Header: "Erreur d'envoi", Width: 40}, {Header: "Pièce jointe", Width: 24},
}

// outboxExport streams the whole outbox, newest first, batch by batch from the last mail read.
func (s *Server) outboxExport(w http.ResponseWriter, r *http.Request, format string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	return s.writeExport(w, r, format, listExport{list: service.ListOutbox, file: "courriels", sheet: "Courriels",
		columns: outboxColumns, rows: func(emit func(...tabular.Cell) error) error {
			before := ""
			for {
				mails, err := s.svc.OutboxBefore(ctx, a, before, exportBatch)
				if err != nil {
					return err
				}
				for _, m := range mails {
					row := mailRow{Mail: m}
					state := map[string]string{"sent": "envoyé", "failed": "échec", "kept": "conservé dans la boîte d'envoi"}[row.State()]
					var sent tabular.Cell
					if m.SentAt != nil {
						sent = tabular.DateTime(m.SentAt.In(domain.Paris()))
					}
					if err := emit(tabular.DateTime(m.CreatedAt.In(domain.Paris())), tabular.Text(m.To), tabular.Text(m.Subject),
						tabular.Text(state), sent, tabular.Text(m.Error), tabular.Text(m.AttachmentName)); err != nil {
						return err
					}
				}
				if len(mails) < exportBatch {
					return nil
				}
				before = mails[len(mails)-1].ID
			}
		}})
}
