package web

import (
	"net/http"
	"net/url"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

const candidatesPerPage = 50

// candidatesCounted is how far the list counts its rows: past it the page says « plus de
// 1 000 résultats », and a search of one letter, which matches nearly everyone, is counted in
// the time it takes to find that many. Tests lower it.
var candidatesCounted = 1000

type candidatesListPage struct {
	Filter         url.Values
	Rows           []store.CandidateRow
	Total          int
	TotalCapped    bool // more than Total rows match
	Page, Pages    int  // Pages is 0 when the total is capped
	Prev, Next     string
	Qualifications []option
	Routes         []option
	Statuses       []option
	Organisations  []option
	// Task, when the list is filtered on a dashboard task (a_faire), names it and links each
	// row to where the work is done.
	Task   *service.CandidateTask
	Export exportLinks
}

// candidateFilterOf reads the list's filters from the address: search, qualification, route,
// status, organisation and dashboard task. The page and its exports read them the same way.
func (s *Server) candidateFilterOf(r *http.Request) (store.CandidateFilter, *service.CandidateTask, error) {
	q := r.URL.Query()
	f := store.CandidateFilter{
		Search: q.Get("q"), QualificationCode: q.Get("qualification"), Route: domain.Route(q.Get("voie")),
		Status: domain.EnrolmentStatus(q.Get("statut")), TrainingOrganisationID: q.Get("organisme"),
	}
	if f.Route != "" && !f.Route.Valid() {
		f.Route = ""
	}
	if f.Status != "" && !f.Status.Valid() {
		f.Status = ""
	}
	var task *service.CandidateTask
	if key := q.Get("a_faire"); key != "" {
		t, ok, err := s.svc.CandidateTask(r.Context(), actorFrom(r.Context()), key)
		if err != nil {
			return f, nil, err
		}
		if ok {
			task, f.Task = &t, &t.Task
		}
	}
	return f, task, nil
}

func (s *Server) candidatesList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	if pageNum < 1 {
		pageNum = 1
	}
	f, task, err := s.candidateFilterOf(r)
	if err != nil {
		return err
	}
	// One row more than a page tells whether a next page exists, whatever the count says.
	f.Limit, f.Offset, f.CountLimit = candidatesPerPage+1, (pageNum-1)*candidatesPerPage, candidatesCounted
	res, err := s.svc.Candidates(ctx, a, f)
	if err != nil {
		return err
	}
	more := len(res.Rows) > candidatesPerPage
	p := candidatesListPage{Filter: q, Rows: res.Rows[:min(len(res.Rows), candidatesPerPage)], Total: res.Total,
		TotalCapped: res.TotalCapped, Page: pageNum, Task: task, Export: exportLinksOf("/candidats", q, "la liste des candidats")}
	if !res.TotalCapped {
		p.Pages = max(1, (res.Total+candidatesPerPage-1)/candidatesPerPage)
	}
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/candidats?" + v.Encode()
	}
	if pageNum > 1 {
		p.Prev = link(pageNum - 1)
	}
	if more {
		p.Next = link(pageNum + 1)
	}
	quals, err := s.svc.Qualifications(ctx)
	if err != nil {
		return err
	}
	for _, qu := range quals {
		p.Qualifications = append(p.Qualifications, option{qu.Code, qu.Title})
	}
	for _, rt := range domain.Routes {
		p.Routes = append(p.Routes, option{string(rt), rt.Label()})
	}
	for _, st := range domain.EnrolmentStatuses {
		p.Statuses = append(p.Statuses, option{string(st), st.Label()})
	}
	if service.Can(a, service.ActOrganisationRead) {
		orgs, err := s.svc.TrainingOrganisations(ctx, a)
		if err != nil {
			return err
		}
		if len(orgs) > 1 {
			for _, o := range orgs {
				p.Organisations = append(p.Organisations, option{o.ID, o.Name})
			}
		}
	}
	s.render(w, r, http.StatusOK, "candidates_list.html", "Candidats", p)
	return nil
}
