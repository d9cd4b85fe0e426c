package service_test

import (
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/service"
	"cqp/internal/service/servicetest"
	"cqp/internal/store"
)

// Three candidates drew the same case at past orals; the commission's grids acquired its block
// for one of them only: most fail, the subject is flagged for the committee.
func TestASubjectMostCandidatesFailIsFlaggedForTheCommittee(t *testing.T) {
	dw := newDrawWorld(t)
	block := dw.presented[0]
	failing := dw.AcceptSubject(t, dw.ofB, domain.SubjectPracticalCase, "Cas difficile", block, 3)
	unused := dw.AcceptSubject(t, dw.ofB, domain.SubjectKnowledgeQuestion, "Question jamais tirée", block, 3)
	enrolments := []string{dw.EnrolmentA}
	candidates := []string{dw.CandidateA}
	var optional []string
	for _, b := range dw.presented {
		if b.Kind == domain.BlockOptional {
			optional = append(optional, b.Code)
		}
	}
	for _, name := range []string{"Durand", "Petit"} {
		c, err := dw.Service.CreateCandidate(dw.ctx, dw.sec, service.CandidateInput{
			Candidate: domain.Candidate{BirthName: name, FirstNames: "Camille", BirthDate: domain.NewDate(1994, 2, 3), Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"},
			Enrolment: &service.EnrolmentInput{QualificationCode: "CC", Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
				TrainingOrganisationID: dw.OrgA, CompanyID: dw.CompanyA, Blocks: optional}})
		if err != nil {
			t.Fatal(err)
		}
		full, err := dw.Service.Candidate(dw.ctx, dw.sec, c.ID)
		if err != nil {
			t.Fatal(err)
		}
		enrolments, candidates = append(enrolments, full.Enrolments[0].ID), append(candidates, c.ID)
	}
	past := servicetest.Clock.AddDate(0, 0, -10)
	if err := dw.Service.Store().Write(dw.ctx, func(q store.Q) error {
		for i, e := range enrolments {
			oral := "past-oral-" + e
			if err := q.CreateOral(dw.ctx, store.Oral{ID: oral, CommissionID: dw.CommissionID, EnrolmentID: e,
				StartsAt: past.Add(time.Duration(i) * time.Hour), DurationMinutes: 60, Place: "Paris", CreatedAt: past}); err != nil {
				return err
			}
			if err := q.CreateSubjectDraw(dw.ctx, domain.SubjectDraw{ID: "draw-" + e, OralID: oral, SubjectID: failing, Kind: domain.SubjectPracticalCase,
				Version: 1, CandidateID: candidates[i], EnrolmentID: e, DrawnAt: past.AddDate(0, 0, -14)}); err != nil {
				return err
			}
			mark := "NA"
			if i == 2 {
				mark = "A"
			}
			marks := map[string]store.GridMark{}
			for _, c := range block.Competences {
				marks[c.Code] = store.GridMark{Mark: mark}
			}
			submitted := past.Add(2 * time.Hour)
			if err := q.CreateGrid(dw.ctx, store.Grid{ID: "grid-" + e, EnrolmentID: e, Evaluator: domain.EvaluatorCommission, Version: 1,
				Status: store.GridSubmitted, CreatedAt: past, SubmittedAt: &submitted, Marks: marks}); err != nil {
				return err
			}
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	committee := dw.Actor(t, dw.Subjects(t).CommitteeKey)
	stats, err := dw.Service.SubjectStatistics(dw.ctx, committee, "")
	if err != nil {
		t.Fatal(err)
	}
	byID := map[string]service.SubjectStat{}
	for _, st := range stats {
		byID[st.ID] = st
	}
	got := byID[failing]
	if stats[0].ID != failing || !got.Flagged() || got.Results != 3 || got.Failed != 2 || got.Uses != 3 || got.LastUsedDay() == "" ||
		got.AcquiredShare < 33.3 || got.AcquiredShare > 33.4 {
		t.Fatalf("the failing subject: %+v (first listed %s)", got, stats[0].ID)
	}
	if u := byID[unused]; u.Flagged() || u.Uses != 0 || u.Results != 0 || u.LastUsedDay() != "" {
		t.Fatalf("the unused subject: %+v", u)
	}
	if _, err := dw.Service.SubjectStatistics(dw.ctx, dw.ofB, ""); domain.ErrorCode(err) != domain.EFORBIDDEN {
		t.Fatalf("a proposer read the statistics: %v", err)
	}
}
