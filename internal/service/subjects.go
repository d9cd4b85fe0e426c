package service

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The subject bank, the proposers' side (issue 18): a training organisation or a company
// writes a proposal (a draft it edits or withdraws), attaches PDFs, and submits it while a call
// is open; it then reads the committee's decision and reason, never the bank nor the draws.

// SubjectInput is a proposal as the form sends it.
type SubjectInput struct {
	Kind            domain.SubjectKind
	QualificationID string
	Blocks          []string
	Competences     []string
	Title           string
	CandidateText   string
	ExpectedAnswer  string
	MarkingGuide    string
	DurationMinutes int
	// Proposer is "kind:id" of the organisation the proposal is written for, when the actor
	// holds several; empty picks the only one.
	Proposer string
}

// SubjectProposer is an organisation an actor may propose subjects for.
type SubjectProposer struct {
	Kind domain.ProposerKind
	ID   string
	Name string
}

// Key is the form value naming the proposer.
func (p SubjectProposer) Key() string { return string(p.Kind) + ":" + p.ID }

// SubjectQualification is a qualification with its current framework, whose blocks and
// competences a proposal chooses from.
type SubjectQualification struct {
	ID          string
	FrameworkID string
	Code        string
	Title       string
	Blocks      []domain.Block
}

// subjectProposers lists the organisations the actor proposes for, from their scoped roles.
func (s *Service) subjectProposers(ctx context.Context, q store.Q, a domain.Actor) ([]SubjectProposer, error) {
	_, scoped, err := scopedAssignments(a, ActSubjectPropose)
	if err != nil {
		return nil, err
	}
	var out []SubjectProposer
	seen := map[string]bool{}
	for _, r := range scoped {
		p := SubjectProposer{ID: r.ScopeID}
		switch r.Role {
		case domain.RoleTrainingOrganisation:
			p.Kind = domain.ProposerTrainingOrganisation
			o, err := q.TrainingOrganisation(ctx, r.ScopeID)
			if err != nil {
				return nil, err
			}
			p.Name = o.Name
		case domain.RoleCompany, domain.RoleCompanyReferent:
			p.Kind = domain.ProposerCompany
			c, err := q.Company(ctx, r.ScopeID)
			if err != nil {
				return nil, err
			}
			p.Name = c.Name
		default:
			continue
		}
		if !seen[p.Key()] {
			seen[p.Key()] = true
			out = append(out, p)
		}
	}
	return out, nil
}

// SubjectProposers lists the organisations the actor may propose subjects for.
func (s *Service) SubjectProposers(ctx context.Context, a domain.Actor) ([]SubjectProposer, error) {
	return s.subjectProposers(ctx, s.store.Read(), a)
}

// SubjectQualifications lists the qualifications with their current framework's blocks and
// competences, for the proposal form and the bank's filters.
func (s *Service) SubjectQualifications(ctx context.Context, a domain.Actor) ([]SubjectQualification, error) {
	if !Can(a, ActSubjectPropose) && !Can(a, ActSubjectBankRead) {
		return nil, Check(a, ActSubjectPropose)
	}
	return subjectQualifications(ctx, s.store.Read())
}

func subjectQualifications(ctx context.Context, q store.Q) ([]SubjectQualification, error) {
	fws, err := q.LatestFrameworks(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]SubjectQualification, 0, len(fws))
	for _, f := range fws {
		out = append(out, SubjectQualification{ID: f.QualificationID, FrameworkID: f.ID, Code: f.Framework.Qualification.Code,
			Title: f.Framework.Qualification.Title, Blocks: f.Framework.Blocks})
	}
	slices.SortFunc(out, func(x, y SubjectQualification) int { return strings.Compare(x.Code, y.Code) })
	return out, nil
}

// SubjectProposals lists the proposals of the actor's organisations, the latest change first.
func (s *Service) SubjectProposals(ctx context.Context, a domain.Actor) ([]store.SubjectListing, error) {
	q := s.store.Read()
	proposers, err := s.subjectProposers(ctx, q, a)
	if err != nil {
		return nil, err
	}
	var out []store.SubjectListing
	for _, p := range proposers {
		list, err := q.Subjects(ctx, store.SubjectFilter{ProposerKind: p.Kind, ProposerOrgID: p.ID})
		if err != nil {
			return nil, err
		}
		for _, l := range list {
			l.Uses, l.LastUsed = 0, nil // a proposer never learns how its subjects are drawn
			out = append(out, l)
		}
	}
	slices.SortStableFunc(out, func(x, y store.SubjectListing) int { return y.UpdatedAt.Compare(x.UpdatedAt) })
	return out, nil
}

