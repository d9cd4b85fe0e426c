package service

import (
	"context"
	"strconv"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/store"
)

// followupRef is an enrolment reached within an actor's scope, with its candidate and the
// framework version frozen on it.
type followupRef struct {
	Candidate domain.Candidate
	Enrolment domain.Enrolment
	Framework domain.Framework
	Record    resultRecord // what closed jury sessions made of the enrolment
}

// enrolmentInScope reports whether a restricted scope reaches this enrolment of a candidate it
// already reaches: a training organisation its own enrolments, a company those with it, a
// referent those they follow, a candidate their own, a commission member those of their orals
// (the store only returns such candidates).
func enrolmentInScope(sc store.Scope, c domain.Candidate, e domain.Enrolment) bool {
	if !sc.Restricted {
		return true
	}
	return (e.TrainingOrganisationID != "" && contains(sc.TrainingOrganisationIDs, e.TrainingOrganisationID)) ||
		(e.CompanyID != "" && contains(sc.CompanyIDs, e.CompanyID)) ||
		(sc.ReferentUserID != "" && e.ReferentUserID == sc.ReferentUserID) ||
		contains(sc.CandidateIDs, c.ID) ||
		sc.CommissionMemberUserID != ""
}

// followupEnrolment finds an enrolment the actor may reach for act. Outside the actor's scope
// it is "not found", exactly as if it did not exist.
func (s *Service) followupEnrolment(ctx context.Context, q store.Q, a domain.Actor, act Action, enrolmentID string) (followupRef, error) {
	sc, err := candidateScope(a, act)
	if err != nil {
		return followupRef{}, err
	}
	notFound := domain.Errorf(domain.ENOTFOUND, "Inscription introuvable.")
	candidateID, err := q.FollowupCandidateID(ctx, enrolmentID)
	if err != nil {
		return followupRef{}, err
	}
	c, err := q.Candidate(ctx, candidateID, sc)
	if domain.ErrorCode(err) == domain.ENOTFOUND {
		return followupRef{}, notFound
	}
	if err != nil {
		return followupRef{}, err
	}
	for _, e := range c.Enrolments {
		if e.ID != enrolmentID {
			continue
		}
		if !enrolmentInScope(sc, c, e) {
			return followupRef{}, notFound
		}
		fw, err := q.Framework(ctx, e.FrameworkID)
		if err != nil {
			return followupRef{}, err
		}
		rec, err := loadResultRecord(ctx, q, e.ID)
		if err != nil {
			return followupRef{}, err
		}
		return followupRef{Candidate: c, Enrolment: e, Framework: fw.Framework, Record: rec}, nil
	}
	return followupRef{}, notFound
}

// followupOpen says why an enrolment's follow-up (hours, internships, logbook) is closed, or
// "" while it is open: it closes when the candidate withdraws or the jury has decided, and the
// session that decided is named.
func followupOpen(e domain.Enrolment, rec resultRecord) string {
	switch e.Status {
	case domain.StatusWithdrawn:
		return "L'inscription est au statut « " + e.Status.Label() + " » : son suivi est clos."
	case domain.StatusCertified, domain.StatusPartial, domain.StatusNotCertified:
		if js, ok := rec.last(); ok {
			return "Le jury du " + sessionDay(js) + " a arrêté le résultat (« " + e.Status.Label() + " ») : le suivi qu'il a lu est figé. Une erreur se corrige par une session de rectification."
		}
		return "L'inscription est au statut « " + e.Status.Label() + " » : son suivi est clos."
	}
	return ""
}

// BlockHoursLine is one presented block's training hours.
type BlockHoursLine struct {
	Code     string
	Title    string
	Planned  int
	Done     int
	Recorded bool // hours were recorded for this block
	Late     bool // fewer hours done than planned
}

// InternshipLine is an internship with what the organisation should know about it.
type InternshipLine struct {
	store.Internship
	// BeforeTrainingEnds is true when the internship starts before the training ends: allowed
	// (alternation), but the guide prefers it at the end of the path.
	BeforeTrainingEnds bool
}

