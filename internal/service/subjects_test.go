package service_test

import (
	"context"
	"strings"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestSubjectBank(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	sw := w.Subjects(t)
	svc := w.Service
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	committee := w.Actor(t, sw.CommitteeKey)
	ofA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
	ofB := w.Actor(t, w.OrgBAccount)
	referent := w.Actor(t, w.Accounts[domain.RoleCompanyReferent])

	t.Run("a proposer reads only its own organisation's proposals", func(t *testing.T) {
		if _, err := svc.SubjectProposal(ctx, ofA, sw.DraftA); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.SubjectProposal(ctx, ofB, sw.DraftA); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("OF B read OF A's draft: %v", err)
		}
		// The referent belongs to company A: they read the proposal the company's HR wrote.
		if _, err := svc.SubjectProposal(ctx, referent, sw.AcceptedCo); err != nil {
			t.Fatalf("referent: %v", err)
		}
		list, err := svc.SubjectProposals(ctx, ofA)
		if err != nil || len(list) != 2 {
			t.Fatalf("OF A's proposals: %d %v", len(list), err)
		}
		if _, err := svc.SubjectProposals(ctx, committee); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("the committee proposes nothing: %v", err)
		}
	})

	t.Run("a proposal covers blocks and competences of the qualification's current framework", func(t *testing.T) {
		in := sw.SubjectInput(domain.SubjectKnowledgeQuestion, "Question")
		in.Blocks, in.Competences, in.ExpectedAnswer, in.DurationMinutes = []string{"BC99"}, []string{"C99"}, "", 300
		_, err := svc.CreateSubjectProposal(ctx, ofA, in)
		var de *domain.Error
		if domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("got %v", err)
		}
		de = err.(*domain.Error)
		for _, field := range []string{"blocks", "competences", "expected_answer", "duration_minutes"} {
			if de.Fields[field] == "" {
				t.Errorf("no message for %s: %v", field, de.Fields)
			}
		}
	})

	t.Run("a draft is edited and withdrawn by its organisation, a submitted one no longer", func(t *testing.T) {
		s, err := svc.CreateSubjectProposal(ctx, ofA, sw.SubjectInput(domain.SubjectKnowledgeQuestion, "Le délai de rétractation"))
		if err != nil {
			t.Fatal(err)
		}
		in := sw.SubjectInput(domain.SubjectKnowledgeQuestion, "Le délai de rétractation (14 jours)")
		if err := svc.UpdateSubjectProposal(ctx, ofA, s.ID, in); err != nil {
			t.Fatal(err)
		}
		if err := svc.UpdateSubjectProposal(ctx, ofB, s.ID, in); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("OF B edited OF A's draft: %v", err)
		}
		if err := svc.WithdrawSubjectProposal(ctx, ofA, s.ID); err != nil {
			t.Fatal(err)
		}
		if err := svc.SubmitSubjectProposal(ctx, ofA, s.ID); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("submitting a withdrawn proposal: %v", err)
		}
		if err := svc.UpdateSubjectProposal(ctx, ofA, sw.SubmittedA, in); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("editing a submitted proposal: %v", err)
		}
		entries, _, err := svc.Audit(ctx, sec, store.AuditFilter{EntityID: s.ID})
		if err != nil || len(entries) != 3 {
			t.Fatalf("audit: %d %v", len(entries), err)
		}
		for _, e := range entries {
			if strings.Contains(e.After+e.Before, "véhicule") {
				t.Errorf("the audit trail keeps a subject's confidential text: %s", e.After)
			}
		}
	})

	t.Run("a submission waits for an open call", func(t *testing.T) {
		s, err := svc.CreateSubjectProposal(ctx, ofA, sw.SubjectInput(domain.SubjectPracticalCase, "Hors appel"))
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.UpdateSubjectCall(ctx, sec, sw.CallID, service.SubjectCallInput{OpensOn: "01/11/2026", ClosesOn: "20/11/2026"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SubmitSubjectProposal(ctx, ofA, s.ID); domain.ErrorCode(err) != domain.ECONFLICT || !strings.Contains(domain.ErrorMessage(err), "Aucun appel") {
			t.Fatalf("submitting after the call closed: %v", err)
		}
		if err := svc.UpdateSubjectCall(ctx, sec, sw.CallID, service.SubjectCallInput{OpensOn: "01/11/2026", ClosesOn: "15/12/2026"}); err != nil {
			t.Fatal(err)
		}
		if err := svc.SubmitSubjectProposal(ctx, ofA, s.ID); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateSubjectCall(ctx, sec, service.SubjectCallInput{Year: 2026, OpensOn: "01/01/2026", ClosesOn: "02/02/2026"}); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("a second call for 2026: %v", err)
		}
		if _, err := svc.CreateSubjectCall(ctx, sec, service.SubjectCallInput{Year: 2027, OpensOn: "15/12/2026", ClosesOn: "31/01/2027"}); domain.ErrorCode(err) != domain.EINVALID ||
			!strings.Contains(err.(*domain.Error).Fields["opens_on"], "chevauchent l'appel 2026") {
			t.Fatalf("a call overlapping 2026's: %v", err)
		}
		if err := svc.UpdateSubjectCall(ctx, ofA, sw.CallID, service.SubjectCallInput{OpensOn: "01/11/2026", ClosesOn: "15/12/2026"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("an OF set the call: %v", err)
		}
	})

	t.Run("attachments are PDFs of at most 5 Mo, read by their proposer", func(t *testing.T) {
		if _, err := svc.AddSubjectAttachment(ctx, ofA, sw.DraftA, "photo.png", []byte("\x89PNG\r\n\x1a\nxxxx")); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a PNG: %v", err)
		}
		if _, err := svc.AddSubjectAttachment(ctx, ofA, sw.DraftA, "faux.pdf", []byte("bonjour")); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a text named .pdf: %v", err)
		}
		big := []byte(servicetest.MinimalPDF + strings.Repeat(" ", domain.SubjectMaxAttachmentBytes))
		if _, err := svc.AddSubjectAttachment(ctx, ofA, sw.DraftA, "gros.pdf", big); domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(domain.ErrorMessage(err), "5 Mo") {
			t.Fatalf("a large PDF: %v", err)
		}
		a, err := svc.ProposalAttachment(ctx, ofA, sw.DraftA, sw.AttachmentA)
		if err != nil || string(a.Content) != servicetest.MinimalPDF {
			t.Fatalf("got %v", err)
		}
		if _, err := svc.ProposalAttachment(ctx, ofB, sw.DraftA, sw.AttachmentA); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("OF B read OF A's attachment: %v", err)
		}
		if _, err := svc.AddSubjectAttachment(ctx, ofA, sw.SubmittedA, "constat.pdf", []byte(servicetest.MinimalPDF)); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("attaching to a submitted proposal: %v", err)
		}
	})

	t.Run("a refusal needs its reason; an acceptance with changes keeps the proposer's version", func(t *testing.T) {
		if _, err := svc.ReviewSubject(ctx, committee, sw.SubmittedA, service.SubjectReviewInput{Decision: domain.SubjectDecisionRefused}); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("a refusal without reason: %v", err)
		}
		if _, err := svc.ReviewSubject(ctx, sec, sw.SubmittedA, service.SubjectReviewInput{Decision: domain.SubjectDecisionAccepted, ValidityYears: 2}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("the secretariat decided: %v", err)
		}
		in := sw.SubjectInput(domain.SubjectPracticalCase, "Résiliation d'un contrat (loi Hamon)")
		r, err := svc.ReviewSubject(ctx, committee, sw.SubmittedA, service.SubjectReviewInput{Decision: domain.SubjectDecisionAcceptedWithChanges,
			Reason: "Énoncé précisé : la loi Hamon", ValidityYears: 2, Title: in.Title, CandidateText: in.CandidateText + " Il invoque la loi Hamon.",
			ExpectedAnswer: in.ExpectedAnswer, MarkingGuide: in.MarkingGuide, DurationMinutes: 25})
		if err != nil || r.SessionID != sw.SessionID || r.Version != 2 {
			t.Fatalf("got %+v %v", r, err)
		}
		d, err := svc.Subject(ctx, sec, sw.SubmittedA)
		if err != nil || len(d.Versions) != 2 || d.Versions[0].Title != "Résiliation d'un contrat" || d.Subject.Current.DurationMinutes != 25 ||
			d.Subject.ValidUntil != domain.NewDate(2028, 11, 24) {
			t.Fatalf("got %+v %v", d, err)
		}
		view, err := svc.SubjectProposal(ctx, ofA, sw.SubmittedA)
		if err != nil || len(view.Decisions) != 1 || view.Decisions[0].Reason != "Énoncé précisé : la loi Hamon" || view.Decisions[0].ReviewerName != "" ||
			view.Proposal.Title != "Résiliation d'un contrat" {
			t.Fatalf("the proposer's view: %+v %v", view, err)
		}
		mails, err := svc.Outbox(ctx, sec)
		if err != nil {
			t.Fatal(err)
		}
		told := false
		for _, m := range mails {
			told = told || m.To == w.Accounts[domain.RoleTrainingOrganisation] && strings.Contains(m.Body, "loi Hamon")
		}
		if !told {
			t.Error("the proposer was not told of the decision")
		}
		if _, err := svc.ReviewSubject(ctx, committee, sw.SubmittedA, service.SubjectReviewInput{Decision: domain.SubjectDecisionRefused, Reason: "Non"}); domain.ErrorCode(err) != domain.ECONFLICT {
			t.Fatalf("deciding twice: %v", err)
		}
	})

	t.Run("the bank is searched by the secretariat and the committee, never by a proposer", func(t *testing.T) {
		rows, err := svc.SubjectBank(ctx, committee, service.SubjectBankFilter{Proposer: "company:" + w.CompanyA})
		if err != nil || len(rows) != 1 || rows[0].ID != sw.AcceptedCo || rows[0].ProposerOrgName != "Cabinet A" {
			t.Fatalf("got %+v %v", rows, err)
		}
		rows, err = svc.SubjectBank(ctx, sec, service.SubjectBankFilter{QualificationID: sw.Qualif.ID, Kind: domain.SubjectPracticalCase})
		if err != nil || len(rows) != 2 {
			t.Fatalf("got %d %v", len(rows), err)
		}
		if _, err := svc.SubjectBank(ctx, ofA, service.SubjectBankFilter{}); domain.ErrorCode(err) != domain.EFORBIDDEN {
			t.Fatalf("an OF searched the bank: %v", err)
		}
		if _, err := svc.Subject(ctx, sec, sw.DraftA); domain.ErrorCode(err) != domain.ENOTFOUND {
			t.Fatalf("a draft is its author's: %v", err)
		}
	})

	t.Run("a subject leaves the bank with a reason", func(t *testing.T) {
		if err := svc.RetireSubject(ctx, committee, sw.AcceptedCo, " "); domain.ErrorCode(err) != domain.EINVALID {
			t.Fatalf("retiring without reason: %v", err)
		}
		if err := svc.RetireSubject(ctx, committee, sw.AcceptedCo, "Réglementation modifiée"); err != nil {
			t.Fatal(err)
		}
		d, err := svc.Subject(ctx, sec, sw.AcceptedCo)
		if err != nil || d.Subject.Status != domain.SubjectRetired || d.Subject.RetireReason != "Réglementation modifiée" {
			t.Fatalf("got %+v %v", d.Subject, err)
		}
		entries, _, _ := svc.Audit(ctx, sec, store.AuditFilter{EntityID: sw.AcceptedCo, Action: "subject.retire"})
		if len(entries) != 1 || entries[0].Reason != "Réglementation modifiée" {
			t.Fatalf("audit %+v", entries)
		}
	})

	t.Run("the call's opening is mailed once to every accredited organisation", func(t *testing.T) {
		if err := svc.UpdateSubjectCall(ctx, sec, sw.CallID, service.SubjectCallInput{OpensOn: "01/11/2026", ClosesOn: "19/11/2026"}); err != nil {
			t.Fatal(err)
		}
		sys := domain.SystemActor("test")
		o, err := svc.CreateTrainingOrganisation(ctx, sys, domain.TrainingOrganisation{Name: "Organisme C", SIRET: "55203253400646", Email: "contact@organisme-c.fr"})
		if err != nil {
			t.Fatal(err)
		}
		if err := svc.AddAccreditation(ctx, sys, domain.Accreditation{TrainingOrganisationID: o.ID, QualificationCode: "CC",
			ValidFrom: domain.NewDate(2026, 1, 1), ValidUntil: domain.NewDate(2028, 12, 31)}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.CreateSubjectCall(ctx, sec, service.SubjectCallInput{Year: 2027, OpensOn: "20/11/2026", ClosesOn: "31/01/2027"}); err != nil {
			t.Fatal(err)
		}
		if n, err := svc.AnnounceSubjectCalls(ctx); n != 0 || err != nil {
			t.Fatalf("announced again: %d %v", n, err)
		}
		mails, _ := svc.Outbox(ctx, sec)
		count := 0
		for _, m := range mails {
			if m.To == "contact@organisme-c.fr" && strings.Contains(m.Subject, "2027") {
				count++
			}
		}
		if count != 1 {
			t.Fatalf("%d opening mails for 2027", count)
		}
	})
}

