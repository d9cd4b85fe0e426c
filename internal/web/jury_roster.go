package web

import (
	"net/http"
	"strconv"

	"cqp/internal/service"
)

type juryRosterPage struct {
	Roster       service.JuryRosterView
	Users        []option
	Colleges     []option
	Form         *form // adding a member
	SettingsForm *form // quorum and signatories
}

func (s *Server) juryRosterShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderJuryRoster(w, r, http.StatusOK, emptyForm(), nil)
}

// renderJuryRoster shows the roster page with f in the member form and settings in the
// settings form (nil: the saved settings).
func (s *Server) renderJuryRoster(w http.ResponseWriter, r *http.Request, status int, f, settings *form) error {
	v, err := s.svc.JuryRoster(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	p := juryRosterPage{Roster: v, Form: f, SettingsForm: settings}
	for _, u := range v.Available {
		p.Users = append(p.Users, option{u.ID, u.Name + " (" + u.Email + ")"})
	}
	for _, m := range v.Members {
		p.Users = append(p.Users, option{m.UserID, m.Name + " — déjà inscrit : " + service.College(m.College).Label()})
	}
	for _, c := range service.Colleges {
		p.Colleges = append(p.Colleges, option{string(c), c.Label()})
	}
	if p.SettingsForm == nil {
		p.SettingsForm = emptyForm()
		p.SettingsForm.Values.Set("quorum", strconv.Itoa(v.Settings.JuryQuorum))
		p.SettingsForm.Values.Set("jury_president_name", v.Settings.JuryPresidentName)
		p.SettingsForm.Values.Set("csca_president_name", v.Settings.CSCAPresidentName)
		p.SettingsForm.Values.Set("cpne_president_name", v.Settings.CPNEPresidentName)
	}
	s.render(w, r, status, "jury_roster.html", "Membres du jury", p)
	return nil
}

// juryRosterAdd puts a member on the roster for a college, or moves them to another.
func (s *Server) juryRosterAdd(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	err := s.svc.SetJuryRosterMember(r.Context(), actorFrom(r.Context()), r.PostForm.Get("user"), service.College(r.PostForm.Get("college")))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderJuryRoster(w, r, formStatus(err), f, nil)
	}
	s.flash(r, "La liste du jury est à jour.")
	http.Redirect(w, r, "/jury/membres", http.StatusSeeOther)
	return nil
}

// juryRosterRemove takes a member off the roster.
func (s *Server) juryRosterRemove(w http.ResponseWriter, r *http.Request) error {
	if err := s.svc.RemoveJuryRosterMember(r.Context(), actorFrom(r.Context()), r.PathValue("user")); err != nil {
		return err
	}
	s.flash(r, "Le membre est retiré de la liste du jury ; les sessions où il a siégé le gardent.")
	http.Redirect(w, r, "/jury/membres", http.StatusSeeOther)
	return nil
}

// jurySettingsSave records the quorum and the signatories' names.
func (s *Server) jurySettingsSave(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	_, err := s.svc.SaveJurySettings(r.Context(), actorFrom(r.Context()), service.JurySettingsInput{Quorum: v.Get("quorum"),
		JuryPresidentName: v.Get("jury_president_name"), CSCAPresidentName: v.Get("csca_president_name"), CPNEPresidentName: v.Get("cpne_president_name")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderJuryRoster(w, r, formStatus(err), emptyForm(), f)
	}
	s.flash(r, "Les paramètres du jury sont enregistrés ; les sessions déjà programmées gardent leur quorum.")
	http.Redirect(w, r, "/jury/membres#parametres", http.StatusSeeOther)
	return nil
}
