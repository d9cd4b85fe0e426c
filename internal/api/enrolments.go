package api

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

// Enrolments in an action (DOMAIN.md §5): a new one after the interview, one enrolment with
// its interview and eligibility, the interview recorded or corrected, and a move along the
// status path. Only a jury's closing writes a result: a status naming an outcome (certified,
// partial, not_certified) is refused by the service, as on the page.

type candidateRefDTO struct {
	ID     string `json:"id"`
	Number string `json:"number"`
	Name   string `json:"name"`
}

type intakeDTO struct {
	InterviewOn             string `json:"interview_on"`
	Project                 string `json:"project"`
	Motivation              string `json:"motivation"`
	DiplomaLevel            int    `json:"diploma_level"`
	DiplomaLevelLabel       string `json:"diploma_level_label"`
	ExperienceMonths        int    `json:"experience_months"`
	RelatedExperienceMonths int    `json:"related_experience_months"`
}

type eligibilityDTO struct {
	Eligible bool     `json:"eligible"`
	Rule     string   `json:"rule"`
	Reason   string   `json:"reason"`
	Warnings []string `json:"warnings"`
}

type derogationDTO struct {
	Reason string  `json:"reason"`
	ByName *string `json:"by_name"`
}

// enrolmentFileDTO is one enrolment as its page shows it.
type enrolmentFileDTO struct {
	enrolmentDTO
	Candidate    candidateRefDTO `json:"candidate"`
	Action       *refDTO         `json:"action"`
	BlockDetails []blockRefDTO   `json:"block_details"`
	Intake       *intakeDTO      `json:"intake"`
	Eligibility  *eligibilityDTO `json:"eligibility"`
	Derogation   *derogationDTO  `json:"derogation"`
}

func enrolmentFileOf(f service.EnrolmentFile) enrolmentFileDTO {
	e := f.Enrolment
	d := enrolmentFileDTO{enrolmentDTO: enrolmentOf(e.Enrolment),
		Candidate: candidateRefDTO{ID: f.Candidate.ID, Number: f.Candidate.Number, Name: f.Candidate.DisplayName()},
		Action:    ref(e.ActionID, e.ActionTitle), BlockDetails: mapList(f.Blocks(), blockRefOf)}
	if in := e.Intake; in.Recorded() {
		d.Intake = &intakeDTO{InterviewOn: in.InterviewOn.ISO(), Project: in.Project, Motivation: in.Motivation,
			DiplomaLevel: in.DiplomaLevel, DiplomaLevelLabel: service.DiplomaLevelLabel(in.DiplomaLevel),
			ExperienceMonths: in.ExperienceMonths, RelatedExperienceMonths: in.RelatedExperienceMonths}
	}
	d.Eligibility = eligibilityOf(f.Eligibility)
	if e.Derogation.Reason != "" {
		d.Derogation = &derogationDTO{Reason: e.Derogation.Reason, ByName: opt(e.Derogation.ByName)}
	}
	return d
}

func eligibilityOf(el *rules.Eligibility) *eligibilityDTO {
	if el == nil {
		return nil
	}
	return &eligibilityDTO{Eligible: el.Eligible, Rule: string(el.Rule), Reason: el.Reason, Warnings: orEmpty(el.Warnings)}
}

func (a *API) enrolmentShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	f, err := a.svc.Enrolment(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, enrolmentFileOf(f))
}

// intakeInput is the interview and the data eligibility depends on, as sent.
type intakeInput struct {
	InterviewOn             string `json:"interview_on"`
	Project                 string `json:"project"`
	Motivation              string `json:"motivation"`
	DiplomaLevel            *int   `json:"diploma_level"`
	ExperienceMonths        *int   `json:"experience_months"`
	RelatedExperienceMonths *int   `json:"related_experience_months"`
}

// intake reads the interview; prefix names its fields in messages ("intake." or "").
func (in intakeInput) intake(fe domain.FieldErrors, prefix string) store.Intake {
	// A whole number cannot tell « none » from « not given »: both are asked for, as on the page.
	if in.DiplomaLevel == nil {
		fe.Add(prefix+"diploma_level", "Indiquez le niveau du diplôme le plus élevé : 0 pour aucun, ou de 3 (CAP, BEP) à 8 (doctorat).")
	}
	if in.ExperienceMonths == nil {
		fe.Add(prefix+"experience_months", "Indiquez l'expérience professionnelle en mois (0 s'il n'y en a pas).")
	}
	val := func(p *int) int {
		if p == nil {
			return 0
		}
		return *p
	}
	return store.Intake{
		InterviewOn: isoDate(fe, prefix+"interview_on", in.InterviewOn, "La date de l'entretien doit être au format AAAA-MM-JJ, par exemple 2026-11-02."),
		Project:     in.Project, Motivation: in.Motivation, DiplomaLevel: val(in.DiplomaLevel),
		ExperienceMonths: val(in.ExperienceMonths), RelatedExperienceMonths: val(in.RelatedExperienceMonths)}
}