// SubjectProposalView is what a proposer reads of its proposal: its own text (the first
// version), its attachments, and the committee's decisions with their reasons.
type SubjectProposalView struct {
	Subject     domain.Subject
	Proposal    domain.SubjectVersion
	Attachments []domain.SubjectAttachment
	Decisions   []domain.SubjectReview
	Qualif      SubjectQualification
	OpenCall    *domain.SubjectCall
}

// ownProposal reads a subject the actor's organisations proposed; any other is not found.
func (s *Service) ownProposal(ctx context.Context, q store.Q, a domain.Actor, id string) (domain.Subject, error) {
	proposers, err := s.subjectProposers(ctx, q, a)
	if err != nil {
		return domain.Subject{}, err
	}
	sub, err := q.Subject(ctx, id)
	if err != nil {
		return sub, err
	}
	for _, p := range proposers {
		if p.Kind == sub.ProposerKind && p.ID == sub.ProposerOrgID {
			return sub, nil
		}
	}
	return domain.Subject{}, domain.Errorf(domain.ENOTFOUND, "Sujet introuvable.")
}

// SubjectProposal returns one of the actor's proposals.
func (s *Service) SubjectProposal(ctx context.Context, a domain.Actor, id string) (SubjectProposalView, error) {
	q := s.store.Read()
	sub, err := s.ownProposal(ctx, q, a, id)
	if err != nil {
		return SubjectProposalView{}, err
	}
	v := SubjectProposalView{Subject: sub}
	versions, err := q.SubjectVersions(ctx, id)
	if err != nil {
		return v, err
	}
	v.Proposal = versions[0]
	if v.Attachments, err = q.SubjectAttachments(ctx, id); err != nil {
		return v, err
	}
	reviews, err := q.SubjectReviews(ctx, id)
	if err != nil {
		return v, err
	}
	for _, r := range reviews {
		r.ReviewerID, r.ReviewerName, r.SessionID = "", "", "" // the committee decides as a body
		v.Decisions = append(v.Decisions, r)
	}
	quals, err := subjectQualifications(ctx, q)
	if err != nil {
		return v, err
	}
	for _, qu := range quals {
		if qu.ID == sub.QualificationID {
			v.Qualif = qu
		}
	}
	if call, ok, err := q.SubjectCallOpenOn(ctx, s.Today()); err != nil {
		return v, err
	} else if ok {
		v.OpenCall = &call
	}
	return v, nil
}

// checkSubjectInput validates a proposal against the qualification's current framework and
// returns the subject and its text ready to store.
func checkSubjectInput(quals []SubjectQualification, in SubjectInput) (domain.Subject, domain.SubjectVersion, error) {
	fe := domain.FieldErrors{}
	if !in.Kind.Valid() {
		fe.Add("kind", "Choisissez le type de sujet : cas pratique ou question de connaissances.")
	}
	var qual *SubjectQualification
	for i := range quals {
		if quals[i].ID == in.QualificationID {
			qual = &quals[i]
		}
	}
	sub := domain.Subject{Kind: in.Kind}
	if qual == nil {
		fe.Add("qualification", "Choisissez la qualification (CQP) du sujet.")
	} else {
		sub.QualificationID, sub.FrameworkID = qual.ID, qual.FrameworkID
		blocks := map[string]domain.Block{}
		for _, b := range qual.Blocks {
			blocks[b.Code] = b
		}
		for _, code := range in.Blocks {
			if _, ok := blocks[code]; !ok {
				fe.Add("blocks", "Le bloc « "+code+" » n'appartient pas au référentiel en vigueur de cette qualification.")
			}
		}
		if len(in.Blocks) == 0 {
			fe.Add("blocks", "Cochez au moins un bloc de compétences couvert par le sujet.")
		}
		for _, code := range in.Competences {
			found := false
			for _, bc := range in.Blocks {
				for _, c := range blocks[bc].Competences {
					found = found || c.Code == code
				}
			}
			if !found {
				fe.Add("competences", "La compétence « "+code+" » n'appartient à aucun des blocs cochés.")
			}
		}
		if len(in.Competences) == 0 {
			fe.Add("competences", "Cochez au moins une compétence évaluée par le sujet.")
		}
		sub.Blocks, sub.Competences = in.Blocks, in.Competences
	}
	v := domain.SubjectVersion{Title: strings.TrimSpace(in.Title), CandidateText: strings.TrimSpace(in.CandidateText),
		ExpectedAnswer: strings.TrimSpace(in.ExpectedAnswer), MarkingGuide: strings.TrimSpace(in.MarkingGuide), DurationMinutes: in.DurationMinutes}
	if err := v.Validate(); err != nil {
		for k, m := range err.(*domain.Error).Fields {
			fe.Add(k, m)
		}
	}
	return sub, v, fe.Err()
}

