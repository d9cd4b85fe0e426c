package domain

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	"golang.org/x/text/unicode/norm"
)

// Sex as the national register records it.
type Sex string

const (
	SexMale   Sex = "M"
	SexFemale Sex = "F"
	// SexOther is recorded for a person whose civil status is neither: the national register
	// takes only M or F, so their awards are listed as not declarable, with why.
	SexOther Sex = "X"
)

// Label is the sex as a form or a page shows it.
func (s Sex) Label() string {
	switch s {
	case SexFemale:
		return "Féminin"
	case SexMale:
		return "Masculin"
	case SexOther:
		return "Autre"
	}
	return string(s)
}

// ValidSex reports whether s is one of the values cqp records.
func ValidSex(s Sex) bool { return s == SexMale || s == SexFemale || s == SexOther }

// Candidate is a person who seeks a CQP, with the identity the national register needs.
type Candidate struct {
	ID           string
	Number       string // the branch's candidate number, e.g. C-2026-00042
	BirthName    string // nom de naissance
	UsedName     string // nom d'usage, when different
	FirstNames   string // prénoms, in civil-register order
	BirthDate    Date
	Sex          Sex
	BirthINSEE   string // INSEE commune code when born in France
	BirthCountry string // country when born abroad
	BirthCity    string
	Email        string
	// NIR is the holder's social security number (15 characters, no spaces), '' while unknown.
	// It leaves cqp only in the declaration to the Caisse des Dépôts: shown whole to the
	// secretariat alone (MaskNIR for others), never in a URL, a log, a mail or the audit trail.
	NIR       string `json:"-"`
	UserID    string
	CreatedAt time.Time
	// ErasedAt is when the person's data was erased, on request or at the end of its retention;
	// nil otherwise. An erased person without names is shown as « Personne anonymisée ».
	ErasedAt   *time.Time
	Enrolments []Enrolment
}

// Anonymised reports whether the person's names were erased (nothing of theirs stays verifiable).
func (c Candidate) Anonymised() bool { return c.ErasedAt != nil && c.BirthName == "" }

// DisplayName is "Prénom NOM" with the used name when there is one.
func (c Candidate) DisplayName() string {
	if c.Anonymised() {
		return "Personne anonymisée"
	}
	name := c.BirthName
	if c.UsedName != "" {
		name = c.UsedName
	}
	return strings.TrimSpace(firstOf(c.FirstNames) + " " + strings.ToUpper(name))
}

// FullName is "NOM (née NAISSANCE) Prénoms" for official lists.
func (c Candidate) FullName() string {
	if c.Anonymised() {
		return "Personne anonymisée (" + c.Number + ")"
	}
	if c.UsedName != "" && !strings.EqualFold(c.UsedName, c.BirthName) {
		return strings.ToUpper(c.UsedName) + " (né·e " + strings.ToUpper(c.BirthName) + ") " + c.FirstNames
	}
	return strings.ToUpper(c.BirthName) + " " + c.FirstNames
}

func firstOf(names string) string {
	f := strings.FieldsFunc(names, func(r rune) bool { return r == ',' || r == ' ' })
	if len(f) == 0 {
		return ""
	}
	return f[0]
}

// Validate checks the identity fields and returns field-level French messages.
func (c Candidate) Validate(today Date) FieldErrors {
	fe := FieldErrors{}
	if strings.TrimSpace(c.BirthName) == "" {
		fe.Add("birth_name", "Indiquez le nom de naissance.")
	}
	if strings.TrimSpace(c.FirstNames) == "" {
		fe.Add("first_names", "Indiquez au moins un prénom.")
	}
	switch {
	case c.BirthDate.IsZero():
		fe.Add("birth_date", "Indiquez la date de naissance au format JJ/MM/AAAA.")
	case !c.BirthDate.Before(today):
		fe.Add("birth_date", "La date de naissance doit être dans le passé.")
	case c.BirthDate.YearsAt(today) < 15 || c.BirthDate.YearsAt(today) > 100:
		fe.Add("birth_date", "La date de naissance donne un âge hors de 15 à 100 ans : vérifiez-la.")
	}
	if !ValidSex(c.Sex) {
		fe.Add("sex", "Indiquez le sexe tel qu'il figure à l'état civil : féminin, masculin ou autre.")
	}
	switch {
	case c.BirthINSEE == "" && strings.TrimSpace(c.BirthCountry) == "":
		fe.Add("birth_insee", "Indiquez le code INSEE de la commune de naissance, ou le pays de naissance si elle est à l'étranger.")
	case c.BirthINSEE != "" && !validINSEE(c.BirthINSEE):
		fe.Add("birth_insee", "Le code INSEE comporte 5 caractères (chiffres, ou 2A/2B pour la Corse), par exemple 75056.")
	case c.BirthINSEE != "" && inseeDepartmentProblem(c.BirthINSEE) != "":
		fe.Add("birth_insee", inseeDepartmentProblem(c.BirthINSEE))
	case c.BirthINSEE == "" && birthCountryProblem(c.BirthCountry) != "":
		fe.Add("birth_country", birthCountryProblem(c.BirthCountry))
	}
	// The national register (the Caisse des Dépôts' declaration of awards) takes 60 characters
	// at most for a name.
	for field, name := range map[string]string{"birth_name": c.BirthName, "used_name": c.UsedName, "first_names": c.FirstNames} {
		if n := len([]rune(strings.TrimSpace(name))); n > MaxRegisterName {
			fe.Add(field, fmt.Sprintf("Ce nom compte %d caractères : le registre national en accepte %d au plus. Écrivez-le tel qu'à l'état civil, sans titre ni mention.", n, MaxRegisterName))
		}
	}
	if c.Email != "" && !LooksLikeEmail(c.Email) {
		fe.Add("email", "Cette adresse e-mail n'est pas valide.")
	}
	if c.NIR != "" {
		if msg := NIRProblem(c.NIR, c); msg != "" {
			fe.Add("nir", msg)
		}
	}
	for field, s := range map[string]string{"birth_name": c.BirthName, "used_name": c.UsedName, "first_names": c.FirstNames,
		"birth_city": c.BirthCity, "birth_country": c.BirthCountry} {
		fe.CheckLine(field, s)
	}
	return fe
}

