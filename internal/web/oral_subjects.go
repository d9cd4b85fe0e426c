package web

import (
	"net/http"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/download"
	"cqp/internal/service"
)

// The subjects drawn for an oral (issue 18): the commission reads them from the day of the oral,
// the secretariat and the subject committee at any time; the secretariat draws again one kind or
// both, with a reason. The bank's statistics page shows each subject's use and results.

// registerSubjectDrawRoutes registers the oral's subjects and the bank's statistics.
func (s *Server) registerSubjectDrawRoutes() {
	s.handle("GET /oraux/{id}/sujets", service.ActSubjectDrawRead, s.oralSubjectsShow)
	s.handle("POST /oraux/{id}/sujets", service.ActSubjectRedraw, s.oralSubjectsRedraw)
	s.handle("GET /oraux/{id}/sujets/pieces/{piece}", service.ActSubjectDrawRead, s.oralSubjectAttachment)
	s.handle("GET /sujets/statistiques", service.ActSubjectBankRead, s.subjectStatistics)
}

type oralSubjectsPage struct {
	V      service.OralSubjects
	Redraw *form
	Kinds  []option
}

func (s *Server) oralSubjectsShow(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.OralSubjects(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.renderOralSubjects(w, r, http.StatusOK, v, emptyForm())
}

func (s *Server) renderOralSubjects(w http.ResponseWriter, r *http.Request, status int, v service.OralSubjects, f *form) error {
	p := oralSubjectsPage{V: v, Redraw: f, Kinds: []option{{Value: "both", Label: "Les deux sujets"}}}
	for _, k := range domain.SubjectKinds {
		p.Kinds = append(p.Kinds, option{Value: string(k), Label: k.Label() + " seulement"})
	}
	s.render(w, r, status, "oral_subjects.html", "Sujets de l'oral du "+v.Oral.Day()+" — "+v.Candidate.DisplayName(), p)
	return nil
}

// oralSubjectsRedraw draws again the kind chosen (or both), with the reason.
func (s *Server) oralSubjectsRedraw(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	a := actorFrom(r.Context())
	id := r.PathValue("id")
	got, err := s.svc.RedrawSubjects(r.Context(), a, id, service.RedrawInput{Kind: r.PostForm.Get("kind"), Reason: r.PostForm.Get("reason")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		v, verr := s.svc.OralSubjects(r.Context(), a, id)
		if verr != nil {
			return verr
		}
		return s.renderOralSubjects(w, r, formStatus(err), v, f)
	}
	var msgs []string
	for _, o := range got {
		msgs = append(msgs, o.Message())
	}
	s.flash(r, strings.Join(msgs, " "))
	http.Redirect(w, r, "/oraux/"+id+"/sujets", http.StatusSeeOther)
	return nil
}

// oralSubjectAttachment sends a PDF of a subject drawn for the oral.
func (s *Server) oralSubjectAttachment(w http.ResponseWriter, r *http.Request) error {
	att, err := s.svc.OralSubjectAttachment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("piece"))
	if err != nil {
		return err
	}
	return download.Write(w, r, att.Filename, "application/pdf", att.Content)
}

// gridSubjects are the subjects of the member's orals for the grid, as the member may read them
// today; an oral the member cannot read the subjects of is left out.
func (s *Server) gridSubjects(r *http.Request, v service.GridView) []service.OralSubjects {
	if !v.IsCommission() {
		return nil
	}
	var out []service.OralSubjects
	for _, o := range v.Orals {
		got, err := s.svc.OralSubjects(r.Context(), actorFrom(r.Context()), o.ID)
		if err != nil {
			if code := domain.ErrorCode(err); code != domain.EFORBIDDEN && code != domain.ENOTFOUND {
				s.log.Error("grid subjects", "oral", o.ID, "err", err)
			}
			continue
		}
		out = append(out, got)
	}
	return out
}

type subjectStatisticsPage struct {
	Stats          []service.SubjectStat
	Qualifications []option
	Qualification  string
	Rule           string
	Flagged        int
}

// subjectStatistics is the bank's statistics: use and results per subject, the flagged first.
func (s *Server) subjectStatistics(w http.ResponseWriter, r *http.Request) error {
	a := actorFrom(r.Context())
	qual := r.URL.Query().Get("qualification")
	stats, err := s.svc.SubjectStatistics(r.Context(), a, qual)
	if err != nil {
		return err
	}
	quals, err := s.svc.SubjectQualifications(r.Context(), a)
	if err != nil {
		return err
	}
	p := subjectStatisticsPage{Stats: stats, Qualification: qual, Rule: service.SubjectFailureRule}
	for _, q := range quals {
		p.Qualifications = append(p.Qualifications, option{Value: q.ID, Label: q.Code + " — " + q.Title})
	}
	for _, st := range stats {
		if st.Flagged() {
			p.Flagged++
		}
	}
	s.render(w, r, http.StatusOK, "subject_statistics.html", "Statistiques des sujets", p)
	return nil
}
