package web

import (
	"net/http"
)

// userRoleAdd gives an account one more role, with its scope.
func (s *Server) userRoleAdd(w http.ResponseWriter, r *http.Request) error {
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
	id := r.PathValue("id")
	// fe is never set without ra being refused by the service too (no role, or no scope).
	if err := s.svc.AddRole(ctx, a, id, ra); err != nil {
		if !f.fail(err) {
			return err
		}
		moveScopeError(f, ra.Role)
		for k, m := range fe {
			f.Errors[k] = m
		}
		return s.renderUser(w, r, formStatus(err), f, emptyForm())
	}
	s.flash(r, "Le rôle « "+ra.Role.Label()+" » est ajouté au compte.")
	http.Redirect(w, r, "/comptes/"+id, http.StatusSeeOther)
	return nil
}
