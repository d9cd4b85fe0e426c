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

// Final evaluation grids (DOMAIN.md §5 and §7). Each enrolment has one grid per evaluator:
// the training organisation of the enrolment, the company referent who follows it, and the
// commission hearing it (any of its voting members). A grid marks every competence of the
// candidate's blocks "A", "NA" or with the number of detailed competences acquired.
//
// A grid is saved as a draft as often as needed, then submitted: submission refuses a grid with
// a competence left unmarked and locks it. A later correction is a new version with its reason;
// a submitted version is never changed, and the latest submitted version is the one that counts.
//
// Blocks not admitted to the final evaluation (formation and blocs routes: a continuous mark
// under the framework's minimum) are not marked: the rules engine does not read their
// evaluations, so the grid leaves them out, submission does not ask for them, and a mark on them
// is refused with the reason. If a continuous mark changes afterwards and the block becomes
// admitted, the grids submitted without it are incomplete for that block until corrected.

// gridAction is the action that lets a role fill an evaluator's grid.
func gridAction(ev domain.Evaluator) Action {
	switch ev {
	case domain.EvaluatorTrainingOrganisation:
		return ActGridOrganisation
	case domain.EvaluatorCompanyReferent:
		return ActGridReferent
	}
	return ActGridCommission
}

// GridTitle names an evaluator's grid in French.
func GridTitle(ev domain.Evaluator) string {
	switch ev {
	case domain.EvaluatorTrainingOrganisation:
		return "Grille de l'organisme de formation"
	case domain.EvaluatorCompanyReferent:
		return "Grille du référent entreprise"
	case domain.EvaluatorCommission:
		return "Grille de la commission d'évaluation"
	}
	return "Grille"
}

// isGridEvaluator says whether the actor fills this evaluator's grid for the enrolment: the
// enrolment's own training organisation, the referent who follows it, a voting member of a
// commission that hears it. The platform itself may fill any grid (demo data, imports).
func (s *Service) isGridEvaluator(ctx context.Context, q store.Q, a domain.Actor, e domain.Enrolment, ev domain.Evaluator) (bool, error) {
	if a.System {
		return true, nil
	}
	if !Can(a, gridAction(ev)) {
		return false, nil
	}
	switch ev {
	case domain.EvaluatorTrainingOrganisation:
		return e.TrainingOrganisationID != "" && contains(a.Scopes(domain.RoleTrainingOrganisation), e.TrainingOrganisationID), nil
	case domain.EvaluatorCompanyReferent:
		return a.Has(domain.RoleCompanyReferent) && e.ReferentUserID != "" && e.ReferentUserID == a.UserID, nil
	case domain.EvaluatorCommission:
		return q.VotingMemberHearing(ctx, a.UserID, e.ID)
	}
	return false, nil
}

// gridEvaluator checks that the actor fills this grid: "forbidden" for a role that fills no
// such grid, "not found" for one that fills other candidates' grids but not this one.
func (s *Service) gridEvaluator(ctx context.Context, q store.Q, a domain.Actor, e domain.Enrolment, ev domain.Evaluator) error {
	if !ev.Valid() {
		return domain.Errorf(domain.ENOTFOUND, "Grille introuvable.")
	}
	if !a.System {
		if err := Check(a, gridAction(ev)); err != nil {
			return err
		}
	}
	ok, err := s.isGridEvaluator(ctx, q, a, e, ev)
	if err != nil {
		return err
	}
	if !ok {
		return domain.Errorf(domain.ENOTFOUND, "Grille introuvable : vous n'êtes pas l'évaluateur de ce candidat pour cette grille.")
	}
	if !rules.TakesPart(e.Route, ev) {
		return domain.Errorf(domain.ENOTFOUND, "Grille introuvable : sur la voie « %s », l'évaluation finale revient à : %s. Une grille « %s » n'y serait pas lue.",
			e.Route.Label(), evaluatorNames(rules.RouteEvaluators(e.Route)), ev.Label())
	}
	return nil
}

