package store_test

import (
	"context"
	"testing"
	"time"

	"cqp/internal/domain"
	"cqp/internal/store"
	"cqp/internal/store/storetest"
)

func TestActionsAndEnrolmentRecords(t *testing.T) {
	storetest.Each(t, func(t *testing.T, s *store.Store) {
		ctx := context.Background()
		fw := seedFramework(t, s)
		write := func(fn func(q store.Q) error) {
			t.Helper()
			if err := s.Write(ctx, fn); err != nil {
				t.Fatal(err)
			}
		}
		write(func(q store.Q) error {
			for _, o := range []string{"ofA", "ofB"} {
				if err := q.CreateTrainingOrganisation(ctx, domain.TrainingOrganisation{ID: o, Name: "Organisme " + o, SIRET: o, CreatedAt: t0}); err != nil {
					return err
				}
			}
			for _, c := range []string{"coA", "coB"} {
				if err := q.CreateCompany(ctx, domain.Company{ID: c, Name: "Cabinet " + c, SIRET: c, CreatedAt: t0}); err != nil {
					return err
				}
			}
			if err := q.CreateFunder(ctx, domain.Funder{ID: "opco", Name: "OPCO", CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.CreateUser(ctx, domain.User{ID: "sec", Email: "sec@example.fr", Name: "Secrétariat", CreatedAt: t0}); err != nil {
				return err
			}
			if err := q.CreateUser(ctx, domain.User{ID: "ref", Email: "ref@example.fr", Name: "Référente", CreatedAt: t0}); err != nil {
				return err
			}
			a := store.Action{ID: "actA", TrainingOrganisationID: "ofA", QualificationID: fw.QualificationID, Route: domain.RouteFormation,
				Title: "Action A", StartsOn: domain.NewDate(2027, 1, 4), EndsOn: domain.NewDate(2027, 6, 30), Place: "Paris",
				PlannedHours: 600, FunderID: "opco", Status: store.ActionDeclared, CreatedAt: t0, CreatedBy: "sec",
				Companies: []domain.Company{{ID: "coA"}},
				Calendar: []store.CalendarEntry{
					{ID: "cal2", Day: domain.NewDate(2027, 1, 5), StartTime: "09:00", EndTime: "17:00", BlockCode: "BC1"},
					{ID: "cal1", Day: domain.NewDate(2027, 1, 4), StartTime: "13:00", EndTime: "17:00", Label: "Accueil"},
				}}
			if err := q.CreateAction(ctx, a); err != nil {
				return err
			}
			b := store.Action{ID: "actB", TrainingOrganisationID: "ofB", QualificationID: fw.QualificationID, Route: domain.RouteBlocs,
				Title: "Action B", StartsOn: domain.NewDate(2027, 2, 1), EndsOn: domain.NewDate(2027, 3, 31), PlannedHours: 120,
				Status: store.ActionDeclared, CreatedAt: t0, Companies: []domain.Company{{ID: "coB"}}}
			return q.CreateAction(ctx, b)
		})

		t.Run("an action reads back with its companies, its calendar by date and its funder", func(t *testing.T) {
			a, err := s.Read().Action(ctx, "actA", store.ActionScope{})
			if err != nil {
				t.Fatal(err)
			}
			if a.TrainingOrganisationName != "Organisme ofA" || a.QualificationCode != "CC" || a.FunderName != "OPCO" || a.CreatedByName != "Secrétariat" ||
				a.StartsOn != domain.NewDate(2027, 1, 4) || a.PlannedHours != 600 || a.Status != store.ActionDeclared {
				t.Errorf("action: %+v", a)
			}
			if len(a.Companies) != 1 || a.Companies[0].Name != "Cabinet coA" {
				t.Errorf("companies: %+v", a.Companies)
			}
			if len(a.Calendar) != 2 || a.Calendar[0].ID != "cal1" || a.Calendar[1].BlockCode != "BC1" {
				t.Errorf("calendar is not by date: %+v", a.Calendar)
			}
		})

		t.Run("each scope sees only its actions and the others are not found", func(t *testing.T) {
			for _, tc := range []struct {
				name  string
				scope store.ActionScope
				want  []string
			}{
				{"the whole branch", store.ActionScope{}, []string{"actB", "actA"}},
				{"organisation A", store.ActionScope{Restricted: true, TrainingOrganisationIDs: []string{"ofA"}}, []string{"actA"}},
				{"company B", store.ActionScope{Restricted: true, CompanyIDs: []string{"coB"}}, []string{"actB"}},
				{"the funder", store.ActionScope{Restricted: true, FunderIDs: []string{"opco"}}, []string{"actA"}},
				{"a restricted scope with nothing in it", store.ActionScope{Restricted: true}, nil},
			} {
				t.Run(tc.name, func(t *testing.T) {
					page, err := s.Read().ListActions(ctx, store.ActionFilter{Scope: tc.scope})
					if err != nil {
						t.Fatal(err)
					}
					var got []string
					for _, a := range page.Actions {
						got = append(got, a.ID)
					}
					if page.Total != len(tc.want) || len(got) != len(tc.want) {
						t.Fatalf("got %v (total %d), want %v", got, page.Total, tc.want)
					}
					for i := range got {
						if got[i] != tc.want[i] {
							t.Fatalf("got %v, want %v", got, tc.want)
						}
					}
					for _, id := range []string{"actA", "actB"} {
						_, err := s.Read().Action(ctx, id, tc.scope)
						visible := false
						for _, w := range tc.want {
							visible = visible || w == id
						}
						if visible != (err == nil) || (!visible && domain.ErrorCode(err) != domain.ENOTFOUND) {
							t.Errorf("%s: visible %v, error %v", id, visible, err)
						}
					}
				})
			}
		})

		t.Run("comments are appended and a status change is listed by status", func(t *testing.T) {
			write(func(q store.Q) error {
				if err := q.AddActionComment(ctx, store.ActionComment{ID: "k1", ActionID: "actB", Kind: store.CommentRemark, Body: "Calendrier ?", AuthorID: "sec", CreatedAt: t0}); err != nil {
					return err
				}
				if err := q.AddActionComment(ctx, store.ActionComment{ID: "k2", ActionID: "actB", Kind: store.CommentRefusal, Body: "Hors délai", AuthorID: "sec", CreatedAt: t0.Add(time.Minute)}); err != nil {
					return err
				}
				return q.SetActionStatus(ctx, "actB", store.ActionRefused)
			})
			b, err := s.Read().Action(ctx, "actB", store.ActionScope{})
			if err != nil {
				t.Fatal(err)
			}
			if b.Status != store.ActionRefused || len(b.Comments) != 2 || b.Comments[0].Body != "Calendrier ?" || b.Comments[1].Kind != store.CommentRefusal ||
				b.Comments[1].AuthorName != "Secrétariat" {
				t.Errorf("action B: %+v", b)
			}
			page, err := s.Read().ListActions(ctx, store.ActionFilter{Status: store.ActionDeclared})
			if err != nil || page.Total != 1 || page.Actions[0].ID != "actA" {
				t.Errorf("declared actions: %+v %v", page, err)
			}
			if err := s.Write(ctx, func(q store.Q) error { return q.SetActionStatus(ctx, "nowhere", store.ActionRefused) }); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("status of a missing action: %v", err)
			}
		})

		t.Run("an enrolment keeps its action, interview, eligibility data and derogation", func(t *testing.T) {
			write(func(q store.Q) error {
				if err := q.AddRole(ctx, domain.RoleAssignment{ID: "r1", UserID: "ref", Role: domain.RoleCompanyReferent, ScopeID: "coA", CreatedAt: t0}); err != nil {
					return err
				}
				for i, p := range []struct{ id, name, first string }{{"c1", "Zola", "Émile"}, {"c2", "Aubrac", "Lucie"}} {
					c := domain.Candidate{ID: p.id, Number: "C-2026-0010" + string(rune('1'+i)), BirthName: p.name, FirstNames: p.first,
						BirthDate: domain.NewDate(1990, 1, 2), Sex: domain.SexFemale, BirthINSEE: "75056", CreatedAt: t0}
					if err := q.CreateCandidate(ctx, c); err != nil {
						return err
					}
					r := store.EnrolmentRecord{Enrolment: domain.Enrolment{ID: "e" + p.id, CandidateID: p.id, FrameworkID: fw.ID,
						QualificationID: fw.QualificationID, Route: domain.RouteFormation, Public: domain.PublicJobSeeker,
						Status: domain.StatusEnrolled, TrainingOrganisationID: "ofA", CompanyID: "coA", Blocks: []string{"BC1", "BC2"},
						CreatedAt: t0, UpdatedAt: t0},
						ActionID: "actA",
						Intake: store.Intake{InterviewOn: domain.NewDate(2026, 11, 2), Project: "Courtage", Motivation: "Reconversion",
							DiplomaLevel: 4, ExperienceMonths: 10, RelatedExperienceMonths: 2},
						Derogation: store.Derogation{Reason: "Parcours atypique", ByUserID: "sec"}}
					if err := q.CreateEnrolmentRecord(ctx, r, "sec"); err != nil {
						return err
					}
				}
				return nil
			})
			e, err := s.Read().Enrolment(ctx, "ec1", store.Scope{})
			if err != nil {
				t.Fatal(err)
			}
			if e.ActionID != "actA" || e.ActionTitle != "Action A" || e.Intake.InterviewOn != domain.NewDate(2026, 11, 2) ||
				e.Intake.DiplomaLevel != 4 || e.Intake.ExperienceMonths != 10 || e.Intake.RelatedExperienceMonths != 2 ||
				e.Intake.Project != "Courtage" || e.Derogation.ByName != "Secrétariat" || e.Derogation.Reason != "Parcours atypique" ||
				e.QualificationCode != "CC" || len(e.History) != 1 || e.Blocks[1] != "BC2" {
				t.Errorf("enrolment: %+v", e)
			}
			rows, err := s.Read().EnrolmentsOfAction(ctx, "actA")
			if err != nil || len(rows) != 2 || rows[0].Candidate.BirthName != "Aubrac" || rows[1].Enrolment.CompanyName != "Cabinet coA" {
				t.Fatalf("enrolments of the action, by name: %+v %v", rows, err)
			}
			a, err := s.Read().Action(ctx, "actA", store.ActionScope{})
			if err != nil || a.Enrolments != 2 {
				t.Errorf("count of enrolments: %d %v", a.Enrolments, err)
			}
			// The candidate's file still lists the enrolment as before.
			c, err := s.Read().Candidate(ctx, "c1", store.Scope{})
			if err != nil || len(c.Enrolments) != 1 || c.Enrolments[0].ID != "ec1" {
				t.Errorf("candidate: %+v %v", c, err)
			}
		})

		t.Run("an enrolment outside the caller's scope is not found", func(t *testing.T) {
			for _, tc := range []struct {
				name    string
				scope   store.Scope
				visible bool
			}{
				{"its organisation", store.Scope{Restricted: true, TrainingOrganisationIDs: []string{"ofA"}}, true},
				{"another organisation", store.Scope{Restricted: true, TrainingOrganisationIDs: []string{"ofB"}}, false},
				{"its company", store.Scope{Restricted: true, CompanyIDs: []string{"coA"}}, true},
				{"another company", store.Scope{Restricted: true, CompanyIDs: []string{"coB"}}, false},
				{"its candidate", store.Scope{Restricted: true, CandidateIDs: []string{"c1"}}, true},
				{"another candidate", store.Scope{Restricted: true, CandidateIDs: []string{"c2"}}, false},
				{"a referent who does not follow it", store.Scope{Restricted: true, ReferentUserID: "ref"}, false},
				{"a commission member without its oral", store.Scope{Restricted: true, CommissionMemberUserID: "sec"}, false},
			} {
				t.Run(tc.name, func(t *testing.T) {
					_, err := s.Read().Enrolment(ctx, "ec1", tc.scope)
					if tc.visible && err != nil || !tc.visible && domain.ErrorCode(err) != domain.ENOTFOUND {
						t.Errorf("visible %v, got %v", tc.visible, err)
					}
				})
			}
		})

		t.Run("the referent and the intake of one enrolment change alone", func(t *testing.T) {
			later := t0.Add(time.Hour)
			write(func(q store.Q) error {
				if err := q.UpdateEnrolmentReferent(ctx, "ec1", "ref", later); err != nil {
					return err
				}
				return q.UpdateEnrolmentIntake(ctx, "ec1", store.Intake{InterviewOn: domain.NewDate(2026, 11, 3), Project: "P", Motivation: "M",
					DiplomaLevel: 5}, store.Derogation{}, later)
			})
			e, err := s.Read().Enrolment(ctx, "ec1", store.Scope{Restricted: true, ReferentUserID: "ref"})
			if err != nil {
				t.Fatal(err)
			}
			if e.ReferentName != "Référente" || e.Intake.DiplomaLevel != 5 || e.Derogation.Reason != "" || !e.UpdatedAt.Equal(later) {
				t.Errorf("enrolment: %+v", e)
			}
			other, err := s.Read().Enrolment(ctx, "ec2", store.Scope{})
			if err != nil || other.ReferentUserID != "" || other.Intake.DiplomaLevel != 4 {
				t.Errorf("the other enrolment changed: %+v %v", other, err)
			}
			if err := s.Write(ctx, func(q store.Q) error { return q.UpdateEnrolmentReferent(ctx, "nowhere", "ref", later) }); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Errorf("missing enrolment: %v", err)
			}
		})

		t.Run("a company is linked to an action once however often it is added", func(t *testing.T) {
			write(func(q store.Q) error {
				for i := 0; i < 2; i++ {
					if err := q.AddActionCompany(ctx, "actA", "coB"); err != nil {
						return err
					}
				}
				return nil
			})
			a, err := s.Read().Action(ctx, "actA", store.ActionScope{Restricted: true, CompanyIDs: []string{"coB"}})
			if err != nil || len(a.Companies) != 2 {
				t.Errorf("companies: %+v %v", a.Companies, err)
			}
		})
	})
}
