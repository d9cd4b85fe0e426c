package web

import (
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// privacyShow is the public privacy notice: who holds which data, why, for how long, and how a
// person exercises their rights. The times are the branch's rules as they stand.
func (s *Server) privacyShow(w http.ResponseWriter, r *http.Request) error {
	n, err := s.svc.PrivacyNotice(r.Context())
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "privacy.html", "Données personnelles et confidentialité", n)
	return nil
}

// retentionOrigin says who set a rule and when, or that it is the default.
func retentionOrigin(r store.RetentionRule) string {
	if r.Default {
		return "Durée par défaut de la plateforme."
	}
	return "Fixée par " + r.UpdatedBy + " le " + r.UpdatedAt.In(domain.Paris()).Format("02/01/2006") + "."
}

type retentionPage struct {
	Rules   []store.RetentionRule
	Pending service.PurgeReport // what the next purge would erase
	Form    *form
}

// retentionShow shows the branch's retention rules, with what the next daily purge erases.
func (s *Server) retentionShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderRetention(w, r, http.StatusOK, nil)
}

func (s *Server) renderRetention(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	rules, err := s.svc.RetentionRules(ctx, a)
	if err != nil {
		return err
	}
	pending, err := s.svc.PurgeExpired(ctx, a, true)
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		for _, rule := range rules {
			f.Values.Set(service.RetentionField(rule.Kind), strconv.Itoa(rule.Months))
		}
	}
	s.render(w, r, status, "retention.html", "Conservation des données personnelles", retentionPage{Rules: rules, Pending: pending, Form: f})
	return nil
}

// retentionSave records the months of every kind, all or nothing.
func (s *Server) retentionSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	in := map[domain.RetentionKind]string{}
	for _, k := range domain.RetentionKinds {
		if v, ok := r.PostForm[service.RetentionField(k)]; ok && len(v) > 0 {
			in[k] = v[0]
		}
	}
	if err := s.svc.SaveRetentionRules(r.Context(), actorFrom(r.Context()), in); err != nil {
		f := newForm(r)
		if !f.fail(err) {
			return err
		}
		return s.renderRetention(w, r, formStatus(err), f)
	}
	s.flash(r, "Les durées de conservation sont enregistrées. La prochaine purge, chaque jour, les applique.")
	http.Redirect(w, r, "/parametres/conservation", http.StatusSeeOther)
	return nil
}

type erasurePage struct {
	Plan service.ErasurePlan
	Done *service.ErasureDone
	Form *form
}

// erasureForm shows what erasing the person's data erases and keeps, and asks for the request.
func (s *Server) erasureForm(w http.ResponseWriter, r *http.Request) error {
	plan, err := s.svc.ErasurePlan(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "erasure.html", "Effacer les données d'une personne", erasurePage{Plan: plan, Form: emptyForm()})
	return nil
}

// erasureSubmit erases, then shows what was done on the same page (the candidate's page may
// no longer say much).
func (s *Server) erasureSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a, id := r.Context(), actorFrom(r.Context()), r.PathValue("id")
	f := newForm(r)
	done, err := s.svc.EraseOnRequest(ctx, a, id, service.ErasureRequest{Reason: r.PostForm.Get("reason"),
		Confirmed: r.PostForm.Get("confirm") == "oui"})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		plan, perr := s.svc.ErasurePlan(ctx, a, id)
		if perr != nil {
			return perr
		}
		s.render(w, r, formStatus(err), "erasure.html", "Effacer les données d'une personne", erasurePage{Plan: plan, Form: f})
		return nil
	}
	s.render(w, r, http.StatusOK, "erasure.html", "Données effacées", erasurePage{Plan: done.ErasurePlan, Done: &done, Form: emptyForm()})
	return nil
}