// MaxRegisterName is the longest name, in characters, the national register takes.
const MaxRegisterName = 60

// inseeDepartmentProblem says, in French, why the department of an INSEE commune code does not
// exist: 00, 20 (Corsica is 2A or 2B), 96, overseas beyond 971–976 and 984–988. 99 starts the
// code of a foreign country.
func inseeDepartmentProblem(code string) string {
	dept := code[:2]
	switch {
	case dept == "00" || dept == "96":
		return fmt.Sprintf("Le code INSEE %s commence par %s : aucun département ne porte ce numéro.", code, dept)
	case dept == "20":
		return fmt.Sprintf("Le code INSEE %s commence par 20 : en Corse, il commence par 2A (Corse-du-Sud) ou 2B (Haute-Corse).", code)
	case dept == "97" && (code[2] < '1' || code[2] > '6'):
		return fmt.Sprintf("Le code INSEE %s n'est pas celui d'une commune d'outre-mer : ils commencent par 971 à 976.", code)
	case dept == "98" && (code[2] < '4' || code[2] > '8'):
		return fmt.Sprintf("Le code INSEE %s n'est pas celui d'une collectivité d'outre-mer : ils commencent par 984 à 988.", code)
	case code == CountryFrance:
		return "Le code 99100 désigne la France : indiquez le code INSEE de la commune de naissance."
	case dept == "99":
		if _, ok := LookupCountry(code); !ok {
			return fmt.Sprintf("Le code %s ne figure pas dans la liste des pays de l'INSEE.", code)
		}
	}
	return ""
}

func validINSEE(s string) bool {
	if len(s) != 5 {
		return false
	}
	for i, r := range s {
		if r >= '0' && r <= '9' {
			continue
		}
		if i == 1 && (r == 'A' || r == 'B') && s[0] == '2' {
			continue
		}
		return false
	}
	return true
}

// LooksLikeEmail is a plain check that catches typing mistakes, not a full RFC parser. It
// refuses what a mail header could be bent with: line breaks and any other control or
// invisible character, a quoted local part ("…"@exemple.fr), a second @.
func LooksLikeEmail(s string) bool {
	at := strings.LastIndex(s, "@")
	if at <= 0 || at >= len(s)-3 || !strings.Contains(s[at:], ".") || strings.ContainsAny(s, " \t<>,;\"\\()[]:") ||
		strings.Count(s, "@") != 1 || TextProblem(s, false) != "" {
		return false
	}
	for _, r := range s {
		if unicode.IsSpace(r) || unicode.Is(unicode.Cf, r) {
			return false
		}
	}
	return true
}

// NormalizeEmail lower-cases and trims an address so that one person has one account.
func NormalizeEmail(s string) string { return strings.ToLower(strings.TrimSpace(s)) }

// Fold removes accents and case so that "Éloïse" matches "eloise".
func Fold(s string) string {
	var b strings.Builder
	for _, r := range norm.NFD.String(s) {
		if unicode.Is(unicode.Mn, r) {
			continue
		}
		switch r {
		case 'œ', 'Œ':
			b.WriteString("oe")
			continue
		case 'æ', 'Æ':
			b.WriteString("ae")
			continue
		case '’', '\'', '-':
			b.WriteRune(' ')
			continue
		}
		b.WriteRune(unicode.ToLower(r))
	}
	return strings.Join(strings.Fields(b.String()), " ")
}