// evaluatorNames lists evaluators in French: « organisme de formation et référent entreprise ».
func evaluatorNames(evs []domain.Evaluator) string {
	names := make([]string, len(evs))
	for i, ev := range evs {
		names[i] = ev.Label()
	}
	switch len(names) {
	case 0:
		return ""
	case 1:
		return names[0]
	}
	return strings.Join(names[:len(names)-1], ", ") + " et " + names[len(names)-1]
}

// GridBlock is one block of a grid screen.
type GridBlock struct {
	Block    domain.Block
	Admitted bool // false: continuous mark under the minimum, the block is not marked
	HasMark  bool
	Mark     domain.Mark // the continuous mark, when HasMark
	Minimum  domain.Mark
	// Verdict is the rules engine's verdict of this evaluator on the block, for the version shown.
	Verdict   rules.EvaluatorResult
	Threshold int
	// Held is set when the person holds the block (acquired at a closed jury session, on this
	// enrolment or another in the same qualification): it is not marked again.
	Held *store.AcquiredBlock
}

// Markable reports whether the evaluator marks the block: admitted and not held.
func (b GridBlock) Markable() bool { return b.Admitted && b.Held == nil }

// VerdictText says the verdict in French with its numbers: « acquis : 15 compétences
// détaillées acquises sur 15, soit 100 % ≥ 70 % », or what is missing when incomplete.
func (b GridBlock) VerdictText() string {
	if b.Held != nil {
		return "acquis définitivement le " + b.Held.AcquiredOn.String() + " (délibération du jury, voie « " + b.Held.Route.Label() + " ») : il ne se note plus"
	}
	if !b.Admitted {
		return "non admis à l'évaluation finale : note d'évaluation continue de " + b.Mark.String() + "/20 < " + b.Minimum.String() + "/20 ; aucune note n'est attendue"
	}
	return verdictText(b.Verdict, b.Threshold)
}

// VerdictLabel is "acquis", "non acquis" or "incomplet".
func (b GridBlock) VerdictLabel() string {
	if b.Held != nil {
		return "acquis définitivement"
	}
	if !b.Admitted {
		return "non admis"
	}
	return verdictLabel(b.Verdict.Verdict)
}

func verdictLabel(v rules.Verdict) string {
	switch v {
	case rules.VerdictAcquired:
		return "acquis"
	case rules.VerdictNotAcquired:
		return "non acquis"
	}
	return "incomplet"
}

func verdictText(r rules.EvaluatorResult, threshold int) string {
	var b []byte
	if r.Verdict == rules.VerdictIncomplete {
		b = append(b, "incomplet : "...)
		b = rules.AppendInt(b, r.Marked)
		b = append(b, " compétence"...)
		if r.Marked > 1 {
			b = append(b, 's')
		}
		b = append(b, " notée"...)
		if r.Marked > 1 {
			b = append(b, 's')
		}
		b = append(b, " sur "...)
		b = rules.AppendInt(b, r.Competences)
		b = append(b, " ; "...)
	} else {
		b = append(b, verdictLabel(r.Verdict)...)
		b = append(b, " : "...)
	}
	b = rules.AppendInt(b, r.Acquired)
	if r.Acquired > 1 {
		b = append(b, " compétences détaillées acquises sur "...)
	} else {
		b = append(b, " compétence détaillée acquise sur "...)
	}
	b = rules.AppendInt(b, r.Total)
	b = append(b, ", soit "...)
	b = rules.AppendShare(b, r.Acquired, r.Total)
	if rules.Awards(r.Acquired, r.Total, threshold) {
		b = append(b, " ≥ "...)
	} else {
		b = append(b, " < "...)
	}
	b = rules.AppendInt(b, threshold)
	return string(append(b, " %"...))
}