// CreateSubjectProposal records a draft for one of the actor's organisations.
func (s *Service) CreateSubjectProposal(ctx context.Context, a domain.Actor, in SubjectInput) (domain.Subject, error) {
	var out domain.Subject
	err := s.store.Write(ctx, func(q store.Q) error {
		proposers, err := s.subjectProposers(ctx, q, a)
		if err != nil {
			return err
		}
		var proposer *SubjectProposer
		for i := range proposers {
			if in.Proposer == proposers[i].Key() || in.Proposer == "" && len(proposers) == 1 {
				proposer = &proposers[i]
			}
		}
		quals, err := subjectQualifications(ctx, q)
		if err != nil {
			return err
		}
		sub, v, err := checkSubjectInput(quals, in)
		if proposer == nil {
			fe := domain.FieldErrors{"proposer": "Choisissez l'organisme ou l'entreprise au nom duquel vous proposez ce sujet."}
			if err != nil {
				for k, m := range err.(*domain.Error).Fields {
					fe.Add(k, m)
				}
			}
			return fe.Err()
		}
		if err != nil {
			return err
		}
		now := s.Now()
		sub.ID, sub.Status, sub.ProposerKind, sub.ProposerOrgID, sub.ProposedBy = newID(), domain.SubjectDraft, proposer.Kind, proposer.ID, a.UserID
		sub.CreatedAt, sub.UpdatedAt, sub.CurrentVersion = now, now, 1
		v.AuthorID, v.AuthorKind, v.CreatedAt = a.UserID, domain.SubjectAuthorProposer, now
		if err := q.CreateSubject(ctx, sub, v); err != nil {
			return err
		}
		sub.Current = v
		out = sub
		return s.audit(ctx, q, a, change{Action: "subject.draft", EntityType: "subject", EntityID: sub.ID, After: subjectAudit(sub, v)})
	})
	return out, err
}

// subjectAudit is what the audit trail keeps of a subject: its identity and coverage, not its
// confidential texts.
func subjectAudit(sub domain.Subject, v domain.SubjectVersion) map[string]any {
	return map[string]any{"kind": sub.Kind, "qualification_id": sub.QualificationID, "blocks": sub.Blocks, "competences": sub.Competences,
		"title": v.Title, "duration_minutes": v.DurationMinutes, "proposer": string(sub.ProposerKind) + ":" + sub.ProposerOrgID, "status": sub.Status}
}

// UpdateSubjectProposal changes a draft of the actor's organisations.
func (s *Service) UpdateSubjectProposal(ctx context.Context, a domain.Actor, id string, in SubjectInput) error {
	return s.store.Write(ctx, func(q store.Q) error {
		cur, err := s.ownProposal(ctx, q, a, id)
		if err != nil {
			return err
		}
		if !cur.Editable() {
			return domain.Errorf(domain.ECONFLICT, "Ce sujet a été soumis à la commission : il ne peut plus être modifié.")
		}
		quals, err := subjectQualifications(ctx, q)
		if err != nil {
			return err
		}
		sub, v, err := checkSubjectInput(quals, in)
		if err != nil {
			return err
		}
		sub.ID, sub.UpdatedAt = id, s.Now()
		if err := q.UpdateSubjectDraft(ctx, sub, v); err != nil {
			return err
		}
		sub.ProposerKind, sub.ProposerOrgID, sub.Status = cur.ProposerKind, cur.ProposerOrgID, cur.Status
		return s.audit(ctx, q, a, change{Action: "subject.edit", EntityType: "subject", EntityID: id,
			Before: subjectAudit(cur, cur.Current), After: subjectAudit(sub, v)})
	})
}

// SubmitSubjectProposal sends a draft to the committee; only while a call is open.
func (s *Service) SubmitSubjectProposal(ctx context.Context, a domain.Actor, id string) error {
	return s.store.Write(ctx, func(q store.Q) error {
		cur, err := s.ownProposal(ctx, q, a, id)
		if err != nil {
			return err
		}
		if !cur.Editable() {
			return domain.Errorf(domain.ECONFLICT, "Ce sujet a déjà été soumis ou retiré.")
		}
		call, ok, err := q.SubjectCallOpenOn(ctx, s.Today())
		if err != nil {
			return err
		}
		if !ok {
			return domain.Errorf(domain.ECONFLICT, "Aucun appel à sujets n'est ouvert aujourd'hui : le brouillon est gardé, soumettez-le à l'ouverture du prochain appel.")
		}
		if err := q.SubmitSubject(ctx, id, call.ID, s.Now()); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "subject.submit", EntityType: "subject", EntityID: id,
			Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": domain.SubjectSubmitted, "call": call.Year}})
	})
}