// intakeFields names, for the service's field names, the fields of an interview sent under
// prefix.
func intakeFields(names map[string]string, prefix string) {
	for _, f := range []string{"interview_on", "project", "motivation", "diploma_level", "experience_months", "related_experience_months"} {
		names[f] = prefix + f
	}
}

// actionEnrolmentInput is the body of POST /actions/{id}/enrolments: a new person
// (candidate), or one already known by number and birth date (a blocs action only).
type actionEnrolmentInput struct {
	Candidate          *identityInput `json:"candidate"`
	CandidateNumber    string         `json:"candidate_number"`
	CandidateBirthDate string         `json:"candidate_birth_date"`
	Public             string         `json:"public"`
	CompanyID          string         `json:"company_id"`
	ReferentUserID     string         `json:"referent_user_id"`
	Blocks             []string       `json:"blocks"`
	Intake             intakeInput    `json:"intake"`
	Derogation         string         `json:"derogation"`
}

// actionEnrol answers POST /actions/{id}/enrolments: the enrolment after the interview, with
// eligibility decided by the rules engine against the action's framework.
func (a *API) actionEnrol(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in actionEnrolmentInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	intake := in.Intake.intake(fe, "intake.")
	enrol := service.EnrolmentInput{Public: domain.Public(strings.TrimSpace(in.Public)), CompanyID: strings.TrimSpace(in.CompanyID),
		ReferentUserID: strings.TrimSpace(in.ReferentUserID), Blocks: in.Blocks, Intake: &intake, Derogation: in.Derogation}
	names := map[string]string{"company": "company_id", "referent": "referent_user_id"}
	intakeFields(names, "intake.")
	known := strings.TrimSpace(in.CandidateNumber) != ""
	var out service.Enrolled
	var err error
	switch {
	case known && in.Candidate != nil:
		fe.Add("candidate", "Envoyez soit l'identité d'une nouvelle personne (candidate), soit le numéro d'un candidat déjà connu (candidate_number), pas les deux.")
		return fe.Err()
	case known:
		who := service.KnownCandidate{Number: in.CandidateNumber, BirthDate: isoDate(fe, "candidate_birth_date", in.CandidateBirthDate,
			birthDateFormat)}
		out, err = a.svc.EnrolKnownInAction(r.Context(), actor, r.PathValue("id"), who, enrol)
	default:
		var c domain.Candidate
		if id := in.Candidate; id != nil {
			c = id.candidate(fe, "candidate.birth_date")
		}
		for _, f := range []string{"birth_name", "used_name", "first_names", "birth_date", "sex", "birth_insee", "birth_country", "birth_city", "email", "nir"} {
			names[f] = "candidate." + f
		}
		out, err = a.svc.EnrolInAction(r.Context(), actor, r.PathValue("id"), service.CandidateInput{Candidate: c, Enrolment: &enrol})
	}
	if err != nil {
		return withFields(renameFields(isoMessages(err), names), fe)
	}
	f, err := a.svc.Enrolment(r.Context(), actor, out.Enrolment.ID)
	if err != nil {
		return err
	}
	return created(w, Prefix+"/enrolments/"+out.Enrolment.ID, enrolmentFileOf(f))
}

// enrolmentIntakeInput is the body of POST /enrolments/{id}/intake.
type enrolmentIntakeInput struct {
	intakeInput
	Derogation string `json:"derogation"`
}

// enrolmentIntake answers POST /enrolments/{id}/intake: the interview recorded or corrected,
// eligibility decided again against the enrolment's frozen framework.
func (a *API) enrolmentIntake(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in enrolmentIntakeInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	intake := in.intake(fe, "")
	f, err := a.svc.RecordEnrolmentIntake(r.Context(), actor, r.PathValue("id"), intake, in.Derogation)
	if err != nil {
		return withFields(isoMessages(err), fe)
	}
	return ok(w, enrolmentFileOf(f))
}

// enrolmentStatusInput is the body of POST /enrolments/{id}/status.
type enrolmentStatusInput struct {
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// enrolmentStatus answers POST /enrolments/{id}/status: a move along the path before the
// jury, or a withdrawal with its reason, as the page's status form.
func (a *API) enrolmentStatus(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in enrolmentStatusInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fu, err := a.svc.Followup(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	to := domain.EnrolmentStatus(strings.TrimSpace(in.Status))
	e, err := a.svc.SetEnrolmentStatus(r.Context(), actor, fu.Candidate.ID, fu.Enrolment.ID, to, in.Reason)
	if err != nil && !to.Valid() {
		return replaceFieldMessages(err, map[string]string{"status": "Statut inconnu : indiquez l'un de " + pathStatusNames() + "."})
	}
	if err != nil {
		return err
	}
	return ok(w, enrolmentOf(e))
}

// pathStatusNames lists the statuses a move may name: the path's steps and the withdrawal,
// without the jury's outcomes.
func pathStatusNames() string {
	var names []string
	for _, s := range domain.EnrolmentStatuses {
		if !service.IsJuryOutcome(s) {
			names = append(names, string(s))
		}
	}
	return strings.Join(names, ", ")
}
