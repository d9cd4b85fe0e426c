package demo

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// A demo result comes from a closed jury session only (DOMAIN.md §7, rule 4): the candidates
// the plan puts at « Certifié », « Validation partielle » or « Non certifié » are taken to « En
// attente du jury » with the evidence the pages record — training hours, an internship when
// their public owes one, continuous marks, the final evaluation grids — and a demo jury
// session judges them (jury.go). Their grids are written so that the rules engine gives the
// planned outcome: every block awarded for « Certifié »; the commission withholds the last
// block for « Validation partielle » and every block for « Non certifié ».

// isOutcome reports whether st is one of the jury's outcomes, which only a closed session
// gives.
func isOutcome(st domain.EnrolmentStatus) bool {
	return st == domain.StatusCertified || st == domain.StatusPartial || st == domain.StatusNotCertified
}

// withheldBlocks returns the blocks the evaluators do not award to a candidate the jury is
// planned to find at outcome: none when certified, the last presented block when partial,
// every block when not certified.
func withheldBlocks(outcome domain.EnrolmentStatus, blocks []string) map[string]bool {
	out := map[string]bool{}
	switch outcome {
	case domain.StatusPartial:
		if len(blocks) > 0 {
			out[blocks[len(blocks)-1]] = true
		}
	case domain.StatusNotCertified:
		for _, b := range blocks {
			out[b] = true
		}
	}
	return out
}

// routeEvaluators are the grids the demo submits on a route, and withholders those that mark a
// withheld block not acquired. The commission's grid is read on every route today; the rules
// being changed read the commission alone on the VAE route and the training organisation and
// the referent at the blocs route's block stage, so that on the blocs route all three withhold
// the block: with the commission it is not acquired, without it it goes to a debate the demo
// jury decides the same way.
func routeEvaluators(r domain.Route) (evaluators, withholders []domain.Evaluator) {
	switch r {
	case domain.RouteVAE:
		return []domain.Evaluator{domain.EvaluatorCommission}, []domain.Evaluator{domain.EvaluatorCommission}
	case domain.RouteBlocs:
		return rules.RouteEvaluators(r), rules.RouteEvaluators(r)
	}
	return domain.Evaluators, []domain.Evaluator{domain.EvaluatorCommission}
}

// blockHours spreads the framework's full training path over the presented blocks, rounding
// up so that the sum covers it, or gives a block its own hours when the framework sets more.
func blockHours(fw domain.Framework, blocks []string) map[string]int {
	even := 70 // a plausible block when the framework gives no total
	if n := len(blocks); n > 0 && fw.TrainingHours > 0 {
		even = (fw.TrainingHours + n - 1) / n
	}
	out := map[string]int{}
	for _, code := range blocks {
		h := even
		if b, ok := fw.Block(code); ok && b.TrainingHours > h {
			h = b.TrainingHours
		}
		out[code] = h
	}
	return out
}

// owesInternship reports whether the candidate's public owes the framework's internship
// (DOMAIN.md §5: recent graduates and job seekers, whatever the route).
func owesInternship(p domain.Public) bool {
	return p == domain.PublicRecentGraduate || p == domain.PublicJobSeeker
}

// continuousMarks are the marks the demo's organisations give, block after block: all reach
// the minimum of 10, so that every block is admitted to the final evaluation.
var continuousMarks = []string{"12,5", "14", "15,5", "11", "13", "16", "10,5"}

// followed is one demo enrolment on the formation or blocs route and where the plan takes it.
type followed struct {
	CandidateID, EnrolmentID string
	HostID                   string // the company that hosts the internship, when one is owed
	// Status is where the plan leaves the enrolment; for a jury outcome, the enrolment stops
	// at « En attente du jury » and Outcome keeps the outcome the jury is to find.
	Status  domain.EnrolmentStatus
	Outcome domain.EnrolmentStatus
	// By is the day the evaluations were over: the jury session's eve for those it judges.
	By domain.Date
}

