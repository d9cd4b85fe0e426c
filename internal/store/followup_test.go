package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

// seedEnrolment stores an organisation, a company, a candidate and their enrolment "e1"
// presenting BC1 and BC2.
func seedEnrolment(t *testing.T, s *store.Store) {
	t.Helper()
	ctx := context.Background()
	fw := seedFramework(t, s)
	err := s.Write(ctx, func(q store.Q) error {
		if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: "of1", Name: "Organisme", SIRET: "73282932000074", CreatedAt: t0}); err != nil {
			return err
		}
		if err := q.CreateCompany(ctx, domain.Company{ID: "co1", Name: "Cabinet Durand", SIRET: "40483304800022", CreatedAt: t0}); err != nil {
			return err
		}
		if err := q.CreateUser(ctx, domain.User{ID: "u1", Email: "referent@example.fr", Name: "Claire Durand", CreatedAt: t0}); err != nil {
			return err
		}
		c := domain.Candidate{ID: "c1", Number: "C-2026-00001", BirthName: "Lefèvre", FirstNames: "Éloïse",
			BirthDate: domain.NewDate(1990, 5, 4), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
		if err := q.CreateCandidate(ctx, c); err != nil {
			return err
		}
		return q.CreateEnrolment(ctx, domain.Enrolment{ID: "e1", CandidateID: "c1", FrameworkID: fw.ID, QualificationID: fw.QualificationID,
			Route: domain.RouteFormation, Public: domain.PublicJobSeeker, Status: domain.StatusInTraining, TrainingOrganisationID: "of1",
			CompanyID: "co1", Blocks: []string{"BC1", "BC2"}, CreatedAt: t0, UpdatedAt: t0}, "")
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestFollowupStore(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		seedEnrolment(t, s)
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}

		t.Run("an enrolment names its candidate, an unknown one is not found", func(t *testing.T) {
			id, err := s.Read().FollowupCandidateID(ctx, "e1")
			if err != nil || id != "c1" {
				t.Fatalf("got %q %v", id, err)
			}
			if _, err := s.Read().FollowupCandidateID(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("without hours nor action the training end is unknown", func(t *testing.T) {
			d, src, err := s.Read().TrainingEnd(ctx, "e1")
			if err != nil || !d.IsZero() || src != store.TrainingEndUnknown {
				t.Fatalf("got %s %q %v", d, src, err)
			}
		})

		t.Run("hours per block are replaced in place, and the last update ends the training", func(t *testing.T) {
			write(func(q store.Q) error {
				if err := q.SetTrainingHours(ctx, "e1", store.BlockHours{BlockCode: "BC1", Planned: 100, Done: 20, UpdatedAt: t0}); err != nil {
					return err
				}
				if err := q.SetTrainingHours(ctx, "e1", store.BlockHours{BlockCode: "BC2", Planned: 50, Done: 0, UpdatedAt: t0.Add(24 * time.Hour)}); err != nil {
					return err
				}
				return q.SetTrainingHours(ctx, "e1", store.BlockHours{BlockCode: "BC1", Planned: 90, Done: 60, UpdatedAt: t0.Add(48 * time.Hour)})
			})
			hs, err := s.Read().TrainingHours(ctx, "e1")
			if err != nil || len(hs) != 2 || hs[0].BlockCode != "BC1" || hs[0].Planned != 90 || hs[0].Done != 60 || !hs[0].UpdatedAt.Equal(t0.Add(48*time.Hour)) {
				t.Fatalf("hours %+v %v", hs, err)
			}
			d, src, err := s.Read().TrainingEnd(ctx, "e1")
			if err != nil || d != domain.NewDate(2026, 11, 27) || src != store.TrainingEndLastHours {
				t.Fatalf("training end %s %q %v", d, src, err)
			}
		})

		t.Run("internships are listed in date order with their company, and removed one by one", func(t *testing.T) {
			write(func(q store.Q) error {
				for i, start := range []domain.Date{domain.NewDate(2027, 2, 1), domain.NewDate(2027, 1, 4)} {
					in := store.Internship{ID: "i" + string(rune('1'+i)), EnrolmentID: "e1", CompanyID: "co1", StartsOn: start,
						EndsOn: start.AddDays(20), Hours: 105, CreatedAt: t0}
					if err := q.AddInternship(ctx, in); err != nil {
						return err
					}
				}
				return nil
			})
			ins, err := s.Read().Internships(ctx, "e1")
			if err != nil || len(ins) != 2 || ins[0].ID != "i2" || ins[0].CompanyName != "Cabinet Durand" || ins[0].EndsOn != domain.NewDate(2027, 1, 24) {
				t.Fatalf("internships %+v %v", ins, err)
			}
			write(func(q store.Q) error { return q.DeleteInternship(ctx, "e1", "i2") })
			if _, err := s.Read().Internship(ctx, "e1", "i2"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("removed internship: %v", err)
			}
			err = s.Write(ctx, func(q store.Q) error { return q.DeleteInternship(ctx, "other", "i1") })
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("an internship was removed through another enrolment: %v", err)
			}
		})

		t.Run("logbook entries keep their competence evaluation and come back oldest first", func(t *testing.T) {
			write(func(q store.Q) error {
				for _, e := range []store.LogbookEntry{
					{ID: "l1", EnrolmentID: "e1", On: domain.NewDate(2026, 11, 20), Body: "Suivi de mi-parcours", AuthorID: "u1", CreatedAt: t0},
					{ID: "l2", EnrolmentID: "e1", On: domain.NewDate(2026, 10, 2), CompetenceCode: "C1", Assessment: "NA", AuthorID: "u1", CreatedAt: t0},
				} {
					if err := q.AddLogbookEntry(ctx, e); err != nil {
						return err
					}
				}
				return nil
			})
			es, err := s.Read().LogbookEntries(ctx, "e1")
			if err != nil || len(es) != 2 || es[0].ID != "l2" || es[0].CompetenceCode != "C1" || es[0].Assessment != "NA" ||
				es[1].Body != "Suivi de mi-parcours" || es[1].AuthorName != "Claire Durand" {
				t.Fatalf("entries %+v %v", es, err)
			}
		})

		t.Run("continuous assessments come back by block then date, and are removed one by one", func(t *testing.T) {
			write(func(q store.Q) error {
				for _, m := range []store.ContinuousAssessment{
					{ID: "m1", EnrolmentID: "e1", BlockCode: "BC2", Label: "Oral", Mark: 1250, AssessedOn: domain.NewDate(2026, 11, 2), CreatedAt: t0, CreatedBy: "u1"},
					{ID: "m2", EnrolmentID: "e1", BlockCode: "BC1", Label: "Écrit 2", Mark: 999, AssessedOn: domain.NewDate(2026, 11, 9), CreatedAt: t0},
					{ID: "m3", EnrolmentID: "e1", BlockCode: "BC1", Label: "Écrit 1", Mark: 2000, AssessedOn: domain.NewDate(2026, 10, 5), CreatedAt: t0},
				} {
					if err := q.AddContinuousAssessment(ctx, m); err != nil {
						return err
					}
				}
				return nil
			})
			ms, err := s.Read().ContinuousAssessments(ctx, "e1")
			if err != nil || len(ms) != 3 || ms[0].ID != "m3" || ms[1].ID != "m2" || ms[2].ID != "m1" {
				t.Fatalf("assessments %+v %v", ms, err)
			}
			if ms[1].Mark != 999 || ms[1].AssessedOn != domain.NewDate(2026, 11, 9) || ms[2].CreatedByName != "Claire Durand" {
				t.Fatalf("assessment fields %+v", ms)
			}
			write(func(q store.Q) error { return q.DeleteContinuousAssessment(ctx, "e1", "m2") })
			if _, err := s.Read().ContinuousAssessment(ctx, "e1", "m2"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("removed assessment: %v", err)
			}
			if m, err := s.Read().ContinuousAssessment(ctx, "e1", "m1"); err != nil || m.Label != "Oral" {
				t.Fatalf("kept assessment: %+v %v", m, err)
			}
		})

		t.Run("an action lists its enrolments by name, and its end date ends their training", func(t *testing.T) {
			write(func(q store.Q) error {
				fw, err := q.Framework(ctx, "f1")
				if err != nil {
					return err
				}
				if err := q.CreateAction(ctx, store.Action{ID: "a1", TrainingOrganisationID: "of1", QualificationID: fw.QualificationID,
					Route: domain.RouteFormation, Title: "CC Paris 2026", StartsOn: domain.NewDate(2026, 9, 1), EndsOn: domain.NewDate(2027, 3, 31),
					Status: "declared", CreatedAt: t0}); err != nil {
					return err
				}
				for i, name := range []string{"Zola", "Abadie"} {
					id := "c" + string(rune('2'+i))
					c := domain.Candidate{ID: id, Number: "C-2026-0000" + string(rune('2'+i)), BirthName: name, FirstNames: "Jeanne",
						BirthDate: domain.NewDate(1992, 1, 2), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
					if err := q.CreateCandidate(ctx, c); err != nil {
						return err
					}
					e := domain.Enrolment{ID: "e" + id, CandidateID: id, FrameworkID: "f1", QualificationID: fw.QualificationID,
						Route: domain.RouteFormation, Public: domain.PublicEmployee, Status: domain.StatusInTraining,
						TrainingOrganisationID: "of1", Blocks: []string{"BC1"}, CreatedAt: t0, UpdatedAt: t0}
					if err := q.CreateEnrolmentRecord(ctx, store.EnrolmentRecord{Enrolment: e, ActionID: "a1"}, ""); err != nil {
						return err
					}
				}
				return nil
			})
			g, err := s.Read().MarksGroup(ctx, "a1")
			if err != nil || g.Title != "CC Paris 2026" || g.TrainingOrganisationID != "of1" || g.EndsOn != domain.NewDate(2027, 3, 31) || len(g.Members) != 2 {
				t.Fatalf("group %+v %v", g, err)
			}
			m := g.Members[0]
			if m.CandidateName != "ABADIE Jeanne" || m.Enrolment.ID != "ec3" || m.Enrolment.Status != domain.StatusInTraining ||
				m.Enrolment.Blocks[0] != "BC1" || m.Enrolment.FrameworkID != "f1" || m.CandidateNumber != "C-2026-00003" {
				t.Fatalf("first member %+v", m)
			}
			d, src, err := s.Read().TrainingEnd(ctx, "ec2")
			if err != nil || d != domain.NewDate(2027, 3, 31) || src != store.TrainingEndAction {
				t.Fatalf("training end %s %q %v", d, src, err)
			}
		})

		t.Run("an unknown action is not found", func(t *testing.T) {
			if _, err := s.Read().MarksGroup(ctx, "nope"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("got %v", err)
			}
		})
	})
}
