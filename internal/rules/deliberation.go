package rules

import (
	"cqp/internal/domain"
)

// Verdict is one evaluator's verdict on one block (DOMAIN.md §7, rule 1).
type Verdict string

const (
	VerdictAcquired    Verdict = "acquired"     // the evaluator awards the block
	VerdictNotAcquired Verdict = "not_acquired" // the evaluator does not award it
	VerdictIncomplete  Verdict = "incomplete"   // some competence of the block is not marked yet
)

// Outcome is the result of one block for one candidate (DOMAIN.md §7, rule 2).
type Outcome string

const (
	OutcomeAcquired    Outcome = "acquired"
	OutcomeNotAcquired Outcome = "not_acquired"
	OutcomeDebate      Outcome = "debate"       // the jury must decide
	OutcomeIncomplete  Outcome = "incomplete"   // a mark or an evaluation is missing
	OutcomeNotAdmitted Outcome = "not_admitted" // continuous mark below the minimum
)

// Label is the French name of the outcome, as a jury member reads it.
func (o Outcome) Label() string {
	switch o {
	case OutcomeAcquired:
		return "acquis"
	case OutcomeNotAcquired:
		return "non acquis"
	case OutcomeDebate:
		return "en débat"
	case OutcomeIncomplete:
		return "incomplet"
	case OutcomeNotAdmitted:
		return "non admis"
	}
	return string(o)
}

// CandidateOutcome is the result of the whole qualification for one candidate (rule 3).
type CandidateOutcome string

const (
	CandidatePending      CandidateOutcome = "pending"       // a block is in debate or incomplete
	CandidateCertified    CandidateOutcome = "certified"     // every block acquired: certificate
	CandidatePartial      CandidateOutcome = "partial"       // some blocks acquired: attestations
	CandidateNotCertified CandidateOutcome = "not_certified" // no block acquired
)

// Label is the French name of the candidate outcome.
func (o CandidateOutcome) Label() string {
	switch o {
	case CandidatePending:
		return "en attente"
	case CandidateCertified:
		return "certifié"
	case CandidatePartial:
		return "validation partielle"
	case CandidateNotCertified:
		return "non certifié"
	}
	return string(o)
}

// JuryDecision is the jury's decision on a block in debate: "A" (acquis) or "NA" (non acquis).
type JuryDecision string

const (
	JuryNone        JuryDecision = ""
	JuryAcquired    JuryDecision = "A"
	JuryNotAcquired JuryDecision = "NA"
)

// Valid reports whether d is a decision the jury can take.
func (d JuryDecision) Valid() bool { return d == JuryAcquired || d == JuryNotAcquired }

// Grade is an evaluator's mark on one competence: how many of its detailed competences are
// acquired, from 0 to the competence's detailed count. GradeAcquired stands for "A" (every
// detailed competence acquired) and GradeNotAcquired for "NA".
type Grade int

const (
	GradeAcquired    Grade = -1
	GradeNotAcquired Grade = 0
)

// ContinuousMark is a block's continuous-evaluation mark out of 20.
type ContinuousMark struct {
	// Value is the mark in hundredths. A mark entered with more decimals is truncated toward
	// zero, which keeps the comparison with a minimum held in hundredths exact: 9,995 stays
	// below 10.
	Value domain.Mark
	// Text, when set, is the mark as entered, in French notation ("9,995"), shown in
	// explanations instead of Value.
	Text string
}

// String is the mark in French notation, as entered.
func (m ContinuousMark) String() string {
	if m.Text != "" {
		return m.Text
	}
	return m.Value.String()
}

// Candidate is one candidate's deliberation input keyed by codes, as the service layer holds
// it. Field names follow the `cqp deliberate` contract, and so do the fields that errors name.
type Candidate struct {
	Route domain.Route
	// Blocks are the codes of the blocks the candidate presents, in display order; nil presents
	// every block of the framework in its order.
	Blocks []string
	// PriorBlocks are blocks acquired at an earlier session (block attestation): acquired for
	// good, whatever this session's evaluations say. Each must be among Blocks.
	PriorBlocks []string
	// ContinuousMarks gives each block its mark out of 20 (formation and blocs routes).
	ContinuousMarks map[string]domain.Mark
	// Evaluations gives, per evaluator, the grade of each competence it marked. An evaluator
	// is present when it has an entry, even an empty one. Only the evaluators who take part in
	// the route are read (RouteEvaluators); the others' grades are checked against the framework
	// (known competence, grade in range) and then ignored: not counted, not shown.
	Evaluations map[domain.Evaluator]map[string]Grade
	// JuryDecisions holds the jury's decisions, only on blocks in debate.
	JuryDecisions map[string]JuryDecision
}

