package service

import (
	"context"
	"sort"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// ExportedList is one of the lists the secretariat (and whoever reads it) can take out of the
// platform as CSV or XLSX.
type ExportedList string

const (
	ListCandidates   ExportedList = "candidates"
	ListActions      ExportedList = "actions"
	ListVAE          ExportedList = "vae"
	ListCertificates ExportedList = "certificates"
	ListAudit        ExportedList = "audit"
	ListOutbox       ExportedList = "outbox"
)

// exportedListReads is the action that reads each list: whoever may not read a list may not
// export it.
var exportedListReads = map[ExportedList]Action{
	ListCandidates: ActCandidateList, ListActions: ActActionRead, ListVAE: ActVAERead,
	ListCertificates: ActCertificateRead, ListAudit: ActAuditRead, ListOutbox: ActOutboxRead,
}

// RecordListExport writes to the audit trail that the actor takes a list out of the platform,
// in which format ("csv" or "xlsx") and with which filters (the list's address parameters).
// It is called before the first row leaves, so that no export goes unrecorded: personal data
// leaves with it. The actor must read the list; the rows themselves come from the list's own
// service call, which keeps them within the actor's scope.
func (s *Service) RecordListExport(ctx context.Context, a domain.Actor, list ExportedList, format string, filters map[string][]string) error {
	act, ok := exportedListReads[list]
	if !ok {
		return domain.Errorf(domain.EINVALID, "Cette liste ne peut pas être exportée.")
	}
	if err := Check(a, act); err != nil {
		return err
	}
	if format != "csv" && format != "xlsx" {
		return domain.Errorf(domain.EINVALID, "Les listes s'exportent en CSV ou en Excel (XLSX).")
	}
	kept := map[string]string{}
	keys := make([]string, 0, len(filters))
	for k := range filters {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		var values []string
		for _, v := range filters[k] {
			if v = strings.TrimSpace(v); v != "" {
				values = append(values, v)
			}
		}
		if k != "page" && len(values) > 0 {
			kept[k] = strings.Join(values, ", ")
		}
	}
	return s.store.Write(ctx, func(q store.Q) error {
		return s.audit(ctx, q, a, change{Action: "list.export", EntityType: "list", EntityID: string(list),
			After: map[string]any{"format": format, "filters": kept}})
	})
}

// OutboxBefore returns the limit mails that follow the mail beforeID in the outbox list's
// order (newest first), or the newest when beforeID is empty, without their attachments'
// content: the export of the outbox walks it whole so.
func (s *Service) OutboxBefore(ctx context.Context, a domain.Actor, beforeID string, limit int) ([]store.Mail, error) {
	if err := Check(a, ActOutboxRead); err != nil {
		return nil, err
	}
	return s.store.Read().ListMailBefore(ctx, beforeID, min(max(limit, 1), 1000))
}
