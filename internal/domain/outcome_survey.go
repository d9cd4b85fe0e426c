package domain

import "strings"

// The candidates' follow-up (« devenir des candidats »): what a judged candidate says of their
// situation 6 and 12 months after the result. The codes are stored; the labels are shown.

// SurveySituation is where the candidate stands at the survey.
type SurveySituation string

const (
	SituationEmployedBranch SurveySituation = "employed_branch"
	SituationEmployedOther  SurveySituation = "employed_other"
	SituationJobSeeker      SurveySituation = "job_seeker"
	SituationTraining       SurveySituation = "training"
	SituationOther          SurveySituation = "other"
)

// SurveySituations lists the situations in the form's order.
var SurveySituations = []SurveySituation{SituationEmployedBranch, SituationEmployedOther, SituationJobSeeker, SituationTraining, SituationOther}

// Label is the situation in French.
func (s SurveySituation) Label() string {
	switch s {
	case SituationEmployedBranch:
		return "En emploi dans la branche"
	case SituationEmployedOther:
		return "En emploi hors de la branche"
	case SituationJobSeeker:
		return "En recherche d'emploi"
	case SituationTraining:
		return "En formation"
	case SituationOther:
		return "Autre situation"
	}
	return string(s)
}

// Employed reports whether the situation is a job, for which a contract is asked.
func (s SurveySituation) Employed() bool {
	return s == SituationEmployedBranch || s == SituationEmployedOther
}

// SurveyContract is the kind of work contract of an employed candidate.
type SurveyContract string

const (
	ContractCDI        SurveyContract = "cdi"
	ContractCDD        SurveyContract = "cdd"
	ContractWorkStudy  SurveyContract = "alternance"
	ContractTemporary  SurveyContract = "interim"
	ContractSelfEmploy SurveyContract = "independant"
	ContractOtherKind  SurveyContract = "autre"
)

// SurveyContracts lists the contracts in the form's order.
var SurveyContracts = []SurveyContract{ContractCDI, ContractCDD, ContractWorkStudy, ContractTemporary, ContractSelfEmploy, ContractOtherKind}

// Label is the contract in French.
func (c SurveyContract) Label() string {
	switch c {
	case ContractCDI:
		return "CDI"
	case ContractCDD:
		return "CDD"
	case ContractWorkStudy:
		return "Alternance"
	case ContractTemporary:
		return "Intérim"
	case ContractSelfEmploy:
		return "Indépendant"
	case ContractOtherKind:
		return "Autre contrat"
	}
	return string(c)
}

// SurveyHelped is whether the candidate says the CQP helped them.
type SurveyHelped string

const (
	HelpedYes    SurveyHelped = "yes"
	HelpedPartly SurveyHelped = "partly"
	HelpedNo     SurveyHelped = "no"
)

// SurveyHelpedAnswers lists the answers in the form's order.
var SurveyHelpedAnswers = []SurveyHelped{HelpedYes, HelpedPartly, HelpedNo}

// Label is the answer in French.
func (h SurveyHelped) Label() string {
	switch h {
	case HelpedYes:
		return "Oui"
	case HelpedPartly:
		return "En partie"
	case HelpedNo:
		return "Non"
	}
	return string(h)
}

// SurveySource is how an answer reached the platform.
type SurveySource string

const (
	SourceEmail       SurveySource = "email"       // the candidate, through the link of the mail
	SourcePhone       SurveySource = "phone"       // the secretariat, during a phone call
	SourceSecretariat SurveySource = "secretariat" // the secretariat, from another answer (paper, mail)
)

// Label is the source in French.
func (s SurveySource) Label() string {
	switch s {
	case SourceEmail:
		return "courriel"
	case SourcePhone:
		return "téléphone"
	case SourceSecretariat:
		return "saisie secrétariat"
	}
	return string(s)
}

// SurveyAnswer is what a candidate answers to the survey.
type SurveyAnswer struct {
	Situation   SurveySituation
	Contract    SurveyContract // "" when not employed
	JobTitle    string
	CompanyName string
	SIRET       string // "" when not given
	Helped      SurveyHelped
}

// Check normalises the answer and returns the French message of each field that is wrong:
// a situation and whether the CQP helped are required; an employed candidate gives a
// contract and a job title; the SIRET, optional, must be valid.
func (a *SurveyAnswer) Check() FieldErrors {
	fe := FieldErrors{}
	a.JobTitle, a.CompanyName = strings.TrimSpace(a.JobTitle), strings.TrimSpace(a.CompanyName)
	a.SIRET = NormalizeSIRET(a.SIRET)
	if !validSituation(a.Situation) {
		fe.Add("situation", "Choisissez votre situation actuelle.")
	}
	if a.Contract != "" && !validContract(a.Contract) {
		fe.Add("contract", "Choisissez un type de contrat dans la liste.")
	}
	if a.Situation.Employed() {
		if a.Contract == "" {
			fe.Add("contract", "Choisissez le type de contrat de votre emploi.")
		}
		if a.JobTitle == "" {
			fe.Add("job_title", "Indiquez l'intitulé de votre poste.")
		}
	}
	if msg := TextProblem(a.JobTitle, false); msg != "" {
		fe.Add("job_title", msg)
	}
	if msg := TextProblem(a.CompanyName, false); msg != "" {
		fe.Add("company_name", msg)
	}
	if len([]rune(a.JobTitle)) > 200 {
		fe.Add("job_title", "L'intitulé du poste ne doit pas dépasser 200 caractères.")
	}
	if len([]rune(a.CompanyName)) > 200 {
		fe.Add("company_name", "Le nom de l'entreprise ne doit pas dépasser 200 caractères.")
	}
	if a.SIRET != "" {
		if msg := CheckSIRET(a.SIRET); msg != "" {
			fe.Add("siret", msg)
		}
	}
	if !validHelped(a.Helped) {
		fe.Add("helped", "Indiquez si le CQP vous a aidé : oui, en partie ou non.")
	}
	return fe
}

func validSituation(s SurveySituation) bool {
	for _, v := range SurveySituations {
		if v == s {
			return true
		}
	}
	return false
}

func validContract(c SurveyContract) bool {
	for _, v := range SurveyContracts {
		if v == c {
			return true
		}
	}
	return false
}

func validHelped(h SurveyHelped) bool {
	for _, v := range SurveyHelpedAnswers {
		if v == h {
			return true
		}
	}
	return false
}
