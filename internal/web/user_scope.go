package web

import (
	"context"
	"net/url"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// scopeChoices are the lists a role's scope is chosen from, on the account forms. A role
// says which one applies (Role.ScopeKind); candidates are named by their number, as there
// may be far too many for a list.
type scopeChoices struct {
	Roles         []option
	Organisations []option
	Companies     []option
	Funders       []option
}

// scopeFields maps a role's scope kind to the form field that holds it.
var scopeFields = map[string]string{
	"training_organisation": "organisation",
	"company":               "company",
	"funder":                "funder",
	"candidate":             "candidate",
}

func (s *Server) loadScopeChoices(ctx context.Context, a domain.Actor) (scopeChoices, error) {
	var c scopeChoices
	for _, r := range domain.Roles {
		c.Roles = append(c.Roles, option{string(r), r.Label()})
	}
	orgs, err := s.svc.TrainingOrganisations(ctx, a)
	if err != nil {
		return c, err
	}
	for _, o := range orgs {
		c.Organisations = append(c.Organisations, option{o.ID, o.Name})
	}
	cos, err := s.svc.Companies(ctx, a)
	if err != nil {
		return c, err
	}
	for _, co := range cos {
		label := co.Name
		if co.City != "" {
			label += " (" + co.City + ")"
		}
		c.Companies = append(c.Companies, option{co.ID, label})
	}
	funders, err := s.svc.Funders(ctx, a)
	if err != nil {
		return c, err
	}
	for _, f := range funders {
		c.Funders = append(c.Funders, option{f.ID, f.Name})
	}
	return c, nil
}

func hasOption(opts []option, v string) bool {
	for _, o := range opts {
		if o.Value == v {
			return true
		}
	}
	return false
}

// roleFromForm reads the role and its scope from an account form. It returns the
// assignment and the field messages of what could not be read; when there are any, the
// assignment is one the service refuses too (no role, or a scoped role without scope), so
// that the service's other messages are shown with them.
func (s *Server) roleFromForm(ctx context.Context, a domain.Actor, c scopeChoices, v url.Values) (domain.RoleAssignment, domain.FieldErrors, error) {
	fe := domain.FieldErrors{}
	ra := domain.RoleAssignment{Role: domain.Role(v.Get("role"))}
	if ra.Role == "" {
		fe.Add("role", "Choisissez le rôle de la personne.")
		return ra, fe, nil
	}
	if !ra.Role.Valid() {
		fe.Add("role", "Choisissez un rôle dans la liste.")
		return domain.RoleAssignment{}, fe, nil
	}
	kind := ra.Role.ScopeKind()
	field := scopeFields[kind]
	raw := strings.TrimSpace(v.Get(field))
	switch kind {
	case "":
		return ra, fe, nil
	case "training_organisation", "company", "funder":
		opts := map[string][]option{"training_organisation": c.Organisations, "company": c.Companies, "funder": c.Funders}[kind]
		what := map[string]string{"training_organisation": "l'organisme de formation", "company": "l'entreprise", "funder": "le financeur"}[kind]
		if raw == "" || !hasOption(opts, raw) {
			fe.Add(field, "Le rôle « "+ra.Role.Label()+" » s'exerce pour un périmètre : choisissez "+what+".")
			return ra, fe, nil
		}
		ra.ScopeID = raw
	case "candidate":
		if raw == "" {
			fe.Add(field, "Le rôle « Candidat » s'exerce pour un candidat : indiquez son numéro, par exemple C-2026-00042.")
			return ra, fe, nil
		}
		id, err := s.candidateByNumber(ctx, a, raw)
		if err != nil {
			return ra, fe, err
		}
		if id == "" {
			fe.Add(field, "Aucun candidat ne porte le numéro « "+raw+" ». Vérifiez-le dans la liste des candidats.")
			return ra, fe, nil
		}
		ra.ScopeID = id
	}
	return ra, fe, nil
}

// candidateByNumber returns the id of the candidate with that number, or "" when none.
func (s *Server) candidateByNumber(ctx context.Context, a domain.Actor, number string) (string, error) {
	res, err := s.svc.Candidates(ctx, a, store.CandidateFilter{Search: number, Limit: 20})
	if err != nil {
		return "", err
	}
	for _, row := range res.Rows {
		if strings.EqualFold(row.Candidate.Number, number) {
			return row.Candidate.ID, nil
		}
	}
	return "", nil
}

// moveScopeError puts the service's message about a missing scope on the field of the
// chosen role's scope.
func moveScopeError(f *form, role domain.Role) {
	msg, ok := f.Errors["scope"]
	if !ok {
		return
	}
	delete(f.Errors, "scope")
	if field := scopeFields[role.ScopeKind()]; field != "" {
		f.Errors[field] = msg
	} else {
		f.Errors["role"] = msg
	}
}