// follow takes a formation or blocs enrolment along its route to its planned status, with the
// evidence each step needs: hours and continuous marks in training (half the hours of every
// other block still to do), all the hours from the final evaluation on, and the internship and
// the three grids before the jury.
func (l loader) follow(ctx context.Context, f followed) error {
	path := steps(domain.RouteFormation, f.Status)
	if f.Status == domain.StatusWithdrawn || len(path) == 0 {
		return l.move(ctx, f.CandidateID, f.EnrolmentID, path)
	}
	g, err := l.svc.Grid(ctx, l.a, f.EnrolmentID, domain.EvaluatorTrainingOrganisation)
	if err != nil {
		return err
	}
	blocks := gridBlockCodes(g)
	if err := l.move(ctx, f.CandidateID, f.EnrolmentID, path[:1]); err != nil { // in training
		return err
	}
	hours := map[string]service.BlockHoursInput{}
	owed := blockHours(g.Framework, blocks)
	for i, code := range blocks {
		planned := owed[code]
		done := planned
		if f.Status == domain.StatusInTraining && i%2 == 1 {
			done = planned / 2
		}
		hours[code] = service.BlockHoursInput{Planned: fmt.Sprint(planned), Done: fmt.Sprint(done)}
	}
	if err := l.svc.SetTrainingHours(ctx, l.a, f.EnrolmentID, hours); err != nil {
		return fmt.Errorf("record hours: %w", err)
	}
	by := f.By
	if by.IsZero() {
		by = l.svc.Today()
	}
	for i, code := range blocks {
		if _, err := l.svc.AddContinuousAssessment(ctx, l.a, f.EnrolmentID, service.AssessmentInput{BlockCode: code,
			Label: "Étude de cas", On: by.AddDays(-30).String(), Mark: continuousMarks[i%len(continuousMarks)]}); err != nil {
			return fmt.Errorf("mark block %s: %w", code, err)
		}
	}
	if f.Status == domain.StatusAwaitingJury {
		if err := l.internship(ctx, f.EnrolmentID, g.Enrolment.Public, f.HostID, g.Framework.InternshipHours, by); err != nil {
			return err
		}
	}
	if err := l.move(ctx, f.CandidateID, f.EnrolmentID, path[1:min(2, len(path))]); err != nil { // final evaluation
		return err
	}
	if f.Status != domain.StatusAwaitingJury {
		return nil
	}
	outcome := f.Outcome
	if outcome == "" {
		outcome = domain.StatusCertified // awaiting a jury that will find every block acquired
	}
	if err := l.grids(ctx, g, outcome); err != nil {
		return err
	}
	return l.move(ctx, f.CandidateID, f.EnrolmentID, path[2:])
}

// move records status changes, each with its reason.
func (l loader) move(ctx context.Context, candidateID, enrolmentID string, path []step) error {
	for _, st := range path {
		if _, err := l.svc.SetEnrolmentStatus(ctx, l.a, candidateID, enrolmentID, st.Status, st.Reason); err != nil {
			return fmt.Errorf("move to %s: %w", st.Status, err)
		}
	}
	return nil
}

// internship records, for a public that owes one, an internship of the framework's hours at
// the host company, over full-time weeks ending a week before by.
func (l loader) internship(ctx context.Context, enrolmentID string, p domain.Public, hostID string, hours int, by domain.Date) error {
	if !owesInternship(p) || hours <= 0 {
		return nil
	}
	if hostID == "" {
		return fmt.Errorf("an internship of %d h is owed and no company hosts it", hours)
	}
	ends := by.AddDays(-7)
	weeks := (hours + 34) / 35
	if _, err := l.svc.AddInternship(ctx, l.a, enrolmentID, service.InternshipInput{CompanyID: hostID,
		StartsOn: ends.AddDays(-7*weeks + 3).String(), EndsOn: ends.String(), Hours: fmt.Sprint(hours)}); err != nil {
		return fmt.Errorf("record the internship: %w", err)
	}
	return nil
}

// grids submits the final evaluation grids of the enrolment's route (g is any of its grids):
// every competence acquired, except those of the blocks withheld for the planned outcome,
// which the route's withholding evaluators mark not acquired.
func (l loader) grids(ctx context.Context, g service.GridView, outcome domain.EnrolmentStatus) error {
	withheld := withheldBlocks(outcome, gridBlockCodes(g))
	evaluators, withholders := routeEvaluators(g.Enrolment.Route)
	return l.submitGrids(ctx, g, evaluators, func(ev domain.Evaluator, _ int, block string) bool {
		return withheld[block] && slices.Contains(withholders, ev)
	})
}