// EvaluatorResult is one evaluator's verdict on one block, with the numbers behind it.
type EvaluatorResult struct {
	Evaluator   domain.Evaluator
	Present     bool // the evaluator takes part in the route and gave its evaluation
	Verdict     Verdict
	Acquired    int // detailed competences acquired, among the competences marked
	Total       int // detailed competences in the block
	Marked      int // competences of the block the evaluator marked
	Competences int // competences in the block
}

// BlockResult is the outcome of one block, with everything its explanation needs.
type BlockResult struct {
	Code      string
	Route     domain.Route // the candidate's route, which says who takes part
	Outcome   Outcome
	Prior     bool // acquired at an earlier session
	HasMark   bool // a continuous mark was given (read on formation and blocs routes only)
	Mark      ContinuousMark
	Minimum   domain.Mark // the framework's continuous-mark minimum
	Threshold int         // the framework's threshold, in percent
	// MarkGate is true when the block went through the continuous-mark gate (formation and
	// blocs routes); then Evaluators are read only when the mark reaches the minimum.
	MarkGate bool
	// Evaluators holds one result per evaluator in domain.Evaluators order; those that do not
	// take part in the route (their grades ignored), those whose evaluation is missing, and all
	// of them for prior or gated-out blocks, have Present false.
	Evaluators [3]EvaluatorResult
	// Required marks the evaluators who take part in the route, in domain.Evaluators order:
	// every one of them is required (TakesPart).
	Required [3]bool
	Jury     JuryDecision // the jury's decision, when the block was in debate
}

// Debated reports whether the block was in debate, decided by the jury or not.
func (b BlockResult) Debated() bool { return b.Outcome == OutcomeDebate || b.Jury != JuryNone }

// Evaluated reports whether the evaluators' verdicts were read: not for a prior block, nor on
// the formation and blocs routes for a block without its continuous mark or below the minimum.
func (b BlockResult) Evaluated() bool {
	return !b.Prior && !(b.MarkGate && (!b.HasMark || b.Mark.Value < b.Minimum))
}

// PresentEvaluators returns the results of the evaluators that take part, in display order.
func (b BlockResult) PresentEvaluators() []EvaluatorResult {
	var out []EvaluatorResult
	for _, e := range b.Evaluators {
		if e.Present {
			out = append(out, e)
		}
	}
	return out
}

// CandidateResult is the outcome of one candidate: the qualification and each block in the
// candidate's order.
type CandidateResult struct {
	Outcome CandidateOutcome
	Blocks  []BlockResult
	// Route is the candidate's route: on the blocs route's block stage, blocks acquired earn
	// block attestations and never the certificate, which the final stage awards.
	Route domain.Route
}

// Acquired returns the codes of the acquired blocks, which earn block attestations.
func (r CandidateResult) Acquired() []string {
	var out []string
	for _, b := range r.Blocks {
		if b.Outcome == OutcomeAcquired {
			out = append(out, b.Code)
		}
	}
	return out
}

// Deliberate judges one candidate under a framework. It returns an *InputError when the input
// breaks the contract (an unknown block, a grade out of range, a jury decision on a block that is
// not in debate…), or when the framework itself is invalid. Callers judging many candidates
// under the same framework should build a Panel once.
func Deliberate(fw domain.Framework, c Candidate) (CandidateResult, error) {
	p, err := NewPanel(fw)
	if err != nil {
		return CandidateResult{}, err
	}
	return p.Deliberate(c)
}

// Deliberate judges one candidate keyed by codes.
func (p *Panel) Deliberate(c Candidate) (CandidateResult, error) {
	s := p.NewSheet()
	if err := s.fill(c); err != nil {
		return CandidateResult{}, err
	}
	var r CandidateResult
	if err := p.Judge(s, &r); err != nil {
		return CandidateResult{}, err
	}
	return r, nil
}

