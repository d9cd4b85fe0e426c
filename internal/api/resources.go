package api

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

func (a *API) meShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	u, err := a.svc.Me(r.Context(), actor)
	if err != nil {
		return err
	}
	t, err := a.svc.OwnAPIToken(r.Context(), actor, bearerToken(r))
	if err != nil {
		return err
	}
	return ok(w, meDTO{userDTO: userOf(u), Token: apiTokenOf(t)})
}

func (a *API) frameworksList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	fws, err := a.svc.Frameworks(r.Context(), actor)
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(fws, frameworkSummaryOf)))
}

func (a *API) frameworkShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	fw, err := a.svc.Framework(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, frameworkOf(fw))
}

func (a *API) organisationsList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	os, err := a.svc.TrainingOrganisations(r.Context(), actor)
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(os, organisationOf)))
}

func (a *API) organisationShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	o, err := a.svc.TrainingOrganisation(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, organisationOf(o))
}

// organisationInput is the body of POST /training-organisations.
type organisationInput struct {
	Name  string `json:"name"`
	SIRET string `json:"siret"`
	City  string `json:"city"`
	Email string `json:"email"`
}

func (a *API) organisationCreate(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in organisationInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	o, err := a.svc.CreateTrainingOrganisation(r.Context(), actor,
		domain.TrainingOrganisation{Name: in.Name, SIRET: in.SIRET, City: in.City, Email: in.Email})
	if err != nil {
		return err
	}
	return created(w, Prefix+"/training-organisations/"+o.ID, organisationOf(o))
}

func (a *API) companiesList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	cs, err := a.svc.Companies(r.Context(), actor)
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(cs, companyOf)))
}

func (a *API) companyShow(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	c, err := a.svc.Company(r.Context(), actor, r.PathValue("id"))
	if err != nil {
		return err
	}
	return ok(w, companyOf(c))
}

// companyInput is the body of POST /companies.
type companyInput struct {
	Name  string `json:"name"`
	SIRET string `json:"siret"`
	City  string `json:"city"`
}

func (a *API) companyCreate(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in companyInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	c, err := a.svc.CreateCompany(r.Context(), actor, domain.Company{Name: in.Name, SIRET: in.SIRET, City: in.City})
	if err != nil {
		return err
	}
	return created(w, Prefix+"/companies/"+c.ID, companyOf(c))
}

func (a *API) usersList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "role", "scope_id")
	f := store.UserFilter{Role: domain.Role(q.str("role")), ScopeID: q.str("scope_id")}
	if f.Role != "" && !f.Role.Valid() {
		q.fe.Add("role", "Rôle inconnu : indiquez l'un de "+roleNames()+".")
	}
	if f.ScopeID != "" && f.Role == "" {
		q.fe.Add("scope_id", "Le périmètre ne filtre la liste qu'avec un rôle : indiquez aussi le paramètre role.")
	}
	if err := q.err(); err != nil {
		return err
	}
	us, err := a.svc.Users(r.Context(), actor, f)
	if err != nil {
		return err
	}
	return ok(w, listOf(mapList(us, userOf)))
}

func roleNames() string {
	names := make([]string, len(domain.Roles))
	for i, r := range domain.Roles {
		names[i] = string(r)
	}
	return strings.Join(names, ", ")
}

// userInput is the body of POST /users. There is no password: the person receives a link to
// choose theirs, so that nobody else ever knows it.
type userInput struct {
	Email string      `json:"email"`
	Name  string      `json:"name"`
	Roles []roleInput `json:"roles"`
}

type roleInput struct {
	Role    string `json:"role"`
	ScopeID string `json:"scope_id"`
}

// userFields names, for the service's field names, the field of the request body.
var userFields = map[string]string{"role": "roles", "scope": "roles"}

func (a *API) userCreate(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	var in userInput
	if err := decodeJSON(w, r, &in); err != nil {
		return err
	}
	ui := service.UserInput{Email: in.Email, Name: in.Name}
	for _, ro := range in.Roles {
		ui.Roles = append(ui.Roles, domain.RoleAssignment{Role: domain.Role(ro.Role), ScopeID: ro.ScopeID})
	}
	u, err := a.svc.CreateUser(r.Context(), actor, ui)
	if err != nil {
		return renameFields(err, userFields)
	}
	return created(w, "", userOf(u))
}

func (a *API) auditList(w http.ResponseWriter, r *http.Request, actor domain.Actor) error {
	q := newQuery(r, "actor", "action", "entity_type", "entity_id", "candidate", "limit", "offset")
	f := store.AuditFilter{ActorID: q.str("actor"), Action: q.str("action"), EntityType: q.str("entity_type"),
		EntityID: q.str("entity_id"), CandidateID: q.str("candidate")}
	f.Limit = q.intIn("limit", 100, 1, 1000)
	f.Offset = q.intIn("offset", 0, 0, maxOffset)
	if err := q.err(); err != nil {
		return err
	}
	entries, total, err := a.svc.Audit(r.Context(), actor, f)
	if err != nil {
		return err
	}
	return ok(w, page[auditEntryDTO]{Items: mapList(entries, auditEntryOf), Total: total, Limit: f.Limit, Offset: f.Offset})
}
