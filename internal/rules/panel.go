package rules

import (
	"cmp"
	"slices"
	"strconv"

	"cqp/internal/domain"
)

// Panel is a framework compiled for deliberation: block and competence codes indexed, detailed
// totals summed. It is read-only once built, so goroutines may share it; each needs its own
// Sheet.
type Panel struct {
	framework domain.Framework
	threshold int
	minimum   domain.Mark
	blocks    []panelBlock
	comps     []panelComp
	blockIdx  map[string]int
	compIdx   map[string]int
}

type panelBlock struct {
	code       string
	first, end int // competence positions [first, end)
	total      int // detailed competences
}

type panelComp struct {
	code     string
	block    int
	detailed int
}

// maxDetailed bounds a competence's detailed count, far above any real framework, so that
// sums stay small.
const maxDetailed = 10000

// NewPanel validates a framework for deliberation and compiles it.
func NewPanel(fw domain.Framework) (*Panel, error) {
	if err := ValidateFramework(fw); err != nil {
		return nil, err
	}
	p := &Panel{
		framework: fw,
		threshold: fw.ThresholdPercent,
		minimum:   fw.ContinuousMinimum,
		blockIdx:  make(map[string]int, len(fw.Blocks)),
		compIdx:   make(map[string]int),
	}
	for bi, b := range fw.Blocks {
		pb := panelBlock{code: b.Code, first: len(p.comps)}
		for _, c := range b.Competences {
			p.compIdx[c.Code] = len(p.comps)
			p.comps = append(p.comps, panelComp{code: c.Code, block: bi, detailed: c.Detailed})
			pb.total += c.Detailed
		}
		pb.end = len(p.comps)
		p.blockIdx[b.Code] = bi
		p.blocks = append(p.blocks, pb)
	}
	return p, nil
}

// Framework returns the framework the panel judges under.
func (p *Panel) Framework() domain.Framework { return p.framework }

// ValidateFramework checks what deliberation needs from a framework: a threshold from 1 to
// 100 %, a continuous minimum from 0 to 20, at least one block, unique block codes, at least one
// competence per block, competence codes unique across the framework (evaluations name
// competences, not blocks), detailed counts of at least 1. Fields are named as in the
// `cqp deliberate` contract.
func ValidateFramework(fw domain.Framework) error {
	if fw.ThresholdPercent < 1 || fw.ThresholdPercent > 100 {
		return &InputError{Field: "threshold_percent", Message: "seuil de " + strconv.Itoa(fw.ThresholdPercent) + " % hors de 1 à 100 %"}
	}
	if fw.ContinuousMinimum < 0 || fw.ContinuousMinimum > domain.MaxMark {
		return &InputError{Field: "continuous_min", Message: "minimum de " + fw.ContinuousMinimum.String() + "/20 hors de 0 à 20"}
	}
	if len(fw.Blocks) == 0 {
		return &InputError{Field: "blocks", Message: "la qualification n'a aucun bloc"}
	}
	blocks := make(map[string]bool, len(fw.Blocks))
	comps := make(map[string]string)
	for bi, b := range fw.Blocks {
		bf := "blocks[" + strconv.Itoa(bi) + "]"
		if b.Code == "" {
			return &InputError{Field: bf + ".code", Message: "code de bloc vide"}
		}
		if blocks[b.Code] {
			return &InputError{Field: bf + ".code", Message: "le bloc " + b.Code + " est défini deux fois"}
		}
		blocks[b.Code] = true
		if len(b.Competences) == 0 {
			return &InputError{Field: bf + ".competences", Message: "le bloc " + b.Code + " n'a aucune compétence"}
		}
		for ci, c := range b.Competences {
			cf := bf + ".competences[" + strconv.Itoa(ci) + "]"
			if c.Code == "" {
				return &InputError{Field: cf + ".code", Message: "code de compétence vide dans le bloc " + b.Code}
			}
			if other, dup := comps[c.Code]; dup {
				return &InputError{Field: cf + ".code", Message: "la compétence " + c.Code + " est définie deux fois (blocs " + other + " et " + b.Code + ")"}
			}
			comps[c.Code] = b.Code
			if c.Detailed < 1 || c.Detailed > maxDetailed {
				return &InputError{Field: cf + ".detailed", Message: "la compétence " + c.Code + " doit compter de 1 à " + strconv.Itoa(maxDetailed) + " compétences détaillées, pas " + strconv.Itoa(c.Detailed)}
			}
		}
	}
	return nil
}

