package rules

import (
	"strconv"

	"cqp/internal/domain"
)

// Applicant is what eligibility to a route depends on (DOMAIN.md §5).
type Applicant struct {
	Route domain.Route
	// DiplomaLevel is the EQF (and RNCP) level of the highest diploma: 4 for the bac, 5 for
	// bac+2; 0 for none.
	DiplomaLevel int
	// ExperienceMonths is professional experience in any field, internships included.
	ExperienceMonths int
	// RelatedExperienceMonths is the part of ExperienceMonths related to the qualification.
	RelatedExperienceMonths int
}

// Rule identifies the eligibility rule that decided.
type Rule string

const (
	// RuleDiplomaOrExperience: the formation route needs the framework's diploma level or its
	// months of experience in any field, internships included.
	RuleDiplomaOrExperience Rule = "diploma_or_experience"
	// RuleNoBlocsPrerequisite: the blocs route has no prerequisite. The guide states none for
	// it (DOMAIN.md §5) and the framework file has no field to set one, so every applicant is
	// eligible; a framework field for it would be read here.
	RuleNoBlocsPrerequisite Rule = "no_blocs_prerequisite"
	// RuleVAERelatedExperience: the VAE route needs the framework's months of experience
	// related to the qualification.
	RuleVAERelatedExperience Rule = "vae_related_experience"
)

// Eligibility is the decision on an applicant's route.
type Eligibility struct {
	Eligible bool
	Rule     Rule
	Reason   string   // French, names the rule and the numbers on both sides
	Warnings []string // French; e.g. VAE under the recommended experience
}

// CheckEligibility decides whether an applicant may take a route of the framework's
// qualification. Every threshold comes from fw.Prerequisites. The blocs route has none: the
// guide states none and the framework file cannot set one (RuleNoBlocsPrerequisite); the
// formation prerequisites used to be applied to it without being stated. An error means the input
// itself is wrong (unknown route, negative months, related experience above the total).
func CheckEligibility(fw domain.Framework, a Applicant) (Eligibility, error) {
	if !a.Route.Valid() {
		return Eligibility{}, &InputError{Field: "route", Message: "voie d'accès inconnue « " + string(a.Route) + " » : formation, vae ou blocs"}
	}
	if a.DiplomaLevel < 0 || a.DiplomaLevel > 8 {
		return Eligibility{}, &InputError{Field: "diploma_level", Message: "niveau de diplôme " + strconv.Itoa(a.DiplomaLevel) + " hors de 0 (aucun) à 8"}
	}
	if a.ExperienceMonths < 0 {
		return Eligibility{}, &InputError{Field: "experience_months", Message: "durée d'expérience négative"}
	}
	if a.RelatedExperienceMonths < 0 {
		return Eligibility{}, &InputError{Field: "related_experience_months", Message: "durée d'expérience négative"}
	}
	if a.RelatedExperienceMonths > a.ExperienceMonths {
		return Eligibility{}, &InputError{Field: "related_experience_months",
			Message: "l'expérience en lien avec la qualification (" + months(a.RelatedExperienceMonths) + ") dépasse l'expérience totale (" + months(a.ExperienceMonths) + ")"}
	}
	pre := fw.Prerequisites
	if a.Route == domain.RouteVAE {
		e := Eligibility{Rule: RuleVAERelatedExperience}
		if a.RelatedExperienceMonths < pre.VAEMinRelatedMonths {
			e.Reason = "Non éligible à la VAE : il faut au moins " + months(pre.VAEMinRelatedMonths) +
				" d'expérience professionnelle en lien avec la qualification ; le candidat en a " + months(a.RelatedExperienceMonths) + "."
			return e, nil
		}
		e.Eligible = true
		e.Reason = "Éligible à la VAE : " + months(a.RelatedExperienceMonths) + " d'expérience professionnelle en lien avec la qualification, pour " +
			months(pre.VAEMinRelatedMonths) + " requis."
		if a.RelatedExperienceMonths < pre.VAERecommendedRelatedMonths {
			e.Warnings = append(e.Warnings, "Expérience en lien avec la qualification de "+months(a.RelatedExperienceMonths)+
				", sous les "+months(pre.VAERecommendedRelatedMonths)+" recommandés pour maîtriser l'activité professionnelle.")
		}
		return e, nil
	}

	if a.Route == domain.RouteBlocs {
		return Eligibility{Eligible: true, Rule: RuleNoBlocsPrerequisite,
			Reason: "Éligible à la voie " + routeName(a.Route) + " : le référentiel ne fixe aucune condition d'accès à cette voie."}, nil
	}
	e := Eligibility{Rule: RuleDiplomaOrExperience}
	route := "Éligible à la voie " + routeName(a.Route) + " : "
	switch {
	case a.DiplomaLevel >= pre.MinDiplomaLevel:
		e.Eligible = true
		e.Reason = route + "diplôme de " + level(a.DiplomaLevel) + ", pour " + level(pre.MinDiplomaLevel) + " requis."
	case a.ExperienceMonths >= pre.MinExperienceMonths:
		e.Eligible = true
		e.Reason = route + months(a.ExperienceMonths) + " d'expérience professionnelle (tous domaines, stages compris), pour " +
			months(pre.MinExperienceMonths) + " requis à défaut de diplôme de " + level(pre.MinDiplomaLevel) + "."
	default:
		have := "aucun diplôme"
		if a.DiplomaLevel > 0 {
			have = "un diplôme de " + level(a.DiplomaLevel)
		}
		e.Reason = "Non éligible à la voie " + routeName(a.Route) + " : il faut un diplôme de " + level(pre.MinDiplomaLevel) +
			" au moins, ou " + months(pre.MinExperienceMonths) + " d'expérience professionnelle tous domaines confondus, stages compris ; le candidat a " +
			have + " et " + months(a.ExperienceMonths) + " d'expérience."
	}
	return e, nil
}

func routeName(r domain.Route) string {
	if r == domain.RouteBlocs {
		return "par blocs de compétences"
	}
	return string(r)
}

// months writes « 18 mois », « 24 mois (2 ans) », « 12 mois (1 an) ».
func months(n int) string {
	s := strconv.Itoa(n) + " mois"
	switch {
	case n == 12:
		s += " (1 an)"
	case n > 0 && n%12 == 0:
		s += " (" + strconv.Itoa(n/12) + " ans)"
	}
	return s
}

// level writes an EQF level with its usual French name: « niveau 5 (bac+2) ».
func level(n int) string {
	names := map[int]string{3: "CAP, BEP", 4: "bac", 5: "bac+2", 6: "bac+3", 7: "bac+5", 8: "doctorat"}
	s := "niveau " + strconv.Itoa(n)
	if name, ok := names[n]; ok {
		s += " (" + name + ")"
	}
	return s
}
