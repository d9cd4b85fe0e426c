package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/tabular"
)

var auditColumns = []tabular.Column{
	{Header: "Date et heure", Width: 17, Kind: tabular.KindDateTime}, {Header: "Auteur", Width: 26}, {Header: "Rôle", Width: 22},
	{Header: "Action", Width: 44}, {Header: "Objet", Width: 22}, {Header: "Nom de l'objet", Width: 30}, {Header: "Motif", Width: 30},
	{Header: "Avant", Width: 50}, {Header: "Après", Width: 50},
}

// auditExport streams the audit trail with the page's filters, newest first, batch by batch
// from the last entry read.
func (s *Server) auditExport(w http.ResponseWriter, r *http.Request, format string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	f, _, nothing, err := s.auditFilterOf(r)
	if err != nil {
		return err
	}
	people, err := s.svc.AuditPeople(ctx, a)
	if err != nil {
		return err
	}
	// The names of organisations, companies, frameworks and accounts, read once for the whole
	// trail (an entry about each kind asks for them all).
	names, err := s.auditNames(r, []domain.AuditEntry{{EntityType: "framework"}}, people)
	if err != nil {
		return err
	}
	return s.writeExport(w, r, format, listExport{list: service.ListAudit, file: "journal-audit", sheet: "Journal d'audit",
		columns: auditColumns, rows: func(emit func(...tabular.Cell) error) error {
			if nothing {
				return nil
			}
			f.Limit, f.NoTotal = exportBatch, true
			for {
				entries, _, err := s.svc.Audit(ctx, a, f)
				if err != nil {
					return err
				}
				for _, e := range entries {
					row := s.auditRowOf(a, e, names)
					if err := emit(tabular.DateTime(e.At.In(domain.Paris())), tabular.Text(e.ActorName), tabular.Text(row.RoleLabel()),
						tabular.Text(row.ActionLabel()), tabular.Text(row.EntityLabel()), tabular.Text(row.EntityName),
						tabular.Text(e.Reason), tabular.Text(row.BeforeText()), tabular.Text(row.AfterText())); err != nil {
						return err
					}
				}
				if len(entries) < exportBatch {
					return nil
				}
				f.BeforeID = entries[len(entries)-1].ID
			}
		}})
}
