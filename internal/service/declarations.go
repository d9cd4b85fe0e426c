package service

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"cqp/internal/cdc"
	"cqp/internal/domain"
	"cqp/internal/store"
)

// CDCSettings are what the declaration of awards to the Caisse des Dépôts needs from the
// configuration.
type CDCSettings struct {
	ClientID      string // idClient, issued by the Caisse des Dépôts
	ContractID    string // idContrat
	RNCP          string // the RNCP code declared when a document carries none
	DeclareBlocks bool   // the RNCP registration has blocks: block attestations are declared too
}

// SetCDCSettings sets the declaration's settings.
func (s *Service) SetCDCSettings(c CDCSettings) { s.cdc = c }

// CDCSettings returns the declaration's settings.
func (s *Service) CDCSettings() CDCSettings { return s.cdc }

// configProblem says, in French, what the configuration lacks to build a batch; "" when none.
func (c CDCSettings) configProblem() string {
	var missing []string
	if c.ClientID == "" {
		missing = append(missing, "l'identifiant client (--cdc-client-id, CQP_CDC_CLIENT_ID)")
	}
	if c.ContractID == "" {
		missing = append(missing, "le numéro de contrat (--cdc-contract-id, CQP_CDC_CONTRACT_ID)")
	}
	if len(missing) == 0 {
		return ""
	}
	return "La déclaration à la Caisse des Dépôts n'est pas configurée : indiquez " + strings.Join(missing, " et ") +
		", que la Caisse des Dépôts attribue au certificateur."
}

// The state of an award's declaration, as the declarations page shows it.
const (
	DeclToDeclare = "to_declare" // never declared, or to declare again after a correction
	DeclInBatch   = "in_batch"
	DeclAccepted  = "accepted"
	DeclRejected  = "rejected" // with the reason: to correct
	DeclToDelete  = "to_delete"
)

// DeclStatuses lists the states in the page's order.
var DeclStatuses = []string{DeclToDeclare, DeclInBatch, DeclAccepted, DeclRejected, DeclToDelete}

// DeclStatusLabel says a declaration's state in French.
func DeclStatusLabel(status string) string {
	switch status {
	case DeclToDeclare:
		return "À déclarer"
	case DeclInBatch:
		return "Dans un lot"
	case DeclAccepted:
		return "Acceptée"
	case DeclRejected:
		return "Rejetée — à corriger"
	case DeclToDelete:
		return "À supprimer"
	case "":
		return "Révoquée, rien à déclarer"
	}
	return status
}

// declStatus is where an award's declaration stands; "" for a revoked award never accepted
// nor sent, which has nothing to declare.
func declStatus(a store.Award) string {
	sent := a.Status == store.DeclarationInBatch || a.Status == store.DeclarationAccepted
	switch {
	case a.RevokedAt != nil && sent:
		return DeclToDelete
	case a.RevokedAt != nil:
		return ""
	case a.Status == "" || a.Status == store.DeclarationToDeclare:
		return DeclToDeclare
	}
	return a.Status
}

// DeclarationLateAfter is how old an award not accepted may be before it is flagged: the law
// gives three months; the flag leaves one to act.
const DeclarationLateAfter = 2 // months

// Declaration is one award on the declarations page.
type Declaration struct {
	Award    store.Award
	Status   string
	Problems []string    // why it cannot be declared, in French
	Deadline domain.Date // three months after the award
}

// StatusLabel is the state in French.
func (d Declaration) StatusLabel() string { return DeclStatusLabel(d.Status) }

// DeclarationsListLimit bounds each list the page shows.
const DeclarationsListLimit = 500

// DeclarationsView is the declarations page: counts per state and the lists to act on.
type DeclarationsView struct {
	Counts             map[string]int
	Declarable         int // awards to declare that can be
	ToDeclare          []Declaration
	NotDeclarable      []Declaration
	NotDeclarableCount int
	Rejected           []Declaration
	ToDelete           []Declaration
	Late               []Declaration
	LateCount          int
	Batches            []store.DeclarationBatch
	ConfigProblem      string
	DeclareBlocks      bool
}

// Declarations builds the declarations page.
func (s *Service) Declarations(ctx context.Context, a domain.Actor) (DeclarationsView, error) {
	if err := Check(a, ActDeclarationRead); err != nil {
		return DeclarationsView{}, err
	}
	v := DeclarationsView{Counts: map[string]int{}, ConfigProblem: s.cdc.configProblem(), DeclareBlocks: s.cdc.DeclareBlocks}
	late := s.lateBefore()
	add := func(list *[]Declaration, d Declaration) {
		if len(*list) < DeclarationsListLimit {
			*list = append(*list, d)
		}
	}
	q := s.store.Read()
	err := q.EachAward(ctx, store.AwardFilter{Attestations: s.cdc.DeclareBlocks}, func(aw store.Award) error {
		d := Declaration{Award: aw, Status: declStatus(aw), Deadline: domain.DateOf(aw.AwardedOn.Time().AddDate(0, 3, 0))}
		if d.Status == "" {
			return nil
		}
		v.Counts[d.Status]++
		switch d.Status {
		case DeclToDeclare:
			if d.Problems = cdc.Problems(aw.Holder, s.awardCode(aw)); len(d.Problems) > 0 {
				v.NotDeclarableCount++
				add(&v.NotDeclarable, d)
			} else {
				v.Declarable++
				add(&v.ToDeclare, d)
			}
		case DeclRejected:
			add(&v.Rejected, d)
		case DeclToDelete:
			add(&v.ToDelete, d)
		}
		if d.Status != DeclAccepted && d.Status != DeclToDelete && aw.AwardedOn.Before(late) {
			v.LateCount++
			add(&v.Late, d)
		}
		return nil
	})
	if err != nil {
		return v, err
	}
	v.Batches, err = q.DeclarationBatches(ctx)
	return v, err
}

