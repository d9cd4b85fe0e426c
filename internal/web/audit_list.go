package web

import (
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

const auditPerPage = 50

// auditRow is one entry of the trail as a person reads it.
type auditRow struct {
	domain.AuditEntry
	EntityName string            // the record's name when known
	EntityHref string            // its page, when the viewer may open it
	names      map[string]string // record ids to names, for the states
}

// ActionLabel is the action in French.
func (e auditRow) ActionLabel() string { return actionLabel(e.Action) }

// RoleLabel is the actor's role in French.
func (e auditRow) RoleLabel() string { return auditRoleLabel(e.ActorRole) }

// EntityLabel is the kind of record in French.
func (e auditRow) EntityLabel() string { return entityLabel(e.EntityType) }

// BeforeText and AfterText are the states on one line.
func (e auditRow) BeforeText() string { return compactState(e.Before, e.names) }
func (e auditRow) AfterText() string  { return compactState(e.After, e.names) }

type auditListPage struct {
	Filter      url.Values
	Problems    []string // filters that could not be read
	Export      exportLinks
	Rows        []auditRow
	Total       int
	Page, Pages int
	Prev, Next  string
	Actions     []option
	Entities    []option
	People      []option
}

// auditList shows the trail, newest first, filtered by what the address says: action
// (a prefix such as "user." or a whole action), entity type, actor, candidate number, and
// dates JJ/MM/AAAA (both days included).
func (s *Server) auditList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	if pageNum < 1 {
		pageNum = 1
	}
	p := auditListPage{Filter: q, Page: pageNum, Export: exportLinksOf("/audit", q, "le journal d'audit")}
	f, problems, nothing, err := s.auditFilterOf(r)
	if err != nil {
		return err
	}
	p.Problems = problems
	f.Limit, f.Offset = auditPerPage, (pageNum-1)*auditPerPage
	people, err := s.svc.AuditPeople(ctx, a)
	if err != nil {
		return err
	}
	if !nothing {
		entries, total, err := s.svc.Audit(ctx, a, f)
		if err != nil {
			return err
		}
		names, err := s.auditNames(r, entries, people)
		if err != nil {
			return err
		}
		for _, e := range entries {
			p.Rows = append(p.Rows, s.auditRowOf(a, e, names))
		}
		p.Total = total
	}
	p.Pages = max(1, (p.Total+auditPerPage-1)/auditPerPage)
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/audit?" + v.Encode()
	}
	if pageNum > 1 {
		p.Prev = link(pageNum - 1)
	}
	if pageNum < p.Pages {
		p.Next = link(pageNum + 1)
	}
	for _, fam := range actionFamilies {
		p.Actions = append(p.Actions, option{fam.Value, fam.Label + " (toutes les actions)"})
		for _, act := range sortedActions(fam.Value) {
			p.Actions = append(p.Actions, option{act, "— " + actionLabel(act)})
		}
	}
	for _, k := range []string{"candidate", "enrolment", "framework", "training_organisation", "company", "funder", "user", "api_token"} {
		p.Entities = append(p.Entities, option{k, entityLabel(k)})
	}
	// Candidates are found by their number; the list of authors holds everyone else, and
	// the author chosen even when it is a candidate.
	for _, pe := range people {
		if !pe.CandidateOnly || pe.ID == f.ActorID {
			p.People = append(p.People, option{pe.ID, pe.Name})
		}
	}
	s.render(w, r, http.StatusOK, "audit_list.html", "Journal d'audit", p)
	return nil
}

