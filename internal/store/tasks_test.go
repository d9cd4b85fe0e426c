package store_test

import (
	"context"
	"testing"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// The dashboard's tasks as candidates-list conditions, on an enrolment of an action: hours
// behind the share due, every block unmarked once the action ended, a block under the minimum
// in its latest round, and the organisation's own enrolments only.
func TestCandidateTasks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fw := seedFramework(t, s)
		today := domain.NewDate(2026, 11, 25)
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(q store.Q) error {
			for _, o := range []string{"ofA", "ofB"} {
				if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: o, Name: o, SIRET: o, CreatedAt: t0}); err != nil {
					return err
				}
			}
			if err := q.CreateAction(ctx, store.Action{ID: "act", TrainingOrganisationID: "ofA", QualificationID: fw.QualificationID,
				Route: domain.RouteFormation, Title: "Action", StartsOn: domain.NewDate(2026, 1, 5), EndsOn: domain.NewDate(2026, 11, 20),
				PlannedHours: 200, Status: store.ActionDeclared, CreatedAt: t0}); err != nil {
				return err
			}
			for _, p := range []struct{ id, of, action string }{{"c1", "ofA", "act"}, {"c2", "ofB", ""}} {
				if err := q.CreateCandidate(ctx, domain.Candidate{ID: p.id, Number: "C-" + p.id, BirthName: "Nom " + p.id, FirstNames: "Prénom",
					BirthDate: domain.NewDate(1990, 1, 2), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}); err != nil {
					return err
				}
				if err := q.CreateEnrolmentRecord(ctx, store.EnrolmentRecord{Enrolment: domain.Enrolment{ID: "e" + p.id, CandidateID: p.id,
					FrameworkID: fw.ID, QualificationID: fw.QualificationID, Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
					Status: domain.StatusInTraining, TrainingOrganisationID: p.of, Blocks: []string{"BC1", "BC2"}, CreatedAt: t0, UpdatedAt: t0},
					ActionID: p.action}, "sec"); err != nil {
					return err
				}
			}
			return q.SetTrainingHours(ctx, "ec1", store.BlockHours{BlockCode: "BC1", Planned: 100, Done: 80, UpdatedAt: t0})
		})
		list := func(task store.Task) []string {
			t.Helper()
			scope := store.Scope{Restricted: true, TrainingOrganisationIDs: task.OrganisationIDs}
			page, err := s.Read().ListCandidates(ctx, store.CandidateFilter{Scope: scope, Task: &task, Limit: 10})
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			for _, r := range page.Rows {
				ids = append(ids, r.Enrolment.ID)
			}
			if page.Total != len(ids) {
				t.Errorf("total %d for %v", page.Total, ids)
			}
			return ids
		}
		of := func(kind store.TaskKind, orgs ...string) store.Task {
			return store.Task{Kind: kind, Today: today, OrganisationIDs: orgs, Minimum: 1000}
		}
		hours := of(store.TaskHoursBehind, "ofA", "ofB")
		t.Run("hours under the share due are behind, at or above it they are not", func(t *testing.T) {
			hours.HoursDue = map[string]int{"act": 90}
			if got := list(hours); len(got) != 1 || got[0] != "ec1" {
				t.Errorf("80 h of 100 with 90 %% due: %v", got)
			}
			hours.HoursDue = map[string]int{"act": 80}
			if got := list(hours); len(got) != 0 {
				t.Errorf("80 h of 100 with 80 %% due: %v", got)
			}
		})
		t.Run("once the action ended, an unmarked block is a missing mark", func(t *testing.T) {
			if got := list(of(store.TaskMarksMissing, "ofA", "ofB")); len(got) != 1 || got[0] != "ec1" {
				t.Errorf("missing marks: %v", got)
			}
			write(func(q store.Q) error {
				for i, b := range []string{"BC1", "BC2"} {
					if err := q.AddContinuousAssessment(ctx, store.ContinuousAssessment{ID: "m" + b, EnrolmentID: "ec1", BlockCode: b,
						Label: "Étude", Mark: domain.Mark(900 + 200*i), AssessedOn: today, CreatedAt: t0}); err != nil {
						return err
					}
				}
				return nil
			})
			if got := list(of(store.TaskMarksMissing, "ofA")); len(got) != 0 {
				t.Errorf("missing marks once both blocks are marked: %v", got)
			}
		})
		t.Run("a block's latest round under the minimum is below it", func(t *testing.T) {
			if got := list(of(store.TaskBelowMinimum, "ofA")); len(got) != 1 {
				t.Errorf("BC1 at 9/20: %v", got)
			}
			if got := list(of(store.TaskBelowMinimum, "ofB")); len(got) != 0 {
				t.Errorf("another organisation sees it: %v", got)
			}
			write(func(q store.Q) error {
				return q.AddContinuousAssessment(ctx, store.ContinuousAssessment{ID: "retake", EnrolmentID: "ec1", BlockCode: "BC1",
					Label: "Reprise", Mark: 1200, AssessedOn: today, CreatedAt: t0, Round: 1})
			})
			if got := list(of(store.TaskBelowMinimum, "ofA")); len(got) != 0 {
				t.Errorf("BC1 retaken at 12/20: %v", got)
			}
		})
		t.Run("a task without an owner selects nothing", func(t *testing.T) {
			if got := list(store.Task{Kind: store.TaskMarksMissing, Today: today}); len(got) != 0 {
				t.Errorf("got %v", got)
			}
		})
	})
}
