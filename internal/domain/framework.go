// Package domain holds the CQP vocabulary: the types every other package speaks.
// It does no I/O; the rules that judge candidates live in internal/rules.
package domain

import "fmt"

// Mark is a continuous-evaluation mark out of 20, held in hundredths of a point so that
// means and comparisons with the minimum are exact (12,5/20 is Mark(1250)).
type Mark int

// MarkScale is the number of Mark units in one point.
const MarkScale = 100

// MaxMark is 20/20.
const MaxMark = Mark(20 * MarkScale)

// String formats a mark the French way, without trailing zeros: "12,5", "10", "9,75".
func (m Mark) String() string {
	whole, frac := int(m)/MarkScale, int(m)%MarkScale
	if frac < 0 {
		frac = -frac
	}
	switch {
	case frac == 0:
		return fmt.Sprintf("%d", whole)
	case frac%10 == 0:
		return fmt.Sprintf("%d,%d", whole, frac/10)
	default:
		return fmt.Sprintf("%d,%02d", whole, frac)
	}
}

// Route is how a candidate reaches the certification.
type Route string

const (
	RouteFormation Route = "formation"
	RouteVAE       Route = "vae"
	RouteBlocs     Route = "blocs"
)

// Routes lists every route in display order.
var Routes = []Route{RouteFormation, RouteVAE, RouteBlocs}

// Valid reports whether r is a known route.
func (r Route) Valid() bool {
	return r == RouteFormation || r == RouteVAE || r == RouteBlocs
}

// Label is the French name of the route.
func (r Route) Label() string {
	switch r {
	case RouteFormation:
		return "Formation"
	case RouteVAE:
		return "VAE"
	case RouteBlocs:
		return "Blocs de compétences"
	}
	return string(r)
}

// Public is the kind of person a candidate is, which sets the training and internship they owe.
type Public string

const (
	PublicRecentGraduate Public = "recent_graduate"
	PublicJobSeeker      Public = "job_seeker"
	PublicEmployee       Public = "employee"
)

// Valid reports whether p is a known public.
func (p Public) Valid() bool {
	return p == PublicRecentGraduate || p == PublicJobSeeker || p == PublicEmployee
}

// Label is the French name of the public.
func (p Public) Label() string {
	switch p {
	case PublicRecentGraduate:
		return "Jeune diplômé"
	case PublicJobSeeker:
		return "Demandeur d'emploi"
	case PublicEmployee:
		return "Salarié"
	}
	return string(p)
}

// Evaluator is one of the three final evaluators of a block.
type Evaluator string

const (
	EvaluatorTrainingOrganisation Evaluator = "training_organisation"
	EvaluatorCompanyReferent      Evaluator = "company_referent"
	EvaluatorCommission           Evaluator = "commission"
)

// Evaluators lists the evaluators in the order the guide's grid shows them.
var Evaluators = []Evaluator{EvaluatorTrainingOrganisation, EvaluatorCompanyReferent, EvaluatorCommission}

// Valid reports whether e is a known evaluator.
func (e Evaluator) Valid() bool {
	return e == EvaluatorTrainingOrganisation || e == EvaluatorCompanyReferent || e == EvaluatorCommission
}

// Label is the French name of the evaluator.
func (e Evaluator) Label() string {
	switch e {
	case EvaluatorTrainingOrganisation:
		return "organisme de formation"
	case EvaluatorCompanyReferent:
		return "référent entreprise"
	case EvaluatorCommission:
		return "commission d'évaluation"
	}
	return string(e)
}

// BlockKind says whether a block is common to all the branch's CQPs, a mandatory specialty
// block of one qualification, or one the candidate may choose.
type BlockKind string

const (
	BlockCommon    BlockKind = "common"
	BlockSpecialty BlockKind = "specialty"
	BlockOptional  BlockKind = "optional"
)

// Valid reports whether k is a known block kind.
func (k BlockKind) Valid() bool {
	return k == BlockCommon || k == BlockSpecialty || k == BlockOptional
}

