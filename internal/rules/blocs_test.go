package rules

import (
	"errors"
	"strings"
	"testing"

	"cqp/internal/domain"
)

func TestBlocsChoice(t *testing.T) {
	on := domain.NewDate(2026, 6, 12)
	tests := []struct {
		name     string
		fw       func(fw *domain.Framework)
		chosen   []string
		held     []HeldBlock
		problems []string
	}{
		{name: "one common block alone is accepted",
			chosen: []string{"CO2"}},
		{name: "common, specialty and two optional blocks are accepted together",
			chosen: []string{"CO1", "SP2", "OP1", "OP3"}},
		{name: "the blocks missing after a partial result are accepted",
			chosen: []string{"CO3", "SP2"},
			held:   []HeldBlock{{Code: "CO1", AcquiredOn: on}, {Code: "CO2", AcquiredOn: on}, {Code: "SP1", AcquiredOn: on}, {Code: "OP1", AcquiredOn: on}}},
		{name: "an optional block next to one already held is accepted up to the composition's count",
			chosen: []string{"OP2"},
			held:   []HeldBlock{{Code: "OP1", AcquiredOn: on}}},
		{name: "no block chosen is refused",
			chosen:   nil,
			problems: []string{"choisissez au moins un bloc"}},
		{name: "a block already held is refused, naming it and the date it was acquired",
			chosen:   []string{"CO1", "SP1"},
			held:     []HeldBlock{{Code: "SP1", AcquiredOn: on, Route: domain.RouteVAE}},
			problems: []string{"bloc SP1 déjà acquis le 12/06/2026 (voie VAE) : il ne se présente pas de nouveau"}},
		{name: "three optional blocks are too many",
			chosen:   []string{"OP1", "OP2", "OP3"},
			problems: []string{"trop de blocs optionnels : la qualification CC en compte 2, 3 sont choisis (OP1, OP2, OP3)"}},
		{name: "optional blocks held count toward the composition's optional count",
			chosen:   []string{"OP2", "OP3"},
			held:     []HeldBlock{{Code: "OP1", AcquiredOn: on}},
			problems: []string{"trop de blocs optionnels : la qualification CC en compte 2, 2 sont choisis (OP2, OP3) et 1 est déjà acquis (OP1)"}},
		{name: "unknown and repeated blocks are named",
			chosen:   []string{"CO1", "CO1", "ZZ9"},
			problems: []string{"bloc inconnu de la qualification CC : ZZ9", "bloc présenté deux fois : CO1"}},
		{name: "a framework without enough optional blocks is reported",
			fw:       func(fw *domain.Framework) { fw.Blocks = fw.Blocks[:6] },
			chosen:   []string{"CO1"},
			problems: []string{"le référentiel définit 3 blocs communs, 2 blocs de spécialité et 1 bloc optionnel alors que sa composition demande 3 + 2 + 2 : le secrétariat doit compléter le référentiel"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			fw := enrolmentFramework()
			if tt.fw != nil {
				tt.fw(&fw)
			}
			err := CheckBlocsChoice(fw, tt.chosen, tt.held)
			if tt.problems == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			var ce *CompositionError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CompositionError", err)
			}
			for _, p := range tt.problems {
				found := false
				for _, got := range ce.Problems {
					found = found || strings.HasPrefix(got, p)
				}
				if !found {
					t.Errorf("problems %q lack %q", ce.Problems, p)
				}
			}
			if len(ce.Problems) != len(tt.problems) {
				t.Errorf("problems %q, want %d", ce.Problems, len(tt.problems))
			}
		})
	}
}

func TestFinalStageBlocks(t *testing.T) {
	on := domain.NewDate(2026, 6, 12)
	byTraining := func(codes ...string) []HeldBlock {
		var out []HeldBlock
		for _, c := range codes {
			out = append(out, HeldBlock{Code: c, AcquiredOn: on, Route: domain.RouteBlocs})
		}
		return out
	}
	tests := []struct {
		name              string
		held              []HeldBlock
		optional          []string
		blocks, remaining string
		problems          []string
	}{
		{name: "one trained block: the rest by experience, with the optional blocks chosen",
			held: byTraining("CO2"), optional: []string{"OP1", "OP3"},
			blocks: "CO1 CO2 CO3 SP1 SP2 OP1 OP3", remaining: "CO1 CO3 SP1 SP2 OP1 OP3"},
		{name: "an optional block held counts toward the composition",
			held: byTraining("CO2", "OP2"), optional: []string{"OP3"},
			blocks: "CO1 CO2 CO3 SP1 SP2 OP2 OP3", remaining: "CO1 CO3 SP1 SP2 OP3"},
		{name: "every block held: nothing left by experience",
			held:   append(byTraining("SP2"), HeldBlock{Code: "CO1", Route: domain.RouteVAE}, HeldBlock{Code: "CO2", Route: domain.RouteVAE}, HeldBlock{Code: "CO3", Route: domain.RouteVAE}, HeldBlock{Code: "SP1", Route: domain.RouteVAE}, HeldBlock{Code: "OP1", Route: domain.RouteVAE}, HeldBlock{Code: "OP2", Route: domain.RouteVAE}),
			blocks: "CO1 CO2 CO3 SP1 SP2 OP1 OP2"},
		{name: "no block acquired on the blocs route is refused",
			held: []HeldBlock{{Code: "CO1", Route: domain.RouteVAE}}, optional: []string{"OP1", "OP2"},
			problems: []string{"aucun bloc n'est acquis par la voie des blocs de compétences"}},
		{name: "a common block chosen as optional is refused",
			held: byTraining("CO2"), optional: []string{"CO1", "OP1", "OP2"},
			problems: []string{"le bloc CO1 n'est pas optionnel"}},
		{name: "an optional block already held cannot be chosen again",
			held: byTraining("OP1"), optional: []string{"OP1", "OP2"},
			problems: []string{"le bloc OP1 est déjà acquis"}},
		{name: "too few optional blocks make an incomplete composition",
			held: byTraining("CO2"), optional: []string{"OP1"},
			problems: []string{"il faut choisir exactement 2 blocs optionnels, 1 est choisi (OP1)"}},
		{name: "too many optional blocks, counting those held",
			held: byTraining("OP1"), optional: []string{"OP2", "OP3"},
			problems: []string{"il faut choisir exactement 2 blocs optionnels, 3 sont choisis"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			blocks, remaining, err := FinalStageBlocks(enrolmentFramework(), tt.held, tt.optional)
			if tt.problems == nil {
				if err != nil {
					t.Fatalf("refused: %v", err)
				}
				if strings.Join(blocks, " ") != tt.blocks || strings.Join(remaining, " ") != tt.remaining {
					t.Fatalf("blocks %v, remaining %v", blocks, remaining)
				}
				return
			}
			var ce *CompositionError
			if !errors.As(err, &ce) {
				t.Fatalf("err = %v, want *CompositionError", err)
			}
			for _, p := range tt.problems {
				if !strings.Contains(ce.Error(), p) {
					t.Errorf("%q lacks %q", ce.Error(), p)
				}
			}
		})
	}
}
