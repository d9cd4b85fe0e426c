package rules

// AgreementTable crosses two evaluators' verdicts on the same blocks (acquired or not
// acquired): a training organisation's or a company referent's final grid (First) against the
// commission's (Second).
type AgreementTable struct {
	BothAcquired    int // both award the block
	BothNotAcquired int // neither awards it
	FirstOnly       int // the first awards it, the second does not
	SecondOnly      int // the second awards it, the first does not
}

// Blocks is the number of blocks both evaluators judged.
func (t AgreementTable) Blocks() int {
	return t.BothAcquired + t.BothNotAcquired + t.FirstOnly + t.SecondOnly
}

// Agreed is the number of blocks on which the two verdicts are the same.
func (t AgreementTable) Agreed() int { return t.BothAcquired + t.BothNotAcquired }

// AgreementPercent is the share of blocks with the same verdict, in percent; ok is false
// without any block.
func (t AgreementTable) AgreementPercent() (percent float64, ok bool) {
	n := t.Blocks()
	if n == 0 {
		return 0, false
	}
	return 100 * float64(t.Agreed()) / float64(n), true
}

// Add sums two tables.
func (t AgreementTable) Add(u AgreementTable) AgreementTable {
	return AgreementTable{BothAcquired: t.BothAcquired + u.BothAcquired, BothNotAcquired: t.BothNotAcquired + u.BothNotAcquired,
		FirstOnly: t.FirstOnly + u.FirstOnly, SecondOnly: t.SecondOnly + u.SecondOnly}
}

// CohenKappa is Cohen's kappa of the table: (po − pe) / (1 − pe), where po is the observed
// share of agreement and pe the agreement expected by chance from each evaluator's own share of
// « acquis ». 1 is full agreement, 0 no more than chance, below 0 less than chance. ok is false
// when kappa is undefined: no block, or pe = 1 (both evaluators gave every block the same single
// verdict, so chance alone explains their agreement).
func CohenKappa(t AgreementTable) (kappa float64, ok bool) {
	n := t.Blocks()
	if n == 0 {
		return 0, false
	}
	firstA, secondA := t.BothAcquired+t.FirstOnly, t.BothAcquired+t.SecondOnly
	firstNA, secondNA := n-firstA, n-secondA
	// In integers, n² × pe and n² × po: pe = 1 is tested exactly.
	chance := firstA*secondA + firstNA*secondNA
	if chance == n*n {
		return 0, false
	}
	observed := t.Agreed() * n
	return float64(observed-chance) / float64(n*n-chance), true
}

// Kappa thresholds and the minimum number of blocks below which a kappa is not read as a
// signal (Landis and Koch's scale: below 0.40 the agreement is at best « passable »).
const (
	KappaOutlierBelow    = 0.40
	KappaOutlierMinBlock = 10
)

// AgreementOutlier says whether an evaluator's agreement with the commission is low enough to
// be audited: a kappa below KappaOutlierBelow on at least KappaOutlierMinBlock blocks.
func AgreementOutlier(t AgreementTable) bool {
	k, ok := CohenKappa(t)
	return ok && t.Blocks() >= KappaOutlierMinBlock && k < KappaOutlierBelow
}
