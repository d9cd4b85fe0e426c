package web

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type vaeListPage struct {
	Files []store.VAEListing
	Total int
	// ShowsReviews: the reader sees which organisation reviews each file (not a company).
	ShowsReviews bool
	// The pager.
	Page, Pages int
	Prev, Next  string
	Statuses    []option
	Chosen      []string // the statuses filtered on, as in the URL
	// CanRequest offers the request form (the secretariat, a company).
	CanRequest bool
	Export     exportLinks
}

// vaeFilterOf reads the list's filter from the address: the statuses. The page and its exports
// read it the same way.
func vaeFilterOf(q url.Values) service.VAEListFilter {
	var f service.VAEListFilter
	for _, raw := range q["statut"] {
		if st := domain.VAEStatus(raw); st.Valid() {
			f.Statuses = append(f.Statuses, st)
		}
	}
	return f
}

// vaeList lists the VAE files the actor may see, oldest change first so that the list reads as
// a queue. The statuses to show are in the URL (?statut=submitted&statut=reviewed). A candidate
// with one file goes straight to it.
func (s *Server) vaeList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	p := vaeListPage{CanRequest: service.Can(a, service.ActVAERequest)}
	f := vaeFilterOf(r.URL.Query())
	for _, st := range f.Statuses {
		p.Chosen = append(p.Chosen, string(st))
	}
	p.Export = exportLinksOf("/vae", url.Values{"statut": p.Chosen}, "la liste des dossiers de VAE")
	page, _ := strconv.Atoi(r.URL.Query().Get("page"))
	page = max(page, 1)
	f.Limit, f.Offset = service.VAEPageSize, (page-1)*service.VAEPageSize
	res, err := s.svc.VAEFilesPage(ctx, a, f)
	if err != nil {
		return err
	}
	files := res.Files
	if len(files) == 1 && len(f.Statuses) == 0 && service.AccessFor(a, service.ActVAERead) != service.AccessAll &&
		slices.Contains(a.Scopes(domain.RoleCandidate), files[0].Candidate.ID) {
		http.Redirect(w, r, "/vae/"+files[0].File.EnrolmentID, http.StatusSeeOther)
		return nil
	}
	p.Files, p.Total, p.Page, p.ShowsReviews = files, res.Total, page, res.ShowsReviews
	p.Pages = max((res.Total+service.VAEPageSize-1)/service.VAEPageSize, 1)
	link := func(n int) string {
		v := url.Values{"statut": p.Chosen}
		v.Set("page", strconv.Itoa(n))
		return "/vae?" + v.Encode()
	}
	if p.Page > 1 {
		p.Prev = link(p.Page - 1)
	}
	if p.Page < p.Pages {
		p.Next = link(p.Page + 1)
	}
	for _, st := range domain.VAEStatuses {
		p.Statuses = append(p.Statuses, option{string(st), st.Label()})
	}
	s.render(w, r, http.StatusOK, "vae_list.html", "Dossiers de VAE", p)
	return nil
}
