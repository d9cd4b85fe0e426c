package domain

import "time"

// The VAE route (DOMAIN.md §5): a request, an admissibility file the candidate returns with
// their self-assessment, a training organisation's review, the secretariat's decision, then
// the experience file with its evidence, the commission and the jury.

// VAEStatus is where a VAE request stands before and at its admissibility decision.
type VAEStatus string

const (
	VAERequested     VAEStatus = "requested"      // recorded; the secretariat sends the admissibility file
	VAESent          VAEStatus = "sent"           // the candidate fills the admissibility file
	VAESubmitted     VAEStatus = "submitted"      // returned: the secretariat asks for a review or decides
	VAEUnderReview   VAEStatus = "under_review"   // a training organisation reviews it
	VAEReviewed      VAEStatus = "reviewed"       // the organisation gave its opinion: the secretariat decides
	VAEIncomplete    VAEStatus = "incomplete"     // back to the candidate with what is missing
	VAEAdmissible    VAEStatus = "admissible"     // the experience file follows
	VAENotAdmissible VAEStatus = "not_admissible" // closed, with the reason
	VAERedirected    VAEStatus = "redirected"     // closed; an enrolment on another route was created
)

// VAEStatuses lists the statuses in the order of the request's path.
var VAEStatuses = []VAEStatus{VAERequested, VAESent, VAESubmitted, VAEUnderReview, VAEReviewed,
	VAEIncomplete, VAEAdmissible, VAENotAdmissible, VAERedirected}

// Label is the French name of the status.
func (s VAEStatus) Label() string {
	switch s {
	case VAERequested:
		return "Demande reçue"
	case VAESent:
		return "Dossier de recevabilité envoyé au candidat"
	case VAESubmitted:
		return "Dossier de recevabilité reçu"
	case VAEUnderReview:
		return "En cours d'examen par un organisme"
	case VAEReviewed:
		return "Avis de l'organisme rendu"
	case VAEIncomplete:
		return "Dossier incomplet, à compléter par le candidat"
	case VAEAdmissible:
		return "Recevable"
	case VAENotAdmissible:
		return "Non recevable"
	case VAERedirected:
		return "Réorienté vers une autre voie"
	}
	return string(s)
}

// Valid reports whether s is a known status.
func (s VAEStatus) Valid() bool {
	for _, x := range VAEStatuses {
		if x == s {
			return true
		}
	}
	return false
}

// CandidateHoldsFile reports whether the admissibility file is in the candidate's hands.
func (s VAEStatus) CandidateHoldsFile() bool { return s == VAESent || s == VAEIncomplete }

// ExperienceStatus is where the experience file (dossier déclaratif) stands.
type ExperienceStatus string

const (
	ExperienceClosed    ExperienceStatus = "closed"    // not yet: the request is not admissible
	ExperienceOpen      ExperienceStatus = "open"      // the candidate writes it
	ExperienceSubmitted ExperienceStatus = "submitted" // sent to the commission
)

// Label is the French name of the experience file's status.
func (s ExperienceStatus) Label() string {
	switch s {
	case ExperienceClosed:
		return "Pas encore ouvert"
	case ExperienceOpen:
		return "En cours de rédaction"
	case ExperienceSubmitted:
		return "Déposé"
	}
	return string(s)
}

// RequestedBy says who asked for the VAE.
type RequestedBy string

const (
	RequestedByCandidate   RequestedBy = "candidate"
	RequestedByCompany     RequestedBy = "company"
	RequestedBySecretariat RequestedBy = "secretariat"
)

// Label is the French name of who asked.
func (r RequestedBy) Label() string {
	switch r {
	case RequestedByCandidate:
		return "le candidat"
	case RequestedByCompany:
		return "son entreprise"
	case RequestedBySecretariat:
		return "le secrétariat"
	}
	return string(r)
}

// SelfLevel is the candidate's own view of one competence.
type SelfLevel string

const (
	SelfAcquired    SelfLevel = "acquired"
	SelfPartial     SelfLevel = "partial"
	SelfNotAcquired SelfLevel = "not_acquired"
)

// SelfLevels lists the levels in the order the form shows them.
var SelfLevels = []SelfLevel{SelfAcquired, SelfPartial, SelfNotAcquired}

// Valid reports whether l is a known level.
func (l SelfLevel) Valid() bool { return l == SelfAcquired || l == SelfPartial || l == SelfNotAcquired }

// Label is the French name of the level.
func (l SelfLevel) Label() string {
	switch l {
	case SelfAcquired:
		return "acquise"
	case SelfPartial:
		return "partiellement acquise"
	case SelfNotAcquired:
		return "non acquise"
	}
	return ""
}