// gridBlockCodes lists the blocks of a grid: the enrolment's presented blocks, in its order.
func gridBlockCodes(g service.GridView) []string {
	out := make([]string, len(g.Blocks))
	for i, b := range g.Blocks {
		out[i] = b.Block.Code
	}
	return out
}

// submitGrids submits each evaluator's final grid of the enrolment of grid (any of its grids),
// marking a block's competences not acquired where notAcquired says so (block is the block's
// rank among the presented blocks) and acquired everywhere else. The commission's grid carries
// the four parts of the oral and a reasoned opinion that names the blocks it withholds.
func (l loader) submitGrids(ctx context.Context, grid service.GridView, evaluators []domain.Evaluator, notAcquired func(ev domain.Evaluator, block int, code string) bool) error {
	enrolmentID := grid.Enrolment.ID
	for _, ev := range evaluators {
		in := service.GridInput{Marks: map[string]string{}, Comment: "Évaluation finale de la démonstration"}
		var withheld []string
		for i, b := range grid.Blocks {
			na := notAcquired(ev, i, b.Block.Code)
			if na {
				withheld = append(withheld, b.Block.Code)
			}
			for _, c := range b.Block.Competences {
				in.Marks[c.Code] = "A"
				if na {
					in.Marks[c.Code] = "NA"
				}
			}
		}
		if ev == domain.EvaluatorCommission {
			in.CareerPresentation = "Parcours présenté avec clarté et recul."
			in.PracticalCase = "Cas pratique traité avec méthode."
			in.KnowledgeQuestion = "Réponse juste sur le devoir de conseil."
			in.OpenQuestions = "Échanges ouverts sur la relation client."
			switch {
			case len(withheld) == 0:
				in.ReasonedOpinion = "Candidat à l'aise avec la relation client ; argumentaire solide."
			case len(withheld) == len(grid.Blocks):
				in.PracticalCase = "Cas pratique inachevé : l'analyse du besoin reste superficielle."
				in.ReasonedOpinion = "Les compétences attendues ne sont pas démontrées à l'oral : la commission n'attribue aucun bloc et conseille de consolider la pratique en cabinet avant de se représenter."
			default:
				in.ReasonedOpinion = "Candidat à l'aise avec la relation client ; la maîtrise du bloc " + strings.Join(withheld, ", ") +
					" n'est pas démontrée : la commission ne l'attribue pas."
			}
		}
		if grid.Enrolment.Route == domain.RouteBlocs {
			blocsStage(&in, grid, ev, l.svc.Today().AddDays(-140), withheld) // before the demo's sessions
		}
		if _, err := l.svc.SubmitGrid(ctx, l.a, enrolmentID, ev, in); err != nil {
			return fmt.Errorf("submit the %s grid: %w", ev, err)
		}
	}
	return nil
}

// blocsStage completes a grid of the blocs route's block stage: the organisation's written
// test and oral practical case of each block it marks (not passed for a withheld block), and
// the line manager who evaluates with the referent.
func blocsStage(in *service.GridInput, grid service.GridView, ev domain.Evaluator, on domain.Date, withheld []string) {
	switch ev {
	case domain.EvaluatorCompanyReferent:
		in.LineManager = "Responsable d'agence (démonstration)"
	case domain.EvaluatorTrainingOrganisation:
		in.BlockTests = map[string]map[store.BlockTestKind]service.BlockTestInput{}
		for _, b := range grid.Blocks {
			if !b.Markable() {
				continue
			}
			written, oral := "14", "A"
			if slices.Contains(withheld, b.Block.Code) {
				written, oral = "8", "NA"
			}
			in.BlockTests[b.Block.Code] = map[store.BlockTestKind]service.BlockTestInput{
				store.BlockTestWritten:  {On: on.String(), Result: written, Assessor: "Formatrice référente (démonstration)"},
				store.BlockTestOralCase: {On: on.AddDays(7).String(), Result: oral, Assessor: "Formateur expert (démonstration)"},
			}
		}
	}
}
