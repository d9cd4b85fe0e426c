package web

import (
	"net/http"
	"strings"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

type actionShowPage struct {
	Action     store.Action
	Period     string
	Comments   []commentView
	Calendar   []calendarDayView
	Enrolments []store.ActionEnrolment
	// CanReadCandidates links the candidates to their enrolment pages.
	CanReadCandidates bool
	Refused           bool
	// The forms of the page, each shown again with its errors after a refusal.
	CalendarForm *form
	CalendarRow  calendarRowView
	Comment      *form
	Review       *form
	Refusal      *form
}

// commentView is one of the secretariat's comments as the page shows it.
type commentView struct {
	Kind, Body, Author string
	Refusal            bool
	At                 time.Time
}

// calendarDayView is one session of the calendar as the page shows it.
type calendarDayView struct {
	Day   string // « lundi 04/01/2027 »
	ISO   string
	Hours string // « 09:00 – 17:00 »
	Block string
	Label string
}

var frenchWeekdays = [...]string{"dimanche", "lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi"}

// frenchDay writes a date with its weekday: « lundi 04/01/2027 ».
func frenchDay(d domain.Date) string {
	return frenchWeekdays[d.Time().Weekday()] + " " + d.String()
}

func calendarView(entries []store.CalendarEntry) []calendarDayView {
	out := make([]calendarDayView, 0, len(entries))
	for _, e := range entries {
		v := calendarDayView{Day: frenchDay(e.Day), ISO: e.Day.ISO(), Block: e.BlockCode, Label: e.Label}
		switch {
		case e.StartTime != "" && e.EndTime != "":
			v.Hours = e.StartTime + " – " + e.EndTime
		case e.StartTime != "":
			v.Hours = "à partir de " + e.StartTime
		case e.EndTime != "":
			v.Hours = "jusqu'à " + e.EndTime
		}
		out = append(out, v)
	}
	return out
}

func (s *Server) actionShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderAction(w, r, http.StatusOK, actionShowPage{})
}

// renderAction shows an action's page; p carries the forms to show again with their errors.
func (s *Server) renderAction(w http.ResponseWriter, r *http.Request, status int, p actionShowPage) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	act, err := s.svc.Action(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	enrolments, err := s.svc.ActionEnrolments(ctx, a, act.ID)
	if err != nil {
		return err
	}
	p.Action, p.Enrolments, p.Calendar, p.Period = act, enrolments, calendarView(act.Calendar), actionPeriod(act)
	for _, c := range act.Comments {
		p.Comments = append(p.Comments, commentView{Kind: commentKindLabel(c.Kind), Body: c.Body, Author: c.AuthorName,
			Refusal: c.Kind == store.CommentRefusal, At: c.CreatedAt})
	}
	p.CanReadCandidates = service.Can(a, service.ActCandidateRead)
	p.Refused = act.Status == store.ActionRefused
	p.CalendarRow = calendarRowViews(1, 1)[0]
	for _, f := range []**form{&p.CalendarForm, &p.Comment, &p.Review, &p.Refusal} {
		if *f == nil {
			*f = emptyForm()
		}
	}
	s.render(w, r, status, "action_show.html", act.Title, p)
	return nil
}

// actionFormFailed shows the action's page again with the refused form, or returns err when it
// is not about the input.
func (s *Server) actionFormFailed(w http.ResponseWriter, r *http.Request, err error, f *form, p actionShowPage) error {
	if !f.fail(err) {
		return err
	}
	return s.renderAction(w, r, formStatus(err), p)
}

func (s *Server) actionCalendarSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	fe := domain.FieldErrors{}
	in, filled := calendarRow(r.PostForm, 1, fe)
	if !filled {
		in = service.CalendarInput{Row: 1}
	}
	e, err := s.svc.AddActionCalendarEntry(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		if !f.failWith(err, fe) {
			return err
		}
		return s.renderAction(w, r, formStatus(err), actionShowPage{CalendarForm: f})
	}
	s.flash(r, "La séance du "+frenchDay(e.Day)+" est ajoutée au calendrier.")
	http.Redirect(w, r, "/actions/"+r.PathValue("id")+"#calendrier", http.StatusSeeOther)
	return nil
}

func (s *Server) actionCommentSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.CommentAction(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("comment")); err != nil {
		return s.actionFormFailed(w, r, err, f, actionShowPage{Comment: f})
	}
	s.flash(r, "Le commentaire est enregistré et l'organisme en est informé par courriel.")
	http.Redirect(w, r, "/actions/"+r.PathValue("id")+"#suivi", http.StatusSeeOther)
	return nil
}

func (s *Server) actionReviewSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.MarkActionReviewed(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("note")); err != nil {
		return s.actionFormFailed(w, r, err, f, actionShowPage{Review: f})
	}
	s.flash(r, "L'action est marquée comme examinée ; l'organisme en est informé.")
	http.Redirect(w, r, "/actions/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) actionRefuseSubmit(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.RefuseAction(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("reason")); err != nil {
		return s.actionFormFailed(w, r, err, f, actionShowPage{Refusal: f})
	}
	s.flash(r, "L'action est refusée : elle ne prend plus de nouveau candidat. L'organisme en est informé.")
	http.Redirect(w, r, "/actions/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

// commentKindLabel names a kind of comment on an action.
func commentKindLabel(kind string) string {
	switch kind {
	case store.CommentReview:
		return "Action examinée"
	case store.CommentRefusal:
		return "Refus"
	}
	return "Commentaire"
}

// actionPeriod writes « du 04/01/2027 au 30/06/2027 (26 semaines) ».
func actionPeriod(a store.Action) string {
	days := int(a.EndsOn.Time().Sub(a.StartsOn.Time())/(24*time.Hour)) + 1
	out := "du " + a.StartsOn.String() + " au " + a.EndsOn.String()
	if weeks := days / 7; weeks >= 2 {
		out += " (" + strings.TrimSpace(frenchNumber(weeks)) + " semaines)"
	}
	return out
}
