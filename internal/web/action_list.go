package web

import (
	"net/http"
	"net/url"
	"strconv"

	"cqp/internal/service"
	"cqp/internal/store"
)

const actionsPerPage = 50

type actionListPage struct {
	Filter      url.Values
	Actions     []store.Action
	Total       int
	Page, Pages int
	Prev, Next  string
	Statuses    []option
	Export      exportLinks
}

// actionFilterOf reads the list's filter from the address: the status. The page and its
// exports read it the same way.
func actionFilterOf(q url.Values) store.ActionFilter {
	f := store.ActionFilter{Status: store.ActionStatus(q.Get("statut"))}
	if !f.Status.Valid() {
		f.Status = ""
	}
	return f
}

func (s *Server) actionList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	q := r.URL.Query()
	pageNum, _ := strconv.Atoi(q.Get("page"))
	pageNum = max(pageNum, 1)
	f := actionFilterOf(q)
	f.Limit, f.Offset = actionsPerPage, (pageNum-1)*actionsPerPage
	res, err := s.svc.Actions(ctx, a, f)
	if err != nil {
		return err
	}
	p := actionListPage{Filter: q, Actions: res.Actions, Total: res.Total, Page: pageNum,
		Export: exportLinksOf("/actions", q, "la liste des actions de formation")}
	p.Pages = max(1, (res.Total+actionsPerPage-1)/actionsPerPage)
	link := func(n int) string {
		v := url.Values{}
		for k, vs := range q {
			v[k] = vs
		}
		v.Set("page", strconv.Itoa(n))
		return "/actions?" + v.Encode()
	}
	if pageNum > 1 {
		p.Prev = link(pageNum - 1)
	}
	if pageNum < p.Pages {
		p.Next = link(pageNum + 1)
	}
	for _, st := range store.ActionStatuses {
		p.Statuses = append(p.Statuses, option{string(st), st.Label()})
	}
	title := "Actions de formation"
	if service.AccessFor(a, service.ActActionReview) == service.AccessAll && f.Status == store.ActionDeclared {
		title = "Actions à examiner"
	}
	s.render(w, r, http.StatusOK, "action_list.html", title, p)
	return nil
}
