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

func TestParseMarkReadsFrenchAndPointDecimals(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want domain.Mark
	}{
		{"12,5", 1250}, {"12.5", 1250}, {"0", 0}, {"20", 2000}, {"20,00", 2000}, {"9,99", 999},
		{" 7 ", 700}, {"10,05", 1005}, {"015", 1500},
	} {
		t.Run("reads "+tc.in, func(t *testing.T) {
			got, msg := service.ParseMark(tc.in)
			if msg != "" || got != tc.want {
				t.Fatalf("ParseMark(%q) = %d %q, want %d", tc.in, got, msg, tc.want)
			}
		})
	}
	for _, tc := range []struct{ in, says string }{
		{"21", "hors de 0 à 20"},
		{"20,01", "hors de 0 à 20"},
		{"1000", "hors de 0 à 20"},
		{"douze", "n'est pas une note"},
		{"-1", "n'est pas une note"},
		{"12,555", "plus de deux décimales"},
		{",5", "n'est pas une note"},
		{"5,", "n'est pas une note"},
		{"1e1", "n'est pas une note"},
		{"12,5,1", "n'est pas une note"},
		{"", "indiquez une note"},
	} {
		t.Run("refuses "+tc.in, func(t *testing.T) {
			if _, msg := service.ParseMark(tc.in); !strings.Contains(msg, tc.says) {
				t.Fatalf("ParseMark(%q) says %q, want it to say %q", tc.in, msg, tc.says)
			}
		})
	}
}

func TestMeanMarkTruncatesToTheHundredth(t *testing.T) {
	for _, tc := range []struct {
		name  string
		marks []domain.Mark
		want  domain.Mark
		has   bool
	}{
		{"no assessment gives no mark", nil, 0, false},
		{"one assessment is the mark", []domain.Mark{1250}, 1250, true},
		{"a half hundredth is dropped", []domain.Mark{1000, 999}, 999, true},
		{"two thirds of a hundredth are dropped, so 10, 10 and 9,99 stay under 10", []domain.Mark{1000, 1000, 999}, 999, true},
		{"an exact mean is kept", []domain.Mark{800, 1200}, 1000, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, has := service.MeanMark(tc.marks)
			if got != tc.want || has != tc.has {
				t.Fatalf("MeanMark(%v) = %d %v, want %d %v", tc.marks, got, has, tc.want, tc.has)
			}
		})
	}
}

