package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type userNewPage struct {
	Form    *form
	Choices scopeChoices
}

// userNewForm shows the account form; ?role= and a scope (?organisation=, ?company=…) in
// the address preselect them, for the links of an organisation's or a company's page.
func (s *Server) userNewForm(w http.ResponseWriter, r *http.Request) error {
	c, err := s.loadScopeChoices(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	f := emptyForm()
	q := r.URL.Query()
	for _, k := range []string{"role", "organisation", "company", "funder", "candidate"} {
		if v := q.Get(k); v != "" {
			f.Values.Set(k, v)
		}
	}
	s.render(w, r, http.StatusOK, "user_new.html", "Nouveau compte", userNewPage{Form: f, Choices: c})
	return nil
}

func (s *Server) userNewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	ctx, a := r.Context(), actorFrom(r.Context())
	f := newForm(r)
	c, err := s.loadScopeChoices(ctx, a)
	if err != nil {
		return err
	}
	ra, fe, err := s.roleFromForm(ctx, a, c, r.PostForm)
	if err != nil {
		return err
	}
	// fe is never set without ra being refused by the service too: its messages then join
	// the service's, on the same page.
	in := service.UserInput{Email: r.PostForm.Get("email"), Name: r.PostForm.Get("name"), Roles: []domain.RoleAssignment{ra}}
	u, err := s.svc.CreateUser(ctx, a, in)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		moveScopeError(f, ra.Role)
		for k, m := range fe {
			f.Errors[k] = m
		}
		s.render(w, r, formStatus(err), "user_new.html", "Nouveau compte", userNewPage{Form: f, Choices: c})
		return nil
	}
	s.flash(r, "Le compte de "+u.Name+" est créé. Un courriel l'invite à choisir son mot de passe dans les 24 heures.")
	http.Redirect(w, r, "/comptes/"+u.ID, http.StatusSeeOther)
	return nil
}
