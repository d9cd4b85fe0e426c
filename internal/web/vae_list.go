package web

import (
	"net/http"
	"slices"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type vaeListPage struct {
	Files    []store.VAEListing
	Statuses []option
	Chosen   []string // the statuses filtered on, as in the URL
	// CanRequest offers the request form (the secretariat, a company).
	CanRequest bool
}

// vaeList lists the VAE files the actor may see, oldest change first so that the list reads as
// a queue. The statuses to show are in the URL (?statut=submitted&statut=reviewed). A candidate
// with one file goes straight to it.
func (s *Server) vaeList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	p := vaeListPage{CanRequest: service.Can(a, service.ActVAERequest)}
	var f service.VAEListFilter
	for _, raw := range r.URL.Query()["statut"] {
		if st := domain.VAEStatus(raw); st.Valid() {
			f.Statuses = append(f.Statuses, st)
			p.Chosen = append(p.Chosen, raw)
		}
	}
	files, err := s.svc.VAEFiles(ctx, a, f)
	if err != nil {
		return err
	}
	if len(files) == 1 && len(f.Statuses) == 0 && service.AccessFor(a, service.ActVAERead) != service.AccessAll &&
		slices.Contains(a.Scopes(domain.RoleCandidate), files[0].Candidate.ID) {
		http.Redirect(w, r, "/vae/"+files[0].File.EnrolmentID, http.StatusSeeOther)
		return nil
	}
	p.Files = files
	for _, st := range domain.VAEStatuses {
		p.Statuses = append(p.Statuses, option{string(st), st.Label()})
	}
	s.render(w, r, http.StatusOK, "vae_list.html", "Dossiers de VAE", p)
	return nil
}