// Followup is an enrolment's training follow-up: hours per block, internships, and what the
// framework asks of the candidate's public.
type Followup struct {
	Candidate   domain.Candidate
	Enrolment   domain.Enrolment
	Framework   domain.Framework
	Blocks      []BlockHoursLine // the presented blocks, framework order
	Planned     int
	Done        int
	Internships []InternshipLine
	// Hours is the rules engine's comparison of what is done with what is owed; HoursError,
	// when set, says in French why it could not be made.
	Hours      rules.HoursCheck
	HoursError string
	// TrainingEnd is the day the training ends, and TrainingEndSource where that day comes
	// from: the enrolment's action, or the last update of its hours (zero when unknown).
	TrainingEnd       domain.Date
	TrainingEndSource store.TrainingEndSource
	Warnings          []string // French
	Closed            string   // why the follow-up is closed, or ""
}

// TrainingEndLabel says in French where the training end date comes from.
func (f Followup) TrainingEndLabel() string {
	switch f.TrainingEndSource {
	case store.TrainingEndAction:
		return "date de fin de l'action de formation"
	case store.TrainingEndLastHours:
		return "dernière mise à jour des heures de formation, l'inscription n'étant rattachée à aucune action"
	}
	return "inconnue : ni action de formation ni heures enregistrées"
}

func (s *Service) followup(ctx context.Context, q store.Q, ref followupRef) (Followup, error) {
	f := Followup{Candidate: ref.Candidate, Enrolment: ref.Enrolment, Framework: ref.Framework, Closed: followupOpen(ref.Enrolment, ref.Record)}
	hours, err := q.TrainingHours(ctx, ref.Enrolment.ID)
	if err != nil {
		return f, err
	}
	byCode := map[string]store.BlockHours{}
	for _, h := range hours {
		byCode[h.BlockCode] = h
	}
	for _, code := range ref.Enrolment.Blocks {
		line := BlockHoursLine{Code: code}
		if b, ok := ref.Framework.Block(code); ok {
			line.Title = b.Title
		}
		if h, ok := byCode[code]; ok {
			line.Planned, line.Done, line.Recorded = h.Planned, h.Done, true
			line.Late = h.Done < h.Planned
		}
		f.Planned += line.Planned
		f.Done += line.Done
		f.Blocks = append(f.Blocks, line)
	}
	internships, err := q.Internships(ctx, ref.Enrolment.ID)
	if err != nil {
		return f, err
	}
	f.TrainingEnd, f.TrainingEndSource, err = q.TrainingEnd(ctx, ref.Enrolment.ID)
	if err != nil {
		return f, err
	}
	internshipHours := 0
	for _, in := range internships {
		line := InternshipLine{Internship: in}
		internshipHours += in.Hours
		if !f.TrainingEnd.IsZero() && in.StartsOn.Before(f.TrainingEnd) {
			line.BeforeTrainingEnds = true
			f.Warnings = append(f.Warnings, "Le stage chez "+in.CompanyName+" commence le "+in.StartsOn.String()+
				", avant la fin de la formation ("+f.TrainingEnd.String()+") : le guide recommande le stage de préférence en fin de parcours.")
		}
		f.Internships = append(f.Internships, line)
	}
	f.Hours, err = rules.CheckHours(ref.Framework, rules.Training{Public: ref.Enrolment.Public, Route: ref.Enrolment.Route,
		Blocks: ref.Enrolment.Blocks, TrainingHours: f.Done, InternshipHours: internshipHours})
	if err != nil {
		f.HoursError = "Les heures dues ne peuvent pas être calculées : " + err.Error() + "."
	}
	return f, nil
}

// Followup returns an enrolment's training follow-up, for whoever may read the candidate's
// file.
func (s *Service) Followup(ctx context.Context, a domain.Actor, enrolmentID string) (Followup, error) {
	q := s.store.Read()
	ref, err := s.followupEnrolment(ctx, q, a, ActCandidateRead, enrolmentID)
	if err != nil {
		return Followup{}, err
	}
	return s.followup(ctx, q, ref)
}

// BlockHoursInput is one block's hours as typed.
type BlockHoursInput struct {
	Planned string
	Done    string
	// KeepPlanned leaves the planned hours as recorded (none: 0) and records Done alone, for
	// the systems that send the hours done and nothing else.
	KeepPlanned bool
}

// HoursField names the form field of one block's planned ("planned") or done ("done") hours.
func HoursField(kind, blockCode string) string { return kind + "-" + blockCode }

// maxBlockHours bounds one block's hours, far above any real path, to catch typing mistakes.
const maxBlockHours = 5000