func (s *Sheet) fill(c Candidate) error {
	if err := s.SetRoute(c.Route); err != nil {
		return err
	}
	if c.Blocks != nil {
		if err := s.ExplicitBlocks(); err != nil {
			return err
		}
		for _, code := range c.Blocks {
			if err := s.AddBlock(code); err != nil {
				return err
			}
		}
	}
	for _, code := range c.PriorBlocks {
		if err := s.AddPriorBlock(code); err != nil {
			return err
		}
	}
	for _, code := range sortedKeys(c.ContinuousMarks) {
		if err := s.SetMark(code, ContinuousMark{Value: c.ContinuousMarks[code]}); err != nil {
			return err
		}
	}
	for _, e := range sortedKeys(c.Evaluations) {
		if err := s.AddEvaluator(string(e)); err != nil {
			return err
		}
		grid := c.Evaluations[e]
		for _, comp := range sortedKeys(grid) {
			if err := s.SetGrade(e, comp, grid[comp]); err != nil {
				return err
			}
		}
	}
	for _, code := range sortedKeys(c.JuryDecisions) {
		if err := s.SetJuryDecision(code, c.JuryDecisions[code]); err != nil {
			return err
		}
	}
	return nil
}

// Judge applies the rules to a filled sheet and writes the result into r, reusing r.Blocks.
// It returns an *InputError when the sheet breaks a rule that needs the whole candidate: a
// prior block, mark or grade on a block the candidate does not present, a jury decision on a
// block that is not in debate.
func (p *Panel) Judge(s *Sheet, r *CandidateResult) error {
	if s.panel != p {
		panic("rules: sheet judged by another panel")
	}
	if s.route == "" {
		return &InputError{Field: "route", Message: "voie d'accès manquante (formation, vae ou blocs)"}
	}
	if !s.explicit {
		for i := range p.blocks {
			s.presented[i] = true
		}
		s.order = s.order[:0]
		for i := range p.blocks {
			s.order = append(s.order, i)
		}
	} else if len(s.order) == 0 {
		return &InputError{Field: "blocks", Message: "liste vide : omettez le champ pour présenter tous les blocs de la qualification"}
	}
	if err := s.checkPresented(); err != nil {
		return err
	}

	r.Blocks = r.Blocks[:0]
	acquired, open := 0, false
	for _, bi := range s.order {
		br := p.judgeBlock(s, bi)
		if d := s.jury[bi]; d != JuryNone {
			if br.Outcome != OutcomeDebate {
				return &InputError{Field: "jury_decisions." + p.blocks[bi].code, Message: juryRefusal(br)}
			}
			br.Jury = d
			if d == JuryAcquired {
				br.Outcome = OutcomeAcquired
			} else {
				br.Outcome = OutcomeNotAcquired
			}
		}
		switch br.Outcome {
		case OutcomeAcquired:
			acquired++
		case OutcomeDebate, OutcomeIncomplete:
			open = true
		}
		r.Blocks = append(r.Blocks, br)
	}
	r.Route = s.route
	switch {
	case open:
		r.Outcome = CandidatePending
	case acquired == len(r.Blocks) && s.route != domain.RouteBlocs:
		r.Outcome = CandidateCertified
	case acquired > 0:
		// On the blocs route's block stage, even every chosen block acquired is a partial
		// validation: block attestations, the certificate coming at the final stage (DOMAIN.md
		// §5 « blocs »).
		r.Outcome = CandidatePartial
	default:
		r.Outcome = CandidateNotCertified
	}
	return nil
}

