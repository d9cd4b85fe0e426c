package web

import (
	"net/http"
	"strconv"

	"cqp/internal/service"
)

// followupForms are the forms of the follow-up page: each is empty, or the one refused with
// what was typed.
type followupForms struct {
	Status     *form
	Hours      *form
	Internship *form
	Remove     *form  // an internship's removal
	RemoveID   string // the internship whose removal was refused
}

type followupPage struct {
	F           service.Followup
	Tab         string
	Forms       followupForms
	Transitions []option
	Companies   []option
	CanRecord   bool // the actor records hours and internships, and the follow-up is open
	CanMove     bool // the actor may change the status
}

// EnrolmentID is the enrolment the page is about, for the tabs.
func (p followupPage) EnrolmentID() string { return p.F.Enrolment.ID }

// InternshipMissing is how many internship hours are still owed.
func (p followupPage) InternshipMissing() int {
	return max(p.F.Hours.InternshipOwed-p.F.Hours.InternshipDone, 0)
}

func (s *Server) followupShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderFollowup(w, r, http.StatusOK, followupForms{})
}

// renderFollowup shows an enrolment's follow-up page with its forms.
func (s *Server) renderFollowup(w http.ResponseWriter, r *http.Request, status int, forms followupForms) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	f, err := s.svc.Followup(ctx, a, r.PathValue("id"))
	if err != nil {
		return err
	}
	p := followupPage{F: f, Tab: "suivi", Forms: forms,
		CanRecord: service.Can(a, service.ActTrainingRecord) && f.Closed == "",
		CanMove:   service.Can(a, service.ActEnrolmentManage)}
	for _, st := range service.EnrolmentTransitions(a, f.Enrolment) {
		p.Transitions = append(p.Transitions, option{Value: string(st), Label: st.Label()})
	}
	if p.Forms.Status == nil {
		p.Forms.Status = emptyForm()
	}
	if p.Forms.Internship == nil {
		p.Forms.Internship = emptyForm()
	}
	if p.Forms.Remove == nil {
		p.Forms.Remove = emptyForm()
	}
	if p.Forms.Hours == nil {
		// The hours form starts from what is recorded.
		p.Forms.Hours = emptyForm()
		for _, b := range f.Blocks {
			if b.Recorded {
				p.Forms.Hours.Values.Set(service.HoursField("planned", b.Code), strconv.Itoa(b.Planned))
				p.Forms.Hours.Values.Set(service.HoursField("done", b.Code), strconv.Itoa(b.Done))
			}
		}
	}
	if p.CanRecord {
		companies, err := s.svc.Companies(ctx, a)
		if err != nil {
			return err
		}
		for _, c := range companies {
			p.Companies = append(p.Companies, option{Value: c.ID, Label: c.Name + " (" + c.City + ")"})
		}
		if p.Forms.Internship.Get("company") == "" && f.Enrolment.CompanyID != "" && status == http.StatusOK {
			p.Forms.Internship.Values.Set("company", f.Enrolment.CompanyID)
		}
	}
	s.render(w, r, status, "followup_show.html", "Suivi de formation — "+f.Candidate.DisplayName(), p)
	return nil
}

// followupBack sends the browser back to a section of the follow-up page after a change.
func (s *Server) followupBack(w http.ResponseWriter, r *http.Request, msg, anchor string) {
	s.flash(r, msg)
	http.Redirect(w, r, "/inscriptions/"+r.PathValue("id")+"/suivi#"+anchor, http.StatusSeeOther)
}

// followupRefused shows the page again with a refused form, or returns err when it is not
// about the input.
func (s *Server) followupRefused(w http.ResponseWriter, r *http.Request, err error, f *form, put func(*followupForms)) error {
	if !f.fail(err) {
		return err
	}
	var forms followupForms
	put(&forms)
	return s.renderFollowup(w, r, formStatus(err), forms)
}