// WithdrawSubjectProposal withdraws a draft.
func (s *Service) WithdrawSubjectProposal(ctx context.Context, a domain.Actor, id string) error {
	return s.store.Write(ctx, func(q store.Q) error {
		cur, err := s.ownProposal(ctx, q, a, id)
		if err != nil {
			return err
		}
		if err := q.WithdrawSubject(ctx, id, s.Now()); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "subject.withdraw", EntityType: "subject", EntityID: id,
			Before: map[string]any{"status": cur.Status}, After: map[string]any{"status": domain.SubjectWithdrawn}})
	})
}

// AddSubjectAttachment attaches a PDF to a draft of the actor's organisations.
func (s *Service) AddSubjectAttachment(ctx context.Context, a domain.Actor, id, filename string, content []byte) (domain.SubjectAttachment, error) {
	var att domain.SubjectAttachment
	err := s.store.Write(ctx, func(q store.Q) error {
		cur, err := s.ownProposal(ctx, q, a, id)
		if err != nil {
			return err
		}
		if !cur.Editable() {
			return domain.Errorf(domain.ECONFLICT, "Ce sujet a été soumis : ses pièces jointes ne peuvent plus changer.")
		}
		if len(content) == 0 {
			return &domain.Error{Code: domain.EINVALID, Message: "Choisissez un fichier PDF à joindre.", Fields: map[string]string{"file": "Choisissez un fichier PDF à joindre."}}
		}
		if err := domain.CheckSubjectAttachment(filename, content); err != nil {
			return &domain.Error{Code: domain.EINVALID, Message: domain.ErrorMessage(err), Fields: map[string]string{"file": domain.ErrorMessage(err)}}
		}
		existing, err := q.SubjectAttachments(ctx, id)
		if err != nil {
			return err
		}
		if len(existing) >= domain.SubjectMaxAttachments {
			return domain.Errorf(domain.ECONFLICT, "Un sujet compte au plus 5 pièces jointes : retirez-en une avant d'en ajouter une autre.")
		}
		sum := sha256.Sum256(content)
		att = domain.SubjectAttachment{ID: newID(), SubjectID: id, Filename: domain.SafeFilename(filename), SizeBytes: int64(len(content)),
			SHA256: hex.EncodeToString(sum[:]), Content: content, UploadedAt: s.Now(), UploadedBy: a.UserID}
		if err := q.AddSubjectAttachment(ctx, att); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "subject.attach", EntityType: "subject", EntityID: id,
			After: map[string]any{"attachment": att.ID, "filename": att.Filename, "sha256": att.SHA256, "size": att.SizeBytes}})
	})
	att.Content = nil
	return att, err
}

// DeleteSubjectAttachment removes an attachment of a draft of the actor's organisations.
func (s *Service) DeleteSubjectAttachment(ctx context.Context, a domain.Actor, id, attachmentID string) error {
	return s.store.Write(ctx, func(q store.Q) error {
		cur, err := s.ownProposal(ctx, q, a, id)
		if err != nil {
			return err
		}
		if !cur.Editable() {
			return domain.Errorf(domain.ECONFLICT, "Ce sujet a été soumis : ses pièces jointes ne peuvent plus changer.")
		}
		att, err := q.SubjectAttachment(ctx, id, attachmentID)
		if err != nil {
			return err
		}
		if err := q.DeleteSubjectAttachment(ctx, id, attachmentID); err != nil {
			return err
		}
		return s.audit(ctx, q, a, change{Action: "subject.detach", EntityType: "subject", EntityID: id,
			Before: map[string]any{"attachment": att.ID, "filename": att.Filename, "sha256": att.SHA256}})
	})
}

// ProposalAttachment returns an attachment of one of the actor's proposals, with its bytes.
func (s *Service) ProposalAttachment(ctx context.Context, a domain.Actor, id, attachmentID string) (domain.SubjectAttachment, error) {
	q := s.store.Read()
	if _, err := s.ownProposal(ctx, q, a, id); err != nil {
		return domain.SubjectAttachment{}, err
	}
	return q.SubjectAttachment(ctx, id, attachmentID)
}
