package api

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// The blocs route (DOMAIN.md §5): what a company's blocs enrolment offers, the enrolment of an
// employee (known already, or a new person) with an accredited training organisation, and the
// secretariat's opening of the final stage for a person holding block attestations.

type blocsEmployeeDTO struct {
	ID        string  `json:"id"`
	Number    string  `json:"number"`
	Name      string  `json:"name"`
	BirthDate *string `json:"birth_date"`
}

type blocsQualificationDTO struct {
	Code           string        `json:"code"`
	Title          string        `json:"title"`
	FrameworkID    string        `json:"framework_id"`
	OptionalBlocks int           `json:"optional_blocks"`
	Blocks         []blockRefDTO `json:"blocks"`
}

type accreditedOrganisationDTO struct {
	ID             string   `json:"id"`
	Name           string   `json:"name"`
	City           *string  `json:"city"`
	Qualifications []string `json:"qualifications"`
}

// blocsChoicesDTO is what a company's blocs enrolment offers.
type blocsChoicesDTO struct {
	Company               companyDTO                  `json:"company"`
	Employees             []blocsEmployeeDTO          `json:"employees"`
	Qualifications        []blocsQualificationDTO     `json:"qualifications"`
	TrainingOrganisations []accreditedOrganisationDTO `json:"training_organisations"`
	Referents             []refDTO                    `json:"referents"`
}

