package web

import (
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/download"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The secretariat's and the committee's pages of the subject bank: the bank and its search,
// the proposals to review, a subject's page with its versions and decisions, the review form,
// the yearly calls and the committee's sessions.

type subjectBankPage struct {
	Form      *form
	Rows      []service.SubjectBankRow
	Quals     []service.SubjectQualification
	Proposers []service.SubjectProposer
	Kinds     []domain.SubjectKind
	Statuses  []domain.SubjectStatus
	Searched  bool
}

func (s *Server) subjectBank(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	q := r.URL.Query()
	f := emptyForm()
	for _, k := range []string{"qualification", "block", "kind", "status", "proposer", "max_uses", "min_uses", "not_used_since"} {
		f.Values.Set(k, strings.TrimSpace(q.Get(k)))
	}
	filter := service.SubjectBankFilter{QualificationID: f.Get("qualification"), BlockCode: f.Get("block"),
		Kind: domain.SubjectKind(f.Get("kind")), Status: domain.SubjectStatus(f.Get("status")), Proposer: f.Get("proposer")}
	if v := f.Get("max_uses"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			f.Errors["max_uses"] = "Indiquez un nombre entier, 0 ou plus."
		} else {
			filter.MaxUses = &n
		}
	}
	if v := f.Get("min_uses"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 0 {
			f.Errors["min_uses"] = "Indiquez un nombre entier, 0 ou plus."
		} else {
			filter.MinUses = n
		}
	}
	if v := f.Get("not_used_since"); v != "" {
		d, err := domain.ParseFrenchDate(v)
		if err != nil {
			f.Errors["not_used_since"] = "Indiquez une date au format JJ/MM/AAAA."
		} else {
			filter.NotUsedSince = d
		}
	}
	if filter.Kind != "" && !filter.Kind.Valid() {
		f.Errors["kind"] = "Choisissez un type de la liste."
	}
	if filter.Status != "" && !filter.Status.Valid() {
		f.Errors["status"] = "Choisissez un état de la liste."
	}
	p := subjectBankPage{Form: f, Kinds: domain.SubjectKinds, Searched: q.Encode() != "",
		Statuses: []domain.SubjectStatus{domain.SubjectAccepted, domain.SubjectSubmitted, domain.SubjectRefused, domain.SubjectRetired}}
	var err error
	if p.Quals, err = s.svc.SubjectQualifications(ctx, a); err != nil {
		return err
	}
	if p.Proposers, err = s.svc.SubjectProposerOptions(ctx, a); err != nil {
		return err
	}
	status := http.StatusOK
	if len(f.Errors) > 0 {
		f.Error = "La recherche contient des erreurs : corrigez les champs signalés."
		status = http.StatusUnprocessableEntity
	} else if p.Rows, err = s.svc.SubjectBank(ctx, a, filter); err != nil {
		return err
	}
	s.render(w, r, status, "subject_bank.html", "Banque de sujets d'évaluation", p)
	return nil
}

type subjectReviewListPage struct {
	Proposals []store.SubjectListing
}

func (s *Server) subjectReviewList(w http.ResponseWriter, r *http.Request) error {
	list, err := s.svc.SubjectsToReview(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	s.render(w, r, http.StatusOK, "subject_review_list.html", "Propositions de sujets à examiner", subjectReviewListPage{Proposals: list})
	return nil
}

type subjectShowPage struct {
	Detail service.SubjectDetail
	Blocks []domain.Block
	Form   *form
}

func (s *Server) renderSubjectShow(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	d, err := s.svc.Subject(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	s.render(w, r, status, "subject_show.html", d.Subject.Current.Title, subjectShowPage{Detail: d, Blocks: coveredBlocks(d.Qualif, d.Subject), Form: f})
	return nil
}

func (s *Server) subjectShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderSubjectShow(w, r, http.StatusOK, emptyForm())
}

func (s *Server) subjectAttachment(w http.ResponseWriter, r *http.Request) error {
	att, err := s.svc.BankAttachment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("piece"))
	if err != nil {
		return err
	}
	return download.Write(w, r, att.Filename, "application/pdf", att.Content)
}

func (s *Server) subjectRetire(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if err := s.svc.RetireSubject(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PostForm.Get("reason")); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectShow(w, r, formStatus(err), f)
	}
	s.flash(r, "Le sujet est retiré de la banque : il ne sera plus tiré pour un oral.")
	http.Redirect(w, r, "/sujets/banque/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

type subjectReviewPage struct {
	Detail    service.SubjectDetail
	Blocks    []domain.Block
	Form      *form
	Decisions []domain.SubjectDecision
}

func (s *Server) renderSubjectReview(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	d, err := s.svc.Subject(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	if f == nil {
		f = emptyForm()
		f.Values.Set("validity_years", "3")
		f.Values.Set("title", d.Subject.Current.Title)
		f.Values.Set("candidate_text", d.Subject.Current.CandidateText)
		f.Values.Set("expected_answer", d.Subject.Current.ExpectedAnswer)
		f.Values.Set("marking_guide", d.Subject.Current.MarkingGuide)
		f.Values.Set("duration_minutes", strconv.Itoa(d.Subject.Current.DurationMinutes))
	}
	s.render(w, r, status, "subject_review.html", "Examen : "+d.Subject.Current.Title,
		subjectReviewPage{Detail: d, Blocks: coveredBlocks(d.Qualif, d.Subject), Form: f, Decisions: domain.SubjectDecisions})
	return nil
}

func (s *Server) subjectReviewForm(w http.ResponseWriter, r *http.Request) error {
	return s.renderSubjectReview(w, r, http.StatusOK, nil)
}

func (s *Server) subjectReview(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	years, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("validity_years")))
	minutes, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("duration_minutes")))
	in := service.SubjectReviewInput{Decision: domain.SubjectDecision(r.PostForm.Get("decision")), Reason: r.PostForm.Get("reason"),
		ValidityYears: years, Title: r.PostForm.Get("title"), CandidateText: r.PostForm.Get("candidate_text"),
		ExpectedAnswer: r.PostForm.Get("expected_answer"), MarkingGuide: r.PostForm.Get("marking_guide"), DurationMinutes: minutes}
	rev, err := s.svc.ReviewSubject(r.Context(), actorFrom(r.Context()), r.PathValue("id"), in)
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectReview(w, r, formStatus(err), f)
	}
	s.flash(r, "Décision enregistrée : "+strings.ToLower(rev.Decision.Label())+". L'auteur de la proposition en est informé.")
	http.Redirect(w, r, "/sujets/a-examiner", http.StatusSeeOther)
	return nil
}