// ExperiencePeriod is one job held, as the candidate declares it. Until is zero for the job
// held today.
type ExperiencePeriod struct {
	Employer   string `json:"employer"`
	Role       string `json:"role"`
	From       Date   `json:"from"`
	Until      Date   `json:"until"`
	Related    bool   `json:"related"` // related to the qualification
	Activities string `json:"activities"`
}

// Diploma is one diploma or training the candidate holds.
type Diploma struct {
	Title string `json:"title"`
	Year  string `json:"year"`
	Level string `json:"level"`
}

// SelfAssessment is the candidate's view of one competence, with the situation that shows it.
type SelfAssessment struct {
	Level     SelfLevel `json:"level"`
	Situation string    `json:"situation"`
}

// AdmissibilityFile is what the candidate writes in the admissibility file. It is kept as
// JSON: a draft while they write it, and one frozen copy per submitted version.
type AdmissibilityFile struct {
	Address        string                    `json:"address"`
	Phone          string                    `json:"phone"`
	Situation      string                    `json:"situation"` // current situation: employee, job seeker…
	Motivation     string                    `json:"motivation"`
	Periods        []ExperiencePeriod        `json:"periods"`
	Diplomas       []Diploma                 `json:"diplomas"`
	SelfAssessment map[string]SelfAssessment `json:"self_assessment"` // competence code →
	Certified      bool                      `json:"certified"`       // "je certifie l'exactitude…"
}

// ReviewOpinion is a training organisation's opinion on an admissibility file.
type ReviewOpinion string

const (
	OpinionFavourable   ReviewOpinion = "favourable"
	OpinionUnfavourable ReviewOpinion = "unfavourable"
	OpinionIncomplete   ReviewOpinion = "incomplete"
)

// ReviewOpinions lists the opinions in the order the form shows them.
var ReviewOpinions = []ReviewOpinion{OpinionFavourable, OpinionUnfavourable, OpinionIncomplete}

// Valid reports whether o is a known opinion.
func (o ReviewOpinion) Valid() bool {
	return o == OpinionFavourable || o == OpinionUnfavourable || o == OpinionIncomplete
}

// Label is the French name of the opinion.
func (o ReviewOpinion) Label() string {
	switch o {
	case OpinionFavourable:
		return "Avis favorable"
	case OpinionUnfavourable:
		return "Avis défavorable"
	case OpinionIncomplete:
		return "Dossier incomplet"
	}
	return "Avis attendu"
}

// VAEDecisionKind is the secretariat's admissibility decision.
type VAEDecisionKind string

const (
	DecisionAdmissible    VAEDecisionKind = "admissible"
	DecisionNotAdmissible VAEDecisionKind = "not_admissible"
	DecisionIncomplete    VAEDecisionKind = "incomplete"
	DecisionRedirected    VAEDecisionKind = "redirected"
)

// VAEDecisionKinds lists the decisions in the order the form shows them.
var VAEDecisionKinds = []VAEDecisionKind{DecisionAdmissible, DecisionNotAdmissible, DecisionIncomplete, DecisionRedirected}

// Valid reports whether d is a known decision.
func (d VAEDecisionKind) Valid() bool {
	for _, x := range VAEDecisionKinds {
		if x == d {
			return true
		}
	}
	return false
}

// Label is the French name of the decision.
func (d VAEDecisionKind) Label() string {
	switch d {
	case DecisionAdmissible:
		return "Recevable"
	case DecisionNotAdmissible:
		return "Non recevable"
	case DecisionIncomplete:
		return "Incomplet"
	case DecisionRedirected:
		return "Réorientation vers une autre voie"
	}
	return string(d)
}

// Status is the request's status the decision leads to.
func (d VAEDecisionKind) Status() VAEStatus {
	switch d {
	case DecisionAdmissible:
		return VAEAdmissible
	case DecisionNotAdmissible:
		return VAENotAdmissible
	case DecisionIncomplete:
		return VAEIncomplete
	}
	return VAERedirected
}

// Evidence is one file the candidate gives as proof of what they did (document admis en
// preuve). Its type comes from its content, never from its name.
type Evidence struct {
	ID             string
	EnrolmentID    string
	BlockCode      string // "" for the whole experience file
	Title          string
	Filename       string
	ContentType    string
	SizeBytes      int64
	SHA256         string
	Round          int
	UploadedAt     time.Time
	UploadedBy     string
	UploadedByName string
}
