package web

import (
	"net/http"
	"strconv"

	"cqp/internal/domain"
	"cqp/internal/service"
)

type oralPage struct {
	D        service.OralDetail
	GridPath string
	Manage   bool // the secretariat: resend convocations, move or cancel the oral
	// The move and cancel forms, shown again with their errors after a refusal.
	Move, Cancel *form
}

func (s *Server) oralShow(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	d, err := s.svc.Oral(r.Context(), a, r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderOral(w, r, http.StatusOK, d, nil, nil)
}

func (s *Server) renderOral(w http.ResponseWriter, r *http.Request, status int, d service.OralDetail, move, cancel *form) error {
	a := actorFrom(r.Context())
	p := oralPage{D: d, Manage: service.Can(a, service.ActCommissionManage), Move: move, Cancel: cancel}
	if d.CanGrade {
		p.GridPath = gridPath(d.Oral.EnrolmentID, domain.EvaluatorCommission)
	}
	if p.Move == nil {
		o := d.Oral
		p.Move = emptyForm()
		p.Move.Values.Set("date", o.Day())
		p.Move.Values.Set("time", o.Start())
		p.Move.Values.Set("duration", strconv.Itoa(o.DurationMinutes))
		p.Move.Values.Set("place", o.Place)
		p.Move.Values.Set("video_link", o.VideoLink)
	}
	if p.Cancel == nil {
		p.Cancel = emptyForm()
	}
	s.render(w, r, status, "oral_show.html", "Oral du "+d.Oral.Day()+" — "+d.Candidate.DisplayName(), p)
	return nil
}

// oralMove moves an oral that has not started, with the reason; the convocations go again.
func (s *Server) oralMove(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f, v := newForm(r), r.PostForm
	got, err := s.svc.RescheduleOral(r.Context(), actorFrom(r.Context()), r.PathValue("id"), service.OralInput{Date: v.Get("date"),
		Time: v.Get("time"), Duration: v.Get("duration"), Place: v.Get("place"), VideoLink: v.Get("video_link")}, v.Get("reason"))
	if err != nil {
		return s.oralRefused(w, r, err, f, nil)
	}
	s.flash(r, "L'oral est déplacé au "+got.Oral.Day()+" à "+got.Oral.Start()+". "+convocationNote(got))
	http.Redirect(w, r, "/oraux/"+got.Oral.ID, http.StatusSeeOther)
	return nil
}

// oralCancel cancels an oral that has not started, with the reason, and goes back to the planning.
func (s *Server) oralCancel(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.CancelOral(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("reason")); err != nil {
		return s.oralRefused(w, r, err, nil, f)
	}
	s.flash(r, "L'oral est annulé ; le candidat et les membres de la commission en sont informés par courriel.")
	http.Redirect(w, r, "/oraux", http.StatusSeeOther)
	return nil
}

// oralRefused shows the oral again with the refused form and its messages.
func (s *Server) oralRefused(w http.ResponseWriter, r *http.Request, err error, move, cancel *form) error {
	f := move
	if f == nil {
		f = cancel
	}
	if !f.fail(err) {
		return err
	}
	d, derr := s.svc.Oral(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if derr != nil {
		return derr
	}
	return s.renderOral(w, r, formStatus(err), d, move, cancel)
}