// unmarked is a competence's grade before its evaluator marks it.
const unmarked = -1

// Sheet is one candidate's input indexed by position in a Panel's framework. Fill it with its
// setters, which refuse what is wrong on its own (an unknown code, a grade out of range, a
// duplicate), then call Panel.Judge, which refuses what needs the whole candidate. Reset makes
// it ready for the next candidate without allocating.
type Sheet struct {
	panel      *Panel
	route      domain.Route
	explicit   bool   // Blocks were given; else every block is presented
	order      []int  // presented blocks, candidate order
	presented  []bool // by block
	prior      []bool // by block
	priorOrder []int
	hasMark    []bool // by block
	marks      []ContinuousMark
	jury       []JuryDecision // by block
	present    [3]bool        // by evaluator, domain.Evaluators order
	grades     [3][]int32     // by evaluator then competence: acquired detailed, or unmarked
}

// NewSheet returns an empty sheet for this panel.
func (p *Panel) NewSheet() *Sheet {
	n, m := len(p.blocks), len(p.comps)
	s := &Sheet{
		panel:     p,
		presented: make([]bool, n),
		prior:     make([]bool, n),
		hasMark:   make([]bool, n),
		marks:     make([]ContinuousMark, n),
		jury:      make([]JuryDecision, n),
	}
	for i := range s.grades {
		s.grades[i] = make([]int32, m)
	}
	s.Reset()
	return s
}

// Reset empties the sheet.
func (s *Sheet) Reset() {
	s.route = ""
	s.explicit = false
	s.order = s.order[:0]
	s.priorOrder = s.priorOrder[:0]
	clear(s.presented)
	clear(s.prior)
	clear(s.hasMark)
	clear(s.marks)
	clear(s.jury)
	for i := range s.grades {
		s.present[i] = false
		for j := range s.grades[i] {
			s.grades[i][j] = unmarked
		}
	}
}

// SetRoute sets the candidate's route.
func (s *Sheet) SetRoute(r domain.Route) error {
	if !r.Valid() {
		return &InputError{Field: "route", Message: "voie d'accès inconnue « " + string(r) + " » : formation, vae ou blocs"}
	}
	s.route = r
	return nil
}

// ExplicitBlocks says that the candidate's blocks are listed (AddBlock), even if the list turns
// out empty; without it, the candidate presents every block of the framework.
func (s *Sheet) ExplicitBlocks() error {
	if s.explicit {
		return &InputError{Field: "blocks", Message: "liste des blocs donnée deux fois"}
	}
	s.explicit = true
	return nil
}

// AddBlock adds a block the candidate presents, in display order.
func (s *Sheet) AddBlock(code string) error {
	bi, ok := s.panel.blockIdx[code]
	if !ok {
		return &InputError{Field: "blocks", Message: "bloc inconnu « " + code + " »"}
	}
	if s.presented[bi] {
		return &InputError{Field: "blocks", Message: "le bloc " + code + " est présenté deux fois"}
	}
	s.explicit = true
	s.presented[bi] = true
	s.order = append(s.order, bi)
	return nil
}

// AddPriorBlock records a block acquired at an earlier session.
func (s *Sheet) AddPriorBlock(code string) error {
	bi, ok := s.panel.blockIdx[code]
	if !ok {
		return &InputError{Field: "prior_blocks", Message: "bloc inconnu « " + code + " »"}
	}
	if s.prior[bi] {
		return &InputError{Field: "prior_blocks", Message: "le bloc " + code + " est cité deux fois"}
	}
	s.prior[bi] = true
	s.priorOrder = append(s.priorOrder, bi)
	return nil
}