func parseHours(fe domain.FieldErrors, field, block, what, s string) int {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0
	}
	n, err := strconv.Atoi(s)
	switch {
	case err != nil:
		fe.Add(field, "Bloc "+block+", heures "+what+" : « "+s+" » n'est pas un nombre entier d'heures.")
	case n < 0 || n > maxBlockHours:
		fe.Add(field, "Bloc "+block+", heures "+what+" : "+s+" est hors de 0 à "+strconv.Itoa(maxBlockHours)+" h.")
	}
	return n
}

// hoursChange is one block's hours, checked, to record.
type hoursChange struct {
	code          string
	planned, done int
	keepPlanned   bool
}

// openFollowup finds an enrolment whose training the actor records, and refuses it when its
// follow-up is closed.
func (s *Service) openFollowup(ctx context.Context, q store.Q, a domain.Actor, enrolmentID string) (followupRef, error) {
	ref, err := s.followupEnrolment(ctx, q, a, ActTrainingRecord, enrolmentID)
	if err != nil {
		return ref, err
	}
	if msg := followupOpen(ref.Enrolment, ref.Record); msg != "" {
		return ref, domain.Errorf(domain.ECONFLICT, "%s", msg)
	}
	return ref, nil
}

// checkBlockHours checks one block's typed hours for an enrolment: the block must be one it
// presents, the hours whole numbers from 0 to maxBlockHours. Messages go to fe under the key
// that key gives for "block", "planned" and "done".
func checkBlockHours(fe domain.FieldErrors, ref followupRef, code string, h BlockHoursInput, key func(field string) string) (hoursChange, bool) {
	if !contains(ref.Enrolment.Blocks, code) {
		fe.Add(key("block"), "Le bloc « "+code+" » n'est pas présenté par le candidat.")
		return hoursChange{}, false
	}
	n := len(fe)
	c := hoursChange{code: code, keepPlanned: h.KeepPlanned}
	if !h.KeepPlanned {
		c.planned = parseHours(fe, key("planned"), code, "prévues", h.Planned)
	}
	c.done = parseHours(fe, key("done"), code, "effectuées", h.Done)
	return c, len(fe) == n
}

// writeTrainingHours records an enrolment's checked hours in the caller's transaction and
// audits each block that changes with its hours before and after. It returns how many blocks
// changed: a block whose hours are already those, or a new one with no hours, does not.
func (s *Service) writeTrainingHours(ctx context.Context, q store.Q, a domain.Actor, ref followupRef, changes []hoursChange) (int, error) {
	current, err := q.TrainingHours(ctx, ref.Enrolment.ID)
	if err != nil {
		return 0, err
	}
	before := map[string]store.BlockHours{}
	for _, h := range current {
		before[h.BlockCode] = h
	}
	changed := 0
	for _, c := range changes {
		old, had := before[c.code]
		if c.keepPlanned {
			c.planned = old.Planned
		}
		if had && old.Planned == c.planned && old.Done == c.done {
			continue
		}
		if !had && c.planned == 0 && c.done == 0 {
			continue
		}
		if err := q.SetTrainingHours(ctx, ref.Enrolment.ID, store.BlockHours{BlockCode: c.code, Planned: c.planned, Done: c.done, UpdatedAt: s.Now()}); err != nil {
			return changed, err
		}
		var b any
		if had {
			b = map[string]any{"block": c.code, "planned_hours": old.Planned, "done_hours": old.Done}
		}
		if err := s.audit(ctx, q, a, change{Action: "training.hours", EntityType: "enrolment", EntityID: ref.Enrolment.ID,
			CandidateID: ref.Candidate.ID, Before: b, After: map[string]any{"block": c.code, "planned_hours": c.planned, "done_hours": c.done}}); err != nil {
			return changed, err
		}
		before[c.code] = store.BlockHours{BlockCode: c.code, Planned: c.planned, Done: c.done}
		changed++
	}
	return changed, nil
}

