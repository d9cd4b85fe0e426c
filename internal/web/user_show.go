package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// roleView is a role of an account with a link to its scope when it has a page.
type roleView struct {
	domain.RoleAssignment
	Href string
}

type userShowPage struct {
	User    domain.User
	Roles   []roleView
	Self    bool // the account is the viewer's own
	Choices scopeChoices
	// RoleForm is the "add a role" form; StatusForm the disable/enable form.
	RoleForm   *form
	StatusForm *form
	History    []auditRow
}

func (s *Server) userShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderUser(w, r, http.StatusOK, emptyForm(), emptyForm())
}

// renderUser shows an account's page with the given forms (one of them refused, or both empty).
func (s *Server) renderUser(w http.ResponseWriter, r *http.Request, status int, roleForm, statusForm *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	u, err := s.svc.User(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	u.PasswordHash = ""
	c, err := s.loadScopeChoices(ctx, a)
	if err != nil {
		return err
	}
	p := userShowPage{User: u, Self: u.ID == a.UserID, Choices: c, RoleForm: roleForm, StatusForm: statusForm}
	for _, ra := range u.Roles {
		v := roleView{RoleAssignment: ra}
		switch ra.Role.ScopeKind() {
		case "training_organisation":
			v.Href = "/organismes/" + ra.ScopeID
		case "company":
			v.Href = "/entreprises/" + ra.ScopeID
		case "candidate":
			v.Href = "/candidats/" + ra.ScopeID
		}
		p.Roles = append(p.Roles, v)
	}
	if service.Can(a, service.ActAuditRead) {
		entries, _, err := s.svc.Audit(ctx, a, store.AuditFilter{EntityType: "user", EntityID: u.ID, Limit: 50})
		if err != nil {
			return err
		}
		names := map[string]string{}
		for _, opts := range [][]option{c.Organisations, c.Companies, c.Funders} {
			for _, o := range opts {
				names[o.Value] = o.Label
			}
		}
		for _, e := range entries {
			p.History = append(p.History, auditRow{AuditEntry: e, names: names})
		}
	}
	s.render(w, r, status, "user_show.html", u.Name, p)
	return nil
}