// LateDeclarations counts the awards older than DeclarationLateAfter months whose declaration
// is not accepted, for the secretariat's dashboard.
func (s *Service) LateDeclarations(ctx context.Context, a domain.Actor) (int, error) {
	if err := Check(a, ActDeclarationRead); err != nil {
		return 0, err
	}
	return s.store.Read().CountLateDeclarations(ctx, s.lateBefore(), s.cdc.DeclareBlocks)
}

// lateBefore is the first award day that is not late yet.
func (s *Service) lateBefore() domain.Date {
	return domain.DateOf(s.Today().Time().AddDate(0, -DeclarationLateAfter, 0))
}

// awardCode is the certification code an award is declared under: the document's RNCP code,
// or the configured one; a block attestation adds its block's code (RNCP12345BC02).
func (s *Service) awardCode(aw store.Award) string {
	code := cdc.RNCPCode(aw.RNCP)
	if code == "" {
		code = cdc.RNCPCode(s.cdc.RNCP)
	}
	if code != "" && aw.Kind == store.KindAttestation {
		if aw.BlockCode == "" {
			return "" // an attestation of several blocks has no single code
		}
		code += strings.ToUpper(aw.BlockCode)
	}
	return code
}

// BatchReport is what building a batch did.
type BatchReport struct {
	Batch store.DeclarationBatch
	// NotDeclarable are the awards to declare left out, with why.
	NotDeclarable []Declaration
}

// BuildDeclarationBatch puts the awards to declare in a new batch: all of those that can be
// declared, or only the selected ones (certificate ids), which must all be. The awards that
// cannot be declared are returned with why. Nothing to declare is a conflict.
func (s *Service) BuildDeclarationBatch(ctx context.Context, a domain.Actor, selected []string) (BatchReport, error) {
	if err := Check(a, ActDeclarationWrite); err != nil {
		return BatchReport{}, err
	}
	if msg := s.cdc.configProblem(); msg != "" {
		return BatchReport{}, domain.Errorf(domain.ECONFLICT, "%s", msg)
	}
	want := map[string]bool{}
	for _, id := range selected {
		if id = strings.TrimSpace(id); id != "" {
			want[id] = true
		}
	}
	var rep BatchReport
	err := s.store.Write(ctx, func(q store.Q) error {
		var ids []string
		var refused []string
		found := map[string]bool{}
		err := q.EachAward(ctx, store.AwardFilter{Attestations: s.cdc.DeclareBlocks}, func(aw store.Award) error {
			status, picked := declStatus(aw), len(want) == 0 || want[aw.CertificateID]
			if want[aw.CertificateID] {
				found[aw.CertificateID] = true
			}
			if status != DeclToDeclare {
				if want[aw.CertificateID] {
					refused = append(refused, aw.Number+" ("+strings.ToLower(DeclStatusLabel(status))+")")
				}
				return nil
			}
			problems := cdc.Problems(aw.Holder, s.awardCode(aw))
			switch {
			case len(problems) > 0:
				rep.NotDeclarable = append(rep.NotDeclarable, Declaration{Award: aw, Status: DeclToDeclare, Problems: problems})
				if len(want) > 0 && picked {
					refused = append(refused, aw.Number+" ("+problems[0]+")")
				}
			case picked:
				ids = append(ids, aw.CertificateID)
			}
			return nil
		})
		if err != nil {
			return err
		}
		for id := range want {
			if !found[id] {
				refused = append(refused, id+" (introuvable)")
			}
		}
		if len(refused) > 0 {
			return domain.Errorf(domain.ECONFLICT, "Ces délivrances ne peuvent pas être déclarées : %s. Aucun lot n'a été créé.", strings.Join(refused, " ; "))
		}
		if len(ids) == 0 {
			return domain.Errorf(domain.ECONFLICT, "Aucune délivrance ne peut être déclarée : aucun lot n'a été créé.")
		}
		rep.Batch = store.DeclarationBatch{ID: newID(), CreatedAt: s.Now(), CreatedBy: a.UserID, CreatedByName: a.Name, Awards: len(ids)}
		if err := q.CreateDeclarationBatch(ctx, rep.Batch, ids); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "declaration.batch", EntityType: "declaration_batch", EntityID: rep.Batch.ID,
			After: map[string]int{"awards": len(ids), "not_declarable": len(rep.NotDeclarable)}})
	})
	return rep, err
}