// SetTrainingHours records the planned and done hours of the enrolment's blocks, in one
// transaction; blocks left out keep what they had. Each changed block is audited with its
// hours before and after.
func (s *Service) SetTrainingHours(ctx context.Context, a domain.Actor, enrolmentID string, in map[string]BlockHoursInput) error {
	return s.store.Write(ctx, func(q store.Q) error {
		ref, err := s.openFollowup(ctx, q, a, enrolmentID)
		if err != nil {
			return err
		}
		fe := domain.FieldErrors{}
		for code, h := range in {
			if !contains(ref.Enrolment.Blocks, code) {
				checkBlockHours(fe, ref, code, h, func(string) string { return HoursField("planned", code) })
			}
		}
		var changes []hoursChange
		for _, code := range ref.Enrolment.Blocks { // framework order
			h, ok := in[code]
			if !ok {
				continue
			}
			if c, ok := checkBlockHours(fe, ref, code, h, func(kind string) string { return HoursField(kind, code) }); ok {
				changes = append(changes, c)
			}
		}
		if len(fe) == 0 && len(changes) == 0 {
			fe.Add("hours", "Aucune heure à enregistrer : remplissez les heures d'au moins un bloc.")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		changed, err := s.writeTrainingHours(ctx, q, a, ref, changes)
		if err != nil {
			return err
		}
		if changed == 0 {
			return domain.Errorf(domain.ECONFLICT, "Ces heures sont déjà celles enregistrées : rien n'a changé.")
		}
		return nil
	})
}

// HoursRow is one row of a batch of training hours: one block of one enrolment.
type HoursRow struct {
	EnrolmentID string
	BlockCode   string
	Hours       BlockHoursInput
}

// HoursBatch is what a batch of training hours recorded.
type HoursBatch struct {
	Rows       int // rows received
	Enrolments int // distinct enrolments
	Changed    int // blocks whose hours changed (each audited)
}

// SetTrainingHoursBatch records the hours of many enrolments' blocks at once, all or nothing in
// one transaction, each row checked as SetTrainingHours checks a block and each changed block
// audited the same way. Errors are keyed by row (BatchField) and say the row (BatchMessage);
// an enrolment outside the actor's scope is "introuvable" on its row, as if it did not exist.
// A row whose hours are already those recorded changes nothing and is no error, so that a
// system may send its whole table again.
func (s *Service) SetTrainingHoursBatch(ctx context.Context, a domain.Actor, rows []HoursRow) (HoursBatch, error) {
	out := HoursBatch{Rows: len(rows)}
	if err := Check(a, ActTrainingRecord); err != nil {
		return out, err
	}
	switch {
	case len(rows) == 0:
		return out, fieldError("items", "Le lot est vide : envoyez au moins une ligne.")
	case len(rows) > MaxBatchRows:
		return out, batchTooLarge(len(rows))
	}
	err := s.store.Write(ctx, func(q store.Q) error {
		fe := domain.FieldErrors{}
		type target struct {
			ref     followupRef
			err     string // why its rows cannot be recorded, or ""
			changes []hoursChange
		}
		targets := map[string]*target{}
		var order []string
		seen := map[[2]string]int{}
		for i, row := range rows {
			key := func(field string) string {
				return BatchField(i, map[string]string{"block": "block_code", "planned": "planned_hours", "done": "hours"}[field])
			}
			add := func(field, msg string) { fe.Add(BatchField(i, field), BatchMessage(i, msg)) }
			id, code := strings.TrimSpace(row.EnrolmentID), strings.TrimSpace(row.BlockCode)
			if id == "" {
				add("enrolment_id", "Indiquez l'identifiant de l'inscription.")
			}
			if code == "" {
				add("block_code", "Indiquez le code du bloc, par exemple BC1.")
			}
			if strings.TrimSpace(row.Hours.Done) == "" {
				add("hours", "Indiquez les heures effectuées du bloc.")
			}
			if id == "" || code == "" || strings.TrimSpace(row.Hours.Done) == "" {
				continue
			}
			if first, dup := seen[[2]string{id, code}]; dup {
				add("block_code", "le bloc « "+code+" » de cette inscription figure déjà à la ligne "+strconv.Itoa(first+1)+" : une ligne par bloc.")
				continue
			}
			seen[[2]string{id, code}] = i
			tg, ok := targets[id]
			if !ok {
				tg = &target{}
				ref, err := s.openFollowup(ctx, q, a, id)
				switch domain.ErrorCode(err) {
				case "":
					tg.ref = ref
				case domain.ENOTFOUND, domain.ECONFLICT:
					tg.err = domain.ErrorMessage(err)
				default:
					return err
				}
				targets[id] = tg
				order = append(order, id)
			}
			if tg.err != "" {
				add("enrolment_id", tg.err)
				continue
			}
			rowErrors := domain.FieldErrors{}
			if c, ok := checkBlockHours(rowErrors, tg.ref, code, row.Hours, key); ok {
				tg.changes = append(tg.changes, c)
			}
			for k, msg := range rowErrors {
				fe.Add(k, BatchMessage(i, msg))
			}
		}
		if len(fe) > 0 {
			return batchInvalid(fe)
		}
		for _, id := range order {
			n, err := s.writeTrainingHours(ctx, q, a, targets[id].ref, targets[id].changes)
			if err != nil {
				return err
			}
			out.Changed += n
		}
		out.Enrolments = len(order)
		return nil
	})
	if err != nil {
		return HoursBatch{Rows: len(rows)}, err
	}
	return out, nil
}

// InternshipInput is an internship period as typed.
type InternshipInput struct {
	CompanyID string
	StartsOn  string
	EndsOn    string
	Hours     string
}

// AddInternship records an internship period of the enrolment. It returns the internship with
// a warning when it starts before the training ends (allowed, but the guide prefers it at the
// end of the path).
func (s *Service) AddInternship(ctx context.Context, a domain.Actor, enrolmentID string, in InternshipInput) (InternshipLine, error) {
	var line InternshipLine
	err := s.store.Write(ctx, func(q store.Q) error {
		ref, err := s.followupEnrolment(ctx, q, a, ActTrainingRecord, enrolmentID)
		if err != nil {
			return err
		}
		if msg := followupOpen(ref.Enrolment, ref.Record); msg != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", msg)
		}
		fe := domain.FieldErrors{}
		var company domain.Company
		if strings.TrimSpace(in.CompanyID) == "" {
			fe.Add("company", "Choisissez l'entreprise d'accueil du stage.")
		} else if company, err = q.Company(ctx, strings.TrimSpace(in.CompanyID)); domain.ErrorCode(err) == domain.ENOTFOUND {
			fe.Add("company", "Entreprise inconnue : choisissez-la dans la liste.")
		} else if err != nil {
			return err
		}
		date := func(field, what, v string) domain.Date {
			v = strings.TrimSpace(v)
			if v == "" {
				fe.Add(field, "Indiquez la date de "+what+" du stage au format JJ/MM/AAAA.")
				return domain.Date{}
			}
			d, err := domain.ParseFrenchDate(v)
			if err != nil {
				fe.Add(field, "La date de "+what+" du stage « "+v+" » n'est pas une date au format JJ/MM/AAAA.")
			}
			return d
		}
		starts, ends := date("starts_on", "début", in.StartsOn), date("ends_on", "fin", in.EndsOn)
		if !starts.IsZero() && !ends.IsZero() && ends.Before(starts) {
			fe.Add("ends_on", "Le stage finit le "+ends.String()+", avant son début le "+starts.String()+".")
		}
		hours := 0
		if h := strings.TrimSpace(in.Hours); h == "" {
			fe.Add("hours", "Indiquez la durée du stage en heures.")
		} else if n, err := strconv.Atoi(h); err != nil || n <= 0 || n > maxBlockHours {
			fe.Add("hours", "La durée du stage « "+h+" » doit être un nombre entier d'heures de 1 à "+strconv.Itoa(maxBlockHours)+".")
		} else {
			hours = n
		}
		if err := fe.Err(); err != nil {
			return err
		}
		it := store.Internship{ID: newID(), EnrolmentID: ref.Enrolment.ID, CompanyID: company.ID, CompanyName: company.Name,
			StartsOn: starts, EndsOn: ends, Hours: hours, CreatedAt: s.Now()}
		if err := q.AddInternship(ctx, it); err != nil {
			return err
		}
		end, _, err := q.TrainingEnd(ctx, ref.Enrolment.ID)
		if err != nil {
			return err
		}
		line = InternshipLine{Internship: it, BeforeTrainingEnds: !end.IsZero() && starts.Before(end)}
		return s.audit(ctx, q, a, change{Action: "training.internship_add", EntityType: "enrolment", EntityID: ref.Enrolment.ID,
			CandidateID: ref.Candidate.ID, After: internshipState(it)})
	})
	return line, err
}