// GridView is one evaluator's grid for one enrolment, as its evaluator sees it.
type GridView struct {
	Candidate domain.Candidate
	Enrolment domain.Enrolment
	Framework domain.Framework
	Evaluator domain.Evaluator
	Blocks    []GridBlock  // the candidate's blocks, verdicts computed on Current
	Current   *store.Grid  // the newest version, nil before the first save
	Versions  []store.Grid // every version, newest first
	Orals     []OralView   // commission grids: the orals of the candidate before the actor's commissions
	// TakesBlockTests: the grid records the organisation's final tests of each block (blocs
	// route); NamesLineManager: it names the line manager who evaluates with the referent.
	TakesBlockTests, NamesLineManager bool
	// Frozen, when set, says in French why the grid no longer changes (a certification).
	Frozen string
	// Retake, when set, says that a new version evaluates the blocks still to acquire after a
	// jury's partial or failed result; RetakeOpen is true while no version was submitted since.
	Retake     string
	RetakeOpen bool
}

// Title is the grid's French name.
func (v GridView) Title() string { return GridTitle(v.Evaluator) }

// TrainedBlocks lists, on the commission's grid of the blocs route's final stage, the blocks the
// person holds, which the oral covers by a practical case, a knowledge question and an
// interview (DOMAIN.md §5 « blocs »); nil elsewhere.
func (v GridView) TrainedBlocks() []string {
	if v.Evaluator != domain.EvaluatorCommission || !v.Enrolment.FinalStage() {
		return nil
	}
	var out []string
	for _, b := range v.Blocks {
		if b.Held != nil {
			out = append(out, b.Block.Code)
		}
	}
	return out
}

// Locked reports whether the newest version is submitted: a change starts a correction.
func (v GridView) Locked() bool { return v.Current != nil && v.Current.Status == store.GridSubmitted }

// NeedsReason reports whether saving asks for a correction reason: the grid was submitted
// once, and this is not the first version of a retake.
func (v GridView) NeedsReason() bool {
	if v.RetakeOpen {
		return false
	}
	for _, g := range v.Versions {
		if g.Status == store.GridSubmitted {
			return true
		}
	}
	return false
}

// gridRecord reads what closed sessions made of the enrolment, for its grid: why it is frozen,
// the retake notice, and whether a new version opens the retake (the newest submitted version
// is the one the latest session read).
func gridRecord(ctx context.Context, q store.Q, e domain.Enrolment, ev domain.Evaluator, versions []store.Grid) (rec resultRecord, frozen, retake string, retakeOpen bool, err error) {
	if rec, err = loadResultRecord(ctx, q, e.ID); err != nil {
		return rec, "", "", false, err
	}
	if frozen = rec.frozen(e); frozen != "" {
		return rec, frozen, "", false, nil
	}
	retake = rec.retake(e)
	if retake == "" {
		return rec, "", "", false, nil
	}
	// A rectification session re-examines what the corrected session read: a change is a
	// correction, with its reason, not a retake.
	if open, ok, err := q.OpenJurySessionOf(ctx, e.ID); err != nil {
		return rec, "", "", false, err
	} else if ok && open.RectifiesSessionID != "" {
		return rec, "", "", false, nil
	}
	read, err := rec.readVersion(e.ID, ev)
	if err != nil {
		return rec, "", "", false, err
	}
	newest := 0
	for _, g := range versions {
		if g.Status == store.GridSubmitted {
			newest = max(newest, g.Version)
		}
	}
	return rec, "", retake, newest <= read, nil
}

// IsCommission reports whether the grid records the commission's oral and opinion.
func (v GridView) IsCommission() bool { return v.Evaluator == domain.EvaluatorCommission }

