package rules

import (
	"errors"
	"reflect"
	"strings"
	"testing"

	"cqp/internal/domain"
)

// gateFramework is enrolmentFramework (600 h of training, 300 h of internship) with the
// guide's continuous-mark minimum of 10/20.
func gateFramework() domain.Framework {
	fw := enrolmentFramework()
	fw.ContinuousMinimum = 10 * domain.MarkScale
	return fw
}

var sevenBlocks = []string{"CO1", "CO2", "CO3", "SP1", "SP2", "OP1", "OP2"}

// marks gives every block of sevenBlocks the mark 12, then the given marks.
func marks(over map[string]domain.Mark) map[string]domain.Mark {
	m := map[string]domain.Mark{}
	for _, b := range sevenBlocks {
		m[b] = 12 * domain.MarkScale
	}
	for b, v := range over {
		if v < 0 {
			delete(m, b)
			continue
		}
		m[b] = v
	}
	return m
}

func TestGatesBeforeTheJury(t *testing.T) {
	tests := []struct {
		name    string
		in      GateInput
		missing []string // the missing gates' texts, in order
		kinds   []GateKind
		low     []string // the low marks' texts
	}{
		{name: "a job seeker with the full path, the internship and every mark at 10 or more passes",
			in: GateInput{Public: domain.PublicJobSeeker, Route: domain.RouteFormation, Blocks: sevenBlocks,
				TrainingHours: 600, InternshipHours: 300, ContinuousMarks: marks(map[string]domain.Mark{"CO1": 10 * domain.MarkScale})}},
		{name: "a job seeker without an internship misses the internship gate (issue 10: « Stage 0 h sur 175 h dues »)",
			in: GateInput{Public: domain.PublicJobSeeker, Route: domain.RouteFormation, Blocks: sevenBlocks,
				TrainingHours: 600, ContinuousMarks: marks(nil)},
			missing: []string{"Stage : 0 h sur 300 h dues"}, kinds: []GateKind{GateInternship}},
		{name: "a recent graduate short of training hours and internship misses both, training first",
			in: GateInput{Public: domain.PublicRecentGraduate, Route: domain.RouteFormation, Blocks: sevenBlocks,
				TrainingHours: 320, InternshipHours: 299, ContinuousMarks: marks(nil)},
			missing: []string{"Heures de formation : 320 h sur 600 h dues", "Stage : 299 h sur 300 h dues"},
			kinds:   []GateKind{GateTrainingHours, GateInternship}},
		{name: "an employee owes no internship",
			in: GateInput{Public: domain.PublicEmployee, Route: domain.RouteFormation, Blocks: sevenBlocks,
				TrainingHours: 600, ContinuousMarks: marks(nil)}},
		{name: "an employee on VAE owes neither hours nor marks",
			in: GateInput{Public: domain.PublicEmployee, Route: domain.RouteVAE, Blocks: sevenBlocks}},
		{name: "a job seeker on VAE owes the internship, as CheckHours says",
			in:      GateInput{Public: domain.PublicJobSeeker, Route: domain.RouteVAE, Blocks: sevenBlocks, InternshipHours: 120},
			missing: []string{"Stage : 120 h sur 300 h dues"}, kinds: []GateKind{GateInternship}},
		{name: "a block below the minimum does not keep the candidate from the jury: it is presented not admitted",
			in: GateInput{Public: domain.PublicEmployee, Route: domain.RouteFormation, Blocks: sevenBlocks, TrainingHours: 600,
				ContinuousMarks: marks(map[string]domain.Mark{"CO3": 850, "SP2": 999})},
			low: []string{"CO3 : note 8,5/20 sous le minimum de 10/20, bloc non admis à l'évaluation finale",
				"SP2 : note 9,99/20 sous le minimum de 10/20, bloc non admis à l'évaluation finale"}},
		{name: "a block without a continuous mark is missing",
			in: GateInput{Public: domain.PublicEmployee, Route: domain.RouteFormation, Blocks: sevenBlocks, TrainingHours: 600,
				ContinuousMarks: marks(map[string]domain.Mark{"SP1": -1, "OP2": -1})},
			missing: []string{"Notes d'évaluation continue manquantes : SP1, OP2"}, kinds: []GateKind{GateContinuousMark}},
		{name: "blocks acquired at an earlier session pass no gate again",
			in: GateInput{Public: domain.PublicEmployee, Route: domain.RouteFormation, Blocks: sevenBlocks, TrainingHours: 600,
				PriorBlocks: []string{"CO1", "CO3"}, ContinuousMarks: marks(map[string]domain.Mark{"CO1": -1, "CO3": 500})}},
		{name: "on the blocs route, the hours of the blocks followed are owed",
			in: GateInput{Public: domain.PublicEmployee, Route: domain.RouteBlocs, Blocks: []string{"SP1", "OP2"},
				TrainingHours: 150, ContinuousMarks: map[string]domain.Mark{"SP1": 1200, "OP2": 1000}},
			missing: []string{"Heures de formation : 150 h sur 160 h dues"}, kinds: []GateKind{GateTrainingHours}},
		{name: "on the blocs route, a block whose hours the framework does not give owes none: only the hours it sets are due",
			in: GateInput{Public: domain.PublicJobSeeker, Route: domain.RouteBlocs, Blocks: []string{"SP1", "OP4"},
				TrainingHours: 500, ContinuousMarks: map[string]domain.Mark{"SP1": 1200, "OP4": 1000}},
			missing: []string{"Stage : 0 h sur 300 h dues"},
			kinds:   []GateKind{GateInternship}},
		{name: "on the blocs route, blocks without hours in the framework owe no training at all",
			in: GateInput{Public: domain.PublicEmployee, Route: domain.RouteBlocs, Blocks: []string{"OP4"},
				ContinuousMarks: map[string]domain.Mark{"OP4": 1000}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c, err := CheckGates(gateFramework(), tt.in)
			if err != nil {
				t.Fatal(err)
			}
			var texts, low []string
			var kinds []GateKind
			for _, g := range c.Missing {
				texts, kinds = append(texts, g.Text), append(kinds, g.Kind)
			}
			for _, l := range c.LowMarks {
				low = append(low, l.Text)
			}
			if !reflect.DeepEqual(texts, tt.missing) || !reflect.DeepEqual(kinds, tt.kinds) || !reflect.DeepEqual(low, tt.low) {
				t.Fatalf("missing %q %v, low marks %q; want %q %v, %q", texts, kinds, low, tt.missing, tt.kinds, tt.low)
			}
			if c.Passed() != (len(tt.missing) == 0) {
				t.Fatalf("Passed() = %v with %d missing", c.Passed(), len(c.Missing))
			}
		})
	}

	t.Run("the hours gates carry their numbers", func(t *testing.T) {
		c, err := CheckGates(gateFramework(), GateInput{Public: domain.PublicRecentGraduate, Route: domain.RouteFormation,
			Blocks: sevenBlocks, TrainingHours: 320, ContinuousMarks: marks(nil)})
		if err != nil || len(c.Missing) != 2 || c.Missing[0].Done != 320 || c.Missing[0].Owed != 600 || c.Missing[1].Done != 0 || c.Missing[1].Owed != 300 {
			t.Fatalf("got %+v %v", c, err)
		}
	})

	t.Run("hours and internship may be waived by a derogation, a missing mark may not", func(t *testing.T) {
		for kind, want := range map[GateKind]bool{GateTrainingHours: true, GateInternship: true, GateContinuousMark: false} {
			if kind.Derogable() != want || !kind.Valid() || kind.Label() == string(kind) {
				t.Errorf("%s: derogable %v valid %v label %q", kind, kind.Derogable(), kind.Valid(), kind.Label())
			}
		}
		if GateKind("stage").Valid() {
			t.Error("an unknown gate is valid")
		}
	})

	refusals := []struct {
		name, field string
		in          GateInput
	}{
		{"an unknown public", "public", GateInput{Public: "retraité", Route: domain.RouteVAE}},
		{"an unknown route", "route", GateInput{Public: domain.PublicEmployee, Route: "x"}},
		{"negative hours", "training_hours", GateInput{Public: domain.PublicEmployee, Route: domain.RouteVAE, TrainingHours: -1}},
		{"an unknown block", "blocks", GateInput{Public: domain.PublicEmployee, Route: domain.RouteFormation, Blocks: []string{"ZZ"}, TrainingHours: 600}},
	}
	for _, tt := range refusals {
		t.Run("refuses "+tt.name, func(t *testing.T) {
			_, err := CheckGates(gateFramework(), tt.in)
			var ie *InputError
			if !errors.As(err, &ie) || ie.Field != tt.field {
				t.Fatalf("err = %v, want a refusal of %s", err, tt.field)
			}
		})
	}
	if _, err := CheckGates(gateFramework(), GateInput{Public: domain.PublicEmployee, Route: domain.RouteBlocs,
		Blocks: []string{"SP1", "SP1"}}); err == nil || !strings.Contains(err.Error(), "deux fois") {
		t.Errorf("a block cited twice on the blocs route: %v", err)
	}
}