func internshipState(it store.Internship) map[string]any {
	return map[string]any{"company": it.CompanyID, "starts_on": it.StartsOn.ISO(), "ends_on": it.EndsOn.ISO(), "hours": it.Hours}
}

// RemoveInternship removes an internship entered by mistake; the reason is required and the
// removed internship stays in the audit trail.
func (s *Service) RemoveInternship(ctx context.Context, a domain.Actor, enrolmentID, internshipID, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.store.Write(ctx, func(q store.Q) error {
		ref, err := s.followupEnrolment(ctx, q, a, ActTrainingRecord, enrolmentID)
		if err != nil {
			return err
		}
		it, err := q.Internship(ctx, ref.Enrolment.ID, internshipID)
		if err != nil {
			return err
		}
		if reason == "" {
			msg := "Indiquez pourquoi ce stage est retiré : la raison est gardée au journal."
			return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"reason": msg}}
		}
		if msg := followupOpen(ref.Enrolment, ref.Record); msg != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", msg)
		}
		if err := q.DeleteInternship(ctx, ref.Enrolment.ID, it.ID); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "training.internship_remove", EntityType: "enrolment", EntityID: ref.Enrolment.ID,
			CandidateID: ref.Candidate.ID, Before: internshipState(it), Reason: reason})
	})
}

