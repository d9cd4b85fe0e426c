package web

import (
	"net/http"

	"cqp/internal/domain"
	"cqp/internal/rules"
	"cqp/internal/service"
	"cqp/internal/store"
)

type jurySessionPage struct {
	View service.JurySessionView
	Form *form // the form that was refused, with its message; empty otherwise
	// Open is true while the session is not closed: the secretariat's forms are shown.
	Open bool
	// Deliberating is true while decisions may be taken.
	Deliberating bool
	// RectifiesWhen and RectifiedByWhen say the related sessions' dates.
	RectifiesWhen, RectifiedByWhen string
}

// CloseSummary says what closing the session makes final, candidate outcome by outcome.
func (p jurySessionPage) CloseSummary() []string {
	counts := map[rules.CandidateOutcome]int{}
	decisions := 0
	for _, c := range p.View.Candidates {
		counts[c.Outcome]++
		for _, b := range c.Blocks {
			if b.Decision != "" {
				decisions++
			}
		}
	}
	var out []string
	for _, o := range []struct {
		outcome      rules.CandidateOutcome
		one, several string
	}{
		{rules.CandidateCertified, "candidat certifié : son certificat pourra être délivré", "candidats certifiés : leurs certificats pourront être délivrés"},
		{rules.CandidatePartial, "candidat en validation partielle : une attestation par bloc acquis", "candidats en validation partielle : une attestation par bloc acquis"},
		{rules.CandidateNotCertified, "candidat non certifié", "candidats non certifiés"},
	} {
		if n := counts[o.outcome]; n > 0 {
			out = append(out, service.Plural(n, o.one, o.several)+".")
		}
	}
	if decisions > 0 {
		out = append(out, service.Plural(decisions, "décision du jury sur un bloc en débat, avec son motif", "décisions du jury sur des blocs en débat, avec leurs motifs")+".")
	}
	return out
}

func (s *Server) jurySessionShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderJurySession(w, r, http.StatusOK, emptyForm())
}

// renderJurySession shows a session's screen, with f holding a refused form.
func (s *Server) renderJurySession(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	v, err := s.svc.JurySession(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := jurySessionPage{View: v, Form: f, Open: v.Session.Status != store.JuryClosed, Deliberating: v.Session.Status == store.JuryDeliberating}
	if v.Rectifies != nil {
		p.RectifiesWhen = service.SessionWhen(v.Rectifies.StartsAt)
	}
	if v.RectifiedBy != nil {
		p.RectifiedByWhen = service.SessionWhen(v.RectifiedBy.StartsAt)
	}
	s.render(w, r, status, "jury_session.html", "Session de jury du "+v.When(), p)
	return nil
}

// sessionAction runs one of the session screen's actions: on a refusal about the input or the
// session's state, the screen is shown again with the message; otherwise it returns to the
// screen with msg.
func (s *Server) sessionAction(w http.ResponseWriter, r *http.Request, anchor string, act func(f *form) (string, error)) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	msg, err := act(f)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderJurySession(w, r, formStatus(err), f)
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/jury/sessions/"+r.PathValue("id")+anchor, http.StatusSeeOther)
	return nil
}

func (s *Server) jurySessionInvite(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(w, r, "#membres", func(f *form) (string, error) {
		n, err := s.svc.InviteJuryMembers(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm["members"])
		if n == 1 {
			return "1 membre est invité à la session.", err
		}
		return frenchNumber(n) + " membres sont invités à la session.", err
	})
}

func (s *Server) jurySessionAttendance(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(w, r, "#membres", func(f *form) (string, error) {
		qu, err := s.svc.RecordJuryAttendance(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm["present"])
		return "Présences enregistrées. " + qu.Message(), err
	})
}

func (s *Server) jurySessionPresent(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(w, r, "#candidats", func(f *form) (string, error) {
		n, err := s.svc.PresentJuryCandidates(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm["enrolments"])
		if n == 1 {
			return "1 candidat est présenté à la session.", err
		}
		return frenchNumber(n) + " candidats sont présentés à la session.", err
	})
}

// jurySessionDerogate records the secretariat's derogation to a gate before the jury that a
// presentable candidate misses.
func (s *Server) jurySessionDerogate(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(w, r, "#presenter", func(f *form) (string, error) {
		v := r.PostForm
		d, err := s.svc.RecordJuryGateDerogation(r.Context(), actorFrom(r.Context()), v.Get("enrolment"), rules.GateKind(v.Get("gate")), v.Get("reason"))
		return "Dérogation enregistrée (" + d.Gate.Label() + ") : elle figurera sur la fiche du candidat et au procès-verbal.", err
	})
}

func (s *Server) jurySessionWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(w, r, "#candidats", func(f *form) (string, error) {
		err := s.svc.WithdrawJuryCandidate(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("enrolment"))
		return "Le candidat est retiré de la session.", err
	})
}

func (s *Server) jurySessionOpen(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(w, r, "", func(f *form) (string, error) {
		qu, err := s.svc.OpenJuryDeliberation(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
		return "La délibération est ouverte. " + qu.Message(), err
	})
}

func (s *Server) jurySessionClose(w http.ResponseWriter, r *http.Request) error {
	return s.sessionAction(w, r, "", func(f *form) (string, error) {
		if r.PostForm.Get("confirm") == "" {
			return "", (domain.FieldErrors{"confirm": "Cochez la case pour confirmer que vous avez relu les résultats avant de clore la session."}).Err()
		}
		_, err := s.svc.CloseJurySession(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
		return "La session est close : les résultats sont figés et le procès-verbal est disponible.", err
	})
}

// jurySessionRectify schedules a rectification of a closed session and opens it.
func (s *Server) jurySessionRectify(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	v := r.PostForm
	isoDate(f)
	rs, err := s.svc.RectifyJurySession(r.Context(), actorFrom(r.Context()), r.PathValue("id"), service.RectificationInput{
		JurySessionInput: service.JurySessionInput{Date: v.Get("date"), Time: v.Get("time"), Place: v.Get("place"), VideoLink: v.Get("video_link")},
		Reason:           v.Get("reason")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderJurySession(w, r, formStatus(err), f)
	}
	s.flash(r, "La session de rectification du "+service.SessionWhen(rs.StartsAt)+" est programmée avec les candidats de la session corrigée : invitez les membres du jury.")
	http.Redirect(w, r, "/jury/sessions/"+rs.ID, http.StatusSeeOther)
	return nil
}

// juryMinutes sends a closed session's minutes.
func (s *Server) juryMinutes(w http.ResponseWriter, r *http.Request) error {
	m, err := s.svc.JuryMinutes(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	w.Header().Set("Content-Type", "application/pdf")
	w.Header().Set("Content-Disposition", `attachment; filename="`+m.Filename+`"`)
	w.Header().Set("Cache-Control", "no-store")
	_, err = w.Write(m.PDF)
	return err
}