func TestContinuousAssessments(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		orgA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		e := w.EnrolmentA
		add := func(block, label, on, mark string) error {
			_, err := svc.AddContinuousAssessment(ctx, orgA, e, service.AssessmentInput{BlockCode: block, Label: label, On: on, Mark: mark})
			return err
		}

		t.Run("the organisation records several assessments of a block and its mark is their truncated mean", func(t *testing.T) {
			for _, m := range []string{"10", "10", "9,99"} {
				if err := add("BC1", "Étude de cas", "20/11/2026", m); err != nil {
					t.Fatal(err)
				}
			}
			if err := add("BC2", "Oral blanc", "2026-11-21", "12.5"); err != nil {
				t.Fatal(err)
			}
			marks, err := svc.ContinuousMarks(ctx, secretariat, e)
			if err != nil {
				t.Fatal(err)
			}
			if len(marks) != 2 || marks["BC1"] != 999 || marks["BC2"] != 1250 {
				t.Fatalf("marks %v, want BC1 9,99 and BC2 12,5 only", marks)
			}
			ev, err := svc.ContinuousEvaluation(ctx, orgA, e)
			if err != nil {
				t.Fatal(err)
			}
			if ev.Blocks[0].Code != "BC1" || ev.Blocks[0].Admitted || !ev.Blocks[1].Admitted || len(ev.Blocks[0].Assessments) != 3 {
				t.Fatalf("blocks %+v", ev.Blocks[:2])
			}
			if len(ev.Missing()) != len(ev.Enrolment.Blocks)-2 {
				t.Fatalf("missing %v", ev.Missing())
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "continuous_mark.create", CandidateID: w.CandidateA})
			if err != nil || len(entries) != 4 || !strings.Contains(entries[0].After, `"mark":"12,5"`) {
				t.Fatalf("audit %+v %v", entries, err)
			}
		})

		t.Run("a mark out of range or unreadable is refused, naming the block", func(t *testing.T) {
			for _, m := range []string{"21", "douze", "12,555"} {
				err := add("BC3", "Test", "20/11/2026", m)
				if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(fieldOf(err, "mark"), "bloc BC3") {
					t.Fatalf("mark %q: got %v (%q)", m, err, fieldOf(err, "mark"))
				}
			}
			marks, _ := svc.ContinuousMarks(ctx, secretariat, e)
			if _, ok := marks["BC3"]; ok {
				t.Fatal("a refused mark was saved")
			}
		})

		t.Run("a block the candidate does not present, a missing label or a future date is refused", func(t *testing.T) {
			err := add("OPT3", "Test", "20/11/2026", "12")
			if fieldOf(err, "block") == "" {
				t.Fatalf("block: %v", err)
			}
			err = add("BC3", " ", "20/11/2026", "12")
			if fieldOf(err, "label") == "" {
				t.Fatalf("label: %v", err)
			}
			err = add("BC3", "Test", "26/11/2026", "12")
			if !strings.Contains(fieldOf(err, "on"), "futur") {
				t.Fatalf("date: %v", err)
			}
			err = add("BC3", "Test", "31/02/2026", "12")
			if !strings.Contains(fieldOf(err, "on"), "JJ/MM/AAAA") {
				t.Fatalf("date: %v", err)
			}
		})

		t.Run("another organisation does not find the enrolment, a company may not mark", func(t *testing.T) {
			_, err := svc.AddContinuousAssessment(ctx, w.Actor(t, w.OrgBAccount), e, service.AssessmentInput{BlockCode: "BC3", Label: "x", On: "20/11/2026", Mark: "12"})
			if domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B: %v", err)
			}
			_, err = svc.AddContinuousAssessment(ctx, w.Actor(t, w.Accounts[domain.RoleCompany]), e, service.AssessmentInput{BlockCode: "BC3", Label: "x", On: "20/11/2026", Mark: "12"})
			if domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("company: %v", err)
			}
			if _, err := svc.ContinuousMarks(ctx, w.Actor(t, w.OrgBAccount), e); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B reads the marks: %v", err)
			}
		})

		t.Run("everyone who reads the candidate's file reads the marks", func(t *testing.T) {
			for _, role := range []domain.Role{domain.RoleCandidate, domain.RoleCompanyReferent, domain.RoleCompany, domain.RoleCommissionMember, domain.RoleBranch} {
				marks, err := svc.ContinuousMarks(ctx, w.Actor(t, w.Accounts[role]), e)
				if err != nil || marks["BC2"] != 1250 {
					t.Errorf("%s: %v %v", role, marks, err)
				}
			}
		})

		t.Run("removing an assessment needs a reason, which the audit trail keeps with the mark", func(t *testing.T) {
			ev, _ := svc.ContinuousEvaluation(ctx, orgA, e)
			id := ev.Blocks[1].Assessments[0].ID
			if err := svc.RemoveContinuousAssessment(ctx, orgA, e, id, " "); fieldOf(err, "reason") == "" {
				t.Fatalf("no reason: %v", err)
			}
			if err := svc.RemoveContinuousAssessment(ctx, orgA, e, id, "Note saisie sur le mauvais candidat"); err != nil {
				t.Fatal(err)
			}
			marks, _ := svc.ContinuousMarks(ctx, secretariat, e)
			if _, ok := marks["BC2"]; ok {
				t.Fatal("the removed mark still counts")
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "continuous_mark.remove"})
			if err != nil || len(entries) != 1 || entries[0].Reason != "Note saisie sur le mauvais candidat" || !strings.Contains(entries[0].Before, "12,5") {
				t.Fatalf("audit %+v %v", entries, err)
			}
			if err := svc.RemoveContinuousAssessment(ctx, orgA, e, id, "encore"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("removing twice: %v", err)
			}
		})
	})
}