// SetMark sets a block's continuous mark out of 20.
func (s *Sheet) SetMark(code string, m ContinuousMark) error {
	bi, ok := s.panel.blockIdx[code]
	if !ok {
		return &InputError{Field: "continuous_marks." + code, Message: "bloc inconnu « " + code + " »"}
	}
	if s.hasMark[bi] {
		return &InputError{Field: "continuous_marks." + code, Message: "note donnée deux fois pour le bloc " + code}
	}
	if m.Value < 0 || m.Value > domain.MaxMark {
		return &InputError{Field: "continuous_marks." + code, Message: "note " + m.String() + " hors de 0 à 20"}
	}
	s.hasMark[bi] = true
	s.marks[bi] = m
	return nil
}

// AddEvaluator records that an evaluator takes part for this candidate, even before any grade.
func (s *Sheet) AddEvaluator(name string) error {
	ei := evaluatorIndex(domain.Evaluator(name))
	if ei < 0 {
		return &InputError{Field: "evaluations." + name, Message: "évaluateur inconnu « " + name + " » : training_organisation, company_referent ou commission"}
	}
	if s.present[ei] {
		return &InputError{Field: "evaluations." + name, Message: "évaluateur cité deux fois"}
	}
	s.present[ei] = true
	return nil
}

// SetGrade records an evaluator's grade on a competence; the evaluator must have been added.
func (s *Sheet) SetGrade(e domain.Evaluator, comp string, g Grade) error {
	field := func() string { return "evaluations." + string(e) + "." + comp }
	ei := evaluatorIndex(e)
	if ei < 0 || !s.present[ei] {
		return &InputError{Field: "evaluations." + string(e), Message: "évaluateur inconnu « " + string(e) + " » : training_organisation, company_referent ou commission"}
	}
	ci, ok := s.panel.compIdx[comp]
	if !ok {
		return &InputError{Field: field(), Message: "compétence inconnue « " + comp + " »"}
	}
	if s.grades[ei][ci] != unmarked {
		return &InputError{Field: field(), Message: "compétence notée deux fois"}
	}
	detailed := s.panel.comps[ci].detailed
	switch {
	case g == GradeAcquired:
		s.grades[ei][ci] = int32(detailed)
	case g < 0 || int(g) > detailed:
		return &InputError{Field: field(), Message: "note " + strconv.Itoa(int(g)) + " hors de 0 à " + strconv.Itoa(detailed) + " (compétences détaillées de " + comp + ") : attendu « A », « NA » ou un entier de 0 à " + strconv.Itoa(detailed)}
	default:
		s.grades[ei][ci] = int32(g)
	}
	return nil
}

// SetJuryDecision records the jury's decision on a block; Judge refuses it unless the block is
// in debate.
func (s *Sheet) SetJuryDecision(code string, d JuryDecision) error {
	field := func() string { return "jury_decisions." + code }
	bi, ok := s.panel.blockIdx[code]
	if !ok {
		return &InputError{Field: field(), Message: "bloc inconnu « " + code + " »"}
	}
	if !d.Valid() {
		return &InputError{Field: field(), Message: "décision « " + string(d) + " » invalide : « A » (acquis) ou « NA » (non acquis)"}
	}
	if s.jury[bi] != JuryNone {
		return &InputError{Field: field(), Message: "décision donnée deux fois pour le bloc " + code}
	}
	s.jury[bi] = d
	return nil
}

func evaluatorIndex(e domain.Evaluator) int {
	for i, x := range domain.Evaluators {
		if x == e {
			return i
		}
	}
	return -1
}

func sortedKeys[K cmp.Ordered, V any](m map[K]V) []K {
	keys := make([]K, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