// Grid returns the evaluator's grid for the enrolment with, per block, the verdict the rules
// engine computes on its newest version. Only the grid's evaluator may open it.
func (s *Service) Grid(ctx context.Context, a domain.Actor, enrolmentID string, ev domain.Evaluator) (GridView, error) {
	c, e, err := s.scopedEnrolment(ctx, a, enrolmentID)
	if err != nil {
		return GridView{}, err
	}
	q := s.store.Read()
	if err := s.gridEvaluator(ctx, q, a, e, ev); err != nil {
		return GridView{}, err
	}
	fw, err := q.Framework(ctx, e.FrameworkID)
	if err != nil {
		return GridView{}, err
	}
	marks, err := s.ContinuousMarks(ctx, a, e.ID)
	if err != nil {
		return GridView{}, err
	}
	versions, err := q.GridVersions(ctx, e.ID, ev)
	if err != nil {
		return GridView{}, err
	}
	v := GridView{Candidate: c, Enrolment: e, Framework: fw.Framework, Evaluator: ev, Versions: versions,
		TakesBlockTests: takesBlockTests(e, ev), NamesLineManager: namesLineManager(e, ev)}
	if len(versions) > 0 {
		v.Current = &versions[0]
	}
	rec, frozen, retake, retakeOpen, err := gridRecord(ctx, q, e, ev, versions)
	if err != nil {
		return GridView{}, err
	}
	v.Frozen, v.Retake, v.RetakeOpen = frozen, retake, retakeOpen
	var shown map[string]store.GridMark
	if v.Current != nil {
		shown = v.Current.Marks
	}
	v.Blocks, err = gridBlocks(fw.Framework, e, marks, ev, shown, rec.Held)
	if err != nil {
		return GridView{}, err
	}
	if ev == domain.EvaluatorCommission && !a.System {
		orals, err := q.ListOrals(ctx, store.OralFilter{EnrolmentID: e.ID, MemberUserID: a.UserID})
		if err != nil {
			return GridView{}, err
		}
		for _, o := range orals {
			v.Orals = append(v.Orals, oralView(o))
		}
	}
	return v, nil
}

// gridBlocks lays out the candidate's blocks with their admission and this evaluator's verdicts.
func gridBlocks(fw domain.Framework, e domain.Enrolment, marks map[string]domain.Mark, ev domain.Evaluator, gm map[string]store.GridMark, held map[string]store.AcquiredBlock) ([]GridBlock, error) {
	grades := map[string]rules.Grade{}
	var out []GridBlock
	for _, code := range e.Blocks {
		b, ok := fw.Block(code)
		if !ok {
			continue
		}
		gb := GridBlock{Block: b, Admitted: true, Minimum: fw.ContinuousMinimum, Threshold: fw.ThresholdPercent}
		if h, ok := held[code]; ok {
			gb.Held = &h
		}
		gb.Mark, gb.HasMark = marks[code]
		if gated(e.Route) && gb.HasMark && gb.Mark < fw.ContinuousMinimum {
			gb.Admitted = false
		}
		for _, cp := range b.Competences {
			if m, ok := gm[cp.Code]; ok {
				if g, ok := storedGrade(m.Mark); ok {
					grades[cp.Code] = g
				}
			}
		}
		out = append(out, gb)
	}
	// The evaluator's own verdict depends neither on the route (which says which evaluators take
	// part) nor on the continuous marks (which decide whether verdicts are read).
	verdicts, err := rules.GridVerdicts(fw, ev, e.Blocks, grades)
	if err != nil {
		return nil, err
	}
	for i := range out {
		out[i].Verdict = verdicts[out[i].Block.Code]
	}
	return out, nil
}

// gated reports whether a route's blocks go through the continuous-mark gate.
func gated(r domain.Route) bool { return r == domain.RouteFormation || r == domain.RouteBlocs }

