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

func TestTrainingHoursAndInternships(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		orgA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		e := w.EnrolmentA

		t.Run("before anything is recorded, the job seeker owes the full path and the internship", func(t *testing.T) {
			f, err := svc.Followup(ctx, w.Actor(t, w.Accounts[domain.RoleCandidate]), e)
			if err != nil {
				t.Fatal(err)
			}
			if f.Hours.TrainingOwed != 600 || f.Hours.InternshipOwed != 300 || f.Hours.Met || f.HoursError != "" {
				t.Fatalf("hours %+v %s", f.Hours, f.HoursError)
			}
			if !f.TrainingEnd.IsZero() || f.TrainingEndSource != store.TrainingEndUnknown || len(f.Blocks) != 7 {
				t.Fatalf("follow-up %+v", f)
			}
		})

		t.Run("the organisation records planned and done hours per block, audited block by block", func(t *testing.T) {
			err := svc.SetTrainingHours(ctx, orgA, e, map[string]service.BlockHoursInput{
				"BC1": {Planned: "100", Done: "40"}, "BC2": {Planned: "80", Done: "80"}, "BC3": {Planned: "", Done: ""}})
			if err != nil {
				t.Fatal(err)
			}
			f, err := svc.Followup(ctx, secretariat, e)
			if err != nil {
				t.Fatal(err)
			}
			if f.Planned != 180 || f.Done != 120 || !f.Blocks[0].Late || f.Blocks[1].Late || f.Blocks[2].Recorded {
				t.Fatalf("blocks %+v", f.Blocks[:3])
			}
			if f.Hours.TrainingDone != 120 || !strings.Contains(f.Hours.Explanation, "il manque 480 h") {
				t.Fatalf("check %+v", f.Hours)
			}
			if f.TrainingEndSource != store.TrainingEndLastHours || f.TrainingEnd != domain.DateOf(servicetest.Clock) {
				t.Fatalf("training end %s (%s)", f.TrainingEnd, f.TrainingEndSource)
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "training.hours", CandidateID: w.CandidateA})
			if err != nil || len(entries) != 2 {
				t.Fatalf("audit %+v %v", entries, err)
			}
		})

		t.Run("a wrong number refuses every block's hours, naming the block", func(t *testing.T) {
			err := svc.SetTrainingHours(ctx, orgA, e, map[string]service.BlockHoursInput{
				"BC1": {Planned: "100", Done: "60"}, "BC2": {Planned: "quatre-vingts", Done: "80"}, "BC4": {Planned: "-3"}})
			if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(fieldOf(err, "planned-BC2"), "Bloc BC2") ||
				!strings.Contains(fieldOf(err, "planned-BC4"), "hors de 0") {
				t.Fatalf("got %v", err)
			}
			f, _ := svc.Followup(ctx, secretariat, e)
			if f.Blocks[0].Done != 40 {
				t.Fatal("a refused form saved BC1's hours")
			}
			if err := svc.SetTrainingHours(ctx, orgA, e, map[string]service.BlockHoursInput{"OPT3": {Planned: "1"}}); fieldOf(err, "planned-OPT3") == "" {
				t.Fatalf("a block not presented: %v", err)
			}
			if err := svc.SetTrainingHours(ctx, orgA, e, map[string]service.BlockHoursInput{"BC1": {Planned: "100", Done: "40"}}); domain.ErrorCode(err) != domain.ECONFLICT {
				t.Fatalf("nothing changed: %v", err)
			}
		})

		t.Run("an internship is recorded, counted, and flagged when it starts before the training ends", func(t *testing.T) {
			early, err := svc.AddInternship(ctx, orgA, e, service.InternshipInput{CompanyID: w.CompanyA, StartsOn: "02/11/2026", EndsOn: "2026-11-20", Hours: "105"})
			if err != nil {
				t.Fatal(err)
			}
			if !early.BeforeTrainingEnds {
				t.Fatal("an internship starting before the last training day is not flagged")
			}
			late, err := svc.AddInternship(ctx, orgA, e, service.InternshipInput{CompanyID: w.CompanyB, StartsOn: "01/12/2026", EndsOn: "15/01/2027", Hours: "210"})
			if err != nil || late.BeforeTrainingEnds {
				t.Fatalf("late internship: %+v %v", late, err)
			}
			f, err := svc.Followup(ctx, secretariat, e)
			if err != nil {
				t.Fatal(err)
			}
			if f.Hours.InternshipDone != 315 || !f.Hours.InternshipMet || len(f.Internships) != 2 || f.Internships[1].CompanyName != "Cabinet B" {
				t.Fatalf("follow-up %+v %+v", f.Hours, f.Internships)
			}
			if len(f.Warnings) != 1 || !strings.Contains(f.Warnings[0], "avant la fin de la formation (25/11/2026)") {
				t.Fatalf("warnings %v", f.Warnings)
			}
		})

		t.Run("an internship with a missing company, reversed dates or no hours is refused", func(t *testing.T) {
			_, err := svc.AddInternship(ctx, orgA, e, service.InternshipInput{StartsOn: "20/12/2026", EndsOn: "01/12/2026", Hours: "0"})
			if fieldOf(err, "company") == "" || !strings.Contains(fieldOf(err, "ends_on"), "avant son début") || fieldOf(err, "hours") == "" {
				t.Fatalf("got %v", err)
			}
			_, err = svc.AddInternship(ctx, orgA, e, service.InternshipInput{CompanyID: "nope", StartsOn: "demain", EndsOn: "", Hours: "35"})
			if fieldOf(err, "company") == "" || fieldOf(err, "starts_on") == "" || fieldOf(err, "ends_on") == "" {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("removing an internship needs a reason and is audited", func(t *testing.T) {
			f, _ := svc.Followup(ctx, secretariat, e)
			id := f.Internships[0].ID
			if err := svc.RemoveInternship(ctx, orgA, e, id, ""); fieldOf(err, "reason") == "" {
				t.Fatalf("no reason: %v", err)
			}
			if err := svc.RemoveInternship(ctx, orgA, e, id, "Stage annulé par l'entreprise"); err != nil {
				t.Fatal(err)
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "training.internship_remove"})
			if err != nil || len(entries) != 1 || entries[0].Reason != "Stage annulé par l'entreprise" {
				t.Fatalf("audit %+v %v", entries, err)
			}
		})

		t.Run("outside the organisation's scope the enrolment is not found, and a referent may not record hours", func(t *testing.T) {
			err := svc.SetTrainingHours(ctx, w.Actor(t, w.OrgBAccount), e, map[string]service.BlockHoursInput{"BC1": {Planned: "1"}})
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B: %v", err)
			}
			if _, err := svc.Followup(ctx, w.Actor(t, w.OrgBAccount), e); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B reads: %v", err)
			}
			_, err = svc.AddInternship(ctx, w.Actor(t, w.Accounts[domain.RoleCompanyReferent]), e, service.InternshipInput{})
			if domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("referent: %v", err)
			}
		})
	})
}