// DeclarationBatch returns one batch.
func (s *Service) DeclarationBatch(ctx context.Context, a domain.Actor, id string) (store.DeclarationBatch, error) {
	if err := Check(a, ActDeclarationWrite); err != nil {
		return store.DeclarationBatch{}, err
	}
	return s.store.Read().DeclarationBatch(ctx, id)
}

// WriteDeclarationBatch writes a batch's flow to w, one award at a time, as the Caisse des
// Dépôts' schema 1.1.2 wants it. Writing it again gives the same awards, with the holders'
// identity as it is now.
func (s *Service) WriteDeclarationBatch(ctx context.Context, a domain.Actor, batchID string, w io.Writer) error {
	if err := Check(a, ActDeclarationWrite); err != nil {
		return err
	}
	if msg := s.cdc.configProblem(); msg != "" {
		return domain.Errorf(domain.ECONFLICT, "%s", msg)
	}
	q := s.store.Read()
	b, err := q.DeclarationBatch(ctx, batchID)
	if err != nil {
		return err
	}
	fw, err := cdc.NewWriter(w, cdc.Header{FluxID: b.ID, At: b.CreatedAt, ClientID: s.cdc.ClientID, ContractID: s.cdc.ContractID})
	if err != nil {
		return err
	}
	err = q.EachAward(ctx, store.AwardFilter{Attestations: true, BatchID: b.ID}, func(aw store.Award) error {
		code := s.awardCode(aw)
		if code == "" {
			return domain.Errorf(domain.ECONFLICT, "Le document %s n'a pas de code RNCP, et la configuration n'en donne pas (--cdc-rncp) : le fichier de ce lot ne peut pas être produit.", aw.Number)
		}
		return fw.Write(cdc.Passage{ID: aw.CertificateID, Code: code, AwardedOn: aw.AwardedOn,
			Access: cdc.AccessOf(aw.Route, aw.Stage), Holder: cdc.HolderOf(aw.Holder)})
	})
	if err != nil {
		return err
	}
	if err := fw.Close(); errors.Is(err, cdc.ErrEmpty) {
		return domain.Errorf(domain.ECONFLICT, "Ce lot ne contient plus aucune délivrance : elles ont été déclarées dans un lot plus récent.")
	} else if err != nil {
		return err
	}
	return nil
}

// ReportOutcome is what applying a processing report did.
type ReportOutcome struct {
	Accepted int
	Rejected int
}

// ApplyDeclarationReport applies the Caisse des Dépôts' processing report: each accepted
// declaration becomes « acceptée », each rejected one « rejetée » with its reason, to correct.
// A report that cannot be read, or that names an award never declared, is refused whole with
// the line at fault: nothing is applied.
func (s *Service) ApplyDeclarationReport(ctx context.Context, a domain.Actor, r io.Reader) (ReportOutcome, error) {
	if err := Check(a, ActDeclarationWrite); err != nil {
		return ReportOutcome{}, err
	}
	rep, err := cdc.ParseReport(r)
	if err != nil {
		return ReportOutcome{}, &domain.Error{Code: domain.EINVALID, Err: err,
			Message: "Compte rendu refusé, rien n'a été appliqué. " + err.Error()}
	}
	var out ReportOutcome
	err = s.store.Write(ctx, func(q store.Q) error {
		ids := make([]string, len(rep.Results))
		for i, res := range rep.Results {
			ids[i] = res.ID
		}
		known, err := q.DeclarationStatuses(ctx, ids)
		if err != nil {
			return err
		}
		at := s.Now()
		for _, res := range rep.Results {
			if _, ok := known[res.ID]; !ok {
				return domain.Errorf(domain.EINVALID, "Compte rendu refusé, rien n'a été appliqué. %s", (&cdc.ReportError{Line: res.Line, Element: "idTechnique",
					Msg: fmt.Sprintf("« %s » ne correspond à aucune délivrance déclarée.", res.ID)}).Error())
			}
			status, reason := store.DeclarationAccepted, ""
			if !res.Accepted {
				status, reason = store.DeclarationRejected, res.Reason
				out.Rejected++
			} else {
				out.Accepted++
			}
			if err := q.SetDeclarationResult(ctx, res.ID, status, reason, at); err != nil {
				return err
			}
		}
		return s.audit(ctx, q, a, change{Action: "declaration.report", EntityType: "declaration_batch", EntityID: rep.FluxID,
			After: map[string]int{"accepted": out.Accepted, "rejected": out.Rejected}})
	})
	return out, err
}

// reopenDeclarations puts a candidate's rejected declarations back to declare once their
// identity was corrected, inside the caller's transaction.
func (s *Service) reopenDeclarations(ctx context.Context, q store.Q, candidateID string) error {
	_, err := q.ReopenRejectedDeclarations(ctx, candidateID, s.Now())
	return err
}
