// Package cdc writes the declaration of awards to the Caisse des Dépôts (« accrochage », flow
// schema cpf-accrochage 1.1.2, namespace urn:cdc:cpf:pc5:schema:1.0.0) and reads its processing
// report. It is pure: types, a streaming writer, a report parser and the checks that say
// whether an award can be declared; it never touches the store.
package cdc

import (
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"cqp/internal/domain"
)

// Namespace is the schema's target namespace.
const Namespace = "urn:cdc:cpf:pc5:schema:1.0.0"

// The access routes (modaliteAcces) cqp uses among the schema's enumeration.
const (
	AccessVAE = "VAE"
	// AccessContinuing is the training route of a CQP: people in work or looking for it,
	// trained outside a professionalisation contract.
	AccessContinuing = "FORMATION_CONTINUE_HORS_CONTRAT_DE_PROFESSIONNALISATION"
)

// AccessOf maps an enrolment's route to modaliteAcces: VAE for the VAE route and for the blocs
// route's final stage (evaluated as a VAE), continuing training for the formation route and
// for block attestations earned on the blocs route.
func AccessOf(route domain.Route, stage string) string {
	if route == domain.RouteVAE || stage == domain.StageBlocsFinal {
		return AccessVAE
	}
	return AccessContinuing
}

// Header is what the flow says of itself and of its sender.
type Header struct {
	FluxID     string    // idFlux: the batch's id, 1 to 50 characters
	At         time.Time // horodatage, written in Paris time with its offset
	ClientID   string    // idClient, 8 characters, issued by the Caisse des Dépôts
	ContractID string    // idContrat, 1 to 20 characters
}

// Holder is the identity the Caisse des Dépôts matches against the civil register.
type Holder struct {
	BirthName  string
	UsedName   string // "" when none
	FirstNames []string
	BirthDate  domain.Date
	Sex        domain.Sex
	BirthINSEE string // INSEE commune code when born in France
	BirthCity  string
	// BirthCountryCode is the three-digit INSEE country code (100 for France), "" when unknown.
	BirthCountryCode string
	BirthCountry     string // the country's name, for a person born abroad
}

// Passage is one award (passageCertification) under its certification code.
type Passage struct {
	ID        string // idTechnique: the certificate's id, stable across batches
	Code      string // the certification's RNCP code, e.g. RNCP12345
	AwardedOn domain.Date
	Access    string // modaliteAcces
	Holder    Holder
}

// HolderOf builds the declared identity of a candidate. The country code of a person born
// abroad is the INSEE code of their birth country, or when that is not in the INSEE list
// (a record older than the check), read from their NIR (department 99, then three digits).
func HolderOf(c domain.Candidate) Holder {
	h := Holder{BirthName: strings.TrimSpace(c.BirthName), UsedName: strings.TrimSpace(c.UsedName), BirthDate: c.BirthDate,
		Sex: c.Sex, BirthINSEE: strings.TrimSpace(c.BirthINSEE), BirthCity: strings.TrimSpace(c.BirthCity),
		BirthCountry: strings.TrimSpace(c.BirthCountry)}
	if strings.EqualFold(h.UsedName, h.BirthName) {
		h.UsedName = ""
	}
	h.FirstNames = strings.FieldsFunc(c.FirstNames, func(r rune) bool { return r == ',' || r == ' ' })
	country, known := domain.LookupCountry(h.BirthCountry)
	switch {
	case h.BirthINSEE != "" && !strings.HasPrefix(h.BirthINSEE, "99"):
		h.BirthCountryCode = "100"
	case h.BirthINSEE == "" && known:
		h.BirthCountryCode, h.BirthCountry = country.RegisterCode(), country.Name
	case len(c.NIR) == 15 && c.NIR[5:7] == "99":
		if fromNIR, ok := domain.LookupCountry(c.NIR[5:10]); ok && fromNIR.Code != domain.CountryFrance {
			h.BirthCountryCode = fromNIR.RegisterCode()
		}
	}
	return h
}

// Problems says, in French, why an award cannot be declared: the holder's NIR missing or wrong,
// their sex or birth place unknown, a name the schema cannot carry, no RNCP code. Empty when
// it can be declared.
func Problems(c domain.Candidate, code string) []string {
	var out []string
	if c.ErasedAt != nil {
		return []string{"Les données de la personne ont été effacées : la délivrance ne peut plus être déclarée."}
	}
	switch {
	case c.NIR == "":
		out = append(out, "NIR non renseigné.")
	default:
		if msg := domain.NIRProblem(c.NIR, c); msg != "" {
			out = append(out, msg)
		}
	}
	switch c.Sex {
	case domain.SexMale, domain.SexFemale:
	case domain.SexOther:
		out = append(out, "Sexe « autre » : le registre national n'accepte que F ou M. Si l'état civil de la personne indique F ou M, corrigez son identité ; sinon, la délivrance ne peut pas être déclarée.")
	default:
		out = append(out, "Sexe non renseigné (F ou M, tel qu'à l'état civil).")
	}
	h := HolderOf(c)
	switch insee := strings.TrimSpace(c.BirthINSEE); {
	case insee == "" && strings.TrimSpace(c.BirthCountry) == "":
		out = append(out, "Lieu de naissance incomplet : ni code INSEE de la commune, ni pays de naissance.")
	case insee != "" && len(insee) != 5:
		out = append(out, "Le code INSEE de la commune de naissance ne compte pas 5 caractères.")
	case insee == "" && h.BirthCountryCode == "":
		out = append(out, fmt.Sprintf("Le pays de naissance « %s » ne figure pas dans la liste des pays de l'INSEE : corrigez l'identité en choisissant le pays dans la liste.", c.BirthCountry))
	}
	if h.BirthName == "" {
		out = append(out, "Nom de naissance non renseigné.")
	}
	if len(h.FirstNames) == 0 {
		out = append(out, "Prénom non renseigné.")
	}
	if y := h.BirthDate.Year(); h.BirthDate.IsZero() || y < 1900 || y > 2099 {
		out = append(out, "Date de naissance manquante ou hors de 1900 à 2099.")
	}
	for _, f := range []struct{ label, value string }{{"Le nom de naissance", h.BirthName}, {"Le nom d'usage", h.UsedName},
		{"La commune de naissance", h.BirthCity}, {"Le pays de naissance", h.BirthCountry}} {
		if utf8.RuneCountInString(f.value) > 60 {
			out = append(out, f.label+" dépasse 60 caractères, le maximum du fichier de déclaration.")
		}
	}
	for _, n := range h.FirstNames {
		if utf8.RuneCountInString(n) > 60 {
			out = append(out, fmt.Sprintf("Le prénom « %s » dépasse 60 caractères.", n))
		}
	}
	if strings.TrimSpace(code) == "" {
		out = append(out, "Pas de code RNCP : renseignez-le dans le référentiel (rncp) ou dans la configuration (--cdc-rncp).")
	}
	return out
}