// Label is the French name of the block kind.
func (k BlockKind) Label() string {
	switch k {
	case BlockCommon:
		return "commun"
	case BlockSpecialty:
		return "spécialité"
	case BlockOptional:
		return "optionnel"
	}
	return string(k)
}

// Branch is the professional branch that creates and awards the CQPs.
type Branch struct {
	Code string // short stable code, e.g. "courtage"
	Name string
	IDCC string // collective agreement number, e.g. "2247"
}

// Qualification is a CQP title. Its content lives in versioned Frameworks.
type Qualification struct {
	Code      string // stable short code, e.g. "CC"
	Title     string
	RNCP      string // optional official codes, kept verbatim
	NSF       string
	Level     string
	ToConfirm bool   // some of this item is inferred or a placeholder: the branch must confirm it
	Note      string // why it must be confirmed, or any remark of the branch
}

// Framework is one version of a qualification's référentiel de certification. A candidate is
// judged under the version they enrolled in; a version with enrolments never changes.
type Framework struct {
	Qualification     Qualification
	Version           int
	ThresholdPercent  int  // an evaluator awards a block at this share of detailed competences
	ContinuousMinimum Mark // a block's continuous mark must reach this to enter final evaluation
	Composition       Composition
	Prerequisites     Prerequisites
	TrainingHours     int // the full training path, in hours
	InternshipHours   int // owed by recent graduates and job seekers
	Blocks            []Block
}

// Composition is how many blocks of each kind a candidate presents.
type Composition struct {
	Common    int
	Specialty int
	Optional  int
}

// Total is the number of blocks a candidate presents.
func (c Composition) Total() int { return c.Common + c.Specialty + c.Optional }

// Prerequisites are the eligibility conditions of DOMAIN.md §5, as data.
type Prerequisites struct {
	// Formation route: a diploma of at least this EQF level, or this many months of
	// professional experience in any field, internships included. The blocs route has no
	// prerequisite (DOMAIN.md §5): none is stated and the file format has no field for one.
	MinDiplomaLevel     int
	MinExperienceMonths int
	// VAE route: months of experience related to the qualification, and the recommended amount
	// under which the candidate is warned.
	VAEMinRelatedMonths         int
	VAERecommendedRelatedMonths int
	ToConfirm                   bool
	Note                        string
}

// Block is a bloc de compétences: the unit of certification.
type Block struct {
	Code          string // e.g. "BC1"
	Title         string
	Kind          BlockKind
	RNCPCode      string // optional official code such as RNCP12345BC01, kept verbatim
	TrainingHours int    // hours of training for this block when known, else 0
	ToConfirm     bool
	Note          string
	Competences   []Competence
}

// DetailedTotal is the number of detailed competences in the block.
func (b Block) DetailedTotal() int {
	n := 0
	for _, c := range b.Competences {
		n += c.Detailed
	}
	return n
}

// Competence is a compétence générique, marked by evaluators.
type Competence struct {
	Code      string // e.g. "C1"
	Title     string
	Detailed  int // number of detailed competences it holds (≥ 1)
	ToConfirm bool
	Note      string
}

// Block returns the block with the given code.
func (f Framework) Block(code string) (Block, bool) {
	for _, b := range f.Blocks {
		if b.Code == code {
			return b, true
		}
	}
	return Block{}, false
}

// BlocksOfKind returns the blocks of one kind, in framework order.
func (f Framework) BlocksOfKind(k BlockKind) []Block {
	var out []Block
	for _, b := range f.Blocks {
		if b.Kind == k {
			out = append(out, b)
		}
	}
	return out
}

// ToConfirmCount is the number of items flagged to be confirmed by the branch: the
// qualification, its prerequisites, its blocks and their competences.
func (f Framework) ToConfirmCount() int {
	n := 0
	if f.Qualification.ToConfirm {
		n++
	}
	if f.Prerequisites.ToConfirm {
		n++
	}
	for _, b := range f.Blocks {
		if b.ToConfirm {
			n++
		}
		for _, c := range b.Competences {
			if c.ToConfirm {
				n++
			}
		}
	}
	return n
}
