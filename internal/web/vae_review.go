package web

import (
	"net/http"
	"slices"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// vaeReviewPage is a training organisation's review of a VAE file: the version it was asked
// about beside the form, or its opinion once given.
type vaeReviewPage struct {
	V        service.VAEView
	Review   store.VAEReview // the review of the actor's organisation: awaited, or the latest given
	Pending  bool            // the opinion is awaited: the form is shown
	Version  *vaeVersionView // the version reviewed
	Opinions []option
	Form     *form
}

func (s *Server) vaeReviewForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderVAEReview(w, r, http.StatusOK, emptyForm())
}

// renderVAEReview shows the review page; f is the opinion form, with its errors after a refusal.
func (s *Server) renderVAEReview(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	v, err := s.svc.VAE(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := vaeReviewPage{V: v, Form: f}
	if v.PendingReview != nil {
		p.Review, p.Pending = *v.PendingReview, true
	} else {
		orgs := a.Scopes(domain.RoleTrainingOrganisation)
		found := false
		for _, rev := range v.Reviews { // the latest first
			if slices.Contains(orgs, rev.TrainingOrganisationID) {
				p.Review, found = rev, true
				break
			}
		}
		if !found {
			return domain.Errorf(domain.ENOTFOUND, "Aucun avis n'est demandé à votre organisme sur ce dossier de VAE.")
		}
	}
	for _, ver := range v.Versions {
		if ver.Version == p.Review.FileVersion {
			p.Version = vaeVersionOf(v, ver)
		}
	}
	for _, o := range domain.ReviewOpinions {
		p.Opinions = append(p.Opinions, option{string(o), o.Label()})
	}
	s.render(w, r, status, "vae_review.html", "Avis sur le dossier de VAE de "+v.Candidate.DisplayName(), p)
	return nil
}

func (s *Server) vaeReviewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	in := service.ReviewInput{Opinion: domain.ReviewOpinion(r.PostForm.Get("opinion")), Comment: r.PostForm.Get("comment")}
	if err := s.svc.GiveVAEReview(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderVAEReview(w, r, formStatus(err), f)
	}
	s.flash(r, "Votre avis est enregistré ; le secrétariat en est informé et décide de la recevabilité.")
	http.Redirect(w, r, "/vae/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}
