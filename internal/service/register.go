package service

import (
	"bytes"
	"context"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The register of accredited organisations (decree 2025-500, issue 13): the certifier keeps
// the list of the organisations it authorises and sends it to France Compétences within two
// months of a change. cqp reminds the secretariat RegisterReminderDays after a change not yet
// exported, which leaves time to send it.
const RegisterReminderDays = 45

// SuspendAccreditation suspends an accreditation: while suspended it covers no day, so no
// action may be declared and no candidate enrolled under it. The OF is mailed.
func (s *Service) SuspendAccreditation(ctx context.Context, a domain.Actor, id, reason string) error {
	return s.setAccreditationStatus(ctx, a, id, domain.AccreditationSuspended, reason)
}

// WithdrawAccreditation withdraws an accreditation, with the same effects as a suspension.
func (s *Service) WithdrawAccreditation(ctx context.Context, a domain.Actor, id, reason string) error {
	return s.setAccreditationStatus(ctx, a, id, domain.AccreditationWithdrawn, reason)
}

// ReinstateAccreditation puts a suspended or withdrawn accreditation back in force.
func (s *Service) ReinstateAccreditation(ctx context.Context, a domain.Actor, id, reason string) error {
	return s.setAccreditationStatus(ctx, a, id, domain.AccreditationActive, reason)
}

var accreditationStatusAudit = map[domain.AccreditationStatus]string{
	domain.AccreditationSuspended: "accreditation.suspend",
	domain.AccreditationWithdrawn: "accreditation.withdraw",
	domain.AccreditationActive:    "accreditation.reinstate",
}

func (s *Service) setAccreditationStatus(ctx context.Context, a domain.Actor, id string, to domain.AccreditationStatus, reason string) error {
	if err := Check(a, ActOrganisationManage); err != nil {
		return err
	}
	reason = strings.TrimSpace(reason)
	fe := domain.FieldErrors{}
	if reason == "" {
		fe.Add("reason", "Indiquez le motif : il figure au registre et dans le message envoyé à l'organisme.")
	}
	fe.CheckLine("reason", reason)
	if err := fe.Err(); err != nil {
		return err
	}
	return s.store.Write(ctx, func(q store.Q) error {
		acc, err := q.Accreditation(ctx, id)
		if err != nil {
			return err
		}
		from := acc.Status
		if from == "" {
			from = domain.AccreditationActive
		}
		if from == to {
			return domain.Errorf(domain.ECONFLICT, "Cette habilitation est déjà %s.", to.Label())
		}
		if from == domain.AccreditationWithdrawn && to == domain.AccreditationSuspended {
			return domain.Errorf(domain.ECONFLICT, "Cette habilitation est retirée : elle ne peut pas être suspendue.")
		}
		o, err := q.TrainingOrganisation(ctx, acc.TrainingOrganisationID)
		if err != nil {
			return err
		}
		if err := q.SetAccreditationStatus(ctx, id, to, reason, s.Now()); err != nil {
			return err
		}
		if err := s.audit(ctx, q, a, change{Action: accreditationStatusAudit[to], EntityType: "training_organisation",
			EntityID: o.ID, Before: map[string]string{"accreditation": id, "status": string(from)},
			After: map[string]string{"accreditation": id, "qualification": acc.QualificationCode, "status": string(to)}, Reason: reason}); err != nil {
			return err
		}
		subject, body := accreditationMail(acc, to, reason, s.Today())
		return s.mailOrganisation(ctx, q, o, subject, body)
	})
}

func accreditationMail(acc domain.Accreditation, to domain.AccreditationStatus, reason string, today domain.Date) (string, string) {
	what := fmt.Sprintf("l'habilitation de votre organisme pour « %s » (%s, du %s au %s)",
		acc.QualificationTitle, acc.QualificationCode, acc.ValidFrom.String(), acc.ValidUntil.String())
	switch to {
	case domain.AccreditationSuspended:
		return "Habilitation suspendue : " + acc.QualificationTitle,
			fmt.Sprintf("Bonjour,\n\nLe certificateur a suspendu %s à compter du %s.\n\nMotif : %s\n\nPendant la suspension, aucune nouvelle action ne peut être déclarée et aucun candidat ne peut être inscrit au titre de cette habilitation. Contactez le secrétariat pour y remédier.\n", what, today.String(), reason)
	case domain.AccreditationWithdrawn:
		return "Habilitation retirée : " + acc.QualificationTitle,
			fmt.Sprintf("Bonjour,\n\nLe certificateur a retiré %s à compter du %s.\n\nMotif : %s\n\nAucune nouvelle action ne peut être déclarée et aucun candidat ne peut être inscrit au titre de cette habilitation.\n", what, today.String(), reason)
	}
	return "Habilitation rétablie : " + acc.QualificationTitle,
		fmt.Sprintf("Bonjour,\n\nLe certificateur a rétabli %s à compter du %s.\n\nMotif : %s\n\nVous pouvez de nouveau déclarer des actions et inscrire des candidats.\n", what, today.String(), reason)
}

// mailOrganisation mails the OF at its address, or its accounts when it has none.
func (s *Service) mailOrganisation(ctx context.Context, q store.Q, o domain.TrainingOrganisation, subject, body string) error {
	to := []string{o.Email}
	if o.Email == "" {
		to = nil
		users, err := q.ListUsers(ctx, store.UserFilter{Role: domain.RoleTrainingOrganisation, ScopeID: o.ID})
		if err != nil {
			return err
		}
		for _, u := range users {
			if u.Email != "" {
				to = append(to, u.Email)
			}
		}
	}
	for _, addr := range to {
		if err := s.queueMail(ctx, q, addr, subject, body); err != nil {
			return err
		}
	}
	return nil
}

// accreditationStopped says, when an accreditation for the qualification whose dates cover
// day is suspended or withdrawn, that it is and since when; "" otherwise.
func accreditationStopped(o domain.TrainingOrganisation, qualificationID, title string, day domain.Date) string {
	for _, acc := range o.Accreditations {
		if acc.QualificationID != qualificationID || acc.Active() || !acc.CoversDates(day) {
			continue
		}
		since := ""
		if acc.StatusChangedAt != nil {
			since = " depuis le " + domain.DateOf(*acc.StatusChangedAt).String()
		}
		return fmt.Sprintf("L'habilitation de l'organisme « %s » pour « %s » est %s%s (motif : %s) : il ne peut ni déclarer d'action ni inscrire de candidat à ce titre. Contactez le secrétariat.",
			o.Name, title, acc.Status.Label(), since, acc.StatusReason)
	}
	return ""
}

// --- Obligations ---------------------------------------------------------------------------

// Obligations returns the branch's current obligations text (Version 0 when none).
func (s *Service) Obligations(ctx context.Context, a domain.Actor) (store.Obligations, error) {
	if err := Check(a, ActOrganisationRead); err != nil {
		return store.Obligations{}, err
	}
	r := s.store.Read()
	b, err := branchID(ctx, r)
	if err != nil {
		return store.Obligations{}, err
	}
	return r.LatestObligations(ctx, b.ID)
}

// SaveObligations records a new version of the obligations an accredited OF accepts; the
// accreditations granted afterwards record that version.
func (s *Service) SaveObligations(ctx context.Context, a domain.Actor, text string) (store.Obligations, error) {
	if err := Check(a, ActOrganisationManage); err != nil {
		return store.Obligations{}, err
	}
	text = strings.TrimSpace(strings.ReplaceAll(text, "\r\n", "\n"))
	if text == "" {
		msg := "Écrivez le texte des obligations."
		return store.Obligations{}, &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"text": msg}}
	}
	if msg := domain.TextProblem(text, true); msg != "" {
		return store.Obligations{}, &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"text": msg}}
	}
	var o store.Obligations
	err := s.store.Write(ctx, func(q store.Q) error {
		b, err := branchID(ctx, q)
		if err != nil {
			return err
		}
		last, err := q.LatestObligations(ctx, b.ID)
		if err != nil {
			return err
		}
		if last.Version > 0 && last.Text == text {
			return domain.Errorf(domain.ECONFLICT, "Le texte n'a pas changé : aucune nouvelle version n'est enregistrée.")
		}
		o = store.Obligations{BranchID: b.ID, Version: last.Version + 1, Text: text, CreatedAt: s.Now(), CreatedBy: a.Name}
		if err := q.AddObligations(ctx, o); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "accreditation.obligations", EntityType: "branch", EntityID: b.ID,
			After: map[string]string{"version": strconv.Itoa(o.Version)}})
	})
	return o, err
}