// auditFilterOf reads the trail's filters from the address: action (a prefix such as "user."
// or a whole action), entity type, actor, candidate number, and dates JJ/MM/AAAA (both days
// included). A filter that cannot be read is ignored and said in problems; nothing is true when
// a filter names something that does not exist, so that no entry can match. The page and its
// exports read them the same way.
func (s *Server) auditFilterOf(r *http.Request) (f store.AuditFilter, problems []string, nothing bool, err error) {
	ctx, a, q := r.Context(), actorFrom(r.Context()), r.URL.Query()
	f = store.AuditFilter{Action: strings.TrimSpace(q.Get("action")), EntityType: q.Get("entite"), ActorID: q.Get("acteur")}
	if raw := strings.TrimSpace(q.Get("candidat")); raw != "" {
		id, err := s.candidateByNumber(ctx, a, raw)
		if err != nil {
			return f, nil, false, err
		}
		if id == "" {
			problems = append(problems, "Aucun candidat ne porte le numéro « "+raw+" ».")
			nothing = true
		}
		f.CandidateID = id
	}
	for _, d := range []struct {
		key, label string
		into       *time.Time
		next       bool
	}{{"du", "de début", &f.From, false}, {"au", "de fin", &f.To, true}} {
		raw := strings.TrimSpace(q.Get(d.key))
		if raw == "" {
			continue
		}
		day, err := domain.ParseFrenchDate(raw)
		if err != nil {
			problems = append(problems, "La date "+d.label+" « "+raw+" » doit être au format JJ/MM/AAAA ; ce filtre est ignoré.")
			continue
		}
		if d.next {
			day = day.AddDays(1) // the store's upper bound is exclusive
		}
		*d.into = parisMidnight(day)
	}
	return f, problems, nothing, nil
}

// parisMidnight is the start of day d in Paris, as the trail's times are compared in UTC.
func parisMidnight(d domain.Date) time.Time {
	t := d.Time()
	return time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, domain.Paris())
}

// sortedActions lists the labelled actions that start with prefix, in label order.
func sortedActions(prefix string) []string {
	var out []string
	for act := range actionLabels {
		if strings.HasPrefix(act, prefix) {
			out = append(out, act)
		}
	}
	sort.Slice(out, func(i, j int) bool { return actionLabels[out[i]] < actionLabels[out[j]] })
	return out
}

// auditNames maps the ids of organisations, companies, frameworks and accounts to their
// names, to say what each entry is about.
func (s *Server) auditNames(r *http.Request, entries []domain.AuditEntry, people []service.AuditPerson) (map[string]string, error) {
	ctx, a := r.Context(), actorFrom(r.Context())
	names := map[string]string{}
	need := map[string]bool{}
	for _, e := range entries {
		need[e.EntityType] = true
	}
	if len(entries) == 0 {
		return names, nil
	}
	// Organisations, companies and accounts are named in the states of many kinds of entry.
	if service.Can(a, service.ActOrganisationRead) {
		orgs, err := s.svc.TrainingOrganisations(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, o := range orgs {
			names[o.ID] = o.Name
		}
	}
	if service.Can(a, service.ActCompanyRead) {
		cos, err := s.svc.Companies(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, c := range cos {
			names[c.ID] = c.Name
		}
	}
	if need["framework"] {
		fws, err := s.svc.Frameworks(ctx, a)
		if err != nil {
			return nil, err
		}
		for _, f := range fws {
			versions, err := s.svc.FrameworkVersions(ctx, a, f.Framework.Qualification.Code)
			if err != nil {
				return nil, err
			}
			for _, v := range versions {
				names[v.ID] = v.Framework.Qualification.Code + " version " + strconv.Itoa(v.Version)
			}
		}
	}
	for _, pe := range people {
		names[pe.ID] = pe.Name
	}
	return names, nil
}

func (s *Server) auditRowOf(a domain.Actor, e domain.AuditEntry, names map[string]string) auditRow {
	row := auditRow{AuditEntry: e, EntityName: names[e.EntityID], names: names}
	switch e.EntityType {
	case "list":
		row.EntityName = exportedListNames[service.ExportedList(e.EntityID)]
	case "training_organisation":
		if row.EntityName != "" {
			row.EntityHref = "/organismes/" + e.EntityID
		}
	case "company":
		if row.EntityName != "" {
			row.EntityHref = "/entreprises/" + e.EntityID
		}
	case "framework":
		if row.EntityName != "" {
			row.EntityHref = "/referentiels/" + e.EntityID
		}
	case "user":
		if service.Can(a, service.ActUserManage) {
			row.EntityHref = "/comptes/" + e.EntityID
		}
	}
	if row.EntityHref == "" && e.CandidateID != "" && service.Can(a, service.ActCandidateRead) {
		row.EntityHref = "/candidats/" + e.CandidateID
		if row.EntityName == "" {
			row.EntityName = "dossier du candidat"
		}
	}
	return row
}
