package web

import (
	"net/http"
	"strings"

	"cqp/internal/domain"

	"cqp/internal/service"
	"cqp/internal/store"
)

type jurySessionsPage struct {
	Sessions []jurySessionRow
	Form     *form // the scheduling form, for the secretariat
}

// jurySessionRow is one line of the sessions list.
type jurySessionRow struct {
	store.JurySession
	When string
}

func sessionRows(ss []store.JurySession) []jurySessionRow {
	out := make([]jurySessionRow, len(ss))
	for i, js := range ss {
		out[i] = jurySessionRow{JurySession: js, When: service.SessionWhen(js.StartsAt)}
	}
	return out
}

func (s *Server) jurySessionsList(w http.ResponseWriter, r *http.Request) error {
	return s.renderJurySessions(w, r, http.StatusOK, emptyForm())
}

func (s *Server) renderJurySessions(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	sessions, err := s.svc.JurySessions(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, status, "jury_sessions.html", "Sessions de jury", jurySessionsPage{Sessions: sessionRows(sessions), Form: f})
	return nil
}

// jurySessionCreate schedules a session from the form on the sessions list.
func (s *Server) jurySessionCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	isoDate(f)
	js, err := s.svc.ScheduleJurySession(r.Context(), actorFrom(r.Context()), service.JurySessionInput{
		Date: v.Get("date"), Time: v.Get("time"), Place: v.Get("place"), VideoLink: v.Get("video_link")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderJurySessions(w, r, formStatus(err), f)
	}
	s.flash(r, "La session du "+service.SessionWhen(js.StartsAt)+" est programmée : invitez les membres du jury et présentez les candidats.")
	http.Redirect(w, r, "/jury/sessions/"+js.ID, http.StatusSeeOther)
	return nil
}

// isoDate gives a typed date back as YYYY-MM-DD, the only form a date input shows.
func isoDate(f *form) {
	if d, err := domain.ParseFrenchDate(strings.TrimSpace(f.Get("date"))); err == nil {
		f.Values.Set("date", d.ISO())
	}
}
