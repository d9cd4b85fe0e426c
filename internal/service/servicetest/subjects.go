package servicetest

import (
	"context"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
)

// SubjectWorld is the subject bank's fixture: the 2026 call open on Clock's day, a committee
// session that morning with the subject committee account, and proposals of each side.
type SubjectWorld struct {
	CallID       string
	SessionID    string
	Qualif       service.SubjectQualification
	DraftA       string // a draft of OrgA
	SubmittedA   string // a proposal of OrgA awaiting the committee
	AcceptedCo   string // a proposal of CompanyA in the bank
	DraftB       string // a draft of OrgB
	DraftCo      string // a draft of CompanyA
	AttachmentA  string // a PDF of DraftA
	AttachmentS  string // a PDF of SubmittedA
	AttachmentCo string // a PDF of DraftCo
	CommitteeKey string // e-mail of the subject committee account
}

// MinimalPDF is a small valid PDF without active content.
const MinimalPDF = "%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"

// SubjectInput is a complete proposal on the CC qualification's first block and competence.
func (s SubjectWorld) SubjectInput(kind domain.SubjectKind, title string) service.SubjectInput {
	b := s.Qualif.Blocks[0]
	return service.SubjectInput{Kind: kind, QualificationID: s.Qualif.ID, Blocks: []string{b.Code}, Competences: []string{b.Competences[0].Code},
		Title: title, CandidateText: "Un client vous appelle : son véhicule assuré a été volé.", ExpectedAnswer: "Ouvrir la déclaration de sinistre.",
		MarkingGuide: "A si la déclaration est ouverte et le délai rappelé.", DurationMinutes: 20}
}

// Subjects builds the subject bank's fixture on first call.
func (w *World) Subjects(t testing.TB) SubjectWorld {
	t.Helper()
	if w.subjects == nil {
		s := w.buildSubjects(t)
		w.subjects = &s
	}
	return *w.subjects
}

func (w *World) buildSubjects(t testing.TB) SubjectWorld {
	t.Helper()
	ctx := context.Background()
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	svc := w.Service
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	committee := w.Actor(t, w.Accounts[domain.RoleSubjectCommittee])
	var sw SubjectWorld
	sw.CommitteeKey = w.Accounts[domain.RoleSubjectCommittee]
	quals, err := svc.SubjectQualifications(ctx, sec)
	must(err)
	for _, q := range quals {
		if q.Code == "CC" {
			sw.Qualif = q
		}
	}
	call, err := svc.CreateSubjectCall(ctx, sec, service.SubjectCallInput{Year: 2026, OpensOn: "01/11/2026", ClosesOn: "15/12/2026"})
	must(err)
	sw.CallID = call.ID
	sess, err := svc.CreateSubjectCommitteeSession(ctx, sec, service.SubjectCommitteeInput{Date: "25/11/2026", Time: "09:00", Place: "Paris, siège de la branche",
		Members: []string{w.UserIDs[sw.CommitteeKey]}})
	must(err)
	sw.SessionID = sess.ID

	ofA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
	ofB := w.Actor(t, w.OrgBAccount)
	co := w.Actor(t, w.Accounts[domain.RoleCompany])
	propose := func(a domain.Actor, title string) string {
		s, err := svc.CreateSubjectProposal(ctx, a, sw.SubjectInput(domain.SubjectPracticalCase, title))
		must(err)
		return s.ID
	}
	sw.DraftA = propose(ofA, "Vol de véhicule (brouillon)")
	att, err := svc.AddSubjectAttachment(ctx, ofA, sw.DraftA, "constat.pdf", []byte(MinimalPDF))
	must(err)
	sw.AttachmentA = att.ID
	sw.SubmittedA = propose(ofA, "Résiliation d'un contrat")
	att, err = svc.AddSubjectAttachment(ctx, ofA, sw.SubmittedA, "contrat.pdf", []byte(MinimalPDF))
	must(err)
	sw.AttachmentS = att.ID
	must(svc.SubmitSubjectProposal(ctx, ofA, sw.SubmittedA))
	sw.AcceptedCo = propose(co, "Devoir de conseil")
	must(svc.SubmitSubjectProposal(ctx, co, sw.AcceptedCo))
	_, err = svc.ReviewSubject(ctx, committee, sw.AcceptedCo, service.SubjectReviewInput{Decision: domain.SubjectDecisionAccepted, ValidityYears: 3})
	must(err)
	sw.DraftB = propose(ofB, "Sinistre habitation")
	sw.DraftCo = propose(co, "Renouvellement d'une flotte")
	att, err = svc.AddSubjectAttachment(ctx, co, sw.DraftCo, "flotte.pdf", []byte(MinimalPDF))
	must(err)
	sw.AttachmentCo = att.ID
	return sw
}