// checkPresented refuses what targets a block the candidate does not present.
func (s *Sheet) checkPresented() error {
	p := s.panel
	for _, bi := range s.priorOrder {
		if !s.presented[bi] {
			return &InputError{Field: "prior_blocks", Message: "le bloc " + p.blocks[bi].code + " n'est pas parmi les blocs présentés par le candidat"}
		}
	}
	for bi := range p.blocks {
		if s.presented[bi] {
			continue
		}
		if s.hasMark[bi] {
			return &InputError{Field: "continuous_marks." + p.blocks[bi].code, Message: "le bloc " + p.blocks[bi].code + " n'est pas parmi les blocs présentés par le candidat"}
		}
		if s.jury[bi] != JuryNone {
			return &InputError{Field: "jury_decisions." + p.blocks[bi].code, Message: "le bloc " + p.blocks[bi].code + " n'est pas parmi les blocs présentés par le candidat"}
		}
	}
	// The grades of an evaluator who takes no part in the route are ignored, wherever they are.
	take := routeEvaluators(s.route)
	for ei := range domain.Evaluators {
		if !take[ei] {
			continue
		}
		if err := s.checkGrades(ei); err != nil {
			return err
		}
	}
	return nil
}

// checkGrades refuses an evaluator's grade on a competence of a block the candidate does not
// present.
func (s *Sheet) checkGrades(ei int) error {
	if !s.present[ei] {
		return nil
	}
	p := s.panel
	for ci, g := range s.grades[ei] {
		if g != unmarked && !s.presented[p.comps[ci].block] {
			c := p.comps[ci]
			return &InputError{Field: "evaluations." + string(domain.Evaluators[ei]) + "." + c.code,
				Message: "la compétence " + c.code + " relève du bloc " + p.blocks[c.block].code + ", que le candidat ne présente pas"}
		}
	}
	return nil
}

func juryRefusal(b BlockResult) string {
	msg := "le bloc " + b.Code + " n'est pas en débat (" + b.Outcome.Label() + ") : le jury ne décide que des blocs en débat"
	if b.Outcome == OutcomeNotAcquired {
		if b.Route == domain.RouteVAE {
			msg += " ; la commission d'évaluation ne l'a pas attribué et, en VAE, son verdict décide seul"
		} else {
			msg += " ; la commission d'évaluation ne l'a pas attribué et sa voix est prépondérante"
		}
	}
	return msg
}

// judgeBlock applies DOMAIN.md §7 to one block, before any jury decision.
func (p *Panel) judgeBlock(s *Sheet, bi int) BlockResult {
	b := p.blocks[bi]
	br := BlockResult{
		Code:      b.code,
		Minimum:   p.minimum,
		Threshold: p.threshold,
		HasMark:   s.hasMark[bi],
		Mark:      s.marks[bi],
		Route:     s.route,
		Required:  routeEvaluators(s.route),
	}
	for ei, e := range domain.Evaluators {
		br.Evaluators[ei].Evaluator = e
	}
	if s.prior[bi] {
		br.Prior = true
		br.Outcome = OutcomeAcquired
		return br
	}
	if s.route == domain.RouteFormation || s.route == domain.RouteBlocs {
		br.MarkGate = true
		if !br.HasMark {
			br.Outcome = OutcomeIncomplete
			return br
		}
		if br.Mark.Value < p.minimum {
			br.Outcome = OutcomeNotAdmitted
			return br
		}
	}

	// Rule 2: only the evaluators who take part in the route are read, and each is required.
	// On the blocs route the commission takes no part, so its "not acquired" case below never
	// applies: the OF and the referent both awarding the block make it acquired, anything else
	// is a debate.
	incomplete := false
	allAcquired := true
	for ei := range domain.Evaluators {
		er := &br.Evaluators[ei]
		if !br.Required[ei] {
			continue
		}
		if !s.present[ei] {
			incomplete = true
			continue
		}
		*er = p.evaluate(s, ei, bi)
		switch er.Verdict {
		case VerdictIncomplete:
			incomplete = true
		case VerdictNotAcquired:
			allAcquired = false
		}
	}
	commission := br.Evaluators[commissionIndex]
	switch {
	case incomplete:
		br.Outcome = OutcomeIncomplete
	case commission.Present && commission.Verdict == VerdictNotAcquired:
		br.Outcome = OutcomeNotAcquired
	case allAcquired:
		br.Outcome = OutcomeAcquired
	default:
		br.Outcome = OutcomeDebate
	}
	return br
}