func TestLogbook(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		referent := w.Actor(t, w.Accounts[domain.RoleCompanyReferent])
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		e := w.EnrolmentA

		t.Run("the referent writes a dated note and evaluates competences in one visit", func(t *testing.T) {
			n, err := svc.AddLogbookEntries(ctx, referent, e, service.LogbookInput{On: "10/11/2026", Body: "Bonne prise en main du portefeuille.",
				Competences: map[string]string{"C1": "A", "C2": "NA", "C3": ""}})
			if err != nil || n != 3 {
				t.Fatalf("%d entries, %v", n, err)
			}
			lb, err := svc.Logbook(ctx, w.Actor(t, w.Accounts[domain.RoleCandidate]), e)
			if err != nil {
				t.Fatal(err)
			}
			if len(lb.Entries) != 3 || lb.Entries[0].Body != "Bonne prise en main du portefeuille." || lb.Entries[0].AuthorName == "" {
				t.Fatalf("entries %+v", lb.Entries)
			}
			if lb.Competences[0].Code != "C1" || lb.Competences[0].Assessment != "A" || lb.Competences[1].Assessment != "NA" || lb.Competences[2].Assessment != "" {
				t.Fatalf("competences %+v", lb.Competences[:3])
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "logbook.entry", CandidateID: w.CandidateA})
			if err != nil || len(entries) != 3 {
				t.Fatalf("audit %+v %v", entries, err)
			}
		})

		t.Run("a later evaluation is the current one and the earlier stays in its history", func(t *testing.T) {
			if _, err := svc.AddLogbookEntries(ctx, referent, e, service.LogbookInput{On: "24/11/2026", Competences: map[string]string{"C2": "A"}}); err != nil {
				t.Fatal(err)
			}
			lb, _ := svc.Logbook(ctx, secretariat, e)
			c2 := lb.Competences[1]
			if c2.Assessment != "A" || len(c2.History) != 2 || c2.History[0].Assessment != "NA" || c2.On != domain.NewDate(2026, 11, 24) {
				t.Fatalf("C2 %+v", c2)
			}
		})

		t.Run("an empty visit, a competence outside the blocks, a wrong value or a future date is refused", func(t *testing.T) {
			_, err := svc.AddLogbookEntries(ctx, referent, e, service.LogbookInput{On: "10/11/2026"})
			if fieldOf(err, "body") == "" {
				t.Fatalf("empty: %v", err)
			}
			_, err = svc.AddLogbookEntries(ctx, referent, e, service.LogbookInput{On: "10/11/2026", Competences: map[string]string{"OPT3-C1": "A", "C4": "peut-être"}})
			if !strings.Contains(fieldOf(err, "competence-OPT3-C1"), "n'appartient pas") || fieldOf(err, "competence-C4") == "" {
				t.Fatalf("competences: %v", err)
			}
			_, err = svc.AddLogbookEntries(ctx, referent, e, service.LogbookInput{On: "01/12/2026", Body: "x"})
			if fieldOf(err, "on") == "" {
				t.Fatalf("future: %v", err)
			}
			lb, _ := svc.Logbook(ctx, secretariat, e)
			if len(lb.Entries) != 4 {
				t.Fatalf("a refused visit was saved: %d entries", len(lb.Entries))
			}
		})

		t.Run("only the referent who follows the candidate writes; the organisation may not", func(t *testing.T) {
			other, err := svc.CreateUser(ctx, domain.SystemActor("test"), service.UserInput{Email: "autre.referent@cqp.test", Name: "Autre référent",
				Password: servicetest.Password, Roles: []domain.RoleAssignment{{Role: domain.RoleCompanyReferent, ScopeID: w.CompanyA}}})
			if err != nil {
				t.Fatal(err)
			}
			oa, err := svc.Actor(ctx, other.ID, "")
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AddLogbookEntries(ctx, oa, e, service.LogbookInput{On: "10/11/2026", Body: "x"}); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("another referent: %v", err)
			}
			if _, err := svc.AddLogbookEntries(ctx, w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation]), e, service.LogbookInput{On: "10/11/2026", Body: "x"}); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("organisation: %v", err)
			}
		})
	})
}
