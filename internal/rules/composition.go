package rules

import (
	"strconv"
	"strings"

	"cqp/internal/domain"
)

// CompositionError lists every way a candidate's blocks break the framework's composition
// (DOMAIN.md §4: the common blocks, the qualification's specialty blocks and exactly the
// number of optional blocks the framework sets). Each problem is a French sentence naming
// the blocks concerned.
type CompositionError struct {
	Problems []string
}

func (e *CompositionError) Error() string {
	return "Composition des blocs refusée : " + strings.Join(e.Problems, " ; ") + "."
}

// CheckComposition checks the blocks a candidate presents against fw.Composition: every
// common block, every specialty block, and exactly fw.Composition.Optional optional blocks; no
// unknown or repeated block. It returns nil or a *CompositionError. A framework whose own blocks
// cannot satisfy its composition is reported too, since no candidate could then be enrolled.
func CheckComposition(fw domain.Framework, blocks []string) error {
	var problems []string
	comp := fw.Composition
	common := fw.BlocksOfKind(domain.BlockCommon)
	specialty := fw.BlocksOfKind(domain.BlockSpecialty)
	optional := fw.BlocksOfKind(domain.BlockOptional)
	if len(common) != comp.Common || len(specialty) != comp.Specialty || len(optional) < comp.Optional {
		problems = append(problems, incompleteFramework(comp, len(common), len(specialty), len(optional)))
	}

	known, bad := readBlocks(fw, blocks)
	problems = append(problems, bad...)
	seen := make(map[string]bool, len(known))
	var chosen []string
	for _, b := range known {
		seen[b.Code] = true
		if b.Kind == domain.BlockOptional {
			chosen = append(chosen, b.Code)
		}
	}
	if missing := missingCodes(common, seen); len(missing) > 0 {
		problems = append(problems, plural(len(missing), "bloc commun manquant : ", "blocs communs manquants : ")+strings.Join(missing, ", "))
	}
	if missing := missingCodes(specialty, seen); len(missing) > 0 {
		problems = append(problems, plural(len(missing), "bloc de spécialité manquant : ", "blocs de spécialité manquants : ")+strings.Join(missing, ", "))
	}
	if len(chosen) != comp.Optional {
		p := "il faut choisir exactement " + count(comp.Optional, "bloc optionnel", "blocs optionnels") + ", "
		if len(chosen) == 0 {
			p += "aucun n'est choisi"
		} else {
			p += count(len(chosen), "est choisi", "sont choisis") + " (" + strings.Join(chosen, ", ") + ")"
		}
		if len(chosen) < comp.Optional {
			var available []string
			for _, b := range optional {
				if !seen[b.Code] {
					available = append(available, b.Code)
				}
			}
			if len(available) > 0 {
				p += " ; au choix : " + strings.Join(available, ", ")
			}
		}
		problems = append(problems, p)
	}
	if len(problems) > 0 {
		return &CompositionError{Problems: problems}
	}
	return nil
}

// incompleteFramework says that a framework's own blocks cannot satisfy its composition.
func incompleteFramework(comp domain.Composition, common, specialty, optional int) string {
	return "le référentiel définit " + count(common, "bloc commun", "blocs communs") + ", " +
		count(specialty, "bloc de spécialité", "blocs de spécialité") + " et " + count(optional, "bloc optionnel", "blocs optionnels") +
		" alors que sa composition demande " + strconv.Itoa(comp.Common) + " + " + strconv.Itoa(comp.Specialty) + " + " + strconv.Itoa(comp.Optional) +
		" : le secrétariat doit compléter le référentiel"
}

func missingCodes(want []domain.Block, seen map[string]bool) []string {
	var out []string
	for _, b := range want {
		if !seen[b.Code] {
			out = append(out, b.Code)
		}
	}
	return out
}

func qualificationName(fw domain.Framework) string {
	if fw.Qualification.Code != "" {
		return "la qualification " + fw.Qualification.Code
	}
	return "la qualification"
}

func count(n int, singular, plural string) string {
	return string(appendCount(nil, n, singular, plural))
}

func plural(n int, singular, plural string) string {
	if n < 2 {
		return singular
	}
	return plural
}

// readBlocks reads a candidate's list of block codes: the framework's blocks it names, once
// each and in the list's order, and, in French, the codes the qualification does not have and
// those named twice.
func readBlocks(fw domain.Framework, codes []string) (known []domain.Block, problems []string) {
	seen := make(map[string]bool, len(codes))
	var unknown, repeated []string
	for _, code := range codes {
		b, ok := fw.Block(code)
		switch {
		case !ok:
			unknown = append(unknown, code)
		case seen[code]:
			repeated = append(repeated, code)
		default:
			seen[code] = true
			known = append(known, b)
		}
	}
	if len(unknown) > 0 {
		problems = append(problems, plural(len(unknown), "bloc inconnu de ", "blocs inconnus de ")+qualificationName(fw)+" : "+strings.Join(unknown, ", "))
	}
	if len(repeated) > 0 {
		problems = append(problems, plural(len(repeated), "bloc présenté deux fois : ", "blocs présentés deux fois : ")+strings.Join(repeated, ", "))
	}
	return known, problems
}