// currentObligationsVersion is the version a new accreditation records (0 when none).
func currentObligationsVersion(ctx context.Context, q store.Q) (int, error) {
	bs, err := q.Branches(ctx)
	if err != nil || len(bs) == 0 {
		return 0, err
	}
	o, err := q.LatestObligations(ctx, bs[0].ID)
	return o.Version, err
}

// --- The register --------------------------------------------------------------------------

// RegisterHeader is the register's columns, as France Compétences asks for them.
var RegisterHeader = []string{"SIRET", "Raison sociale", "Ville", "Certification", "Début", "Fin",
	"Statut", "Motif", "Obligations (version)", "Dernière modification"}

// RegisterState says when the register last changed and was last exported, and whether the
// secretariat must export it (a change older than RegisterReminderDays not exported since).
type RegisterState struct {
	Changed  *time.Time
	Exported *time.Time
	Due      bool
}

// RegisterState returns the register's state for the reminder.
func (s *Service) RegisterState(ctx context.Context, a domain.Actor) (RegisterState, error) {
	if err := Check(a, ActRegisterExport); err != nil {
		return RegisterState{}, err
	}
	return registerState(ctx, s.store.Read(), s.Now())
}

func registerState(ctx context.Context, q store.Q, now time.Time) (RegisterState, error) {
	changed, exported, err := q.RegisterDates(ctx)
	if err != nil {
		return RegisterState{}, err
	}
	st := RegisterState{Changed: changed, Exported: exported}
	st.Due = changed != nil && (exported == nil || exported.Before(*changed)) &&
		now.Sub(*changed) > RegisterReminderDays*24*time.Hour
	return st, nil
}