// SortKey orders candidates by name.
func (c Candidate) SortKey() string {
	name := c.BirthName
	if c.UsedName != "" {
		name = c.UsedName
	}
	return Fold(name + " " + c.FirstNames)
}

// SearchKey holds every term a search may match: names, number and birth date in both forms.
func (c Candidate) SearchKey() string {
	return Fold(strings.Join([]string{c.UsedName, c.BirthName, c.FirstNames, c.Number, c.BirthDate.String(), c.BirthDate.ISO()}, " "))
}

// EnrolmentStatus is where a candidate stands on one enrolment.
type EnrolmentStatus string

const (
	StatusEnrolled        EnrolmentStatus = "enrolled"
	StatusInTraining      EnrolmentStatus = "in_training"
	StatusFinalEvaluation EnrolmentStatus = "final_evaluation"
	StatusAwaitingJury    EnrolmentStatus = "awaiting_jury"
	StatusCertified       EnrolmentStatus = "certified"
	StatusPartial         EnrolmentStatus = "partial"
	StatusNotCertified    EnrolmentStatus = "not_certified"
	StatusWithdrawn       EnrolmentStatus = "withdrawn"
	// VAE before the enrolment proper.
	StatusAdmissibility EnrolmentStatus = "admissibility"
)

// EnrolmentStatuses lists the statuses in the order of a candidate's path.
var EnrolmentStatuses = []EnrolmentStatus{StatusAdmissibility, StatusEnrolled, StatusInTraining,
	StatusFinalEvaluation, StatusAwaitingJury, StatusPartial, StatusCertified, StatusNotCertified, StatusWithdrawn}

// Valid reports whether s is a known status.
func (s EnrolmentStatus) Valid() bool {
	for _, x := range EnrolmentStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// Label is the French name of the status.
func (s EnrolmentStatus) Label() string {
	switch s {
	case StatusAdmissibility:
		return "Recevabilité"
	case StatusEnrolled:
		return "Inscrit"
	case StatusInTraining:
		return "En formation"
	case StatusFinalEvaluation:
		return "Évaluation finale"
	case StatusAwaitingJury:
		return "En attente du jury"
	case StatusCertified:
		return "Certifié"
	case StatusPartial:
		return "Validation partielle"
	case StatusNotCertified:
		return "Non certifié"
	case StatusWithdrawn:
		return "Abandon"
	}
	return string(s)
}

// Enrolment is a candidate's inscription to one qualification, under one framework version.
type Enrolment struct {
	ID                       string
	CandidateID              string
	FrameworkID              string
	FrameworkVersion         int
	QualificationID          string
	QualificationCode        string
	QualificationTitle       string
	Route                    Route
	Public                   Public
	Status                   EnrolmentStatus
	TrainingOrganisationID   string
	TrainingOrganisationName string
	CompanyID                string
	CompanyName              string
	ReferentUserID           string
	ReferentName             string
	Blocks                   []string // chosen block codes, framework order
	// Stage is StageBlocsFinal on the blocs route's final stage, "" otherwise.
	Stage     string
	CreatedAt time.Time
	UpdatedAt time.Time
	History   []StatusChange
}

// StageBlocsFinal marks the blocs route's final stage (DOMAIN.md §5 « blocs »): a person who
// holds block attestations presents the rest of the qualification to the commission. The
// enrolment is evaluated as a VAE (Route is RouteVAE): the blocks not held by experience file,
// decided by the commission's grid alone; the blocks held stay acquired and are covered at the
// oral by a practical case, a knowledge question and an interview; the jury awards the
// certificate. There is no admissibility phase.
const StageBlocsFinal = "blocs_final"

// FinalStage reports whether the enrolment is the blocs route's final stage.
func (e Enrolment) FinalStage() bool { return e.Stage == StageBlocsFinal }

// RouteLabel is the route in French, naming the blocs route's final stage.
func (e Enrolment) RouteLabel() string {
	if e.FinalStage() {
		return FinalStageLabel
	}
	return e.Route.Label()
}

// FinalStageLabel names the blocs route's final stage in French.
const FinalStageLabel = "Blocs de compétences — évaluation finale"

// StatusChange is one entry of an enrolment's status history.
type StatusChange struct {
	Status EnrolmentStatus
	Reason string
	At     time.Time
	ByName string
}

// AuditEntry is one line of the append-only audit trail: who, in which role, when, what,
// on what, the state before and after, and why.
type AuditEntry struct {
	ID          string
	At          time.Time
	ActorID     string
	ActorName   string
	ActorRole   string
	Action      string // e.g. "candidate.create"
	EntityType  string
	EntityID    string
	CandidateID string // set when the change concerns a candidate, for their timeline
	Before      string // JSON, or "" for a creation
	After       string // JSON, or "" for a removal
	Reason      string
	RequestID   string
}