// Assessment values a referent gives a competence in the logbook.
const (
	LogbookAcquired    = "A"
	LogbookNotAcquired = "NA"
)

// CompetenceView is one competence of the candidate's blocks with the referent's current
// evaluation (their latest logbook entry on it).
type CompetenceView struct {
	Code       string
	Title      string
	BlockCode  string
	Assessment string // "", "A" or "NA"
	On         domain.Date
	History    []store.LogbookEntry // every entry on this competence, oldest first
}

// Logbook is an enrolment's livret d'accompagnement: the referent's entries and their current
// evaluation of each competence's know-how.
type Logbook struct {
	Candidate   domain.Candidate
	Enrolment   domain.Enrolment
	Entries     []store.LogbookEntry // oldest first
	Competences []CompetenceView     // every competence of the presented blocks, framework order
	Closed      string
}

// Logbook returns an enrolment's logbook, for whoever may read the candidate's file.
func (s *Service) Logbook(ctx context.Context, a domain.Actor, enrolmentID string) (Logbook, error) {
	q := s.store.Read()
	ref, err := s.followupEnrolment(ctx, q, a, ActCandidateRead, enrolmentID)
	if err != nil {
		return Logbook{}, err
	}
	entries, err := q.LogbookEntries(ctx, ref.Enrolment.ID)
	if err != nil {
		return Logbook{}, err
	}
	lb := Logbook{Candidate: ref.Candidate, Enrolment: ref.Enrolment, Entries: entries, Closed: followupOpen(ref.Enrolment, ref.Record)}
	for _, code := range ref.Enrolment.Blocks {
		b, ok := ref.Framework.Block(code)
		if !ok {
			continue
		}
		for _, c := range b.Competences {
			cv := CompetenceView{Code: c.Code, Title: c.Title, BlockCode: b.Code}
			for _, e := range entries {
				if e.CompetenceCode == c.Code {
					cv.History = append(cv.History, e)
					cv.Assessment, cv.On = e.Assessment, e.On
				}
			}
			lb.Competences = append(lb.Competences, cv)
		}
	}
	return lb, nil
}

// LogbookInput is what a referent writes in one visit: a dated note, and optionally their
// evaluation of some competences (code → "A" or "NA"; "" leaves a competence as it was).
type LogbookInput struct {
	On          string
	Body        string
	Competences map[string]string
}

// CompetenceField names the form field of a competence's evaluation in the logbook form.
func CompetenceField(code string) string { return "competence-" + code }

