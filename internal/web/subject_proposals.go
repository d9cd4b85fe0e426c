package web

import (
	"errors"
	"io"
	"net/http"
	"strconv"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/download"
	"cqp/internal/service"
	"cqp/internal/store"
)

// The proposers' pages of the subject bank: their organisation's proposals, the proposal form
// (the qualification first, then its blocks and competences), a proposal's page with its
// attachments and the committee's decisions.

type subjectProposalsPage struct {
	Proposals []store.SubjectListing
	OpenCall  *domain.SubjectCall
}

func (s *Server) subjectProposalList(w http.ResponseWriter, r *http.Request) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	list, err := s.svc.SubjectProposals(ctx, a)
	if err != nil {
		return err
	}
	p := subjectProposalsPage{Proposals: list}
	if call, ok, err := s.svc.OpenSubjectCall(ctx, a); err != nil {
		return err
	} else if ok {
		p.OpenCall = &call
	}
	s.render(w, r, http.StatusOK, "subject_proposals.html", "Mes propositions de sujets d'évaluation", p)
	return nil
}

type subjectFormPage struct {
	Form       *form
	Quals      []service.SubjectQualification
	Qualif     *service.SubjectQualification
	Proposers  []service.SubjectProposer
	Kinds      []domain.SubjectKind
	SubjectID  string // "" for a new proposal
	FormAction string
}

func (s *Server) renderSubjectForm(w http.ResponseWriter, r *http.Request, status int, f *form, id string) error {
	ctx, a := r.Context(), actorFrom(r.Context())
	quals, err := s.svc.SubjectQualifications(ctx, a)
	if err != nil {
		return err
	}
	proposers, err := s.svc.SubjectProposers(ctx, a)
	if err != nil {
		return err
	}
	if f.Get("duration_minutes") == "" && f.Error == "" {
		f.Values.Set("duration_minutes", "20")
	}
	p := subjectFormPage{Form: f, Quals: quals, Proposers: proposers, Kinds: domain.SubjectKinds, SubjectID: id, FormAction: "/sujets/propositions"}
	if id != "" {
		p.FormAction = "/sujets/propositions/" + id
	}
	for i := range quals {
		if quals[i].ID == f.Get("qualification") {
			p.Qualif = &quals[i]
		}
	}
	title := "Proposer un sujet d'évaluation"
	if id != "" {
		title = "Modifier la proposition de sujet"
	}
	s.render(w, r, status, "subject_proposal_form.html", title, p)
	return nil
}

// subjectProposalNew shows the form; without a qualification it asks for one first, so that
// the blocks and competences offered are that qualification's.
func (s *Server) subjectProposalNew(w http.ResponseWriter, r *http.Request) error {
	f := emptyForm()
	f.Values.Set("qualification", r.URL.Query().Get("qualification"))
	return s.renderSubjectForm(w, r, http.StatusOK, f, "")
}

func subjectInputFrom(r *http.Request) service.SubjectInput {
	d, _ := strconv.Atoi(strings.TrimSpace(r.PostForm.Get("duration_minutes")))
	return service.SubjectInput{Kind: domain.SubjectKind(r.PostForm.Get("kind")), QualificationID: r.PostForm.Get("qualification"),
		Blocks: r.PostForm["blocks"], Competences: r.PostForm["competences"], Title: r.PostForm.Get("title"),
		CandidateText: r.PostForm.Get("candidate_text"), ExpectedAnswer: r.PostForm.Get("expected_answer"),
		MarkingGuide: r.PostForm.Get("marking_guide"), DurationMinutes: d, Proposer: r.PostForm.Get("proposer")}
}

func (s *Server) subjectProposalCreate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f := newForm(r)
	if r.PostForm.Get("choose") != "" { // the qualification was chosen: show its blocks
		return s.renderSubjectForm(w, r, http.StatusOK, f, "")
	}
	sub, err := s.svc.CreateSubjectProposal(r.Context(), actorFrom(r.Context()), subjectInputFrom(r))
	if err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectForm(w, r, formStatus(err), f, "")
	}
	s.flash(r, "Le brouillon « "+sub.Current.Title+" » est enregistré. Joignez-y vos pièces puis soumettez-le à la commission de sujets.")
	http.Redirect(w, r, "/sujets/propositions/"+sub.ID, http.StatusSeeOther)
	return nil
}

func (s *Server) subjectProposalEdit(w http.ResponseWriter, r *http.Request) error {
	v, err := s.svc.SubjectProposal(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	if !v.Subject.Editable() {
		return domain.Errorf(domain.ECONFLICT, "Ce sujet a été soumis à la commission : il ne peut plus être modifié.")
	}
	f := emptyForm()
	f.Values.Set("kind", string(v.Subject.Kind))
	f.Values.Set("qualification", v.Subject.QualificationID)
	f.Values["blocks"] = v.Subject.Blocks
	f.Values["competences"] = v.Subject.Competences
	f.Values.Set("title", v.Proposal.Title)
	f.Values.Set("candidate_text", v.Proposal.CandidateText)
	f.Values.Set("expected_answer", v.Proposal.ExpectedAnswer)
	f.Values.Set("marking_guide", v.Proposal.MarkingGuide)
	f.Values.Set("duration_minutes", strconv.Itoa(v.Proposal.DurationMinutes))
	return s.renderSubjectForm(w, r, http.StatusOK, f, v.Subject.ID)
}

func (s *Server) subjectProposalUpdate(w http.ResponseWriter, r *http.Request) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	f, id := newForm(r), r.PathValue("id")
	if r.PostForm.Get("choose") != "" {
		return s.renderSubjectForm(w, r, http.StatusOK, f, id)
	}
	if err := s.svc.UpdateSubjectProposal(r.Context(), actorFrom(r.Context()), id, subjectInputFrom(r)); err != nil {
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectForm(w, r, formStatus(err), f, id)
	}
	s.flash(r, "Le brouillon est enregistré.")
	http.Redirect(w, r, "/sujets/propositions/"+id, http.StatusSeeOther)
	return nil
}

