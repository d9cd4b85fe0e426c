package servicetest

import (
	"context"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/store"
)

// AcceptSubject has the proposer write a subject of the kind on the block, submit it in the open
// call, and the subject committee accept it for years; it returns the subject's id. The
// subject bank's fixture (w.Subjects) must have been built.
func (w *World) AcceptSubject(t testing.TB, proposer domain.Actor, kind domain.SubjectKind, title string, block domain.Block, years int) string {
	t.Helper()
	ctx := context.Background()
	sw := w.Subjects(t)
	in := sw.SubjectInput(kind, title)
	in.Blocks, in.Competences = []string{block.Code}, []string{block.Competences[0].Code}
	in.CandidateText, in.ExpectedAnswer, in.MarkingGuide = "Énoncé : "+title, "Réponse attendue : "+title, "Grille : "+title
	sub, err := w.Service.CreateSubjectProposal(ctx, proposer, in)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Service.SubmitSubjectProposal(ctx, proposer, sub.ID); err != nil {
		t.Fatal(err)
	}
	committee := w.Actor(t, sw.CommitteeKey)
	if _, err := w.Service.ReviewSubject(ctx, committee, sub.ID, service.SubjectReviewInput{Decision: domain.SubjectDecisionAccepted, ValidityYears: years}); err != nil {
		t.Fatal(err)
	}
	return sub.ID
}

// EnrolmentBlocks returns the blocks candidate A presents, and a block of the qualification
// they do not present.
func (w *World) EnrolmentBlocks(t testing.TB) (presented []domain.Block, other domain.Block) {
	t.Helper()
	sw := w.Subjects(t)
	c, err := w.Service.Store().Read().Candidate(context.Background(), w.CandidateA, store.Scope{})
	if err != nil {
		t.Fatal(err)
	}
	codes := c.Enrolments[0].Blocks
	for _, b := range sw.Qualif.Blocks {
		found := false
		for _, code := range codes {
			found = found || code == b.Code
		}
		if found {
			presented = append(presented, b)
		} else if other.Code == "" {
			other = b
		}
	}
	if len(presented) == 0 || other.Code == "" {
		t.Fatalf("candidate A presents %v of %d blocks", codes, len(sw.Qualif.Blocks))
	}
	return presented, other
}