type subjectCallsPage struct {
	Calls    []domain.SubjectCall
	Form     *form
	EditID   string // the call whose form failed
	EditForm *form
	Today    domain.Date
}

func (s *Server) renderSubjectCalls(w http.ResponseWriter, r *http.Request, status int, p subjectCallsPage) error {
	calls, err := s.svc.SubjectCalls(r.Context(), actorFrom(r.Context()))
	if err != nil {
		return err
	}
	p.Calls, p.Today = calls, s.svc.Today()
	if p.Form == nil {
		p.Form = emptyForm()
		p.Form.Values.Set("year", strconv.Itoa(s.svc.Today().Year()+1))
	}
	s.render(w, r, status, "subject_calls.html", "Appels à sujets d'évaluation", p)
	return nil
}

func (s *Server) subjectCalls(w http.ResponseWriter, r *http.Request) error {
	return s.renderSubjectCalls(w, r, http.StatusOK, subjectCallsPage{})
}

func (s *Server) subjectCallCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	year, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("year")))
	c, err := s.svc.CreateSubjectCall(r.Context(), actorFrom(r.Context()), service.SubjectCallInput{Year: year,
		OpensOn: r.PostForm.Get("opens_on"), ClosesOn: r.PostForm.Get("closes_on")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectCalls(w, r, formStatus(err), subjectCallsPage{Form: f})
	}
	msg := "L'appel à sujets " + strconv.Itoa(c.Year) + " est enregistré : les organismes habilités en seront informés par courriel le jour de son ouverture, le " + c.OpensOn.String() + "."
	if c.AnnouncedAt != nil || !s.svc.Today().Before(c.OpensOn) {
		msg = "L'appel à sujets " + strconv.Itoa(c.Year) + " est ouvert : les organismes habilités en sont informés par courriel."
	}
	s.flash(r, msg)
	http.Redirect(w, r, "/sujets/appels", http.StatusSeeOther)
	return nil
}

func (s *Server) subjectCallUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	err := s.svc.UpdateSubjectCall(r.Context(), actorFrom(r.Context()), r.PathValue("id"), service.SubjectCallInput{
		OpensOn: r.PostForm.Get("opens_on"), ClosesOn: r.PostForm.Get("closes_on")})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectCalls(w, r, formStatus(err), subjectCallsPage{EditID: r.PathValue("id"), EditForm: f})
	}
	s.flash(r, "Les dates de l'appel à sujets sont modifiées.")
	http.Redirect(w, r, "/sujets/appels", http.StatusSeeOther)
	return nil
}

type subjectCommitteePage struct {
	Sessions []store.SubjectCommitteeSessionListing
	Members  []domain.User
	Form     *form
	Now      domain.Date
}

func (s *Server) renderSubjectCommittee(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	sessions, err := s.svc.SubjectCommitteeSessions(ctx, a)
	if err != nil {
		return err
	}
	p := subjectCommitteePage{Sessions: sessions, Form: f, Now: s.svc.Today()}
	if service.Can(a, service.ActSubjectCommitteeManage) {
		if p.Members, err = s.svc.SubjectCommitteeMembers(ctx, a); err != nil {
			return err
		}
	}
	s.render(w, r, status, "subject_committee.html", "Commission de sujets d'évaluation", p)
	return nil
}

func (s *Server) subjectCommittee(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("time", "14:00")
	return s.renderSubjectCommittee(w, r, http.StatusOK, f)
}

func (s *Server) subjectCommitteeCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	sess, err := s.svc.CreateSubjectCommitteeSession(r.Context(), actorFrom(r.Context()), service.SubjectCommitteeInput{
		Date: r.PostForm.Get("date"), Time: r.PostForm.Get("time"), Place: r.PostForm.Get("place"), Members: r.PostForm["members"]})
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectCommittee(w, r, formStatus(err), f)
	}
	s.flash(r, "La séance du "+domain.DateOf(sess.StartsAt).String()+" est programmée ; ses membres sont convoqués par courriel.")
	http.Redirect(w, r, "/sujets/commission", http.StatusSeeOther)
	return nil
}

// proposerOptions offers the organisations a subject may be proposed by, or filtered on.
func proposerOptions(list []service.SubjectProposer) []option {
	out := make([]option, len(list))
	for i, p := range list {
		out[i] = option{Value: p.Key(), Label: p.Name + " (" + p.Kind.Label() + ")"}
	}
	return out
}

// qualificationOptions offers the qualifications with a framework.
func qualificationOptions(list []service.SubjectQualification) []option {
	out := make([]option, len(list))
	for i, q := range list {
		out[i] = option{Value: q.ID, Label: q.Code + " — " + q.Title}
	}
	return out
}