type subjectProposalPage struct {
	View   service.SubjectProposalView
	Form   *form
	Blocks []domain.Block // the blocks covered, with their competences
}

func (s *Server) renderSubjectProposal(w http.ResponseWriter, r *http.Request, status int, f *form) error {
	v, err := s.svc.SubjectProposal(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	if err != nil {
		return err
	}
	p := subjectProposalPage{View: v, Form: f, Blocks: coveredBlocks(v.Qualif, v.Subject)}
	s.render(w, r, status, "subject_proposal_show.html", v.Proposal.Title, p)
	return nil
}

// coveredBlocks returns the blocks a subject covers, each with only the competences it covers.
func coveredBlocks(q service.SubjectQualification, sub domain.Subject) []domain.Block {
	var out []domain.Block
	for _, b := range q.Blocks {
		if !contains(sub.Blocks, b.Code) {
			continue
		}
		c := b
		c.Competences = nil
		for _, comp := range b.Competences {
			if contains(sub.Competences, comp.Code) {
				c.Competences = append(c.Competences, comp)
			}
		}
		out = append(out, c)
	}
	return out
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

func (s *Server) subjectProposalShow(w http.ResponseWriter, r *http.Request) error {
	return s.renderSubjectProposal(w, r, http.StatusOK, emptyForm())
}

// subjectProposalAction runs one of the proposal page's buttons and comes back to the page.
func (s *Server) subjectProposalAction(w http.ResponseWriter, r *http.Request, run func() error, done string) error {
	if err := parseForm(w, r); err != nil {
		return err
	}
	if err := run(); err != nil {
		f := emptyForm()
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectProposal(w, r, formStatus(err), f)
	}
	s.flash(r, done)
	http.Redirect(w, r, "/sujets/propositions/"+r.PathValue("id"), http.StatusSeeOther)
	return nil
}

func (s *Server) subjectProposalSubmit(w http.ResponseWriter, r *http.Request) error {
	return s.subjectProposalAction(w, r, func() error {
		return s.svc.SubmitSubjectProposal(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	}, "La proposition est soumise à la commission de sujets. Vous serez prévenu de sa décision.")
}

func (s *Server) subjectProposalWithdraw(w http.ResponseWriter, r *http.Request) error {
	return s.subjectProposalAction(w, r, func() error {
		return s.svc.WithdrawSubjectProposal(r.Context(), actorFrom(r.Context()), r.PathValue("id"))
	}, "Le brouillon est retiré.")
}

func (s *Server) subjectProposalDetach(w http.ResponseWriter, r *http.Request) error {
	return s.subjectProposalAction(w, r, func() error {
		return s.svc.DeleteSubjectAttachment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("piece"))
	}, "La pièce jointe est retirée.")
}

// subjectAttachmentOverhead is what a multipart upload carries besides the file.
const subjectAttachmentOverhead = 16 << 10

// subjectProposalAttach receives one PDF, read whole before anything is stored.
func (s *Server) subjectProposalAttach(w http.ResponseWriter, r *http.Request) error {
	r.Body = http.MaxBytesReader(w, r.Body, domain.SubjectMaxAttachmentBytes+subjectAttachmentOverhead)
	name, content, readErr := readSubjectUpload(r)
	if readErr != nil {
		f := emptyForm()
		var tooBig *http.MaxBytesError
		if errors.As(readErr, &tooBig) {
			f.Error = "Le fichier dépasse 5 Mo : réduisez-le (par exemple en l'imprimant de nouveau en PDF) et recommencez."
			f.Errors["file"] = f.Error
			return s.renderSubjectProposal(w, r, http.StatusRequestEntityTooLarge, f)
		}
		f.Error = "Le fichier n'a pas été reçu en entier : aucune pièce n'a été ajoutée ; recommencez."
		f.Errors["file"] = "Choisissez de nouveau le fichier à joindre."
		return s.renderSubjectProposal(w, r, http.StatusBadRequest, f)
	}
	att, err := s.svc.AddSubjectAttachment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), name, content)
	if err != nil {
		f := emptyForm()
		if !f.fail(err) {
			return err
		}
		return s.renderSubjectProposal(w, r, formStatus(err), f)
	}
	s.flash(r, "La pièce « "+att.Filename+" » est jointe au sujet.")
	http.Redirect(w, r, "/sujets/propositions/"+r.PathValue("id")+"#pieces", http.StatusSeeOther)
	return nil
}

// readSubjectUpload reads the "file" part of a multipart form; a body that is not one gives
// no file, which the service refuses with its message.
func readSubjectUpload(r *http.Request) (string, []byte, error) {
	mr, err := r.MultipartReader()
	if err != nil {
		return "", nil, nil
	}
	for {
		part, err := mr.NextPart()
		if err == io.EOF {
			return "", nil, nil
		}
		if err != nil {
			return "", nil, err
		}
		if part.FormName() == "file" {
			b, err := io.ReadAll(part)
			return part.FileName(), b, err
		}
		_ = part.Close()
	}
}

func (s *Server) subjectProposalAttachment(w http.ResponseWriter, r *http.Request) error {
	att, err := s.svc.ProposalAttachment(r.Context(), actorFrom(r.Context()), r.PathValue("id"), r.PathValue("piece"))
	if err != nil {
		return err
	}
	return download.Write(w, r, att.Filename, "application/pdf", att.Content)
}