// AddLogbookEntries appends the referent's visit to the logbook in one transaction: the note
// (when written) and one entry per evaluated competence, each audited. Only the referent who
// follows the candidate writes in it; entries are never changed afterwards.
func (s *Service) AddLogbookEntries(ctx context.Context, a domain.Actor, enrolmentID string, in LogbookInput) (int, error) {
	n := 0
	err := s.store.Write(ctx, func(q store.Q) error {
		ref, err := s.followupEnrolment(ctx, q, a, ActLogbookWrite, enrolmentID)
		if err != nil {
			return err
		}
		if msg := followupOpen(ref.Enrolment, ref.Record); msg != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", msg)
		}
		fe := domain.FieldErrors{}
		var on domain.Date
		if v := strings.TrimSpace(in.On); v == "" {
			fe.Add("on", "Indiquez la date du suivi au format JJ/MM/AAAA.")
		} else if d, err := domain.ParseFrenchDate(v); err != nil {
			fe.Add("on", "La date du suivi « "+v+" » n'est pas une date au format JJ/MM/AAAA.")
		} else if s.Today().Before(d) {
			fe.Add("on", "La date du suivi est dans le futur : le livret rend compte de ce qui a eu lieu.")
		} else {
			on = d
		}
		body := strings.TrimSpace(in.Body)
		if utf8.RuneCountInString(body) > 5000 {
			fe.Add("body", "Le texte du suivi dépasse 5 000 caractères : raccourcissez-le.")
		}
		comps := map[string]string{} // competence → block
		var order []string
		for _, code := range ref.Enrolment.Blocks {
			if b, ok := ref.Framework.Block(code); ok {
				for _, c := range b.Competences {
					comps[c.Code] = b.Code
					order = append(order, c.Code)
				}
			}
		}
		var assessed []string
		for code, v := range in.Competences {
			v = strings.TrimSpace(v)
			if v == "" {
				continue
			}
			if _, ok := comps[code]; !ok {
				fe.Add(CompetenceField(code), "La compétence « "+code+" » n'appartient pas aux blocs présentés par le candidat.")
				continue
			}
			if v != LogbookAcquired && v != LogbookNotAcquired {
				fe.Add(CompetenceField(code), "Compétence "+code+" : choisissez « acquis » (A) ou « non acquis » (NA).")
				continue
			}
		}
		for _, code := range order {
			if v := strings.TrimSpace(in.Competences[code]); v == LogbookAcquired || v == LogbookNotAcquired {
				assessed = append(assessed, code)
			}
		}
		if len(fe) == 0 && body == "" && len(assessed) == 0 {
			fe.Add("body", "Écrivez le compte rendu du suivi, ou évaluez au moins une compétence.")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		add := func(e store.LogbookEntry) error {
			e.ID, e.EnrolmentID, e.On, e.AuthorID, e.AuthorName, e.CreatedAt = newID(), ref.Enrolment.ID, on, a.UserID, a.Name, s.Now()
			if err := q.AddLogbookEntry(ctx, e); err != nil {
				return err
			}
			n++
			after := map[string]string{"on": on.ISO()}
			if e.CompetenceCode != "" {
				after["competence"], after["assessment"] = e.CompetenceCode, e.Assessment
			} else {
				after["body"] = e.Body
			}
			return s.audit(ctx, q, a, change{Action: "logbook.entry", EntityType: "enrolment", EntityID: ref.Enrolment.ID,
				CandidateID: ref.Candidate.ID, After: after})
		}
		if body != "" {
			if err := add(store.LogbookEntry{Body: body}); err != nil {
				return err
			}
		}
		for _, code := range assessed {
			if err := add(store.LogbookEntry{CompetenceCode: code, Assessment: strings.TrimSpace(in.Competences[code])}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// Progress is where a candidate stands on one enrolment, as their page shows it: the status,
// the hours, the continuous marks per block and the convocations to the certification oral.
type Progress struct {
	Enrolment domain.Enrolment
	Followup  Followup
	Marks     ContinuousEvaluation
	Orals     []OralView // oldest first
}

// CandidateProgress returns the progress of each of the candidate's enrolments the actor may
// see, in the candidate file's order.
func (s *Service) CandidateProgress(ctx context.Context, a domain.Actor, candidateID string) ([]Progress, error) {
	c, err := s.Candidate(ctx, a, candidateID)
	if err != nil {
		return nil, err
	}
	q := s.store.Read()
	var out []Progress
	for _, e := range c.Enrolments {
		ref, err := s.followupEnrolment(ctx, q, a, ActCandidateRead, e.ID)
		if domain.ErrorCode(err) == domain.ENOTFOUND {
			continue
		}
		if err != nil {
			return nil, err
		}
		p := Progress{Enrolment: ref.Enrolment}
		if p.Followup, err = s.followup(ctx, q, ref); err != nil {
			return nil, err
		}
		ms, err := q.ContinuousAssessments(ctx, ref.Enrolment.ID)
		if err != nil {
			return nil, err
		}
		p.Marks = continuousEvaluation(ref, ms)
		orals, err := q.ListOrals(ctx, store.OralFilter{EnrolmentID: ref.Enrolment.ID})
		if err != nil {
			return nil, err
		}
		for _, o := range orals {
			p.Orals = append(p.Orals, oralView(o))
		}
		out = append(out, p)
	}
	return out, nil
}
