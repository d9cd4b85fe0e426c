package api

import (
	"net/http"
	"strings"
	"unicode/utf8"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// maxSearch bounds the search text of the candidates list, in characters.
const maxSearch = 200

func (a *API) candidatesList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "q", "qualification", "route", "status", "training_organisation", "limit", "offset")
	f := store.CandidateFilter{Search: q.str("q"), QualificationCode: q.str("qualification"),
		TrainingOrganisationID: q.str("training_organisation"),
		Route:                  domain.Route(q.str("route")), Status: domain.EnrolmentStatus(q.str("status"))}
	if utf8.RuneCountInString(f.Search) > maxSearch {
		q.fe.Add("q", "La recherche ne peut dépasser 200 caractères.")
	}
	if f.Route != "" && !f.Route.Valid() {
		q.fe.Add("route", "Voie d'accès inconnue : indiquez formation, vae ou blocs.")
	}
	if f.Status != "" && !f.Status.Valid() {
		names := make([]string, len(domain.EnrolmentStatuses))
		for i, s := range domain.EnrolmentStatuses {
			names[i] = string(s)
		}
		q.fe.Add("status", "Statut inconnu : indiquez l'un de "+strings.Join(names, ", ")+".")
	}
	f.Limit = q.intIn("limit", 50, 1, 500)
	f.Offset = q.intIn("offset", 0, 0, maxOffset)
	if err := q.err(); err != nil {
		return err
	}
	p, err := a.svc.Candidates(r.Context(), actor, f)
	if err != nil {
		return err
	}
	return ok(w, page[candidateRowDTO]{Items: mapList(p.Rows, candidateRowOf), Total: p.Total, Limit: f.Limit, Offset: f.Offset})
}

// maxOffset bounds the offset of every paginated list.
const maxOffset = 1_000_000_000

func (a *API) candidateShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	c, err := a.svc.Candidate(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, candidateOf(c))
}

func (a *API) candidateTimeline(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	entries, err := a.svc.CandidateTimeline(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(entries, auditEntryOf)))
}

// candidatePersonalData answers the right of access with the same document as the web
// download; service.PersonalData is already a JSON shape of its own, stable by its format.
func (a *API) candidatePersonalData(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	d, err := a.svc.PersonalDataExport(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, d)
}

// candidateInput is the body of POST /candidates.
type candidateInput struct {
	identityInput
	Enrolment *enrolmentInput `json:"enrolment"`
}

type enrolmentInput struct {
	Qualification          string   `json:"qualification"`
	Route                  string   `json:"route"`
	Public                 string   `json:"public"`
	TrainingOrganisationID string   `json:"training_organisation_id"`
	CompanyID              string   `json:"company_id"`
	Blocks                 []string `json:"blocks"`
}

// candidateFields names, for the service's field names, the field of the request body.
var candidateFields = map[string]string{
	"qualification":         "enrolment.qualification",
	"route":                 "enrolment.route",
	"public":                "enrolment.public",
	"training_organisation": "enrolment.training_organisation_id",
	"company":               "enrolment.company_id",
	"blocks":                "enrolment.blocks",
}

func (a *API) candidateCreate(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in candidateInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	fe := domain.FieldErrors{}
	c := in.candidate(fe, "birth_date")
	if strings.TrimSpace(in.BirthDate) == "" {
		fe.Add("birth_date", "Indiquez la date de naissance au format AAAA-MM-JJ, par exemple 1990-05-17.")
	}
	if len(fe) > 0 {
		// The date cannot reach the service; report it with every other identity problem.
		for k, v := range c.Validate(a.svc.Today()) {
			fe.Add(k, v)
		}
		return fe.Err()
	}
	var enrolment *service.EnrolmentInput
	if e := in.Enrolment; e != nil {
		enrolment = &service.EnrolmentInput{QualificationCode: strings.TrimSpace(e.Qualification), Route: domain.Route(e.Route),
			Public: domain.Public(e.Public), TrainingOrganisationID: strings.TrimSpace(e.TrainingOrganisationID),
			CompanyID: strings.TrimSpace(e.CompanyID), Blocks: e.Blocks}
	}
	c, err := a.svc.CreateCandidate(r.Context(), actor, service.CandidateInput{Candidate: c, Enrolment: enrolment})
	if err != nil {
		return renameFields(err, candidateFields)
	}
	// Read it back for the names the enrolment refers to and its status history.
	if full, err := a.svc.Candidate(r.Context(), actor, c.ID); err == nil {
		c = full
	}
	return created(w, Prefix+"/candidates/"+c.ID, candidateOf(c))
}