// storedGrade reads a mark as stored: "A", "NA" or a number.
func storedGrade(s string) (rules.Grade, bool) {
	switch s {
	case "A":
		return rules.GradeAcquired, true
	case "NA":
		return rules.GradeNotAcquired, true
	case "":
		return 0, false
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < 0 {
		return 0, false
	}
	return rules.Grade(n), true
}

// GridInput is what an evaluator types into a grid.
type GridInput struct {
	// Marks maps a competence code to "A", "NA", a number of detailed competences acquired, or ""
	// for a competence not marked yet.
	Marks    map[string]string
	Comments map[string]string // competence code → comment
	Comment  string            // on the whole grid
	// The commission's oral, part by part, and its reasoned opinion (required to submit).
	CareerPresentation string
	PracticalCase      string
	KnowledgeQuestion  string
	OpenQuestions      string
	ReasonedOpinion    string
	// CorrectionReason is required once the grid has been submitted: a change is a new version.
	CorrectionReason string
	// BlockTests are the training organisation's final tests per block and kind (its grids on
	// the blocs route); LineManager names the line manager (the referent's grids on the blocs
	// route). Other grids ignore them.
	BlockTests  map[string]map[store.BlockTestKind]BlockTestInput
	LineManager string
}

// MarkField is the form field of a competence's mark, as field errors name it.
func MarkField(competence string) string { return "mark_" + competence }

// SaveGrid saves the evaluator's grid as a draft. On a submitted grid it starts a correction:
// a new version, which needs a reason.
func (s *Service) SaveGrid(ctx context.Context, a domain.Actor, enrolmentID string, ev domain.Evaluator, in GridInput) (store.Grid, error) {
	return s.writeGrid(ctx, a, enrolmentID, ev, in, false)
}

// SubmitGrid saves the grid and submits it, which locks it. It refuses, saving nothing, a grid
// with a competence left unmarked (naming them block by block), and a commission grid without
// its reasoned opinion.
func (s *Service) SubmitGrid(ctx context.Context, a domain.Actor, enrolmentID string, ev domain.Evaluator, in GridInput) (store.Grid, error) {
	return s.writeGrid(ctx, a, enrolmentID, ev, in, true)
}

func (s *Service) writeGrid(ctx context.Context, a domain.Actor, enrolmentID string, ev domain.Evaluator, in GridInput, submit bool) (store.Grid, error) {
	c, e, err := s.scopedEnrolment(ctx, a, enrolmentID)
	if err != nil {
		return store.Grid{}, err
	}
	if err := s.gridEvaluator(ctx, s.store.Read(), a, e, ev); err != nil {
		return store.Grid{}, err
	}
	fwr, err := s.store.Read().Framework(ctx, e.FrameworkID)
	if err != nil {
		return store.Grid{}, err
	}
	fw := fwr.Framework
	cmarks, err := s.ContinuousMarks(ctx, a, e.ID)
	if err != nil {
		return store.Grid{}, err
	}
	rec, err := loadResultRecord(ctx, s.store.Read(), e.ID)
	if err != nil {
		return store.Grid{}, err
	}
	if msg := rec.frozen(e); msg != "" {
		return store.Grid{}, domain.Errorf(domain.ECONFLICT, "%s", msg)
	}
	blocks, err := gridBlocks(fw, e, cmarks, ev, nil, rec.Held)
	if err != nil {
		return store.Grid{}, err
	}
	marks, fe, refusal := parseGridMarks(fw, e, blocks, in)
	if refusal != "" {
		return store.Grid{}, &domain.Error{Code: domain.EINVALID, Message: refusal, Fields: fe}
	}
	if ev != domain.EvaluatorCommission {
		in.CareerPresentation, in.PracticalCase, in.KnowledgeQuestion, in.OpenQuestions, in.ReasonedOpinion = "", "", "", "", ""
	}
	var tests []store.BlockTest
	var untested []string
	if takesBlockTests(e, ev) {
		tests, untested = s.parseBlockTests(blocks, in.BlockTests, submit, fe)
	}
	in.LineManager = strings.TrimSpace(in.LineManager)
	switch {
	case !namesLineManager(e, ev):
		in.LineManager = ""
	case utf8.RuneCountInString(in.LineManager) > 200:
		fe.Add("line_manager", "Le nom du responsable hiérarchique dépasse 200 caractères.")
	case submit && in.LineManager == "":
		fe.Add("line_manager", "Indiquez le responsable hiérarchique (N+1) qui a évalué le candidat avec vous.")
	}
	in.CorrectionReason = strings.TrimSpace(in.CorrectionReason)
	var missing []string
	if submit {
		missing = missingMarks(blocks, marks)
		for _, m := range missingCompetences(blocks, marks) {
			fe.Add(MarkField(m), "Notez "+m+" : « A », « NA » ou le nombre de compétences détaillées acquises.")
		}
		if ev == domain.EvaluatorCommission && strings.TrimSpace(in.ReasonedOpinion) == "" {
			fe.Add("reasoned_opinion", "Rédigez l'avis argumenté de la commission avant de soumettre la grille.")
		}
		if ev == domain.EvaluatorCommission && e.FinalStage() {
			// The final stage covers the blocks acquired by training at the oral (DOMAIN.md §5).
			if strings.TrimSpace(in.PracticalCase) == "" {
				fe.Add("practical_case", "Résumez le cas pratique : à l'évaluation finale de la voie blocs, il porte sur les blocs acquis par formation.")
			}
			if strings.TrimSpace(in.KnowledgeQuestion) == "" {
				fe.Add("knowledge_question", "Résumez la question de connaissances posée sur les blocs acquis par formation.")
			}
		}
	}

	var saved store.Grid
	err = s.store.Write(ctx, func(q store.Q) error {
		if err := s.gridEvaluator(ctx, q, a, e, ev); err != nil {
			return err
		}
		versions, err := q.GridVersions(ctx, e.ID, ev)
		if err != nil {
			return err
		}
		_, frozen, retake, retakeOpen, err := gridRecord(ctx, q, e, ev, versions)
		if err != nil {
			return err
		}
		if frozen != "" {
			return domain.Errorf(domain.ECONFLICT, "%s", frozen)
		}
		var latest *store.Grid
		submittedOnce := false
		for i := range versions {
			if versions[i].Status == store.GridSubmitted {
				submittedOnce = true
			}
		}
		if len(versions) > 0 {
			latest = &versions[0]
		}
		if retakeOpen && in.CorrectionReason == "" {
			in.CorrectionReason = retake
		}
		if len(versions) > 0 {
			keepHeldMarks(blocks, versions[0].Marks, marks)
			if takesBlockTests(e, ev) {
				tests = append(keepHeldBlockTests(blocks, versions[0].BlockTests), tests...)
			}
		}
		if submittedOnce && in.CorrectionReason == "" && (latest.Status == store.GridSubmitted || latest.CorrectionReason == "") {
			fe.Add("correction_reason", "Indiquez le motif de la correction : une grille soumise ne se modifie pas, la correction en est une nouvelle version.")
		}
		if len(fe) > 0 {
			msg := "La grille contient des erreurs : corrigez les champs signalés."
			switch {
			case len(missing) > 0:
				msg = "La grille ne peut pas être soumise : elle est incomplète. Compétences non notées — " + strings.Join(missing, " ; ") + "."
			case submit && len(untested) > 0:
				msg = "La grille ne peut pas être soumise : les épreuves finales (écrit et cas pratique à l'oral, avec leur date, leur résultat et leur évaluateur) manquent pour " +
					strings.Join(untested, ", ") + "."
			}
			return &domain.Error{Code: domain.EINVALID, Message: msg, Fields: fe}
		}
		g := store.Grid{EnrolmentID: e.ID, Evaluator: ev, Status: store.GridDraft, Comment: strings.TrimSpace(in.Comment),
			CareerPresentation: strings.TrimSpace(in.CareerPresentation), PracticalCase: strings.TrimSpace(in.PracticalCase),
			KnowledgeQuestion: strings.TrimSpace(in.KnowledgeQuestion), OpenQuestions: strings.TrimSpace(in.OpenQuestions),
			ReasonedOpinion: strings.TrimSpace(in.ReasonedOpinion), Marks: marks, BlockTests: tests, LineManager: in.LineManager}
		after := gridState(g)
		switch {
		case latest != nil && latest.Status == store.GridDraft:
			g.ID, g.Version, g.CreatedAt, g.CreatedBy = latest.ID, latest.Version, latest.CreatedAt, latest.CreatedBy
			g.CorrectionReason = latest.CorrectionReason
			if in.CorrectionReason != "" && latest.Version > 1 {
				g.CorrectionReason = in.CorrectionReason
			}
			if err := q.UpdateDraftGrid(ctx, g); err != nil {
				return err
			}
			after["version"] = g.Version
			if err := s.audit(ctx, q, a, change{Action: "grid.save", EntityType: "evaluation_grid", EntityID: g.ID,
				CandidateID: c.ID, Before: gridState(*latest), After: after}); err != nil {
				return err
			}
		default:
			g.ID, g.Version, g.CreatedAt, g.CreatedBy = newID(), 1, s.Now(), a.UserID
			action, reason := "grid.save", ""
			var before any
			if latest != nil {
				g.Version, g.CorrectionReason = latest.Version+1, in.CorrectionReason
				action, reason, before = "grid.correction", in.CorrectionReason, gridState(*latest)
			}
			if err := q.CreateGrid(ctx, g); err != nil {
				return err
			}
			after["version"] = g.Version
			if err := s.audit(ctx, q, a, change{Action: action, EntityType: "evaluation_grid", EntityID: g.ID,
				CandidateID: c.ID, Before: before, After: after, Reason: reason}); err != nil {
				return err
			}
		}
		if submit {
			now := s.Now()
			if err := q.SubmitGrid(ctx, g.ID, now, a.UserID); err != nil {
				return err
			}
			g.Status, g.SubmittedAt, g.SubmittedBy = store.GridSubmitted, &now, a.UserID
			if err := s.audit(ctx, q, a, change{Action: "grid.submit", EntityType: "evaluation_grid", EntityID: g.ID,
				CandidateID: c.ID, After: map[string]any{"evaluator": ev, "version": g.Version, "grid_status": "submitted"},
				Reason: g.CorrectionReason}); err != nil {
				return err
			}
		}
		saved = g
		return nil
	})
	return saved, err
}

// gridState is a grid as the audit trail records it.
func gridState(g store.Grid) map[string]any {
	marks := map[string]string{}
	for code, m := range g.Marks {
		marks[code] = m.Mark
	}
	st := map[string]any{"evaluator": g.Evaluator, "version": g.Version, "grid_status": string(g.Status), "marks": marks}
	if g.ReasonedOpinion != "" {
		st["reasoned_opinion"] = g.ReasonedOpinion
	}
	if g.LineManager != "" {
		st["line_manager"] = g.LineManager
	}
	if len(g.BlockTests) > 0 {
		tests := map[string]string{}
		for _, bt := range g.BlockTests {
			tests[bt.BlockCode+" "+bt.Kind.Label()] = bt.HeldOn.String() + " : " + bt.Result + " (" + bt.Assessor + ")"
		}
		st["block_tests"] = tests
	}
	return st
}

// parseGridMarks reads the typed marks against the candidate's blocks. It returns the marks to
// store, field errors, and a message when a competence may not be marked at all (unknown, of a
// block the candidate does not present, or of a block not admitted to the final evaluation).
func parseGridMarks(fw domain.Framework, e domain.Enrolment, blocks []GridBlock, in GridInput) (map[string]store.GridMark, domain.FieldErrors, string) {
	fe := domain.FieldErrors{}
	where := map[string]*GridBlock{} // competence → its block on this grid
	for i := range blocks {
		for _, cp := range blocks[i].Block.Competences {
			where[cp.Code] = &blocks[i]
		}
	}
	owner := map[string]string{} // competence → block code, across the framework
	detailed := map[string]int{}
	for _, b := range fw.Blocks {
		for _, cp := range b.Competences {
			owner[cp.Code] = b.Code
			detailed[cp.Code] = cp.Detailed
		}
	}
	var refusals []string
	out := map[string]store.GridMark{}
	codes := map[string]bool{}
	for code := range in.Marks {
		codes[code] = true
	}
	for code := range in.Comments {
		codes[code] = true
	}
	for _, code := range sortedCodes(codes) {
		raw := strings.TrimSpace(in.Marks[code])
		comment := strings.TrimSpace(in.Comments[code])
		if raw == "" && comment == "" {
			continue
		}
		gb, ok := where[code]
		switch {
		case !ok && owner[code] == "":
			refusals = append(refusals, "la compétence « "+code+" » n'existe pas dans le référentiel du candidat (version "+strconv.Itoa(e.FrameworkVersion)+")")
			continue
		case !ok:
			refusals = append(refusals, "la compétence "+code+" relève du bloc "+owner[code]+", que le candidat ne présente pas : elle ne peut pas être notée")
			continue
		case gb.Held != nil:
			continue // acquired for good: what is posted for it is ignored, the earlier marks are kept
		case !gb.Admitted:
			if raw != "" {
				refusals = append(refusals, "la compétence "+code+" relève du bloc "+gb.Block.Code+", non admis à l'évaluation finale (note d'évaluation continue de "+
					gb.Mark.String()+"/20 < "+gb.Minimum.String()+"/20) : elle ne se note pas")
			}
			continue
		}
		m := store.GridMark{Comment: comment}
		if raw != "" {
			canon, ok := canonicalMark(raw, detailed[code])
			if !ok {
				fe.Add(MarkField(code), code+" : indiquez « A », « NA » ou un nombre de compétences détaillées acquises de 0 à "+strconv.Itoa(detailed[code])+".")
				continue
			}
			m.Mark = canon
		}
		out[code] = m
	}
	if len(refusals) > 0 {
		msg := strings.ToUpper(refusals[0][:1]) + refusals[0][1:]
		for _, r := range refusals[1:] {
			msg += " ; " + r
		}
		return nil, fe, msg + "."
	}
	return out, fe, ""
}

// keepHeldMarks copies into a new version the previous version's marks on the blocks the person
// holds: they are not marked again, and the version stays whole.
func keepHeldMarks(blocks []GridBlock, previous, marks map[string]store.GridMark) {
	for _, b := range blocks {
		if b.Held == nil {
			continue
		}
		for _, cp := range b.Block.Competences {
			if m, ok := previous[cp.Code]; ok {
				marks[cp.Code] = m
			}
		}
	}
}

// canonicalMark reads "A", "NA" or a count from 0 to detailed, in any case and with spaces.
func canonicalMark(raw string, detailed int) (string, bool) {
	switch strings.ToUpper(strings.ReplaceAll(strings.ReplaceAll(raw, ".", ""), " ", "")) {
	case "A":
		return "A", true
	case "NA":
		return "NA", true
	}
	n, err := strconv.Atoi(raw)
	if err != nil || n < 0 || n > detailed {
		return "", false
	}
	return strconv.Itoa(n), true
}

// missingCompetences lists the competences of admitted blocks without a mark.
func missingCompetences(blocks []GridBlock, marks map[string]store.GridMark) []string {
	var out []string
	for _, b := range blocks {
		if !b.Markable() {
			continue
		}
		for _, cp := range b.Block.Competences {
			if marks[cp.Code].Mark == "" {
				out = append(out, cp.Code)
			}
		}
	}
	return out
}

// missingMarks says block by block what is missing: « BC2 : C6, C7 ».
func missingMarks(blocks []GridBlock, marks map[string]store.GridMark) []string {
	var out []string
	for _, b := range blocks {
		if !b.Markable() {
			continue
		}
		var codes []string
		for _, cp := range b.Block.Competences {
			if marks[cp.Code].Mark == "" {
				codes = append(codes, cp.Code)
			}
		}
		if len(codes) > 0 {
			out = append(out, b.Block.Code+" : "+strings.Join(codes, ", "))
		}
	}
	return out
}

func sortedCodes(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	for i := 1; i < len(out); i++ {
		for j := i; j > 0 && out[j] < out[j-1]; j-- {
			out[j], out[j-1] = out[j-1], out[j]
		}
	}
	return out
}
