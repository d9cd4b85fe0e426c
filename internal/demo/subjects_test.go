package demo

import (
	"context"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/store"
)

// The demo's bank holds accepted subjects of every qualification, written by two training
// organisations and a company, and each of its orals drew a practical case and a knowledge
// question that neither the candidate's organisation nor company wrote.
func checkOralsDrawTheirSubjectsFromTheBank(t *testing.T, d loadedDemo) {
	ctx, s, svc := context.Background(), d.s, d.svc
	q := s.Read()
	bank, err := q.Subjects(ctx, store.SubjectFilter{Statuses: []domain.SubjectStatus{domain.SubjectAccepted}})
	if err != nil {
		t.Fatal(err)
	}
	proposers := map[string]bool{}
	perQualification := map[string]int{}
	for _, sub := range bank {
		proposers[sub.ProposerOrgName] = true
		perQualification[sub.QualificationID]++
	}
	quals, err := svc.SubjectQualifications(ctx, domain.SystemActor("test"))
	if err != nil {
		t.Fatal(err)
	}
	for _, qu := range quals {
		if perQualification[qu.ID] == 0 {
			t.Errorf("no accepted subject for %s", qu.Code)
		}
	}
	if len(proposers) != 3 {
		t.Errorf("the bank's proposers: %v, want two organisations and a company", proposers)
	}
	orals, err := q.ListOrals(ctx, store.OralFilter{})
	if err != nil || len(orals) == 0 {
		t.Fatalf("orals: %d %v", len(orals), err)
	}
	byID := map[string]store.SubjectListing{}
	for _, sub := range bank {
		byID[sub.ID] = sub
	}
	for _, o := range orals {
		draws, err := q.SubjectDraws(ctx, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[domain.SubjectKind]bool{}
		for _, d := range draws {
			kinds[d.Kind] = true
			if p := byID[d.SubjectID].ProposerOrgID; p == o.TrainingOrganisationID || p == o.CompanyID {
				t.Errorf("the oral of %s drew a subject of their own organisation", o.Candidate.DisplayName())
			}
		}
		if len(kinds) != 2 {
			t.Errorf("the oral of %s drew %d subjects", o.Candidate.DisplayName(), len(draws))
		}
	}
}
