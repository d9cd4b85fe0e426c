package rules

import (
	"strconv"
	"strings"

	"cqp/internal/domain"
)

// HeldBlock is a block the person already holds for good in the qualification (DOMAIN.md §7
// rule 3), whatever enrolment and route it was acquired on.
type HeldBlock struct {
	Code       string
	AcquiredOn domain.Date
	Route      domain.Route // the route of the enrolment it was acquired on; "" when unknown
}

// CheckBlocsChoice checks the blocks a person chooses on the blocs route (DOMAIN.md §5): at
// least one, each a block of the framework (common, specialty or optional), none repeated,
// none already held (the refusal names the block and the date it was acquired), and never more
// optional blocks, counting those already held, than fw.Composition.Optional, so that the
// person can still complete a valid composition. It returns nil or a *CompositionError. The
// formation and VAE routes keep CheckComposition.
func CheckBlocsChoice(fw domain.Framework, chosen []string, held []HeldBlock) error {
	var problems []string
	comp := fw.Composition
	common := fw.BlocksOfKind(domain.BlockCommon)
	specialty := fw.BlocksOfKind(domain.BlockSpecialty)
	optional := fw.BlocksOfKind(domain.BlockOptional)
	if len(common) != comp.Common || len(specialty) != comp.Specialty || len(optional) < comp.Optional {
		problems = append(problems, incompleteFramework(comp, len(common), len(specialty), len(optional)))
	}
	if len(chosen) == 0 {
		problems = append(problems, "choisissez au moins un bloc de compétences à acquérir")
	}
	heldBy := make(map[string]HeldBlock, len(held))
	var heldOptional []string
	for _, h := range held {
		heldBy[h.Code] = h
		if b, ok := fw.Block(h.Code); ok && b.Kind == domain.BlockOptional {
			heldOptional = append(heldOptional, h.Code)
		}
	}
	known, bad := readBlocks(fw, chosen)
	var chosenOptional, already []string
	for _, b := range known {
		if h, isHeld := heldBy[b.Code]; isHeld {
			p := "bloc " + b.Code + " déjà acquis"
			if !h.AcquiredOn.IsZero() {
				p += " le " + h.AcquiredOn.String()
			}
			if h.Route != "" {
				p += " (voie " + h.Route.Label() + ")"
			}
			already = append(already, p+" : il ne se présente pas de nouveau, retirez-le")
			continue
		}
		if b.Kind == domain.BlockOptional {
			chosenOptional = append(chosenOptional, b.Code)
		}
	}
	problems = append(problems, bad...)
	problems = append(problems, already...)
	if len(chosenOptional)+len(heldOptional) > comp.Optional {
		p := "trop de blocs optionnels : " + qualificationName(fw) + " en compte " + strconv.Itoa(comp.Optional) + ", " +
			count(len(chosenOptional), "est choisi", "sont choisis") + " (" + strings.Join(chosenOptional, ", ") + ")"
		if len(heldOptional) > 0 {
			p += " et " + count(len(heldOptional), "est déjà acquis", "sont déjà acquis") + " (" + strings.Join(heldOptional, ", ") + ")"
		}
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		return &CompositionError{Problems: problems}
	}
	return nil
}

// FinalStageBlocks gives the blocks a person presents at the blocs route's final stage
// (DOMAIN.md §5 « blocs »), in framework order: every common and specialty block, the optional
// blocks already held, and the optional blocks chosen to complete the composition. The person
// must hold at least one block acquired on the blocs route (otherwise the final stage is not
// theirs: a VAE or a formation is), and the composition must be whole (CheckComposition). It
// returns the blocks and the ones still to acquire (presented by experience file), or a
// *CompositionError.
func FinalStageBlocks(fw domain.Framework, held []HeldBlock, chosenOptional []string) (blocks, remaining []string, err error) {
	var problems []string
	byTraining := false
	heldCodes := map[string]bool{}
	for _, h := range held {
		heldCodes[h.Code] = true
		byTraining = byTraining || h.Route == domain.RouteBlocs
	}
	if !byTraining {
		problems = append(problems, "aucun bloc n'est acquis par la voie des blocs de compétences : l'évaluation finale de cette voie suit au moins une attestation de bloc obtenue après formation")
	}
	known, bad := readBlocks(fw, chosenOptional)
	problems = append(problems, bad...)
	chosen := map[string]bool{}
	for _, b := range known {
		switch {
		case b.Kind != domain.BlockOptional:
			problems = append(problems, "le bloc "+b.Code+" n'est pas optionnel : les blocs communs et de spécialité sont toujours présentés, ne le choisissez pas")
		case heldCodes[b.Code]:
			problems = append(problems, "le bloc "+b.Code+" est déjà acquis : il est présenté d'office")
		default:
			chosen[b.Code] = true
		}
	}
	if len(problems) > 0 {
		return nil, nil, &CompositionError{Problems: problems}
	}
	for _, b := range fw.Blocks {
		if b.Kind != domain.BlockOptional || heldCodes[b.Code] || chosen[b.Code] {
			blocks = append(blocks, b.Code)
			if !heldCodes[b.Code] {
				remaining = append(remaining, b.Code)
			}
		}
	}
	if err := CheckComposition(fw, blocks); err != nil {
		return nil, nil, err
	}
	return blocks, remaining, nil
}