func (a *API) blocsChoices(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	ch, err := a.svc.BlocsChoices(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	d := blocsChoicesDTO{Company: companyOf(ch.Company), Employees: []blocsEmployeeDTO{}, Qualifications: []blocsQualificationDTO{},
		TrainingOrganisations: []accreditedOrganisationDTO{}, Referents: []refDTO{}}
	for _, c := range ch.Employees {
		d.Employees = append(d.Employees, blocsEmployeeDTO{ID: c.ID, Number: c.Number, Name: c.DisplayName(), BirthDate: optDate(c.BirthDate)})
	}
	for _, fw := range ch.Frameworks {
		q := fw.Framework.Qualification
		d.Qualifications = append(d.Qualifications, blocsQualificationDTO{Code: q.Code, Title: q.Title, FrameworkID: fw.ID,
			OptionalBlocks: fw.Framework.Composition.Optional, Blocks: mapList(fw.Framework.Blocks, blockRefOf)})
	}
	for _, o := range ch.Organisations {
		d.TrainingOrganisations = append(d.TrainingOrganisations, accreditedOrganisationDTO{ID: o.ID, Name: o.Name, City: opt(o.City),
			Qualifications: orEmpty(o.QualificationCodes)})
	}
	for _, ref := range ch.Referents {
		d.Referents = append(d.Referents, refDTO{ID: ref.UserID, Name: ref.Name})
	}
	return ok(w, d)
}

// blocsEnrolmentInput is the body of POST /companies/{id}/blocs-enrolments: either an employee
// already known (candidate_id) or a new person (candidate).
type blocsEnrolmentInput struct {
	CandidateID            string         `json:"candidate_id"`
	Candidate              *identityInput `json:"candidate"`
	Qualification          string         `json:"qualification"`
	TrainingOrganisationID string         `json:"training_organisation_id"`
	ReferentID             string         `json:"referent_id"`
	Blocks                 []string       `json:"blocks"`
}

// blocsFields names, for the service's field names, the field of the request body.
var blocsFields = map[string]string{
	"candidate": "candidate_id", "training_organisation": "training_organisation_id", "referent": "referent_id",
	"birth_name": "candidate.birth_name", "used_name": "candidate.used_name", "first_names": "candidate.first_names",
	"birth_date": "candidate.birth_date", "sex": "candidate.sex", "birth_insee": "candidate.birth_insee",
	"birth_country": "candidate.birth_country", "birth_city": "candidate.birth_city", "email": "candidate.email", "nir": "candidate.nir",
}

// enrolledDTO is an enrolment just recorded.
type enrolledDTO struct {
	CandidateID        string   `json:"candidate_id"`
	CandidateNumber    string   `json:"candidate_number"`
	CandidateName      string   `json:"candidate_name"`
	EnrolmentID        string   `json:"enrolment_id"`
	QualificationCode  string   `json:"qualification_code"`
	QualificationTitle string   `json:"qualification_title"`
	Route              string   `json:"route"`
	Stage              *string  `json:"stage"`
	Status             string   `json:"status"`
	Blocks             []string `json:"blocks"`
}

func enrolledOf(out service.Enrolled) enrolledDTO {
	e := out.Enrolment
	return enrolledDTO{CandidateID: out.Candidate.ID, CandidateNumber: out.Candidate.Number, CandidateName: out.Candidate.DisplayName(),
		EnrolmentID: e.ID, QualificationCode: e.QualificationCode, QualificationTitle: e.QualificationTitle, Route: string(e.Route),
		Stage: opt(e.Stage), Status: string(e.Status), Blocks: orEmpty(e.Blocks)}
}

// blocsEnrol answers POST /companies/{id}/blocs-enrolments: the company (or the secretariat)
// enrols an employee on the blocs route; the training organisation and the secretariat are told
// by mail.
func (a *API) blocsEnrol(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in blocsEnrolmentInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	candidateID := strings.TrimSpace(in.CandidateID)
	if candidateID != "" && in.Candidate != nil {
		return domain.FieldErrors{"candidate": "Indiquez soit candidate_id (un salarié déjà connu), soit candidate (une nouvelle personne), pas les deux."}.Err()
	}
	si := service.BlocsEnrolmentInput{CandidateID: candidateID, QualificationCode: strings.TrimSpace(in.Qualification),
		TrainingOrganisationID: in.TrainingOrganisationID, CompanyID: r.PathValue("id"), ReferentUserID: in.ReferentID, Blocks: in.Blocks}
	fe := domain.FieldErrors{}
	if candidateID == "" {
		var id identityInput
		if in.Candidate != nil {
			id = *in.Candidate
		}
		si.Candidate = id.candidate(fe, "candidate.birth_date")
	}
	out, err := a.svc.EnrolInBlocs(r.Context(), actor, si)
	if err != nil {
		return withFields(renameFields(isoMessages(err), blocsFields), fe)
	}
	return created(w, Prefix+"/enrolments/"+out.Enrolment.ID+"/blocks", enrolledOf(out))
}

// heldRefDTO is a block a person holds.
type heldRefDTO struct {
	Code       string  `json:"code"`
	AcquiredOn *string `json:"acquired_on"`
	Route      *string `json:"route"`
}

// finalStageOptionDTO is a qualification in which the person could start the final stage.
type finalStageOptionDTO struct {
	QualificationCode  string        `json:"qualification_code"`
	QualificationTitle string        `json:"qualification_title"`
	Held               []heldRefDTO  `json:"held"`
	ByExperience       []blockRefDTO `json:"by_experience"`
	Optional           []blockRefDTO `json:"optional"`
	OptionalOwed       int           `json:"optional_owed"`
}

func finalStageOptionOf(o service.FinalStageOption) finalStageOptionDTO {
	d := finalStageOptionDTO{QualificationCode: o.QualificationCode, QualificationTitle: o.QualificationTitle, Held: []heldRefDTO{},
		ByExperience: mapList(o.ByExperience, blockRefOf), Optional: mapList(o.Optional, blockRefOf), OptionalOwed: o.OptionalOwed}
	for _, h := range o.Held {
		d.Held = append(d.Held, heldRefDTO{Code: h.Code, AcquiredOn: optDate(h.AcquiredOn), Route: opt(string(h.Route))})
	}
	return d
}

// finalStageOptions answers GET /candidates/{id}/blocs-final-stage: the qualifications in which
// the person could start the final stage, as the page that opens it lists them.
func (a *API) finalStageOptions(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	c, err := a.svc.Candidate(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	opts, err := a.svc.FinalStageOptions(r.Context(), actor, c.ID)
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(opts, finalStageOptionOf)))
}

// finalStageInput is the body of POST /candidates/{id}/blocs-final-stage.
type finalStageInput struct {
	Qualification string   `json:"qualification"`
	Optional      []string `json:"optional"`
	ValidUntil    string   `json:"valid_until"`
	Reason        string   `json:"reason"`
}

// finalStageOpen answers POST /candidates/{id}/blocs-final-stage: the secretariat opens the
// final stage, an enrolment evaluated as a VAE whose file the answer's Location names.
func (a *API) finalStageOpen(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in finalStageInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	validUntil := isoDate(fe, "valid_until", in.ValidUntil,
		"La date limite de dépôt du dossier d'expérience doit être au format AAAA-MM-JJ, par exemple 2027-06-30.")
	out, err := a.svc.OpenBlocsFinalStage(r.Context(), actor, service.FinalStageInput{CandidateID: r.PathValue("id"),
		QualificationCode: strings.TrimSpace(in.Qualification), Optional: in.Optional, ValidUntil: serviceDate(validUntil), Reason: in.Reason})
	if err != nil {
		return withFields(isoMessages(err), fe)
	}
	return created(w, Prefix+"/vae/"+out.Enrolment.ID, enrolledOf(out))
}