// RegisterRows returns the register, one row per accreditation, and records the export
// (format "csv" or "xlsx") in the trail and in the exports that the reminder reads.
func (s *Service) RegisterRows(ctx context.Context, a domain.Actor, format string) ([][]string, error) {
	if err := Check(a, ActRegisterExport); err != nil {
		return nil, err
	}
	var rows [][]string
	err := s.store.Write(ctx, func(q store.Q) error {
		orgs, err := q.ListTrainingOrganisations(ctx, nil)
		if err != nil {
			return err
		}
		fws, err := q.LatestFrameworks(ctx)
		if err != nil {
			return err
		}
		rncp := map[string]string{}
		for _, fw := range fws {
			rncp[fw.QualificationID] = fw.Framework.Qualification.RNCP
		}
		today := s.Today()
		for _, o := range orgs {
			for _, acc := range o.Accreditations {
				code := acc.QualificationCode
				if r := rncp[acc.QualificationID]; r != "" {
					code = r
				}
				status := acc.Status.Label()
				if acc.Active() && acc.ValidUntil.Before(today) {
					status = "expirée"
				}
				last := acc.CreatedAt
				if acc.StatusChangedAt != nil && acc.StatusChangedAt.After(last) {
					last = *acc.StatusChangedAt
				}
				obligations := ""
				if acc.ObligationsVersion > 0 {
					obligations = strconv.Itoa(acc.ObligationsVersion)
				}
				rows = append(rows, []string{o.SIRET, o.Name, o.City, code + " " + acc.QualificationTitle,
					acc.ValidFrom.String(), acc.ValidUntil.String(), status, acc.StatusReason, obligations,
					domain.DateOf(last).String()})
			}
		}
		if err := q.AddRegisterExport(ctx, store.RegisterExport{ID: newID(), ExportedAt: s.Now(), ExportedBy: a.Name,
			Format: format, Rows: len(rows)}); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "register.export", EntityType: "register", EntityID: format,
			After: map[string]string{"format": format, "rows": strconv.Itoa(len(rows))}})
	})
	return rows, err
}

// RegisterCSV is the register as a semicolon-separated CSV with a BOM, as a spreadsheet opens it.
func RegisterCSV(rows [][]string) []byte {
	var b bytes.Buffer
	b.WriteString("\xEF\xBB\xBF")
	w := csv.NewWriter(&b)
	w.Comma = ';'
	_ = w.Write(RegisterHeader)
	for _, r := range rows {
		_ = w.Write(csvSafe(r))
	}
	w.Flush()
	return b.Bytes()
}

// csvSafe keeps a spreadsheet from reading a cell as a formula.
func csvSafe(r []string) []string {
	out := make([]string, len(r))
	for i, c := range r {
		if c != "" && strings.ContainsRune("=+-@\t\r", rune(c[0])) {
			c = "'" + c
		}
		out[i] = c
	}
	return out
}

// RegisterXLSX is the register as a workbook with one « Registre » sheet, every cell text.
func RegisterXLSX(rows [][]string) ([]byte, error) {
	f := excelize.NewFile()
	defer f.Close()
	const sheet = "Registre"
	if err := f.SetSheetName("Sheet1", sheet); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(sheet)
	if err != nil {
		return nil, err
	}
	for i, r := range append([][]string{RegisterHeader}, rows...) {
		cells := make([]any, len(r))
		for j, c := range r {
			cells[j] = c
		}
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err != nil {
			return nil, err
		}
		if err := sw.SetRow(cell, cells); err != nil {
			return nil, err
		}
	}
	if err := sw.Flush(); err != nil {
		return nil, err
	}
	var b bytes.Buffer
	if err := f.Write(&b); err != nil {
		return nil, err
	}
	return b.Bytes(), nil
}