func TestSubjectDashboardTasks(t *testing.T) {
	ctx := context.Background()
	st := storetest.Open(t, storetest.Targets(t)[0])
	w := servicetest.New(t, st)
	sec := w.Actor(t, w.Accounts[domain.RoleSecretariat])
	card := func(a domain.Actor, label string) service.DashboardCard {
		t.Helper()
		cards, err := w.Service.Dashboard(ctx, a)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range cards {
			if c.Label == label {
				return c
			}
		}
		t.Fatalf("no card %q", label)
		return service.DashboardCard{}
	}
	if c := card(sec, "Appel à sujets d'évaluation à ouvrir"); c.Count != 1 || c.Items[0].Label != "appel 2026" {
		t.Fatalf("before any call: %+v", c)
	}
	sw := w.Subjects(t)
	if c := card(sec, "Appel à sujets d'évaluation à ouvrir"); c.Count != 0 {
		t.Fatalf("with the 2026 call open: %+v", c)
	}
	c := card(w.Actor(t, sw.CommitteeKey), "Propositions de sujets à examiner")
	if c.Count != 1 || !strings.Contains(c.Items[0].Label, "Résiliation d'un contrat") || c.Href != "/sujets/banque/"+sw.SubmittedA+"/examen" {
		t.Fatalf("the committee's task: %+v", c)
	}
	// The session of the morning is past its day tomorrow: the secretariat is asked for another.
	if c := card(sec, "Séance de la commission de sujets à programmer"); c.Count != 0 {
		t.Fatalf("with today's session: %+v", c)
	}
}
