package web

import (
	"net/http"
	"strings"

	"cqp/internal/service"
)

func (s *Server) oralCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	got, err := s.svc.ScheduleOral(r.Context(), actorFrom(r.Context()), service.OralInput{
		CommissionID: r.PathValue("id"), EnrolmentID: v.Get("enrolment"), Date: v.Get("date"), Time: v.Get("time"),
		Duration: v.Get("duration"), Place: v.Get("place"), VideoLink: v.Get("video_link"),
	})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderCommission(w, r, formStatus(err), f)
	}
	s.flash(r, "Oral programmé "+got.Oral.When()+" pour "+got.Oral.Candidate.DisplayName()+". "+convocationNote(got)+" "+service.SubjectDrawNote(got.Subjects))
	http.Redirect(w, r, "/oraux/"+got.Oral.ID, http.StatusSeeOther)
	return nil
}

// convocationNote says who was convoked, and whose convocation must go another way.
func convocationNote(got service.ScheduledOral) string {
	msg := "Convocations envoyées avec le fichier d'agenda à : " + strings.Join(got.Sent, ", ") + "."
	if got.NoEmail != "" {
		msg += " " + got.NoEmail + " n'a pas d'adresse e-mail : remettez-lui sa convocation par un autre moyen."
	}
	return msg
}
