package service

import (
	"context"
	"errors"
	"sort"
	"strconv"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// Continuous evaluation (DOMAIN.md §7, docs/continuous-evaluation.md): the training
// organisation gives each presented block one or more assessments out of 20; the block's
// continuous mark is the mean of its assessments, truncated to the hundredth. A block whose
// mark reaches the framework's minimum is admitted to the final evaluation. Truncating keeps
// the gate exact: mean ≥ minimum exactly when sum ≥ minimum × count, since the minimum is a
// whole number of hundredths.

// ParseMark reads a mark out of 20 typed the French way ("12,5") or with a point ("12.5"),
// with at most two decimals. The message says what is wrong, in French, without naming the
// field (the caller does).
func ParseMark(s string) (domain.Mark, string) {
	t := strings.ReplaceAll(strings.TrimSpace(s), " ", "")
	if t == "" {
		return 0, "indiquez une note de 0 à 20"
	}
	whole, frac, hasFrac := strings.Cut(strings.Replace(t, ",", ".", 1), ".")
	bad := "« " + strings.TrimSpace(s) + " » n'est pas une note : tapez un nombre de 0 à 20, avec au plus deux décimales (par exemple 12,5)"
	if whole == "" || !allDigits(whole) || (hasFrac && (frac == "" || !allDigits(frac))) {
		return 0, bad
	}
	if len(frac) > 2 {
		return 0, "« " + strings.TrimSpace(s) + " » a plus de deux décimales : arrondissez au centième (par exemple 12,25)"
	}
	if len(whole) > 3 {
		return 0, "« " + strings.TrimSpace(s) + " » est hors de 0 à 20"
	}
	w, _ := strconv.Atoi(whole)
	f := 0
	if frac != "" {
		f, _ = strconv.Atoi(frac)
		if len(frac) == 1 {
			f *= 10
		}
	}
	m := domain.Mark(w*domain.MarkScale + f)
	if m > domain.MaxMark {
		return 0, "« " + strings.TrimSpace(s) + " » est hors de 0 à 20"
	}
	return m, ""
}

func allDigits(s string) bool {
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// MeanMark is a block's continuous mark: the mean of its assessments, truncated to the
// hundredth (marks are never negative, so truncating is rounding down). No assessment gives
// no mark (false).
func MeanMark(marks []domain.Mark) (domain.Mark, bool) {
	if len(marks) == 0 {
		return 0, false
	}
	sum := 0
	for _, m := range marks {
		sum += int(m)
	}
	return domain.Mark(sum / len(marks)), true
}

// marksClosed says, in French, why an enrolment's continuous marks on a block may not change,
// or "" when they may. On the formation and blocs routes marks are entered during the training
// (until the final evaluation, since they are what let the blocks in) and again for a retake
// after a partial or failed result, on the blocks the person does not hold; a certification
// freezes them. block "" asks about the enrolment as a whole.
func marksClosed(e domain.Enrolment, rec resultRecord, block string) string {
	if e.Route == domain.RouteVAE {
		return "La VAE n'a pas d'évaluation continue : aucune note n'est saisie sur cette voie."
	}
	if msg := rec.frozen(e); msg != "" {
		return msg
	}
	switch e.Status {
	case domain.StatusEnrolled, domain.StatusInTraining, domain.StatusPartial, domain.StatusNotCertified:
		if block != "" {
			return rec.heldRefusal(block)
		}
		return ""
	}
	return "L'inscription est au statut « " + e.Status.Label() + " » : les notes de contrôle continu ne changent plus après l'entrée en évaluation finale."
}

// BlockMarks is one presented block's continuous evaluation.
type BlockMarks struct {
	Code        string
	Title       string
	Assessments []store.ContinuousAssessment
	Mean        domain.Mark // valid when HasMark: the mean of the latest round
	HasMark     bool
	Admitted    bool // HasMark and Mean reaches the framework's minimum
	// Held is set when the person holds the block: it is not marked again.
	Held *store.AcquiredBlock
	// Round is the round whose marks make the mean; earlier rounds were read by a jury.
	Round int
}

// ReadByJury reports whether an assessment was read by a closed jury session: it is frozen,
// and a later round's marks replace it in the mean.
func (b BlockMarks) ReadByJury(m store.ContinuousAssessment) bool { return m.Round < b.Round }

// ContinuousEvaluation is an enrolment's continuous evaluation: every presented block with its
// assessments and mean, and the framework's minimum.
type ContinuousEvaluation struct {
	Candidate domain.Candidate
	Enrolment domain.Enrolment
	Framework domain.Framework // the version frozen on the enrolment
	Minimum   domain.Mark
	Blocks    []BlockMarks
	// Closed, when set, says in French why marks may no longer be entered.
	Closed string
	// Retake, when set, says that the enrolment is evaluated again after a jury's result.
	Retake string
	// Rounds is the number of closed jury sessions that judged the enrolment: a new mark
	// belongs to that round.
	Rounds int
}

// Marks returns block code → mean for the blocks with at least one assessment.
func (c ContinuousEvaluation) Marks() map[string]domain.Mark {
	out := map[string]domain.Mark{}
	for _, b := range c.Blocks {
		if b.HasMark {
			out[b.Code] = b.Mean
		}
	}
	return out
}

// Missing returns the presented blocks without any assessment.
func (c ContinuousEvaluation) Missing() []string {
	var out []string
	for _, b := range c.Blocks {
		if !b.HasMark {
			out = append(out, b.Code)
		}
	}
	return out
}

func continuousEvaluation(ref followupRef, assessments []store.ContinuousAssessment) ContinuousEvaluation {
	ev := ContinuousEvaluation{Candidate: ref.Candidate, Enrolment: ref.Enrolment, Framework: ref.Framework, Minimum: ref.Framework.ContinuousMinimum,
		Closed: marksClosed(ref.Enrolment, ref.Record, ""), Rounds: len(ref.Record.Judged)}
	if ev.Closed == "" {
		ev.Retake = ref.Record.retake(ref.Enrolment)
	}
	byBlock := map[string][]store.ContinuousAssessment{}
	for _, m := range assessments {
		byBlock[m.BlockCode] = append(byBlock[m.BlockCode], m)
	}
	means := currentMarks(assessments, ref.Enrolment.Blocks)
	for _, code := range ref.Enrolment.Blocks {
		b := BlockMarks{Code: code, Assessments: byBlock[code]}
		if fb, ok := ref.Framework.Block(code); ok {
			b.Title = fb.Title
		}
		if h, ok := ref.Record.Held[code]; ok {
			b.Held = &h
		}
		for _, m := range b.Assessments {
			b.Round = max(b.Round, m.Round)
		}
		b.Mean, b.HasMark = means[code]
		b.Admitted = b.HasMark && b.Mean >= ev.Minimum
		ev.Blocks = append(ev.Blocks, b)
	}
	return ev
}

// ContinuousEvaluation returns an enrolment's continuous evaluation, for whoever may read the
// candidate's file.
func (s *Service) ContinuousEvaluation(ctx context.Context, a domain.Actor, enrolmentID string) (ContinuousEvaluation, error) {
	q := s.store.Read()
	ref, err := s.followupEnrolment(ctx, q, a, ActCandidateRead, enrolmentID)
	if err != nil {
		return ContinuousEvaluation{}, err
	}
	ms, err := q.ContinuousAssessments(ctx, ref.Enrolment.ID)
	if err != nil {
		return ContinuousEvaluation{}, err
	}
	return continuousEvaluation(ref, ms), nil
}

// ContinuousMarks returns an enrolment's continuous mark per block (the mean of the block's
// assessments, truncated to the hundredth), only for the blocks with at least one assessment:
// the rules engine's rules.Candidate.ContinuousMarks.
func (s *Service) ContinuousMarks(ctx context.Context, a domain.Actor, enrolmentID string) (map[string]domain.Mark, error) {
	ev, err := s.ContinuousEvaluation(ctx, a, enrolmentID)
	if err != nil {
		return nil, err
	}
	return ev.Marks(), nil
}

// AssessmentInput is one assessment as typed: the block, a label ("Étude de cas n° 1"), the
// date (25/11/2026 or 2026-11-25) and the mark out of 20 ("12,5").
type AssessmentInput struct {
	BlockCode string
	Label     string
	On        string
	Mark      string
}

// checkAssessmentHeader validates the label and the date shared by one or several marks.
func (s *Service) checkAssessmentHeader(fe domain.FieldErrors, label, on string) (string, domain.Date) {
	label = strings.TrimSpace(label)
	switch {
	case label == "":
		fe.Add("label", "Indiquez l'intitulé de l'évaluation (par exemple « Étude de cas n° 1 »).")
	case utf8.RuneCountInString(label) > 200:
		fe.Add("label", "L'intitulé de l'évaluation dépasse 200 caractères : raccourcissez-le.")
	}
	var d domain.Date
	if strings.TrimSpace(on) == "" {
		fe.Add("on", "Indiquez la date de l'évaluation au format JJ/MM/AAAA.")
	} else if x, err := domain.ParseFrenchDate(strings.TrimSpace(on)); err != nil {
		fe.Add("on", "La date de l'évaluation « "+strings.TrimSpace(on)+" » n'est pas une date au format JJ/MM/AAAA.")
	} else if s.Today().Before(x) {
		fe.Add("on", "La date de l'évaluation est dans le futur : une note se saisit une fois l'évaluation passée.")
	} else {
		d = x
	}
	return label, d
}

// checkAssessment validates one assessment of a block of an enrolment already reached for
// ActTrainingRecord and returns it ready to store: a conflict when the block's marks are closed,
// field errors (block, label, on, mark) when the assessment is wrong. It is the one check behind
// a single assessment and a batch of them.
func (s *Service) checkAssessment(ref followupRef, a domain.Actor, in AssessmentInput) (store.ContinuousAssessment, error) {
	code := strings.TrimSpace(in.BlockCode)
	if msg := marksClosed(ref.Enrolment, ref.Record, code); msg != "" {
		return store.ContinuousAssessment{}, domain.Errorf(domain.ECONFLICT, "%s", msg)
	}
	fe := domain.FieldErrors{}
	if !contains(ref.Enrolment.Blocks, code) {
		fe.Add("block", "Choisissez un des blocs présentés par le candidat ("+strings.Join(ref.Enrolment.Blocks, ", ")+").")
	}
	label, on := s.checkAssessmentHeader(fe, in.Label, in.On)
	mark, msg := ParseMark(in.Mark)
	if msg != "" {
		name := code
		if name == "" {
			name = "choisi"
		}
		fe.Add("mark", "Note du bloc "+name+" : "+msg+".")
	}
	if err := fe.Err(); err != nil {
		return store.ContinuousAssessment{}, err
	}
	return store.ContinuousAssessment{ID: newID(), EnrolmentID: ref.Enrolment.ID, BlockCode: code, Label: label, Mark: mark,
		AssessedOn: on, CreatedAt: s.Now(), CreatedBy: a.UserID, CreatedByName: a.Name, Round: len(ref.Record.Judged)}, nil
}

// storeAssessment writes a checked assessment and its audit entry.
func (s *Service) storeAssessment(ctx context.Context, q store.Q, a domain.Actor, ref followupRef, m store.ContinuousAssessment) error {
	if err := q.AddContinuousAssessment(ctx, m); err != nil {
		return err
	}
	return s.audit(ctx, q, a, change{Action: "continuous_mark.create", EntityType: "enrolment", EntityID: ref.Enrolment.ID,
		CandidateID: ref.Candidate.ID, After: assessmentState(m)})
}

// AddContinuousAssessment records one assessment of one block of an enrolment.
func (s *Service) AddContinuousAssessment(ctx context.Context, a domain.Actor, enrolmentID string, in AssessmentInput) (store.ContinuousAssessment, error) {
	var m store.ContinuousAssessment
	err := s.store.Write(ctx, func(q store.Q) error {
		ref, err := s.followupEnrolment(ctx, q, a, ActTrainingRecord, enrolmentID)
		if err != nil {
			return err
		}
		if m, err = s.checkAssessment(ref, a, in); err != nil {
			return err
		}
		return s.storeAssessment(ctx, q, a, ref, m)
	})
	return m, err
}

// BatchAssessment is one row of a batch of assessments: the enrolment and its assessment.
type BatchAssessment struct {
	EnrolmentID string
	AssessmentInput
}

// AddContinuousAssessments records many assessments, of any enrolments the actor enters marks
// for, all or nothing in one transaction: each row goes through the same check as a single
// assessment, and any wrong row refuses the whole batch, every row's errors listed under
// items[i].field (enrolment_id, block, label, on, mark) with messages starting « Ligne N : ». An
// enrolment outside the actor's scope is that row's « introuvable », as if it did not exist.
func (s *Service) AddContinuousAssessments(ctx context.Context, a domain.Actor, rows []BatchAssessment) ([]store.ContinuousAssessment, error) {
	if err := Check(a, ActTrainingRecord); err != nil {
		return nil, err
	}
	switch {
	case len(rows) == 0:
		msg := "Envoyez au moins une note."
		return nil, &domain.Error{Code: domain.EINVALID, Message: msg, Fields: domain.FieldErrors{"items": msg}}
	case len(rows) > MaxBatchRows:
		return nil, batchTooLarge(len(rows))
	}
	var out []store.ContinuousAssessment
	err := s.store.Write(ctx, func(q store.Q) error {
		out = out[:0]
		type reached struct {
			ref followupRef
			err error
		}
		refs := map[string]reached{}
		fe := domain.FieldErrors{}
		bad := 0
		var refsOf []followupRef
		for i, row := range rows {
			id := strings.TrimSpace(row.EnrolmentID)
			if id == "" {
				fe.Add(BatchField(i, "enrolment_id"), BatchMessage(i, "indiquez l'inscription."))
				bad++
				continue
			}
			r, seen := refs[id]
			if !seen {
				r.ref, r.err = s.followupEnrolment(ctx, q, a, ActTrainingRecord, id)
				refs[id] = r
			}
			if r.err != nil {
				if domain.ErrorCode(r.err) != domain.ENOTFOUND {
					return r.err
				}
				fe.Add(BatchField(i, "enrolment_id"), BatchMessage(i, "inscription introuvable."))
				bad++
				continue
			}
			m, err := s.checkAssessment(r.ref, a, row.AssessmentInput)
			var de *domain.Error
			switch {
			case err == nil:
				out = append(out, m)
				refsOf = append(refsOf, r.ref)
				continue
			case !errors.As(err, &de):
				return err
			case de.Code == domain.ECONFLICT:
				fe.Add(BatchField(i, "block"), BatchMessage(i, de.Message))
			case de.Code == domain.EINVALID:
				for _, k := range sortedFields(de.Fields) {
					fe.Add(BatchField(i, k), BatchMessage(i, de.Fields[k]))
				}
			default:
				return err
			}
			bad++
		}
		if bad > 0 {
			msg := "Aucune note n'est enregistrée : " + strconv.Itoa(bad) + " ligne(s) sur " + strconv.Itoa(len(rows)) +
				" contiennent des erreurs. Corrigez les lignes signalées, puis renvoyez l'ensemble."
			return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: fe}
		}
		for i, m := range out {
			if err := s.storeAssessment(ctx, q, a, refsOf[i], m); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// sortedFields lists field names in order, so that messages merge the same way every time.
func sortedFields(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

func assessmentState(m store.ContinuousAssessment) map[string]string {
	return map[string]string{"block": m.BlockCode, "label": m.Label, "assessed_on": m.AssessedOn.ISO(), "mark": m.Mark.String()}
}

// RemoveContinuousAssessment removes an assessment entered by mistake. The reason is required;
// the removed mark stays in the audit trail with it.
func (s *Service) RemoveContinuousAssessment(ctx context.Context, a domain.Actor, enrolmentID, assessmentID, reason string) error {
	reason = strings.TrimSpace(reason)
	return s.store.Write(ctx, func(q store.Q) error {
		ref, err := s.followupEnrolment(ctx, q, a, ActTrainingRecord, enrolmentID)
		if err != nil {
			return err
		}
		m, err := q.ContinuousAssessment(ctx, ref.Enrolment.ID, assessmentID)
		if err != nil {
			return err
		}
		if reason == "" {
			msg := "Indiquez pourquoi cette note est retirée : la raison est gardée au journal."
			return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"reason": msg}}
		}
		if msg := marksClosed(ref.Enrolment, ref.Record, ""); msg != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", msg)
		}
		if m.Round < len(ref.Record.Judged) {
			return domain.Errorf(domain.ECONFLICT, "Cette note a été lue par le jury du %s : elle est figée. Une erreur se corrige par une session de rectification ; une reprise s'évalue par de nouvelles notes.",
				sessionDay(ref.Record.Judged[m.Round]))
		}
		if err := q.DeleteContinuousAssessment(ctx, ref.Enrolment.ID, m.ID); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "continuous_mark.remove", EntityType: "enrolment", EntityID: ref.Enrolment.ID,
			CandidateID: ref.Candidate.ID, Before: assessmentState(m), Reason: reason})
	})
}

// GroupBlock is a block some candidates of an action present.
type GroupBlock struct {
	Code  string
	Title string
}

// GroupRow is one candidate of an action on the group marks screen.
type GroupRow struct {
	EnrolmentID     string
	CandidateID     string
	CandidateNumber string
	CandidateName   string
	Presents        bool   // the candidate presents the chosen block
	Closed          string // why marks may not be entered for this candidate, in French
	Assessments     []store.ContinuousAssessment
	Mean            domain.Mark
	HasMark         bool
	Admitted        bool
	Round           int // the round a new mark belongs to (closed sessions that judged the enrolment)
}

// Markable reports whether the screen offers an input for this candidate.
func (r GroupRow) Markable() bool { return r.Presents && r.Closed == "" }

// GroupMarks is the continuous-evaluation screen of an action for one block: every candidate
// of the action, with their assessments of that block so far.
type GroupMarks struct {
	ActionID    string
	ActionTitle string
	Blocks      []GroupBlock // the blocks the action's candidates present, in framework order
	Block       GroupBlock   // the chosen block; zero when none is chosen
	Minimum     domain.Mark
	Rows        []GroupRow
}

// groupOf loads an action's enrolments within the actor's scope for act.
func (s *Service) groupOf(ctx context.Context, q store.Q, a domain.Actor, act Action, actionID string) (store.MarksGroup, map[string]domain.Framework, error) {
	if err := Check(a, act); err != nil {
		return store.MarksGroup{}, nil, err
	}
	g, err := q.MarksGroup(ctx, actionID)
	if err != nil {
		return g, nil, err
	}
	if AccessFor(a, act) != AccessAll {
		orgs := a.Scopes(domain.RoleTrainingOrganisation)
		if !contains(orgs, g.TrainingOrganisationID) {
			return store.MarksGroup{}, nil, domain.Errorf(domain.ENOTFOUND, "Action introuvable.")
		}
		var own []store.MarksGroupMember
		for _, m := range g.Members {
			if contains(orgs, m.Enrolment.TrainingOrganisationID) {
				own = append(own, m)
			}
		}
		g.Members = own
	}
	fws := map[string]domain.Framework{}
	for _, m := range g.Members {
		if _, ok := fws[m.Enrolment.FrameworkID]; ok {
			continue
		}
		r, err := q.Framework(ctx, m.Enrolment.FrameworkID)
		if err != nil {
			return g, nil, err
		}
		fws[m.Enrolment.FrameworkID] = r.Framework
	}
	return g, fws, nil
}

// groupMarks builds the screen for one block ("" for none chosen yet).
func groupMarks(ctx context.Context, q store.Q, g store.MarksGroup, fws map[string]domain.Framework, blockCode string) (GroupMarks, error) {
	out := GroupMarks{ActionID: g.ActionID, ActionTitle: g.Title}
	type pos struct{ fw, i int }
	order := map[string]pos{}
	titles := map[string]string{}
	fwIndex := map[string]int{}
	for _, m := range g.Members {
		fw := fws[m.Enrolment.FrameworkID]
		if _, ok := fwIndex[m.Enrolment.FrameworkID]; !ok {
			fwIndex[m.Enrolment.FrameworkID] = len(fwIndex)
		}
		for _, code := range m.Enrolment.Blocks {
			if _, ok := order[code]; ok {
				continue
			}
			for i, b := range fw.Blocks {
				if b.Code == code {
					order[code], titles[code] = pos{fwIndex[m.Enrolment.FrameworkID], i}, b.Title
				}
			}
		}
	}
	for code := range order {
		out.Blocks = append(out.Blocks, GroupBlock{Code: code, Title: titles[code]})
	}
	sort.Slice(out.Blocks, func(i, j int) bool {
		a, b := order[out.Blocks[i].Code], order[out.Blocks[j].Code]
		if a.fw != b.fw {
			return a.fw < b.fw
		}
		return a.i < b.i
	})
	if blockCode == "" {
		return out, nil
	}
	if _, ok := order[blockCode]; !ok {
		return out, domain.Errorf(domain.ENOTFOUND, "Aucun candidat de cette action ne présente le bloc « %s ».", blockCode)
	}
	out.Block = GroupBlock{Code: blockCode, Title: titles[blockCode]}
	for _, m := range g.Members {
		fw := fws[m.Enrolment.FrameworkID]
		if out.Minimum == 0 {
			out.Minimum = fw.ContinuousMinimum
		}
		row := GroupRow{EnrolmentID: m.Enrolment.ID, CandidateID: m.Enrolment.CandidateID, CandidateNumber: m.CandidateNumber,
			CandidateName: m.CandidateName, Presents: contains(m.Enrolment.Blocks, blockCode)}
		if row.Presents {
			rec, err := loadResultRecord(ctx, q, m.Enrolment.ID)
			if err != nil {
				return out, err
			}
			row.Closed, row.Round = marksClosed(m.Enrolment, rec, blockCode), len(rec.Judged)
			all, err := q.ContinuousAssessments(ctx, m.Enrolment.ID)
			if err != nil {
				return out, err
			}
			for _, x := range all {
				if x.BlockCode == blockCode {
					row.Assessments = append(row.Assessments, x)
				}
			}
			row.Mean, row.HasMark = currentMarks(all, []string{blockCode})[blockCode]
			row.Admitted = row.HasMark && row.Mean >= fw.ContinuousMinimum
		} else {
			row.Closed = marksClosed(m.Enrolment, resultRecord{}, "")
		}
		out.Rows = append(out.Rows, row)
	}
	return out, nil
}

// GroupMarks returns an action's continuous-evaluation screen for one block ("" lists the
// blocks only). A training organisation reaches only its own actions.
func (s *Service) GroupMarks(ctx context.Context, a domain.Actor, actionID, blockCode string) (GroupMarks, error) {
	q := s.store.Read()
	g, fws, err := s.groupOf(ctx, q, a, ActTrainingRecord, actionID)
	if err != nil {
		return GroupMarks{}, err
	}
	return groupMarks(ctx, q, g, fws, strings.TrimSpace(blockCode))
}

// GroupMarksInput is the group screen as typed: one assessment (label and date) of one block,
// and each candidate's mark by enrolment id. An empty mark leaves the candidate out (absent).
type GroupMarksInput struct {
	BlockCode string
	Label     string
	On        string
	Marks     map[string]string
}

// GroupMarkField is the form field of a candidate's mark on the group screen.
func GroupMarkField(enrolmentID string) string { return "note-" + enrolmentID }

// RecordGroupMarks records one assessment of one block for several candidates of an action,
// all or nothing: any wrong mark refuses the whole form, each error naming the block and the
// candidate. It returns how many marks were recorded.
func (s *Service) RecordGroupMarks(ctx context.Context, a domain.Actor, actionID string, in GroupMarksInput) (int, error) {
	n := 0
	err := s.store.Write(ctx, func(q store.Q) error {
		g, fws, err := s.groupOf(ctx, q, a, ActTrainingRecord, actionID)
		if err != nil {
			return err
		}
		code := strings.TrimSpace(in.BlockCode)
		if code == "" {
			msg := "Choisissez le bloc à noter."
			return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"block": msg}}
		}
		screen, err := groupMarks(ctx, q, g, fws, code)
		if err != nil {
			if domain.ErrorCode(err) == domain.ENOTFOUND {
				msg := "Choisissez un bloc présenté par les candidats de l'action."
				return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: map[string]string{"block": msg}}
			}
			return err
		}
		fe := domain.FieldErrors{}
		label, on := s.checkAssessmentHeader(fe, in.Label, in.On)
		known := map[string]bool{}
		type entry struct {
			row  GroupRow
			mark domain.Mark
		}
		var entries []entry
		for _, row := range screen.Rows {
			known[row.EnrolmentID] = true
			typed := strings.TrimSpace(in.Marks[row.EnrolmentID])
			if typed == "" {
				continue
			}
			field := GroupMarkField(row.EnrolmentID)
			who := "Bloc " + code + " — " + row.CandidateName
			switch {
			case !row.Presents:
				fe.Add(field, who+" : ce candidat ne présente pas ce bloc.")
			case row.Closed != "":
				fe.Add(field, who+" : "+row.Closed)
			default:
				m, msg := ParseMark(typed)
				if msg != "" {
					fe.Add(field, who+" : "+msg+".")
					continue
				}
				entries = append(entries, entry{row, m})
			}
		}
		for id, typed := range in.Marks {
			if !known[id] && strings.TrimSpace(typed) != "" {
				fe.Add(GroupMarkField(id), "Une note vise une inscription qui n'appartient pas à cette action : rechargez la page.")
			}
		}
		if len(fe) == 0 && len(entries) == 0 {
			fe.Add("marks", "Tapez au moins une note : une case laissée vide signifie que le candidat n'a pas passé l'évaluation.")
		}
		if err := fe.Err(); err != nil {
			return err
		}
		for _, e := range entries {
			m := store.ContinuousAssessment{ID: newID(), EnrolmentID: e.row.EnrolmentID, BlockCode: code, Label: label, Mark: e.mark,
				AssessedOn: on, CreatedAt: s.Now(), CreatedBy: a.UserID, CreatedByName: a.Name, Round: e.row.Round}
			if err := q.AddContinuousAssessment(ctx, m); err != nil {
				return err
			}
			st := assessmentState(m)
			st["action"] = g.ActionID
			if err := s.audit(ctx, q, a, change{Action: "continuous_mark.create", EntityType: "enrolment", EntityID: e.row.EnrolmentID,
				CandidateID: e.row.CandidateID, After: st}); err != nil {
				return err
			}
		}
		n = len(entries)
		return nil
	})
	return n, err
}
