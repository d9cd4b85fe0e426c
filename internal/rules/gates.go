package rules

import (
	"slices"
	"strconv"
	"strings"

	"cqp/internal/domain"
)

// Gates before the jury (DOMAIN.md §7 rule 5): before an enrolment is presented to a jury
// session it must have done the training and internship hours the framework asks of its public
// (CheckHours says what is owed), and, on the formation and blocs routes, have a continuous mark
// for every block it presents and has not acquired yet. A missing gate keeps the candidate from
// the jury unless the secretariat records a reasoned derogation; the minutes show it.
//
// A block whose continuous mark is below the minimum is not a missing gate: the guide's minimum
// (« un minimum de 10 / 20 à chaque bloc de compétences pour accéder à l'évaluation finale »)
// admits each block to its final evaluation, not the candidate to the jury. Such a block is
// presented and the jury records it « non admis » (rule 4: only a jury makes a result; rule 6:
// it may be evaluated again at a later session), while the candidate's other blocks are judged.
// Blocking the whole candidate would leave them with no result at all, since marks no longer
// change once the final evaluation starts. CheckGates reports such blocks apart, as LowMarks, so
// that the secretariat sees them before presenting.

// GateKind names a gate before the jury.
type GateKind string

const (
	GateTrainingHours  GateKind = "training_hours"
	GateInternship     GateKind = "internship"
	GateContinuousMark GateKind = "continuous_mark"
)

// GateKinds lists the gates in the order they are reported.
var GateKinds = []GateKind{GateTrainingHours, GateInternship, GateContinuousMark}

// Valid reports whether k is a known gate.
func (k GateKind) Valid() bool { return slices.Contains(GateKinds, k) }

// Label is the gate's French name.
func (k GateKind) Label() string {
	switch k {
	case GateTrainingHours:
		return "Heures de formation"
	case GateInternship:
		return "Stage"
	case GateContinuousMark:
		return "Notes d'évaluation continue"
	}
	return string(k)
}

// Derogable reports whether the secretariat may waive the gate with a reasoned derogation:
// the hours and the internship may be; a missing continuous mark may not, since without it the
// rules engine cannot judge the block (the training organisation enters it).
func (k GateKind) Derogable() bool { return k == GateTrainingHours || k == GateInternship }

// GateInput is what the gates read of one enrolment.
type GateInput struct {
	Public domain.Public
	Route  domain.Route
	// Blocks are the blocks the enrolment presents; PriorBlocks those of them acquired at an
	// earlier session, which pass no gate again.
	Blocks      []string
	PriorBlocks []string
	// TrainingHours and InternshipHours are the recorded hours done.
	TrainingHours   int
	InternshipHours int
	// ContinuousMarks is each block's continuous mark (formation and blocs routes); a block
	// without one is absent.
	ContinuousMarks map[string]domain.Mark
}

// Gate is a gate the candidate does not pass.
type Gate struct {
	Kind GateKind
	// Done and Owed are the hours recorded and owed (hours gates).
	Done, Owed int
	// Blocks are the blocks without a continuous mark (continuous_mark).
	Blocks []string
	// Text says in French what is missing: « Stage : 0 h sur 175 h dues ».
	Text string
}

// LowMark is a block presented with a continuous mark below the framework's minimum.
type LowMark struct {
	Block   string
	Mark    domain.Mark
	Minimum domain.Mark
	// Text: « BC3 : note 8,5/20 sous le minimum de 10/20, bloc non admis à l'évaluation finale ».
	Text string
}

// GateCheck is where an enrolment stands against the gates.
type GateCheck struct {
	Missing  []Gate    // in GateKinds order
	LowMarks []LowMark // in the order of the presented blocks
}

// Passed reports whether no gate is missing.
func (c GateCheck) Passed() bool { return len(c.Missing) == 0 }

// Gate returns the missing gate of a kind, if it is missing.
func (c GateCheck) Gate(k GateKind) (Gate, bool) {
	for _, g := range c.Missing {
		if g.Kind == k {
			return g, true
		}
	}
	return Gate{}, false
}

// CheckGates says which gates before the jury an enrolment misses, under the framework
// version it enrolled in. An error means the input is wrong (an unknown public, route or block,
// negative hours, a block cited twice on the blocs route).
func CheckGates(fw domain.Framework, in GateInput) (GateCheck, error) {
	var c GateCheck
	for _, code := range in.Blocks {
		if _, ok := fw.Block(code); !ok {
			return c, &InputError{Field: "blocks", Message: "bloc inconnu « " + code + " »"}
		}
	}
	t := Training{Public: in.Public, Route: in.Route, Blocks: in.Blocks, TrainingHours: in.TrainingHours, InternshipHours: in.InternshipHours}
	if in.Route == domain.RouteBlocs {
		// The blocs route owes the training hours the framework sets for the blocks followed; a
		// block for which it sets none owes none (no requirement is applied that the framework
		// does not state, DOMAIN.md §5).
		if err := checkBlocksCitedOnce(in.Blocks); err != nil {
			return c, err
		}
		t.Blocks = nil
		for _, code := range in.Blocks {
			if b, _ := fw.Block(code); b.TrainingHours > 0 {
				t.Blocks = append(t.Blocks, code)
			}
		}
		if len(t.Blocks) == 0 {
			t.Route = domain.RouteVAE // no training owed; the internship owed depends on the public alone
		}
	}
	h, err := CheckHours(fw, t)
	if err != nil {
		return c, err
	}
	if !h.TrainingMet {
		c.Missing = append(c.Missing, hoursGate(GateTrainingHours, h.TrainingDone, h.TrainingOwed))
	}
	if !h.InternshipMet {
		c.Missing = append(c.Missing, hoursGate(GateInternship, h.InternshipDone, h.InternshipOwed))
	}
	if in.Route != domain.RouteFormation && in.Route != domain.RouteBlocs {
		return c, nil
	}
	var without []string
	for _, code := range in.Blocks {
		if slices.Contains(in.PriorBlocks, code) {
			continue
		}
		m, ok := in.ContinuousMarks[code]
		switch {
		case !ok:
			without = append(without, code)
		case m < fw.ContinuousMinimum:
			c.LowMarks = append(c.LowMarks, LowMark{Block: code, Mark: m, Minimum: fw.ContinuousMinimum,
				Text: code + " : note " + m.String() + "/20 sous le minimum de " + fw.ContinuousMinimum.String() + "/20, bloc non admis à l'évaluation finale"})
		}
	}
	if len(without) > 0 {
		c.Missing = append(c.Missing, Gate{Kind: GateContinuousMark, Blocks: without,
			Text: plural(len(without), "Note d'évaluation continue manquante : ", "Notes d'évaluation continue manquantes : ") + strings.Join(without, ", ")})
	}
	return c, nil
}

func hoursGate(k GateKind, done, owed int) Gate {
	return Gate{Kind: k, Done: done, Owed: owed, Text: k.Label() + " : " + strconv.Itoa(done) + " h sur " + strconv.Itoa(owed) + " h dues"}
}

func checkBlocksCitedOnce(blocks []string) error {
	for i, code := range blocks {
		if slices.Contains(blocks[:i], code) {
			return &InputError{Field: "blocks", Message: "le bloc " + code + " est cité deux fois"}
		}
	}
	return nil
}