// evaluate gives one present evaluator's verdict on one block (DOMAIN.md §7, rule 1).
func (p *Panel) evaluate(s *Sheet, ei, bi int) EvaluatorResult {
	b := p.blocks[bi]
	er := EvaluatorResult{Evaluator: domain.Evaluators[ei], Present: true, Total: b.total, Competences: b.end - b.first}
	for ci := b.first; ci < b.end; ci++ {
		if g := s.grades[ei][ci]; g != unmarked {
			er.Marked++
			er.Acquired += int(g)
		}
	}
	switch {
	case er.Marked < er.Competences:
		er.Verdict = VerdictIncomplete
	case Awards(er.Acquired, er.Total, p.threshold):
		er.Verdict = VerdictAcquired
	default:
		er.Verdict = VerdictNotAcquired
	}
	return er
}

// GridVerdicts gives one evaluator's own verdict on each block from its grades alone (DOMAIN.md
// §7, rule 1), whatever the route, whether the evaluator takes part in it, and the continuous
// marks: what the evaluator's grid shows while it is filled. blocks are the codes of the blocks
// the candidate presents (nil: every block of the framework); grades are keyed by competence.
// The result is keyed by block code. It refuses what Deliberate refuses in a grid: an unknown
// block or competence, a grade out of range, a grade on a block not presented.
func GridVerdicts(fw domain.Framework, e domain.Evaluator, blocks []string, grades map[string]Grade) (map[string]EvaluatorResult, error) {
	p, err := NewPanel(fw)
	if err != nil {
		return nil, err
	}
	s := p.NewSheet()
	if blocks == nil {
		for bi := range p.blocks {
			s.presented[bi] = true
			s.order = append(s.order, bi)
		}
	}
	for _, code := range blocks {
		if err := s.AddBlock(code); err != nil {
			return nil, err
		}
	}
	if err := s.AddEvaluator(string(e)); err != nil {
		return nil, err
	}
	for _, comp := range sortedKeys(grades) {
		if err := s.SetGrade(e, comp, grades[comp]); err != nil {
			return nil, err
		}
	}
	ei := evaluatorIndex(e)
	if err := s.checkGrades(ei); err != nil {
		return nil, err
	}
	out := make(map[string]EvaluatorResult, len(s.order))
	for _, bi := range s.order {
		out[p.blocks[bi].code] = p.evaluate(s, ei, bi)
	}
	return out, nil
}

// Awards reports whether an evaluator awards a block (DOMAIN.md §7, rule 1): the acquired
// detailed competences reach thresholdPercent of the block's, in integers so that 7 of 10 and
// 21 of 30 are awarded at 70 %.
func Awards(acquired, total, thresholdPercent int) bool {
	return acquired*100 >= thresholdPercent*total
}

const commissionIndex = 2

// routeEvaluators says, in domain.Evaluators order, which evaluators take part in a route
// (DOMAIN.md §7, rule 2): the training organisation, the company referent and the commission
// on the formation route; the commission alone on the vae route; the training organisation and
// the company referent on the blocs route (its block stage: no commission). Every evaluator
// who takes part is required. An unknown route has none.
func routeEvaluators(r domain.Route) [3]bool {
	switch r {
	case domain.RouteFormation:
		return [3]bool{true, true, true}
	case domain.RouteVAE:
		return [3]bool{false, false, true}
	case domain.RouteBlocs:
		return [3]bool{true, true, false}
	}
	return [3]bool{}
}

// RouteEvaluators lists, in display order, the evaluators who take part in a route (DOMAIN.md
// §7, rule 2): all three on formation, the commission on vae, the training organisation and
// the company referent on blocs. Each of them is required; the evaluations of any other
// evaluator are ignored. The slice is the caller's.
func RouteEvaluators(r domain.Route) []domain.Evaluator {
	take := routeEvaluators(r)
	var out []domain.Evaluator
	for i, e := range domain.Evaluators {
		if take[i] {
			out = append(out, e)
		}
	}
	return out
}

// TakesPart reports whether an evaluator takes part in a route, and so is required and read.
func TakesPart(r domain.Route, e domain.Evaluator) bool {
	i := evaluatorIndex(e)
	return i >= 0 && routeEvaluators(r)[i]
}

// RequiredEvaluators lists the evaluators a route requires: on every route, exactly those who
// take part in it.
//
// Deprecated: use RouteEvaluators, which says the same and names what it means.
func RequiredEvaluators(r domain.Route) []domain.Evaluator { return RouteEvaluators(r) }