// seedAction stores an action of the organisation with new candidates enrolled in it, in
// training, presenting the framework's common and specialty blocks and its first optional
// ones. It goes through the store: declaring actions and enrolling into them is another part
// of the formation route, tested with it.
func seedAction(t *testing.T, w *servicetest.World, orgID, title string, names ...string) (string, []string) {
	t.Helper()
	ctx := context.Background()
	sys := domain.SystemActor("test")
	fw, err := w.Service.Framework(ctx, sys, w.FrameworkCC)
	if err != nil {
		t.Fatal(err)
	}
	var blocks []string
	optional := 0
	for _, b := range fw.Framework.Blocks {
		if b.Kind == domain.BlockOptional {
			if optional == fw.Framework.Composition.Optional {
				continue
			}
			optional++
		}
		blocks = append(blocks, b.Code)
	}
	actionID := "action-" + strings.ToLower(strings.ReplaceAll(title, " ", "-"))
	var enrolments []string
	err = w.Service.Store().Write(ctx, func(q store.Q) error {
		return q.CreateAction(ctx, store.Action{ID: actionID, TrainingOrganisationID: orgID, QualificationID: fw.QualificationID,
			Route: domain.RouteFormation, Title: title, StartsOn: domain.NewDate(2026, 9, 1), EndsOn: domain.NewDate(2027, 2, 26),
			Status: "declared", CreatedAt: servicetest.Clock})
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		c, err := w.Service.CreateCandidate(ctx, sys, service.CandidateInput{Candidate: domain.Candidate{BirthName: name, FirstNames: "Camille",
			BirthDate: domain.NewDate(1998, 6, 1), Sex: domain.SexFemale, BirthINSEE: "75056", BirthCity: "Paris"}})
		if err != nil {
			t.Fatal(err)
		}
		id := "enrolment-" + c.ID
		err = w.Service.Store().Write(ctx, func(q store.Q) error {
			return q.CreateEnrolmentRecord(ctx, store.EnrolmentRecord{ActionID: actionID, Enrolment: domain.Enrolment{ID: id, CandidateID: c.ID,
				FrameworkID: fw.ID, QualificationID: fw.QualificationID, Route: domain.RouteFormation, Public: domain.PublicRecentGraduate,
				Status: domain.StatusInTraining, TrainingOrganisationID: orgID, Blocks: blocks, CreatedAt: servicetest.Clock, UpdatedAt: servicetest.Clock}}, "")
		})
		if err != nil {
			t.Fatal(err)
		}
		enrolments = append(enrolments, id)
	}
	return actionID, enrolments
}

func TestGroupMarks(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		w := servicetest.New(t, st)
		svc := w.Service
		orgA := w.Actor(t, w.Accounts[domain.RoleTrainingOrganisation])
		secretariat := w.Actor(t, w.Accounts[domain.RoleSecretariat])
		action, es := seedAction(t, w, w.OrgA, "CC Paris", "Roux", "Bernard", "Dupont")
		bernard, dupont, roux := es[1], es[2], es[0]
		record := func(marks map[string]string) (int, error) {
			return svc.RecordGroupMarks(ctx, orgA, action, service.GroupMarksInput{BlockCode: "BC1", Label: "Étude de cas n° 1", On: "24/11/2026", Marks: marks})
		}
		saved := func(id string) map[string]domain.Mark {
			m, err := svc.ContinuousMarks(ctx, secretariat, id)
			if err != nil {
				t.Fatal(err)
			}
			return m
		}

		t.Run("the screen lists the action's blocks, then its candidates by name for the chosen block", func(t *testing.T) {
			g, err := svc.GroupMarks(ctx, orgA, action, "")
			if err != nil || len(g.Blocks) != 7 || g.Blocks[0].Code != "BC1" || len(g.Rows) != 0 {
				t.Fatalf("blocks %+v %v", g, err)
			}
			g, err = svc.GroupMarks(ctx, orgA, action, "BC1")
			if err != nil || len(g.Rows) != 3 || g.Rows[0].EnrolmentID != bernard || g.Rows[2].EnrolmentID != roux || !g.Rows[0].Markable() || g.Minimum != 1000 {
				t.Fatalf("rows %+v %v", g.Rows, err)
			}
			if _, err := svc.GroupMarks(ctx, orgA, action, "OPT3"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("a block nobody presents: %v", err)
			}
		})

		t.Run("one wrong mark refuses the whole group, naming the block and the candidate, and saves nothing", func(t *testing.T) {
			for _, bad := range []string{"21", "douze"} {
				_, err := record(map[string]string{bernard: "12,5", dupont: bad, roux: "9"})
				msg := fieldOf(err, service.GroupMarkField(dupont))
				if domain.ErrorCode(err) != domain.EINVALID || !strings.Contains(msg, "Bloc BC1 — DUPONT Camille") || !strings.Contains(msg, bad) {
					t.Fatalf("mark %q: got %v (%q)", bad, err, msg)
				}
				for _, id := range es {
					if len(saved(id)) != 0 {
						t.Fatalf("mark %q: a refused group saved marks", bad)
					}
				}
			}
		})

		t.Run("an empty form, or a missing label, is refused", func(t *testing.T) {
			if _, err := record(map[string]string{bernard: " ", dupont: ""}); fieldOf(err, "marks") == "" {
				t.Fatalf("empty: %v", err)
			}
			_, err := svc.RecordGroupMarks(ctx, orgA, action, service.GroupMarksInput{BlockCode: "BC1", On: "24/11/2026", Marks: map[string]string{bernard: "12"}})
			if fieldOf(err, "label") == "" {
				t.Fatalf("no label: %v", err)
			}
			_, err = svc.RecordGroupMarks(ctx, orgA, action, service.GroupMarksInput{BlockCode: "", Label: "x", On: "24/11/2026", Marks: map[string]string{bernard: "12"}})
			if fieldOf(err, "block") == "" {
				t.Fatalf("no block: %v", err)
			}
		})

		t.Run("a clean group is recorded in one go, an absent candidate left out", func(t *testing.T) {
			n, err := record(map[string]string{bernard: "12,5", dupont: "9.75", roux: ""})
			if err != nil || n != 2 {
				t.Fatalf("%d marks, %v", n, err)
			}
			if saved(bernard)["BC1"] != 1250 || saved(dupont)["BC1"] != 975 || len(saved(roux)) != 0 {
				t.Fatal("marks not saved as typed")
			}
			g, _ := svc.GroupMarks(ctx, orgA, action, "BC1")
			if !g.Rows[0].Admitted || g.Rows[1].Admitted || g.Rows[1].Mean != 975 {
				t.Fatalf("rows %+v", g.Rows)
			}
			entries, _, err := svc.Audit(ctx, secretariat, store.AuditFilter{Action: "continuous_mark.create"})
			if err != nil || len(entries) != 2 || !strings.Contains(entries[0].After, action) {
				t.Fatalf("audit %+v %v", entries, err)
			}
		})

		t.Run("a candidate in final evaluation has no input, and a mark for them is refused", func(t *testing.T) {
			c, err := svc.Candidate(ctx, secretariat, strings.TrimPrefix(roux, "enrolment-"))
			if err != nil {
				t.Fatal(err)
			}
			if _, err := svc.SetEnrolmentStatus(ctx, domain.SystemActor("test"), c.ID, roux, domain.StatusFinalEvaluation, "Reprise"); err != nil {
				t.Fatal(err)
			}
			g, _ := svc.GroupMarks(ctx, orgA, action, "BC1")
			if g.Rows[2].Markable() || g.Rows[2].Closed == "" {
				t.Fatalf("row %+v", g.Rows[2])
			}
			if _, err := record(map[string]string{roux: "14"}); !strings.Contains(fieldOf(err, service.GroupMarkField(roux)), "évaluation finale") {
				t.Fatalf("got %v", err)
			}
		})

		t.Run("another organisation does not find the action; a company may not mark", func(t *testing.T) {
			if _, err := svc.GroupMarks(ctx, w.Actor(t, w.OrgBAccount), action, "BC1"); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B: %v", err)
			}
			if _, err := svc.RecordGroupMarks(ctx, w.Actor(t, w.OrgBAccount), action, service.GroupMarksInput{}); domain.ErrorCode(err) != domain.ENOTFOUND {
				t.Fatalf("organisation B records: %v", err)
			}
			if _, err := svc.GroupMarks(ctx, w.Actor(t, w.Accounts[domain.RoleCompany]), action, "BC1"); domain.ErrorCode(err) != domain.EFORBIDDEN {
				t.Fatalf("company: %v", err)
			}
		})
	})
}
